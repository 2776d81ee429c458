//! Sync with the centre from the app: enrol once with a code, then sync whenever the network
//! allows. Async (the app awaits them off its main thread). The work is the sync engine's
//! (`sync::engine`); here are the calls, records and errors the apps see.

use std::ops::DerefMut;
use std::sync::Arc;
use std::time::Duration;

use crate::device::Device;
use crate::sync::control::{Phase, Tally};
use crate::sync::engine::{self, Locked, Outcome};

use super::sync_control::{SyncHandle, SyncListener, SyncProgress, report};
use super::{ApiResult, FieldCore};

/// What a sync did.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SyncReport {
    /// Events sent (a resent event the centre already held counts again).
    pub events_pushed: u64,
    /// The last seq the centre acknowledges holding.
    pub acked_seq: u64,
    /// Decisions of the centre received, checked and applied.
    pub server_events_applied: u64,
    /// Events of this device the centre stored but flagged as conflicts: their case was
    /// reassigned or closed by the centre meanwhile. The centre resolves them; the app may
    /// tell the officer.
    pub conflicts_flagged: u32,
    /// Blobs the centre now holds whole that it did not before this sync.
    pub blobs_sent: u32,
    /// Blobs fetched from the centre: the display copies, thumbnails and signature images of
    /// a case handed over to this device (from the sync after the one that brought the case).
    pub blobs_received: u32,
    pub requests: u32,
    pub bytes_sent: u64,
    pub duration_ms: u64,
    /// Trusted time minus the phone's wall clock after this sync (ms; positive: the phone is
    /// slow), from the best server time sample (round-trip midpoint) or GNSS anchor in force;
    /// 0 when nothing anchors trusted time.
    pub time_offset_ms: i64,
    /// How far trusted time may be off (half the anchoring round trip plus drift); `None`:
    /// no anchor, the wall clock is taken as it is.
    pub time_uncertainty_ms: Option<u64>,
}

#[cfg_attr(feature = "ffi", uniffi::export(async_runtime = "tokio"))]
impl FieldCore {
    /// Enrols this device with the centre at `server` (`https://…`) using a one-time code
    /// issued there; `centre_ca_pem` is the centre's CA certificate when it is not in the web
    /// PKI. Pins the centre's key; the token is kept wrapped by the keystore. Nothing is saved
    /// unless the centre answered (a TLS failure leaves the device not enrolled).
    pub async fn enrol(
        self: Arc<Self>,
        server: String,
        code: String,
        centre_ca_pem: Option<Vec<u8>>,
    ) -> ApiResult<()> {
        let version = env!("CARGO_PKG_VERSION");
        Ok(engine::enrol(&self, server, code, centre_ca_pem, version).await?)
    }

    /// Pushes every event the centre has not acknowledged, in batches, each checked against
    /// the centre's receipt; uploads the blobs they name (photos, signatures) that the centre
    /// does not hold whole, resuming where an upload stopped; then pulls the centre's events
    /// for this device, checks them against the pinned key and applies them in order. The
    /// server's time feeds trusted time.
    ///
    /// `listener` hears the progress (at each phase's start, after each exchange, and `Done`
    /// last). `handle.cancel()` stops the sync at its next await with `Cancelled`; dropping the
    /// future (Kotlin's `job.cancel()`) stops it where it stands. Both are safe: the next sync
    /// resumes without loss or duplication.
    pub async fn sync(
        self: Arc<Self>,
        listener: Option<Arc<dyn SyncListener>>,
        handle: Option<Arc<SyncHandle>>,
    ) -> ApiResult<SyncReport> {
        Ok(self.sync_measured(listener, handle).await?.report)
    }
}

/// A sync's report with what the apps' record leaves out: the timings the load simulator
/// (`redshield sim`) reports. Not exported: the phones need none of it.
#[derive(Debug, Clone)]
pub struct MeasuredSync {
    pub report: SyncReport,
    /// Each push request's latency: from handing the batch to the client until the centre's
    /// receipt has arrived and been read (retries included).
    pub push_latencies: Vec<Duration>,
    /// The device's head seq when the sync ended: above `report.acked_seq` when the sync
    /// itself recorded events after its push (a better time anchor, the centre's events
    /// applied), which the next sync sends.
    pub head_seq: u64,
}

impl FieldCore {
    /// `sync`, with the push latencies and the head at the end.
    pub async fn sync_measured(
        self: Arc<Self>,
        listener: Option<Arc<dyn SyncListener>>,
        handle: Option<Arc<SyncHandle>>,
    ) -> ApiResult<MeasuredSync> {
        let tell =
            |phase: Phase, tally: &Tally| report(listener.as_ref(), SyncProgress::of(phase, tally));
        let cancel = handle.as_deref().map(SyncHandle::token);
        let outcome = engine::run(&self, &tell, cancel).await?;
        Ok(MeasuredSync {
            report: SyncReport::from(&outcome),
            push_latencies: outcome.push_latencies,
            head_seq: outcome.head_seq,
        })
    }
}

/// The engine reaches the device through the lock every other call of the app takes.
impl Locked for FieldCore {
    type Device = Device;

    fn lock(&self) -> impl DerefMut<Target = Device> + '_ {
        self.device()
    }
}

impl From<&Outcome> for SyncReport {
    fn from(o: &Outcome) -> Self {
        let t = &o.tally;
        SyncReport {
            events_pushed: t.events_pushed,
            acked_seq: t.acked_seq,
            server_events_applied: t.server_events_applied,
            conflicts_flagged: t.conflicts_flagged,
            blobs_sent: t.blobs_sent,
            blobs_received: t.blobs_received,
            requests: t.requests,
            bytes_sent: t.bytes_sent,
            duration_ms: o.duration.as_millis() as u64,
            time_offset_ms: o.time.offset_ms,
            time_uncertainty_ms: o.time.uncertainty_ms,
        }
    }
}
