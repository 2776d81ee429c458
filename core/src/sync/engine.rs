//! The device's sync with the centre: enrol once with a code; then each run pushes the events
//! the centre has not acknowledged, uploads the blobs they name, pulls the centre's events for
//! this device and fetches the blobs its records name and lack. Every exchange's server time
//! is sampled for trusted time.
//!
//! The engine reaches the device (`Local`, which `Device` implements: it stands above sync)
//! through the lock the app's other calls share (`Locked`). Between two exchanges with the
//! centre it takes that lock once, for all the work between them, on tokio's blocking pool:
//! SQLite (its fsyncs) and blob files are never touched on the async workers, and a call
//! waiting for the lock waits there too.
//!
//! Every await is a safe place to stop: an acknowledgement is kept only after the centre's
//! receipt has been checked, and a blob is marked sent only after the centre confirmed it whole,
//! so a run cancelled anywhere is resumed by the next without loss or duplication (the centre
//! keeps each event once by (device, seq, hash), each blob once by its hash). A run dropped
//! while a locked section runs does not stop that section: the blocking pool cannot interrupt
//! it. So each section only reads, or writes what an exchange already proved, each write one
//! transaction that may be done again (an acknowledgement, a server event with the cursor
//! moved past it, a blob marked sent, a fetched blob stored under its hash): finished alone, it
//! leaves nothing half-done, and the next run finds it done.

use std::any::Any;
use std::future::Future;
use std::ops::DerefMut;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::Digest;
use crate::platform::Platform;
use crate::protocol::{
    BLOB_CHUNK_BYTES, EnrolRequest, Enrolled, MAX_EVENTS_PER_PUSH, Push, PushReceipt, ServerEvent,
    WireEvent, WireVaultRow,
};
use crate::signing::VerifyingKey;
use crate::sync::client::{Client, SyncError};
use crate::sync::control::{Cancel, Phase, Stop, Tally};
use crate::time::TrustedTime;

/// The device as the engine needs it: what to send, what the centre's answers prove, and
/// where sync stands. Each call is synchronous and may touch SQLite or files: the engine makes
/// them only inside a locked section, off the async workers.
pub trait Local: Send + 'static {
    fn device_id(&self) -> Uuid;
    /// The seq of the newest event in the log.
    fn head_seq(&self) -> u64;
    /// The phone's clocks: round trips are timed on its monotonic clock, without the lock.
    fn platform(&self) -> Arc<dyn Platform>;
    fn enrolment_request(&self, code: &str, app_version: &str) -> EnrolRequest;
    /// Keeps an enrolment the centre answered: its key pinned, the token wrapped.
    fn save_enrolment(
        &mut self,
        server: &str,
        centre_ca: Option<Vec<u8>>,
        enrolled: &Enrolled,
    ) -> Result<()>;
    /// The enrolment, its token unwrapped, and how far push and pull got.
    fn session(&self) -> Result<Session>;
    /// Up to `limit` events after seq `after`, with the vault rows they commit to.
    fn outbox(&self, after: u64, limit: usize) -> Result<(Vec<WireEvent>, Vec<WireVaultRow>)>;
    /// Keeps the acknowledgement of a receipt, if it proves holding this device's own events.
    fn accept_receipt(&mut self, receipt: &PushReceipt) -> Result<()>;
    /// A server time sample; `Error::Invalid` when the round trip makes it useless.
    fn record_server_time(&mut self, sent_ms: u64, received_ms: u64, server_ms: i64) -> Result<()>;
    fn trusted_time(&self) -> Result<TrustedTime>;
    /// Blobs the records name, held here, that the centre has not confirmed whole.
    fn unsent_blobs(&self) -> Result<Vec<(Digest, PathBuf)>>;
    fn blob_confirmed(&mut self, sha256: &Digest) -> Result<()>;
    /// Checks and applies the centre's events in order, each with the pull cursor moved past
    /// it in its transaction; those at or below the cursor are skipped. How many were applied.
    fn apply_server_events(&mut self, key: &VerifyingKey, events: &[ServerEvent]) -> Result<u64>;
    /// Blobs the records name that this device lacks and may fetch from the centre.
    fn wanted_blobs(&self) -> Result<Vec<Digest>>;
    /// Keeps a fetched blob, if its bytes hash to its name.
    fn keep_fetched_blob(&self, sha256: &Digest, bytes: &[u8]) -> Result<()>;
}

