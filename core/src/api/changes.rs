//! The change signal: after each transaction commits, the core tells the app's listener what
//! changed, so the app re-reads the screen it shows (a dispatch a background sync pulled
//! appears on Today at once). It is called on the thread that made the change, after the store
//! is unlocked (the listener may call the core again): hand it to the UI thread and return.

use crate::events::{Changes, Topic};

/// What committed since the app was last told.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ChangeSet {
    pub topics: Vec<Topic>,
    /// The cases touched (ids), for a case's own screen.
    pub case_ids: Vec<String>,
}

impl From<Changes> for ChangeSet {
    fn from(c: Changes) -> ChangeSet {
        ChangeSet {
            topics: c.topics(),
            case_ids: c.cases().iter().map(|id| id.to_string()).collect(),
        }
    }
}

/// A failure inside one of the app's listeners. What the core was doing goes on: a broken
/// screen refresh or progress bar must not stop delivery or undo a commit.
#[derive(Debug, thiserror::Error)]
#[cfg_attr(feature = "ffi", derive(uniffi::Error))]
pub enum ListenerError {
    // Not `message`: in Kotlin that would clash with `Throwable.message`.
    #[error("{reason}")]
    Failed { reason: String },
}

#[cfg(feature = "ffi")]
impl From<uniffi::UnexpectedUniFFICallbackError> for ListenerError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ListenerError::Failed { reason: e.reason }
    }
}

/// The app's change listener (a foreign trait); set it with `FieldCore::set_change_listener`.
/// An exception thrown by the app's implementation arrives as `ListenerError` and is logged.
#[cfg_attr(feature = "ffi", uniffi::export(foreign))]
pub trait ChangeListener: Send + Sync {
    fn changed(&self, changes: ChangeSet) -> Result<(), ListenerError>;
}
