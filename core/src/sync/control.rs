//! What a sync run tells and heeds while it runs: where it stands (`Phase`, `Tally`) and
//! whether it was asked to stop (`Cancel`). Plain Rust: the facade turns them into what the
//! apps see (`api::SyncProgress`, `api::SyncHandle`).

use std::future::Future;

use tokio::sync::watch;

use crate::error::Error;

/// Where a sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Sending events the centre has not acknowledged, in batches.
    Pushing,
    /// Uploading the blobs (photos, signatures) the events name.
    UploadingBlobs,
    /// Receiving the centre's events for this device.
    Pulling,
    /// Finished.
    Done,
}

/// A run's figures so far: what the progress listener hears and the report ends with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Events sent (a resent event the centre already held counts again).
    pub events_pushed: u64,
    /// `events_pushed` plus what the centre has not acknowledged yet: grows if the run itself
    /// records an event (a better time anchor).
    pub events_to_push: u64,
    /// The last seq the centre acknowledges holding.
    pub acked_seq: u64,
    /// Events the centre stored but flagged as conflicts.
    pub conflicts_flagged: u32,
    /// Blobs the centre confirmed whole during this run.
    pub blobs_sent: u32,
    /// Blobs the centre had not confirmed when the upload phase started.
    pub blobs_to_send: u32,
    /// Blobs fetched from the centre.
    pub blobs_received: u32,
    pub server_events_applied: u64,
    pub requests: u32,
    pub bytes_sent: u64,
}

/// Why a run stopped short.
#[derive(Debug)]
pub enum Stop {
    /// Asked to, through its `Cancel`.
    Cancelled,
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Failed(e)
    }
}

/// Stops a run at its next exchange with the centre. Once cancelled it stays cancelled.
#[derive(Debug)]
pub struct Cancel {
    cancelled: watch::Sender<bool>,
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel {
            cancelled: watch::Sender::new(false),
        }
    }
}

impl Cancel {
    pub fn cancel(&self) {
        self.cancelled.send_replace(true);
    }

    pub fn is_cancelled(&self) -> bool {
        *self.cancelled.borrow()
    }

    /// Completes once `cancel` has been called (at once if it was already).
    async fn cancelled(&self) {
        let mut seen = self.cancelled.subscribe();
        // The sender lives in `self`, which outlives this wait: `wait_for` cannot fail.
        let _ = seen.wait_for(|cancelled| *cancelled).await;
    }

    /// Runs `step` unless cancelled first: then `step` is dropped where it stands and the
    /// answer is `Stop::Cancelled`. Checked before `step` is polled, so a run cancelled
    /// between two exchanges stops at the next.
    pub async fn run<T>(
        cancel: Option<&Cancel>,
        step: impl Future<Output = Result<T, Stop>>,
    ) -> Result<T, Stop> {
        match cancel {
            None => step.await,
            Some(cancel) => {
                tokio::select! {
                    biased;
                    () = cancel.cancelled() => Err(Stop::Cancelled),
                    done = step => done,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn a_cancel_stops_a_step_that_would_never_finish() {
        let cancel = Arc::new(Cancel::default());
        assert!(!cancel.is_cancelled());
        // Not cancelled: the step's own answer.
        let done = Cancel::run(Some(&cancel), async { Ok::<_, Stop>(7) }).await;
        assert_eq!(done.unwrap(), 7);
        let waiting = {
            let cancel = cancel.clone();
            tokio::spawn(async move {
                Cancel::run(Some(&cancel), std::future::pending::<Result<(), _>>()).await
            })
        };
        cancel.cancel();
        assert!(matches!(waiting.await.unwrap(), Err(Stop::Cancelled)));
        // Cancelled stays cancelled: even a step that is ready is not run.
        let again = Cancel::run(Some(&cancel), async { Ok::<_, Stop>(7) }).await;
        assert!(matches!(again, Err(Stop::Cancelled)));
        assert!(cancel.is_cancelled());
    }
}