/// Where the engine finds the device: behind the lock the app's other calls take too.
pub trait Locked: Send + Sync + 'static {
    type Device: Local;
    fn lock(&self) -> impl DerefMut<Target = Self::Device> + '_;
}

/// What a sync run needs to talk to the centre.
pub struct Session {
    pub server: String,
    pub centre_ca: Option<Vec<u8>>,
    pub token: String,
    pub acked_seq: u64,
    pub pull_cursor: u64,
    pub centre_key: VerifyingKey,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub tally: Tally,
    pub duration: Duration,
    /// Trusted time when the run ended.
    pub time: TrustedTime,
    /// Each push request's latency: from handing the batch to the client until the centre's
    /// receipt has arrived and been read (retries included).
    pub push_latencies: Vec<Duration>,
    /// The head when the run ended: above `tally.acked_seq` when the run itself recorded
    /// events after its push (a better time anchor, the centre's events applied), which the
    /// next run sends.
    pub head_seq: u64,
}

/// Enrols the device with the centre at `server` with a one-time `code`. Nothing is saved
/// unless the centre answered.
pub async fn enrol<L: Locked>(
    at: &Arc<L>,
    server: String,
    code: String,
    centre_ca_pem: Option<Vec<u8>>,
    app_version: &'static str,
) -> Result<()> {
    let client = Client::new(&server, centre_ca_pem.as_deref())?;
    let (request, platform) = locked(at, move |d| {
        Ok((d.enrolment_request(&code, app_version), d.platform()))
    })
    .await?;
    let sent = platform.monotonic_ms();
    let enrolled = client.enrol(&request).await?;
    let received = platform.monotonic_ms();
    locked(at, move |d| {
        d.save_enrolment(&server, centre_ca_pem, &enrolled)?;
        sample_time(d, sent, received, enrolled.server_time_ms)
    })
    .await
}

/// One sync run. `tell` hears the progress (each phase's start, after each exchange, `Done`
/// last); `cancel` stops the run at its next exchange.
pub async fn run<L: Locked>(
    at: &Arc<L>,
    tell: &(dyn Fn(Phase, &Tally) + Send + Sync),
    cancel: Option<&Cancel>,
) -> Result<Outcome, Stop> {
    let started = Instant::now();
    let Start {
        session,
        device_id,
        head,
        platform,
        next,
    } = locked(at, |d| {
        let session = d.session()?;
        let next = next_step(d, session.acked_seq, true)?;
        Ok(Start {
            device_id: d.device_id(),
            head: d.head_seq(),
            platform: d.platform(),
            session,
            next,
        })
    })
    .await?;
    let client = Client::new(&session.server, session.centre_ca.as_deref()).map_err(Error::from)?;
    let token = session.token.as_str();
    let mut run = Run {
        tell,
        cancel,
        tally: Tally {
            acked_seq: session.acked_seq,
            ..Tally::default()
        },
    };
    run.count_unacked(head);
    run.tell(Phase::Pushing);

    let mut push_latencies = Vec::new();
    let mut next = next;
    let unsent = loop {
        let push = match next {
            Next::Push(push) => push,
            Next::Upload(unsent) => break unsent,
        };
        let count = push.events.len() as u64;
        run.tally.bytes_sent += serde_json::to_vec(&push).map_or(0, |b| b.len() as u64);
        let sent = platform.monotonic_ms();
        let push_started = Instant::now();
        // Stopped here (cancelled, or the future dropped), the centre may hold the batch
        // without this device knowing: the next run sends it again, and the centre keeps
        // each event once by (device, seq, hash).
        let receipt = run.step(client.push(device_id, token, &push)).await?;
        push_latencies.push(push_started.elapsed());
        run.tally.requests += 1;
        let received = platform.monotonic_ms();
        // The centre took nothing new: stop rather than send the same batch forever. (An
        // acknowledgement below ours — a centre restored from backup — is followed: the
        // next batch starts there.)
        let moved = receipt.acked_seq != run.tally.acked_seq;
        let acked = receipt.acked_seq;
        let conflicts = receipt.conflicts.len() as u32;
        let (head, after) = locked(at, move |d| {
            d.accept_receipt(&receipt)?;
            sample_time(d, sent, received, receipt.server_time_ms)?;
            Ok((d.head_seq(), next_step(d, receipt.acked_seq, moved)?))
        })
        .await?;
        run.tally.events_pushed += count;
        run.tally.conflicts_flagged += conflicts;
        run.tally.acked_seq = acked;
        run.count_unacked(head);
        run.tell(Phase::Pushing);
        next = after;
    };

    run.tally.blobs_to_send = unsent.len().try_into().unwrap_or(u32::MAX);
    if !unsent.is_empty() {
        run.tell(Phase::UploadingBlobs);
    }
    for (sha256, path) in unsent {
        upload(&client, token, &sha256, path, &mut run).await?;
        // Only now: a blob whose upload was stopped is asked about (HEAD) and resumed.
        locked(at, move |d| d.blob_confirmed(&sha256)).await?;
        run.tally.blobs_sent += 1;
        run.tell(Phase::UploadingBlobs);
    }

    run.tell(Phase::Pulling);
    let key = session.centre_key;
    let mut cursor = session.pull_cursor;
    let ending = loop {
        let sent = platform.monotonic_ms();
        let answer = run.step(client.pull(device_id, token, cursor)).await?;
        run.tally.requests += 1;
        let received = platform.monotonic_ms();
        let last = answer.events.last().map(|e| e.server_seq);
        // A page with nothing past the cursor is the last.
        let more = last.is_some_and(|last| last > cursor);
        let (applied, ending) = locked(at, move |d| {
            sample_time(d, sent, received, answer.server_time_ms)?;
            // Each applied with the cursor moved in the same transaction: stopped later, the
            // next pull starts after the last one applied.
            let applied = if answer.events.is_empty() {
                0
            } else {
                d.apply_server_events(&key, &answer.events)?
            };
            let ending = if more { None } else { Some(Ending::read(d)?) };
            Ok((applied, ending))
        })
        .await?;
        if last.is_some() {
            run.tally.server_events_applied += applied;
            run.tell(Phase::Pulling);
        }
        match (ending, last) {
            (Some(ending), _) => break ending,
            (None, last) => cursor = last.unwrap_or(cursor),
        }
    };

    let end = match ending.end {
        Some(end) => end,
        None => {
            fetch_wanted(at, &client, token, ending.wanted, &mut run).await?;
            locked(at, |d| End::read(d)).await?
        }
    };
    run.tell(Phase::Done);
    Ok(Outcome {
        tally: run.tally,
        duration: started.elapsed(),
        time: end.time,
        push_latencies,
        head_seq: end.head_seq,
    })
}

