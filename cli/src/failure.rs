//! How a command fails: its message on stderr (as text, or as `{"error": {...}}` with `--json`)
//! and the exit code scripts branch on: 1 failure, 2 bad input (clap's too), 3 the log or the
//! evidence failed verification (or a sync conflict), 4 not found, 5 the centre refused the
//! sync, 6 not delivered.

use std::fmt::Display;
use std::path::Path;
use std::process::ExitCode;

use redshield_core::api::CoreError;
use serde_json::json;

use crate::output::Output;

/// Why a command could not do its work, and the exit code that says so.
#[derive(Debug)]
pub struct Failure {
    /// What scripts match on: the core error's kind, or `setup`.
    kind: &'static str,
    /// The input at fault, for bad input.
    field: Option<String>,
    message: String,
    code: u8,
}

impl Failure {
    /// Trouble around the core rather than in it: a file, the network, the centre's refusal.
    pub fn setup(message: impl Into<String>) -> Failure {
        Failure {
            kind: "setup",
            field: None,
            message: message.into(),
            code: 1,
        }
    }

    /// A file that could not be read or written: its path and why.
    pub fn file(path: &Path, why: impl Display) -> Failure {
        Failure::setup(format!("{}: {why}", path.display()))
    }

    /// Bad input the CLI itself finds, said as the core says its own.
    pub fn invalid(field: &str, reason: impl Into<String>) -> Failure {
        Failure::from(CoreError::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        })
    }

    #[cfg(test)]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Says what failed on stderr and gives the exit code.
    pub fn report(&self, out: &Output) -> ExitCode {
        if out.json {
            let error = json!({ "kind": self.kind, "field": self.field, "message": self.message });
            eprintln!("{}", json!({ "error": error }));
        } else {
            eprintln!("error: {}", self.message);
        }
        ExitCode::from(self.code)
    }
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Failure {
        let (kind, code) = kind_and_code(&e);
        let field = match &e {
            CoreError::InvalidInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        Failure {
            kind,
            field,
            message: e.to_string(),
            code,
        }
    }
}

fn kind_and_code(e: &CoreError) -> (&'static str, u8) {
    match e {
        CoreError::InvalidInput { .. } => ("invalid_input", 2),
        CoreError::NotFound { .. } => ("not_found", 4),
        CoreError::NotSignedIn => ("not_signed_in", 1),
        CoreError::WrongState { .. } => ("wrong_state", 1),
        CoreError::StoreUnavailable { .. } => ("store_unavailable", 1),
        CoreError::NotAStore { .. } => ("not_a_store", 1),
        CoreError::StoreTooNew { .. } => ("store_too_new", 1),
        CoreError::CorruptLog { .. } => ("corrupt_log", 3),
        CoreError::DamagedProjection { .. } => ("damaged_projection", 3),
        CoreError::DamagedRecord { .. } => ("damaged_record", 3),
        CoreError::CaseHandedOver { .. } => ("case_handed_over", 1),
        CoreError::NoCalendarData { .. } => ("no_calendar_data", 1),
        CoreError::FileUnavailable { .. } => ("file_unavailable", 1),
        CoreError::Platform { .. } => ("platform", 1),
        CoreError::Storage { .. } => ("storage", 1),
        CoreError::Internal { .. } => ("internal", 1),
        CoreError::SyncRefused { .. } => ("sync_refused", 5),
        CoreError::NotDelivered { .. } => ("not_delivered", 6),
        CoreError::NotEnrolled => ("not_enrolled", 1),
        CoreError::SyncConflict { .. } => ("sync_conflict", 3),
        CoreError::Cancelled => ("cancelled", 1),
    }
}
