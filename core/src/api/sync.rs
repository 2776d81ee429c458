//! Sync with the centre from the app: enrol once with a code, then sync whenever the network
//! allows. Async (the app awaits them off its main thread); the store's lock is held only
//! between network calls, and every await is a safe place to stop: an acknowledgement is kept
//! only after the centre's receipt has been checked, so a sync cancelled anywhere is resumed
//! by the next one without loss or duplication.

use std::sync::Arc;
use std::time::Instant;

use std::path::Path;

use crate::events::Digest;
use crate::sync::client::Client;
use crate::sync::protocol::{BLOB_CHUNK_BYTES, MAX_EVENTS_PER_PUSH, Push};

use super::{ApiResult, FieldCore};

/// What a sync did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SyncReport {
    /// Events sent (a resent event the centre already held counts again).
    pub events_pushed: u64,
    /// The last seq the centre acknowledges holding.
    pub acked_seq: u64,
    /// Decisions of the centre received, checked and applied.
    pub server_events_applied: u64,
    /// Blobs the centre now holds whole that it did not before this sync.
    pub blobs_sent: u32,
    pub requests: u32,
    pub bytes_sent: u64,
    pub duration_ms: u64,
}

#[uniffi::export(async_runtime = "tokio")]
impl FieldCore {
    /// Enrols this device with the centre at `server` (`https://…`) using a one-time code
    /// issued there; `centre_ca_pem` is the centre's CA certificate when it is not in the web
    /// PKI. Pins the centre's key; the token is kept wrapped by the keystore.
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
        device.record_server_time(sent, received, enrolled.server_time_ms)?;
        Ok(())
    }

    /// Pushes every event the centre has not acknowledged, in batches, each checked against
    /// the centre's receipt; uploads the blobs they name (photos, signatures) that the centre
    /// does not hold whole, resuming where an upload stopped; then pulls the centre's events for this device, checks them
    /// against the pinned key and applies them in order. The server's time feeds trusted time.
    pub async fn sync(self: Arc<Self>) -> ApiResult<SyncReport> {
        let started = Instant::now();
        let session = self.device().sync_session()?;
        let client = Client::new(&session.server, session.centre_ca.as_deref())
            .map_err(crate::Error::from)?;
        let device_id = self.device().device_id();
        let mut report = SyncReport {
            events_pushed: 0,
            acked_seq: session.acked_seq,
            server_events_applied: 0,
            blobs_sent: 0,
            requests: 0,
            bytes_sent: 0,
            duration_ms: 0,
        };
        loop {
            let (events, vault) = self
                .device()
                .outbox(report.acked_seq, MAX_EVENTS_PER_PUSH)?;
            if events.is_empty() {
                break;
            }
            let count = events.len() as u64;
            let push = Push { events, vault };
            report.bytes_sent += serde_json::to_vec(&push).map_or(0, |b| b.len() as u64);
            let sent = self.device().monotonic_ms();
            let receipt = client
                .push(device_id, &session.token, &push)
                .await
                .map_err(crate::Error::from)?;
            report.requests += 1;
            let mut device = self.device();
            let received = device.monotonic_ms();
            device.accept_receipt(&receipt)?;
            device.record_server_time(sent, received, receipt.server_time_ms)?;
            report.events_pushed += count;
            // The centre took nothing new: stop rather than send the same batch forever. (An
            // acknowledgement below ours — a centre restored from backup — is followed: the
            // next batch starts there.)
            let progress = receipt.acked_seq != report.acked_seq;
            report.acked_seq = receipt.acked_seq;
            if !progress {
                break;
            }
        }
        let unsent = self.device().unsent_blobs()?;
        for (sha256, path) in unsent {
            upload(&client, &session.token, &sha256, &path, &mut report).await?;
            self.device().blob_confirmed(&sha256)?;
            report.blobs_sent += 1;
        }
        let mut cursor = session.pull_cursor;
        loop {
            let sent = self.device().monotonic_ms();
            let answer = client
                .pull(device_id, &session.token, cursor)
                .await
                .map_err(crate::Error::from)?;
            report.requests += 1;
            let mut device = self.device();
            let received = device.monotonic_ms();
            device.record_server_time(sent, received, answer.server_time_ms)?;
            let Some(last) = answer.events.last().map(|e| e.server_seq) else {
                break;
            };
            report.server_events_applied +=
                device.apply_server_events(&session.centre_key, &answer.events)?;
            if last <= cursor {
                break;
            }
            cursor = last;
        }
        report.duration_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }
}

/// Sends a blob from where the centre's copy ends, in chunks, until the centre confirms it
/// whole (verified against its name). A blob the centre already holds is not sent again.
async fn upload(
    client: &Client,
    token: &str,
    sha256: &Digest,
    path: &Path,
    report: &mut SyncReport,
) -> crate::Result<()> {
    let (mut offset, complete) = client
        .blob_held(token, sha256)
        .await
        .map_err(crate::Error::from)?;
    report.requests += 1;
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
        let receipt = client
            .put_blob_chunk(token, sha256, offset_now, &chunk, last)
            .await
            .map_err(crate::Error::from)?;
        report.requests += 1;
        report.bytes_sent += chunk.len() as u64;
        if receipt.sha256 != *sha256 {
            return Err(crate::sync::client::SyncError::NotDelivered(format!(
                "a receipt for blob {} when {sha256} was sent",
                receipt.sha256
            ))
            .into());
        }
        if receipt.complete {
            return Ok(());
        }
        // The centre says where its copy ends: resume there.
        offset = receipt.received;
        turns -= 1;
        if turns == 0 {
            return Err(crate::sync::client::SyncError::NotDelivered(format!(
                "blob {sha256}: the centre does not take it whole"
            ))
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
