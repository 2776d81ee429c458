//! Sync with the centre from the app: enrol once with a code, then sync whenever the network
//! allows. Async (the app awaits them off its main thread); the store's lock is held only
//! between network calls, and every await is a safe place to stop: an acknowledgement is kept
//! only after the centre's receipt has been checked, so a sync cancelled anywhere is resumed
//! by the next one without loss or duplication.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::device::Device;
use crate::events::Digest;
use crate::protocol::{BLOB_CHUNK_BYTES, MAX_EVENTS_PER_PUSH, Push};
use crate::sync::client::{Client, SyncError};

use super::sync_control::{SyncHandle, SyncListener, SyncPhase, SyncProgress, report};
use super::{ApiResult, CoreError, FieldCore};

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
        let request = self
            .device()
            .enrolment_request(&code, env!("CARGO_PKG_VERSION"));
        let client = Client::new(&server, centre_ca_pem.as_deref()).map_err(crate::Error::from)?;
        let sent = self.device().monotonic_ms();
        let enrolled = client.enrol(&request).await.map_err(crate::Error::from)?;
        let mut device = self.device();
        let received = device.monotonic_ms();
        device.save_enrolment(&server, centre_ca_pem, &enrolled)?;
        sample_time(&mut device, sent, received, enrolled.server_time_ms)?;
        Ok(())
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
        let started = Instant::now();
        let session = self.device().sync_session()?;
        let client = Client::new(&session.server, session.centre_ca.as_deref())
            .map_err(crate::Error::from)?;
        let device_id = self.device().device_id();
        let mut run = Run {
            listener: listener.as_ref(),
            handle: handle.as_deref(),
            report: SyncReport {
                events_pushed: 0,
                acked_seq: session.acked_seq,
                server_events_applied: 0,
                blobs_sent: 0,
                blobs_received: 0,
                requests: 0,
                bytes_sent: 0,
                duration_ms: 0,
                time_offset_ms: 0,
                time_uncertainty_ms: None,
                conflicts_flagged: 0,
            },
            events_to_push: 0,
            blobs_to_send: 0,
        };
        run.count_unacked(&self.device());
        run.tell(SyncPhase::Pushing);
        let mut push_latencies = Vec::new();
        loop {
            let (events, vault) = self
                .device()
                .outbox(run.report.acked_seq, MAX_EVENTS_PER_PUSH)?;
            if events.is_empty() {
                break;
            }
            let count = events.len() as u64;
            let push = Push { events, vault };
            run.report.bytes_sent += serde_json::to_vec(&push).map_or(0, |b| b.len() as u64);
            let sent = self.device().monotonic_ms();
            let push_started = Instant::now();
            // Stopped here (cancelled, or the future dropped), the centre may hold the batch
            // without this device knowing: the next sync sends it again, and the centre keeps
            // each event once by (device, seq, hash).
            let receipt = run
                .step(client.push(device_id, &session.token, &push))
                .await?;
            push_latencies.push(push_started.elapsed());
            run.report.requests += 1;
            let mut device = self.device();
            let received = device.monotonic_ms();
            device.accept_receipt(&receipt)?;
            sample_time(&mut device, sent, received, receipt.server_time_ms)?;
            run.report.events_pushed += count;
            run.report.conflicts_flagged += receipt.conflicts.len() as u32;
            // The centre took nothing new: stop rather than send the same batch forever. (An
            // acknowledgement below ours — a centre restored from backup — is followed: the
            // next batch starts there.)
            let moved = receipt.acked_seq != run.report.acked_seq;
            run.report.acked_seq = receipt.acked_seq;
            run.count_unacked(&device);
            drop(device);
            run.tell(SyncPhase::Pushing);
            if !moved {
                break;
            }
        }
        let unsent = self.device().unsent_blobs()?;
        run.blobs_to_send = unsent.len().try_into().unwrap_or(u32::MAX);
        if !unsent.is_empty() {
            run.tell(SyncPhase::UploadingBlobs);
        }
        for (sha256, path) in unsent {
            upload(&client, &session.token, &sha256, &path, &mut run).await?;
            // Only now: a blob whose upload was stopped is asked about (HEAD) and resumed.
            self.device().blob_confirmed(&sha256)?;
            run.report.blobs_sent += 1;
            run.tell(SyncPhase::UploadingBlobs);
        }
        run.tell(SyncPhase::Pulling);
        let mut cursor = session.pull_cursor;
        loop {
            let sent = self.device().monotonic_ms();
            let answer = run
                .step(client.pull(device_id, &session.token, cursor))
                .await?;
            run.report.requests += 1;
            let mut device = self.device();
            let received = device.monotonic_ms();
            sample_time(&mut device, sent, received, answer.server_time_ms)?;
            let Some(last) = answer.events.last().map(|e| e.server_seq) else {
                break;
            };
            // Each applied with the cursor moved in the same transaction: stopped later, the
            // next pull starts after the last one applied.
            run.report.server_events_applied +=
                device.apply_server_events(&session.centre_key, &answer.events)?;
            drop(device);
            run.tell(SyncPhase::Pulling);
            if last <= cursor {
                break;
            }
            cursor = last;
        }
        fetch_wanted(&self, &client, &session.token, &mut run).await?;
        let time = self.device().trusted_time()?;
        run.report.time_offset_ms = time.offset_ms;
        run.report.time_uncertainty_ms = time.uncertainty_ms;
        run.report.duration_ms = started.elapsed().as_millis() as u64;
        run.tell(SyncPhase::Done);
        Ok(MeasuredSync {
            report: run.report,
            push_latencies,
            head_seq: self.device().head().seq,
        })
    }
}

