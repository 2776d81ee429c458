//! The one error the apps see. Each variant is something an app can act on; internal errors
//! are mapped here, in one place. No field is called `message`: in Kotlin it would clash with
//! `Throwable.message`.

use crate::error::Error;
use crate::sync::client::SyncError;

#[derive(Debug, thiserror::Error)]
#[cfg_attr(feature = "ffi", derive(uniffi::Error))]
pub enum CoreError {
    /// Input was refused; `field` names it as the API does (snake_case), `reason` says why.
    #[error("{field}: {reason}")]
    InvalidInput { field: String, reason: String },

    #[error("no {what} {id}")]
    NotFound { what: String, id: String },

    /// Sign an officer in first: every event names its actor.
    #[error("no officer is signed in on this device")]
    NotSignedIn,

    /// The case's state does not allow the step; `state` is its current state (as
    /// `CaseState` spells it), `step` the refused step.
    #[error("{reason}")]
    WrongState {
        state: String,
        step: String,
        reason: String,
    },

    /// The directory cannot be created, read or written.
    #[error("the store at {path} cannot be used: {reason}")]
    StoreUnavailable { path: String, reason: String },

    /// The store file is not a Redshield database; it was left untouched.
    #[error("{path} is not a Redshield store: {reason}")]
    NotAStore { path: String, reason: String },

    /// The store was written by a newer app; it was left untouched. Update the app.
    #[error(
        "the store has schema version {found}; this app supports up to {supported}: update the app"
    )]
    StoreTooNew { found: u64, supported: u64 },

    /// Stored events cannot be read back as they were signed.
    #[error("event log damaged at seq {seq}: {reason}")]
    CorruptLog { seq: u64, reason: String },

    /// A table derived from the log (`table`) holds what this app cannot read; the log is
    /// intact. `rebuild_projections` makes the table again from the log.
    #[error("projection {table} damaged: {reason}")]
    DamagedProjection { table: String, reason: String },

    /// A record this device keeps beside its log (`what`: "device identity", "sync state",
    /// "vault" — the sealed personal data) cannot be read; the log is not at fault, and no
    /// rebuild makes the record again. Report it with the log.
    #[error("{what} damaged: {reason}")]
    DamagedRecord { what: String, reason: String },

    /// The centre gave the case to device `owner`: this device takes no more work on it (its
    /// personal data can still be purged).
    #[error("the centre assigned this case to device {owner}: it is theirs now")]
    CaseHandedOver { owner: String },

    /// No calendar data covers this date's year: the centre sends each year's holidays
    /// (`load_calendar_year`). Deadlines are still computed, marked provisional.
    #[error("no calendar data for {date}: load the holidays of {year}")]
    NoCalendarData { date: String, year: i32 },

    /// A file the app named cannot be read or written (missing, too large, no permission).
    #[error("{path}: {reason}")]
    FileUnavailable { path: String, reason: String },

    /// The app's `Platform` (keystore, clock) failed.
    #[error("platform: {reason}")]
    Platform { reason: String },

    /// SQLite failed (disk full, I/O error).
    #[error("storage: {reason}")]
    Storage { reason: String },

    /// A bug in the core. Please report it with the log.
    #[error("internal: {reason}")]
    Internal { reason: String },

    /// The centre refused: `code` is the protocol's (`update_app`: update the app;
    /// `unauthorized`: enrol again; `bad_request`, `too_large`, …).
    #[error("the centre refused ({code}): {reason}")]
    SyncRefused { code: String, reason: String },

    /// Nothing proves the centre received it (no network, a captive portal, a cut answer):
    /// try again later; nothing is lost.
    #[error("not delivered: {reason}")]
    NotDelivered { reason: String },

    #[error("not enrolled with a centre")]
    NotEnrolled,

    /// The centre holds another event at `seq` than this device: the store was restored or
    /// cloned. The centre has it flagged; nothing is overwritten.
    #[error("fork at seq {seq}: {reason}")]
    SyncConflict { seq: u64, reason: String },

    /// The sync was cancelled through its `SyncHandle`. Nothing the centre has not proven
    /// receiving is marked sent: the next sync resumes without loss or duplication.
    #[error("the sync was cancelled")]
    Cancelled,
}

impl From<Error> for CoreError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid { field, reason, .. } => CoreError::InvalidInput { field, reason },
            Error::NotFound { what, id } => CoreError::NotFound {
                what: what.to_string(),
                id,
            },
            Error::NotSignedIn => CoreError::NotSignedIn,
            e @ Error::WrongState { state, step, .. } => CoreError::WrongState {
                state: state.to_string(),
                step: step.to_string(),
                reason: e.to_string(),
            },
            Error::StoreUnavailable { path, reason } => CoreError::StoreUnavailable {
                path: path.display().to_string(),
                reason,
            },
            Error::NotAStore { path, reason } => CoreError::NotAStore {
                path: path.display().to_string(),
                reason,
            },
            Error::StoreTooNew { found, supported } => CoreError::StoreTooNew {
                found: found as u64,
                supported: supported as u64,
            },
            Error::Corrupt { seq, reason } => CoreError::CorruptLog { seq, reason },
            Error::DamagedProjection { table, reason } => CoreError::DamagedProjection {
                table: table.to_string(),
                reason,
            },
            Error::DamagedRecord { what, reason } => CoreError::DamagedRecord {
                what: what.to_string(),
                reason,
            },
            Error::CaseHandedOver { owner } => CoreError::CaseHandedOver { owner },
            Error::NoCalendar { date } => CoreError::NoCalendarData {
                date: date.to_string(),
                year: chrono::Datelike::year(&date),
            },
            Error::File { path, reason } => CoreError::FileUnavailable {
                path: path.display().to_string(),
                reason,
            },
            Error::Platform(reason) => CoreError::Platform { reason },
            e @ (Error::Sqlite(_) | Error::Migration(_)) => CoreError::Storage {
                reason: e.to_string(),
            },
            Error::Sync(SyncError::Refused { code, message }) => CoreError::SyncRefused {
                code: code.as_str().to_string(),
                reason: message,
            },
            Error::Sync(SyncError::NotDelivered(reason)) => CoreError::NotDelivered { reason },
            Error::Sync(SyncError::Setup(reason)) => CoreError::InvalidInput {
                field: "server".into(),
                reason,
            },
            Error::NotEnrolled => CoreError::NotEnrolled,
            Error::SyncConflict { seq, reason } => CoreError::SyncConflict { seq, reason },
            e @ Error::Encoding(_) => CoreError::Internal {
                reason: e.to_string(),
            },
        }
    }
}
