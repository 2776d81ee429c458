//! What the app holds while a sync runs: a listener it implements (progress, on the core's
//! thread: hand it to the UI thread and return quickly) and a handle that cancels the sync.
//!
//! Cancelling stops the sync at its next await with `CoreError::Cancelled`. Dropping the sync's
//! future does the same at the await it stands on (Kotlin's `job.cancel()`; Swift lets the
//! future run to its end, hence the handle). Either is safe: an acknowledgement is kept only
//! after the centre's receipt has been checked, and a blob is marked sent only after the centre
//! confirmed it whole, so the next sync resends what was not proven and the centre, idempotent
//! by (device, seq, hash) and by blob hash, keeps each once.

use std::sync::Arc;

use crate::sync::control::{Cancel, Phase, Stop, Tally};

use super::CoreError;
use super::changes::ListenerError;

/// Where a sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum SyncPhase {
    /// Sending events the centre has not acknowledged, in batches.
    Pushing,
    /// Uploading the blobs (photos, signatures) the events name.
    UploadingBlobs,
    /// Receiving the centre's events for this device.
    Pulling,
    /// Finished; the same figures as the report.
    Done,
}

/// A sync's progress, sent to the listener when a phase starts and after every exchange.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SyncProgress {
    pub phase: SyncPhase,
    /// Events sent so far (a resent event the centre already held counts again).
    pub events_pushed: u64,
    /// `events_pushed` plus what the centre has not acknowledged yet: grows if the sync itself
    /// records an event (a better time anchor).
    pub events_to_push: u64,
    /// Blobs the centre confirmed whole during this sync.
    pub blobs_sent: u32,
    /// Blobs the centre had not confirmed when the upload phase started.
    pub blobs_to_send: u32,
    pub bytes_sent: u64,
    pub server_events_applied: u64,
}

/// The app's progress listener (a foreign trait). An exception thrown by the app's
/// implementation arrives as `ListenerError` and is logged; it never fails the sync.
#[cfg_attr(feature = "ffi", uniffi::export(foreign))]
pub trait SyncListener: Send + Sync {
    fn progress(&self, progress: SyncProgress) -> Result<(), ListenerError>;
}

/// Cancels a running sync: pass it to `FieldCore::sync`, call `cancel()` from any thread. Once
/// cancelled it stays cancelled (a sync given it stops at once): make one per sync.
#[derive(Debug)]
#[cfg_attr(feature = "ffi", derive(uniffi::Object))]
pub struct SyncHandle {
    cancel: Cancel,
}

#[cfg_attr(feature = "ffi", uniffi::export)]
impl SyncHandle {
    #[uniffi::constructor]
    pub fn new() -> Arc<SyncHandle> {
        Arc::new(SyncHandle {
            cancel: Cancel::default(),
        })
    }

    /// Stops the sync at its next await with `CoreError::Cancelled`. Nothing the centre has
    /// not proven receiving is marked sent; the next sync resumes.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}

impl SyncHandle {
    /// What the sync engine heeds.
    pub(crate) fn token(&self) -> &Cancel {
        &self.cancel
    }
}

impl From<Phase> for SyncPhase {
    fn from(phase: Phase) -> Self {
        match phase {
            Phase::Pushing => SyncPhase::Pushing,
            Phase::UploadingBlobs => SyncPhase::UploadingBlobs,
            Phase::Pulling => SyncPhase::Pulling,
            Phase::Done => SyncPhase::Done,
        }
    }
}

impl SyncProgress {
    pub(crate) fn of(phase: Phase, t: &Tally) -> SyncProgress {
        SyncProgress {
            phase: phase.into(),
            events_pushed: t.events_pushed,
            events_to_push: t.events_to_push,
            blobs_sent: t.blobs_sent,
            blobs_to_send: t.blobs_to_send,
            bytes_sent: t.bytes_sent,
            server_events_applied: t.server_events_applied,
        }
    }
}

impl From<Stop> for CoreError {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::Cancelled => CoreError::Cancelled,
            Stop::Failed(e) => e.into(),
        }
    }
}

/// Sends progress to the app's listener, if any; its failures are logged, not raised.
pub(crate) fn report(listener: Option<&Arc<dyn SyncListener>>, progress: SyncProgress) {
    if let Some(listener) = listener
        && let Err(e) = listener.progress(progress)
    {
        tracing::warn!(error = %e, "sync: the app's progress listener failed");
    }
}