/// A sync under way: its report so far, and the app's listener and cancel handle.
struct Run<'a> {
    listener: Option<&'a Arc<dyn SyncListener>>,
    handle: Option<&'a SyncHandle>,
    report: SyncReport,
    events_to_push: u64,
    blobs_to_send: u32,
}

impl Run<'_> {
    /// One exchange with the centre, stopped with `Cancelled` if the handle is cancelled
    /// before or while it runs.
    async fn step<T>(&self, exchange: impl Future<Output = Result<T, SyncError>>) -> ApiResult<T> {
        SyncHandle::run(self.handle, async {
            exchange
                .await
                .map_err(|e| CoreError::from(crate::Error::from(e)))
        })
        .await
    }

    /// What is left to push: the events after the centre's acknowledgement.
    fn count_unacked(&mut self, device: &Device) {
        let unacked = device.head().seq.saturating_sub(self.report.acked_seq);
        self.events_to_push = self.report.events_pushed + unacked;
    }

    fn tell(&self, phase: SyncPhase) {
        let r = &self.report;
        report(
            self.listener,
            SyncProgress {
                phase,
                events_pushed: r.events_pushed,
                events_to_push: self.events_to_push,
                blobs_sent: r.blobs_sent,
                blobs_to_send: self.blobs_to_send,
                bytes_sent: r.bytes_sent,
                server_events_applied: r.server_events_applied,
            },
        );
    }
}

/// Feeds a server time sample to trusted time. A sample the round trip makes useless (longer
/// than a minute on a poor network) is left out: it says nothing about the time, and it must
/// not fail a sync whose exchange was proven.
fn sample_time(device: &mut Device, sent: u64, received: u64, server_ms: i64) -> ApiResult<()> {
    match device.record_server_time(sent, received, server_ms) {
        Ok(_) => Ok(()),
        Err(crate::Error::Invalid { reason, .. }) => {
            tracing::info!(%reason, "sync: a server time sample left out");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Fetches the blobs this device's records name and it lacks (`Device::wanted_blobs`). One
/// the centre does not give yet is asked for again at the next sync.
async fn fetch_wanted(
    core: &FieldCore,
    client: &Client,
    token: &str,
    run: &mut Run<'_>,
) -> ApiResult<()> {
    let wanted = core.device().wanted_blobs()?;
    for sha256 in wanted {
        let fetched = run.step(client.get_blob(token, &sha256)).await?;
        run.report.requests += 1;
        if let Some(bytes) = fetched {
            core.device().keep_fetched_blob(&sha256, &bytes)?;
            run.report.blobs_received += 1;
        }
    }
    Ok(())
}

/// Sends a blob from where the centre's copy ends, in chunks, until the centre confirms it
/// whole (verified against its name). A blob the centre already holds is not sent again.
async fn upload(
    client: &Client,
    token: &str,
    sha256: &Digest,
    path: &Path,
    run: &mut Run<'_>,
) -> ApiResult<()> {
    let (mut offset, complete) = run.step(client.blob_held(token, sha256)).await?;
    run.report.requests += 1;
    if complete {
        return Ok(());
    }
    // Read chunk by chunk: a recording may be larger than a phone wants in memory.
    let mut file = std::fs::File::open(path).map_err(|e| crate::Error::file(path, e))?;
    let size = file
        .metadata()
        .map_err(|e| crate::Error::file(path, e))?
        .len();
    let mut turns = size / BLOB_CHUNK_BYTES as u64 + 4;
    loop {
        let offset_now = offset.min(size);
        let chunk =
            read_chunk(&mut file, offset_now, size).map_err(|e| crate::Error::file(path, e))?;
        let last = offset_now + chunk.len() as u64 == size;
        let receipt = run
            .step(client.put_blob_chunk(token, sha256, offset_now, &chunk, last))
            .await?;
        run.report.requests += 1;
        run.report.bytes_sent += chunk.len() as u64;
        if receipt.sha256 != *sha256 {
            return Err(crate::Error::from(SyncError::NotDelivered(format!(
                "a receipt for blob {} when {sha256} was sent",
                receipt.sha256
            )))
            .into());
        }
        if receipt.complete {
            return Ok(());
        }
        // The centre says where its copy ends: resume there.
        offset = receipt.received;
        run.tell(SyncPhase::UploadingBlobs);
        turns -= 1;
        if turns == 0 {
            return Err(crate::Error::from(SyncError::NotDelivered(format!(
                "blob {sha256}: the centre does not take it whole"
            )))
            .into());
        }
    }
}

fn read_chunk(file: &mut std::fs::File, offset: u64, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let len = (size - offset).min(BLOB_CHUNK_BYTES as u64) as usize;
    let mut chunk = vec![0; len];
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(&mut chunk)?;
    Ok(chunk)
}