/// What the run's first section reads: where sync stands, and the first batch.
struct Start {
    session: Session,
    device_id: Uuid,
    head: u64,
    platform: Arc<dyn Platform>,
    next: Next,
}

/// What follows a receipt (or the start): the next batch, or the blobs to upload.
enum Next {
    Push(Push),
    Upload(Vec<(Digest, PathBuf)>),
}

/// The next batch after `acked`, if `more` are to be pushed; when none is, the blobs.
fn next_step(d: &impl Local, acked: u64, more: bool) -> Result<Next> {
    if more {
        let (events, vault) = d.outbox(acked, MAX_EVENTS_PER_PUSH)?;
        if !events.is_empty() {
            return Ok(Next::Push(Push { events, vault }));
        }
    }
    Ok(Next::Upload(d.unsent_blobs()?))
}

/// Read after the last page pulled: the blobs to fetch, and when there are none, the end.
struct Ending {
    wanted: Vec<Digest>,
    end: Option<End>,
}

impl Ending {
    fn read(d: &impl Local) -> Result<Ending> {
        let wanted = d.wanted_blobs()?;
        let end = if wanted.is_empty() {
            Some(End::read(d)?)
        } else {
            None
        };
        Ok(Ending { wanted, end })
    }
}

/// The figures a run ends with.
struct End {
    time: TrustedTime,
    head_seq: u64,
}

impl End {
    fn read(d: &impl Local) -> Result<End> {
        Ok(End {
            time: d.trusted_time()?,
            head_seq: d.head_seq(),
        })
    }
}

/// A run under way: its figures so far, and the listener and cancel it was given.
struct Run<'a> {
    tell: &'a (dyn Fn(Phase, &Tally) + Send + Sync),
    cancel: Option<&'a Cancel>,
    tally: Tally,
}

impl Run<'_> {
    /// One exchange with the centre, stopped with `Stop::Cancelled` if the run is cancelled
    /// before or while it runs.
    async fn step<T>(
        &self,
        exchange: impl Future<Output = std::result::Result<T, SyncError>>,
    ) -> Result<T, Stop> {
        Cancel::run(self.cancel, async {
            exchange.await.map_err(|e| Stop::Failed(e.into()))
        })
        .await
    }

    /// What is left to push: the events after the centre's acknowledgement.
    fn count_unacked(&mut self, head: u64) {
        let unacked = head.saturating_sub(self.tally.acked_seq);
        self.tally.events_to_push = self.tally.events_pushed + unacked;
    }

    fn tell(&self, phase: Phase) {
        (self.tell)(phase, &self.tally);
    }
}

