//! The core's internal error. Domain modules return it; `api::CoreError` maps it, in one place,
//! to the small set of cases an app can act on.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input the officer or the app gave is not acceptable. `field` names it as the API does;
    /// `reason` says why for the CLI and the logs; `zh`, where the check words it, says it to
    /// the officer under the field on screen (the screen models show it).
    #[error("{field}: {reason}")]
    Invalid {
        field: String,
        reason: String,
        zh: Option<String>,
    },

    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },

    #[error("no officer is signed in on this device")]
    NotSignedIn,

    /// A projection table holds what this code cannot read: the log is intact, and a rebuild
    /// of the projections (`Device::rebuild_projections`) is the cure.
    #[error("projection {table} damaged: {reason}")]
    DamagedProjection { table: &'static str, reason: String },

    /// A row this device keeps outside the log and its projections (`what`: its identity, its
    /// sync state, a personal-data row) cannot be read: no rebuild makes it again.
    #[error("{what} damaged: {reason}")]
    DamagedRecord { what: &'static str, reason: String },

    /// The centre gave the case to another device: it takes no more work here.
    #[error("the centre assigned this case to device {owner}: it is theirs now")]
    CaseHandedOver { owner: String },

    /// A workflow step the case's state does not allow.
    #[error("a {kind} in state {state} cannot take the step {step}")]
    WrongState {
        /// The case kind's and state's wire names.
        kind: &'static str,
        state: &'static str,
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
    Sync(#[from] SyncError),

    #[error("this device is not enrolled with a centre: enrol it with a code from the centre")]
    NotEnrolled,

    /// The centre's answer contradicts the device's own log: it holds another event at a seq
    /// (this store was restored, or the centre's record is not this device's).
    #[error("the centre holds another event {seq} than this device: {reason}")]
    SyncConflict { seq: u64, reason: String },
}

impl Error {
    /// A row of projection `table` this code cannot read.
    pub fn damaged(table: &'static str, reason: impl Into<String>) -> Self {
        Error::DamagedProjection {
            table,
            reason: reason.into(),
        }
    }

    /// A row of `what`, kept outside the log and its projections, this code cannot read.
    pub fn damaged_record(what: &'static str, reason: impl Into<String>) -> Self {
        Error::DamagedRecord {
            what,
            reason: reason.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            reason: reason.into(),
            zh: None,
        }
    }

    /// As `invalid`, with the reason as the officer reads it on screen.
    pub fn invalid_zh(
        field: impl Into<String>,
        reason: impl Into<String>,
        zh: impl Into<String>,
    ) -> Self {
        Error::Invalid {
            field: field.into(),
            reason: reason.into(),
            zh: Some(zh.into()),
        }
    }

    pub fn file(path: &std::path::Path, reason: impl std::fmt::Display) -> Self {
        Error::File {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }
}

/// Why a request did not deliver.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The centre answered and refused, with its reason.
    #[error("the centre refused: {message} ({code})")]
    Refused { code: RefusalCode, message: String },
    /// No answer from the centre that proves anything: network down, timeout, or a body that
    /// is not the protocol (a captive portal, a proxy page, a cut connection).
    #[error("not delivered: {0}")]
    NotDelivered(String),
    /// The client could not be set up (a bad CA file, a bad URL).
    #[error("sync setup: {0}")]
    Setup(String),
}

crate::wire_enum::wire_enum! {
    pub enum RefusalCode {
        /// The app is older than the server serves: update it.
        UpdateApp = "update_app",
        /// The app speaks a newer protocol than the centre serves: the centre must be
        /// updated first (the app is not at fault, and retrying will not help).
        UpdateCentre = "update_centre",
        /// No valid token, or a token of another device.
        Unauthorized = "unauthorized",
        Forbidden = "forbidden",
        /// The enrolment code is unknown, used or expired.
        BadCode = "bad_code",
        /// The request is malformed or breaks the protocol (a gap, a broken chain, a bad
        /// signature): nothing of it was stored.
        BadRequest = "bad_request",
        TooLarge = "too_large",
        NotFound = "not_found",
        Unavailable = "unavailable",
        /// Enrolment: another device already holds this public key or case-number prefix.
        AlreadyEnrolled = "already_enrolled",
        /// Too many failed attempts from this address: wait as `Retry-After` says.
        TooManyRequests = "too_many_requests",
    }
}

/// `RefusalCode` as an OpenAPI string enum of its wire names.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for RefusalCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(RefusalCode::ALL.iter().map(|c| c.as_str())))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for RefusalCode {}
