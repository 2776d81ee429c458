//! A sync stopped in the middle — through its `SyncHandle`, or by dropping its future as
//! Kotlin's `job.cancel()` does — and then run again: the centre holds every event and blob
//! exactly once, byte-identical, and the device's acknowledgement reaches its head.
//!
//! The stop is placed deterministically: a relay between the device and the real centre holds
//! one chosen exchange (its request, or the centre's answer to it) and tells the test, which
//! then cancels. No sleeps.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redshield_core::api::{
    CoreError, EvidenceKind, FieldCore, ListenerError, SyncHandle, SyncListener, SyncPhase,
    SyncProgress,
};
use redshield_testkit::centre::Centre;
use redshield_testkit::{
    add_evidence, blob_names, complaint_from, device, device_log, photo, sync_marks,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// Which half of the chosen exchange the relay holds.
#[derive(Debug, Clone, Copy)]
enum Hold {
    /// The device's request: nothing of it reaches the centre.
    Request,
    /// The centre's answer: the centre has done the work, the device never hears of it.
    Answer,
}

/// A TCP relay before the centre. It passes everything except the `nth` request whose request
/// line starts with `line`: that exchange it holds (see `Hold`) and reports on `held`, until
/// the device gives the connection up. Everything after passes again.
struct Relay {
    addr: SocketAddr,
    held: mpsc::UnboundedReceiver<()>,
}

impl Relay {
    async fn start(upstream: SocketAddr, line: &'static str, nth: usize, hold: Hold) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tell, held) = mpsc::unbounded_channel();
        let seen = Arc::new(AtomicUsize::new(0));
        tokio::spawn(async move {
            while let Ok((device, _)) = listener.accept().await {
                let chosen = Chosen {
                    line,
                    nth,
                    hold,
                    seen: seen.clone(),
                    tell: tell.clone(),
                };
                tokio::spawn(relay(device, upstream, chosen));
            }
        });
        Relay { addr, held }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn wait_held(&mut self) {
        self.held.recv().await.expect("the relay runs");
    }
}

struct Chosen {
    line: &'static str,
    nth: usize,
    hold: Hold,
    seen: Arc<AtomicUsize>,
    tell: mpsc::UnboundedSender<()>,
}

async fn relay(device: TcpStream, upstream: SocketAddr, chosen: Chosen) {
    let Ok(centre) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut from_device, mut to_device) = device.into_split();
    let (mut from_centre, mut to_centre) = centre.into_split();
    let hold_answer = AtomicBool::new(false);
    let up = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match from_device.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            // HTTP/1.1 without pipelining: a request starts a read after the last answer.
            let this_one = buf[..n].starts_with(chosen.line.as_bytes())
                && chosen.seen.fetch_add(1, Ordering::SeqCst) + 1 == chosen.nth;
            if this_one {
                match chosen.hold {
                    Hold::Request => {
                        let _ = chosen.tell.send(());
                        // Nothing more goes up; wait for the device to give the connection up.
                        while matches!(from_device.read(&mut buf).await, Ok(n) if n > 0) {}
                        return;
                    }
                    Hold::Answer => hold_answer.store(true, Ordering::SeqCst),
                }
            }
            if to_centre.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    let down = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match from_centre.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if hold_answer.load(Ordering::SeqCst) {
                // The centre has answered (the work is done); the device never hears it.
                let _ = chosen.tell.send(());
                std::future::pending::<()>().await;
            }
            if to_device.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    // Either side closing ends both: a held exchange lasts until the device drops it.
    tokio::select! {
        () = up => {}
        () = down => {}
    }
}

/// The app's listener: keeps what it hears.
#[derive(Default)]
struct Heard(Mutex<Vec<SyncProgress>>);

impl SyncListener for Heard {
    fn progress(&self, progress: SyncProgress) -> Result<(), ListenerError> {
        self.0.lock().unwrap().push(progress);
        Ok(())
    }
}

impl Heard {
    fn take(&self) -> Vec<SyncProgress> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A phone with `cases` complaints, enrolled through `relay`.
async fn phone(dir: &Path, centre: &Centre, relay: &Relay, cases: usize) -> Arc<FieldCore> {
    let phone = device(dir, "李明");
    for i in 0..cases {
        phone
            .open_case(complaint_from(&format!("王芳{i}")))
            .unwrap();
    }
    phone
        .clone()
        .enrol(relay.url(), centre.code().await, None)
        .await
        .unwrap();
    phone
}

/// The end of a sync told to stop. A bound only so that a sync that does not stop fails the
/// test instead of waiting for the client's two-minute timeout; it measures nothing.
async fn stops<T>(sync: tokio::task::JoinHandle<T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), sync)
        .await
        .expect("the sync did not stop when cancelled")
        .unwrap()
}

