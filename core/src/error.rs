//! The core's internal error. Domain modules return it; `api::CoreError` maps it, in one place,
//! to the small set of cases an app can act on.

use std::path::PathBuf;

use crate::cases::{CaseKind, CaseState};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input the officer or the app gave is not acceptable. `field` names it as the API does.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },

    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },

    #[error("no officer is signed in on this device")]
    NotSignedIn,

    /// A workflow step the case's state does not allow.
    #[error("a {kind} in state {state} cannot take the step {step}")]
    WrongState {
        kind: CaseKind,
        state: CaseState,
        step: &'static str,
    },

    #[error("the store at {path} cannot be used: {reason}")]
    StoreUnavailable { path: PathBuf, reason: String },

    #[error("{path} is not a Redshield store: {reason}")]
    NotAStore { path: PathBuf, reason: String },

    #[error(
        "the store has schema version {found}, newer than this app supports ({supported}); update the app"
    )]
    StoreTooNew { found: usize, supported: usize },

    /// A stored event or row that cannot be read back as written: the log is damaged.
    #[error("event log damaged at seq {seq}: {reason}")]
    Corrupt { seq: u64, reason: String },

    /// A date no calendar data covers: never guessed.
    #[error("no calendar data for {date} ({year}): load that year's holidays", year = date.format("%Y"))]
    NoCalendar { date: chrono::NaiveDate },

    /// A file the caller named cannot be read or written.
    #[error("{path}: {reason}")]
    File { path: PathBuf, reason: String },

    #[error("platform: {0}")]
    Platform(String),

    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("schema migration: {0}")]
    Migration(String),

    #[error("encoding: {0}")]
    Encoding(String),

    /// Sync with the centre did not deliver, or the centre refused.
    #[error(transparent)]
    Sync(#[from] crate::sync::client::SyncError),

    #[error("this device is not enrolled with a centre: enrol it with a code from the centre")]
    NotEnrolled,

    /// The centre's answer contradicts the device's own log: it holds another event at a seq
    /// (this store was restored, or the centre's record is not this device's).
    #[error("the centre holds another event {seq} than this device: {reason}")]
    SyncConflict { seq: u64, reason: String },
}

impl Error {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn file(path: &std::path::Path, reason: impl std::fmt::Display) -> Self {
        Error::File {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }
}