/// Runs `section` on the blocking pool with the device locked once, for the whole of it.
async fn locked<L: Locked, T: Send + 'static>(
    at: &Arc<L>,
    section: impl FnOnce(&mut L::Device) -> Result<T> + Send + 'static,
) -> Result<T> {
    let at = at.clone();
    off_workers(move || section(&mut at.lock())).await
}

/// Runs blocking `work` on the blocking pool. Dropped while it runs, the work still finishes.
async fn off_workers<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    // One task type for every section: each closure type would make tokio's task machinery
    // anew, in a library whose size has a budget.
    let work: Box<dyn FnOnce() -> Box<dyn Any + Send> + Send> = Box::new(move || Box::new(work()));
    match tokio::task::spawn_blocking(work).await {
        Ok(done) => match done.downcast::<Result<T>>() {
            Ok(done) => *done,
            Err(_) => unreachable!("the work above answers a Result<T>"),
        },
        // The panic goes on as if the work had run inline: the facade reports it.
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(Error::Platform(format!("sync work not run: {e}"))),
    }
}

/// Feeds a server time sample to trusted time. A sample the round trip makes useless (longer
/// than a minute on a poor network) is left out: it says nothing about the time, and it must
/// not fail a sync whose exchange was proven.
fn sample_time(d: &mut impl Local, sent: u64, received: u64, server_ms: i64) -> Result<()> {
    match d.record_server_time(sent, received, server_ms) {
        Ok(()) => Ok(()),
        Err(Error::Invalid { reason, .. }) => {
            tracing::info!(%reason, "sync: a server time sample left out");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Fetches the blobs this device's records name and it lacks. One the centre does not give
/// yet is asked for again at the next run.
async fn fetch_wanted<L: Locked>(
    at: &Arc<L>,
    client: &Client,
    token: &str,
    wanted: Vec<Digest>,
    run: &mut Run<'_>,
) -> Result<(), Stop> {
    for sha256 in wanted {
        let fetched = run.step(client.get_blob(token, &sha256)).await?;
        run.tally.requests += 1;
        if let Some(bytes) = fetched {
            locked(at, move |d| d.keep_fetched_blob(&sha256, &bytes)).await?;
            run.tally.blobs_received += 1;
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
    path: PathBuf,
    run: &mut Run<'_>,
) -> Result<(), Stop> {
    let (mut offset, complete) = run.step(client.blob_held(token, sha256)).await?;
    run.tally.requests += 1;
    if complete {
        return Ok(());
    }
    let path = Arc::new(path);
    let mut turns = None;
    loop {
        // Read chunk by chunk: a recording may be larger than a phone wants in memory.
        let Chunk { from, bytes, size } = {
            let path = path.clone();
            off_workers(move || read_chunk(&path, offset)).await?
        };
        let turns = turns.get_or_insert(size / BLOB_CHUNK_BYTES as u64 + 4);
        let last = from + bytes.len() as u64 == size;
        let receipt = run
            .step(client.put_blob_chunk(token, sha256, from, &bytes, last))
            .await?;
        run.tally.requests += 1;
        run.tally.bytes_sent += bytes.len() as u64;
        if receipt.sha256 != *sha256 {
            return Err(Error::from(SyncError::NotDelivered(format!(
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
        run.tell(Phase::UploadingBlobs);
        *turns -= 1;
        if *turns == 0 {
            return Err(Error::from(SyncError::NotDelivered(format!(
                "blob {sha256}: the centre does not take it whole"
            )))
            .into());
        }
    }
}

/// Up to one chunk of a blob's file from `offset` (past the end: from the end).
struct Chunk {
    from: u64,
    bytes: Vec<u8>,
    /// The whole file's.
    size: u64,
}

fn read_chunk(path: &Path, offset: u64) -> Result<Chunk> {
    use std::io::{Read, Seek, SeekFrom};
    let read = || -> std::io::Result<Chunk> {
        let mut file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        let from = offset.min(size);
        let len = (size - from).min(BLOB_CHUNK_BYTES as u64) as usize;
        let mut bytes = vec![0; len];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut bytes)?;
        Ok(Chunk { from, bytes, size })
    };
    read().map_err(|e| Error::file(path, e))
}