/// The phases a listener heard, in order, each once.
fn phases(heard: &[SyncProgress]) -> Vec<SyncPhase> {
    let mut phases: Vec<SyncPhase> = heard.iter().map(|p| p.phase).collect();
    phases.dedup();
    phases
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelled_after_the_centre_stored_the_push_the_next_sync_resends_and_nothing_doubles() {
    let centre = Centre::start().await;
    let mut relay = Relay::start(centre.addr(), "POST /v1/devices/", 1, Hold::Answer).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = phone(dir.path(), &centre, &relay, 3).await;
    let head = device_log(dir.path()).last().unwrap().0;

    let heard = Arc::new(Heard::default());
    let handle = SyncHandle::new();
    let sync = tokio::spawn(
        phone
            .clone()
            .sync(Some(heard.clone()), Some(handle.clone())),
    );
    relay.wait_held().await;
    // The centre holds the whole batch; the device has not heard so.
    assert_eq!(centre.log_of(&phone).await, device_log(dir.path()));
    handle.cancel();
    match stops(sync).await {
        Err(CoreError::Cancelled) => {}
        other => panic!("not cancelled: {other:?}"),
    }
    assert_eq!(sync_marks(dir.path()).0, 0, "nothing acknowledged unproven");
    let before = heard.take();
    assert_eq!(phases(&before), [SyncPhase::Pushing]);
    assert_eq!(
        (before[0].events_pushed, before[0].events_to_push),
        (0, head)
    );

    // Again, through the same relay (it holds nothing more).
    let report = phone.clone().sync(Some(heard.clone()), None).await.unwrap();
    assert_eq!(
        report.events_pushed, head,
        "resent: the device could not know"
    );
    assert_eq!(report.acked_seq, head);
    assert_eq!(sync_marks(dir.path()).0, head);
    let log = device_log(dir.path());
    assert_eq!(log.last().unwrap().0, head);
    assert_eq!(
        centre.log_of(&phone).await,
        log,
        "each event once, byte-identical"
    );
    assert_eq!(centre.forks_of(&phone).await, 0);
    // The listener heard the whole run, ending with the report's figures.
    let after = heard.take();
    assert_eq!(
        phases(&after),
        [SyncPhase::Pushing, SyncPhase::Pulling, SyncPhase::Done]
    );
    let done = after.last().unwrap();
    assert_eq!(
        (
            done.events_pushed,
            done.events_to_push,
            done.bytes_sent,
            done.server_events_applied
        ),
        (
            report.events_pushed,
            report.events_pushed,
            report.bytes_sent,
            report.server_events_applied
        )
    );
    assert!(
        after
            .windows(2)
            .all(|w| w[0].events_pushed <= w[1].events_pushed),
        "{after:?}"
    );
    // The offset to trusted time is the one in force (the centre and the phone share a clock
    // here: within the round trip's uncertainty of zero).
    assert_eq!(
        phone.trusted_time().unwrap().source,
        redshield_core::api::TimeSource::Server
    );
    let uncertainty = report.time_uncertainty_ms.expect("anchored by the centre") as i64;
    assert!(report.time_offset_ms.abs() <= uncertainty + 5, "{report:?}");
    // Nothing left to send.
    assert_eq!(
        phone.clone().sync(None, None).await.unwrap().events_pushed,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_future_dropped_mid_push_keeps_what_was_proven_and_the_next_sends_the_rest() {
    let centre = Centre::start().await;
    // The second batch's request is held: the first (500 events) was acknowledged.
    let mut relay = Relay::start(centre.addr(), "POST /v1/devices/", 2, Hold::Request).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = phone(dir.path(), &centre, &relay, 520).await;
    let head = device_log(dir.path()).last().unwrap().0;
    let batch = redshield_core::sync::protocol::MAX_EVENTS_PER_PUSH as u64;
    assert!(head > batch, "two batches: {head} events");

    let sync = phone.clone().sync(None, None);
    tokio::select! {
        done = sync => panic!("the sync ended while its push was held: {done:?}"),
        () = relay.wait_held() => {}
    }
    // The future is dropped where it stood, as Kotlin's `job.cancel()` drops it.
    assert_eq!(
        sync_marks(dir.path()).0,
        batch,
        "the first batch's receipt was kept"
    );
    let held = centre.log_of(&phone).await;
    assert_eq!(held, device_log(dir.path())[..batch as usize].to_vec());

    let report = phone.clone().sync(None, None).await.unwrap();
    assert_eq!(report.events_pushed, head - batch, "only the rest travels");
    assert_eq!(report.acked_seq, head);
    assert_eq!(centre.log_of(&phone).await, device_log(dir.path()));
    assert_eq!(centre.forks_of(&phone).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelled_after_the_centre_took_a_blob_whole_it_is_not_sent_again() {
    let centre = Centre::start().await;
    let mut relay = Relay::start(centre.addr(), "PUT /v1/blobs/", 1, Hold::Answer).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = phone(dir.path(), &centre, &relay, 0).await;
    let case = phone.open_case(complaint_from("王芳")).unwrap();
    let jpeg = dir.path().join("goods.jpg");
    photo(&jpeg, 0);
    let evidence = add_evidence(&phone, &case.id, &jpeg, EvidenceKind::Goods);

    // The listener cancels when it hears the upload start (the app's "stop" button).
    struct CancelOnUpload(Arc<SyncHandle>, Heard);
    impl SyncListener for CancelOnUpload {
        fn progress(&self, progress: SyncProgress) -> Result<(), ListenerError> {
            self.1.progress(progress.clone())?;
            if progress.phase == SyncPhase::UploadingBlobs {
                self.0.cancel();
            }
            Ok(())
        }
    }
    // First: cancelled from the listener as the upload phase starts, before any blob byte.
    let handle = SyncHandle::new();
    let listener = Arc::new(CancelOnUpload(handle.clone(), Heard::default()));
    match phone
        .clone()
        .sync(Some(listener.clone()), Some(handle))
        .await
    {
        Err(CoreError::Cancelled) => {}
        other => panic!("not cancelled: {other:?}"),
    }
    let heard = listener.1.take();
    assert_eq!(
        phases(&heard),
        [SyncPhase::Pushing, SyncPhase::UploadingBlobs]
    );
    // The original, and its display copy and thumbnail where they differ from it.
    let names = blob_names(&evidence);
    let upload = heard.last().unwrap();
    assert_eq!(
        (upload.blobs_sent, upload.blobs_to_send),
        (0, names.len() as u32)
    );
    let head = device_log(dir.path()).last().unwrap().0;
    assert_eq!(
        sync_marks(dir.path()).0,
        head,
        "the events were proven first"
    );

    // Then: cancelled through the handle while the centre's answer to the blob is held.
    let handle = SyncHandle::new();
    let sync = tokio::spawn(phone.clone().sync(None, Some(handle.clone())));
    relay.wait_held().await;
    handle.cancel();
    assert!(matches!(stops(sync).await, Err(CoreError::Cancelled)));

    // The centre took the held blob whole; the device does not know it yet.
    let on_centre = |sha: &str| centre.blob_file(sha);
    let mine = |sha: &str| std::fs::read(phone.blob_path(sha.to_string()).unwrap()).unwrap();
    let (held, rest): (Vec<&String>, Vec<&String>) =
        names.iter().partition(|sha| on_centre(sha).exists());
    assert_eq!(held.len(), 1, "one blob taken whole before the cancel");

    let report = phone.clone().sync(None, None).await.unwrap();
    assert_eq!(report.events_pushed, 0);
    let rest_bytes: usize = rest.iter().map(|sha| mine(sha).len()).sum();
    assert_eq!(
        report.bytes_sent, rest_bytes as u64,
        "the blob the centre holds whole is not sent again"
    );
    assert_eq!(report.blobs_sent as usize, names.len(), "all confirmed now");
    for sha in &names {
        assert_eq!(
            std::fs::read(on_centre(sha)).unwrap(),
            mine(sha),
            "blob {sha} byte-identical"
        );
    }
    let again = phone.clone().sync(None, None).await.unwrap();
    assert_eq!((again.blobs_sent, again.bytes_sent), (0, 0));
    assert_eq!(centre.log_of(&phone).await, device_log(dir.path()));
}
