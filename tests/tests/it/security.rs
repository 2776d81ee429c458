//! A real device store syncing with the real centre through a man in the middle
//! (`redshield_testkit::proxy` hooks) that steals tokens, tampers with events and blobs, forges the
//! centre's decisions and inflates bodies. The centre's HTTP-level refusals are tested in
//! `server/tests`; here, end to end: what the device is told, that the centre stores nothing
//! of what it refused and the device applies nothing forged, and that the next honest sync
//! delivers everything.

use std::sync::{Arc, Mutex};

use redshield_core::api::{CoreError, EvidenceKind, FieldCore};
use redshield_core::events::Digest;
use redshield_core::signing::SigningKey;
use redshield_core::sync::protocol::{
    MAX_BODY_BYTES, PROTOCOL, PROTOCOL_HEADER, Push, ServerEvent, ServerEvents,
};
use redshield_server::Ledger;
use redshield_testkit::centre::{Centre, device_uuid};
use redshield_testkit::on_both_backends;
use redshield_testkit::postgres::Backend;
use redshield_testkit::proxy::{Faults, Proxy, Request, RequestHook, Route};
use redshield_testkit::{
    LogRow, add_evidence, applied_server_seqs, complaint_from, device, device_log, photo,
    sync_marks,
};
use tempfile::TempDir;

/// A change a man in the middle makes to a push.
type Tamper = fn(&mut Push);

struct Phone {
    dir: TempDir,
    core: Arc<FieldCore>,
}

impl Phone {
    /// A store with two complaints, enrolled with the centre behind `proxy`.
    async fn enrolled(centre: &Centre, proxy: &Proxy, officer: &str) -> Phone {
        let dir = tempfile::tempdir().unwrap();
        let core = device(dir.path(), officer);
        core.open_case(complaint_from("王芳")).unwrap();
        core.open_case(complaint_from("钱七")).unwrap();
        core.clone()
            .enrol(proxy.url(), centre.code().await, None)
            .await
            .unwrap();
        Phone { dir, core }
    }

    fn log(&self) -> Vec<LogRow> {
        device_log(self.dir.path())
    }

    fn acked(&self) -> u64 {
        sync_marks(self.dir.path()).0
    }

    async fn sync(&self) -> Result<redshield_core::api::SyncReport, CoreError> {
        self.core.clone().sync(None, None).await
    }
}

/// The centre refused with `code`.
fn assert_refused(result: Result<impl std::fmt::Debug, CoreError>, code: &str) {
    match result {
        Err(CoreError::SyncRefused { code: got, reason }) => {
            assert_eq!(got, code, "{reason}")
        }
        other => panic!("expected a {code} refusal, got {other:?}"),
    }
}

/// Rewrites the pushes going through `proxy` with `tamper` (other requests pass untouched).
fn tamper_pushes(proxy: &Proxy, tamper: impl Fn(&mut Push) + Send + Sync + 'static) {
    proxy.on_request(Some(Arc::new(move |request: &mut Request| {
        if request.route() == Route::Push {
            let mut push: Push = serde_json::from_slice(&request.body).unwrap();
            tamper(&mut push);
            request.body = serde_json::to_vec(&push).unwrap();
        }
    })));
}

async fn stolen_foreign_or_missing_tokens_store_nothing(backend: Backend) {
    let centre = Centre::on(backend).await;
    let proxy = Proxy::start(centre.addr(), Faults::none()).await;
    let a = Phone::enrolled(&centre, &proxy, "李明").await;
    let b = Phone::enrolled(&centre, &proxy, "张伟").await;
    // B's token, sniffed from its traffic.
    let sniffed = Arc::new(Mutex::new(None::<String>));
    let sink = sniffed.clone();
    proxy.on_request(Some(Arc::new(move |r: &mut Request| {
        *sink.lock().unwrap() = r.header("authorization").map(str::to_string);
    })));
    b.sync().await.unwrap();
    let b_token = sniffed.lock().unwrap().clone().expect("B sent a token");
    let b_held = centre.log_of(&b.core).await;

    // Without a token; with B's token on A's requests; with A's token on B's path.
    let b_path = format!("/v1/devices/{}/", b.core.device_id());
    let a_path = format!("/v1/devices/{}/", a.core.device_id());
    let attacks: Vec<(RequestHook, &str)> = vec![
        (
            Arc::new(|r: &mut Request| r.set_header("authorization", None)),
            "unauthorized",
        ),
        (
            Arc::new(move |r: &mut Request| r.set_header("authorization", Some(&b_token))),
            "forbidden",
        ),
        (
            Arc::new(move |r: &mut Request| r.target = r.target.replace(&a_path, &b_path)),
            "forbidden",
        ),
    ];
    for (attack, code) in attacks {
        proxy.on_request(Some(attack));
        assert_refused(a.sync().await, code);
        assert_eq!(centre.log_of(&a.core).await, Vec::<LogRow>::new());
        assert_eq!(centre.log_of(&b.core).await, b_held, "B's chain untouched");
        assert_eq!(a.acked(), 0);
    }
    proxy.on_request(None);
    a.sync().await.unwrap();
    assert_eq!(centre.log_of(&a.core).await, a.log());
}

on_both_backends!(stolen_foreign_or_missing_tokens_store_nothing);

async fn a_device_enrolled_with_another_centre_is_unknown_here(backend: Backend) {
    let centre = Centre::on(backend).await;
    let elsewhere = Centre::on(backend).await;
    let proxy = Proxy::start(elsewhere.addr(), Faults::none()).await;
    let phone = Phone::enrolled(&elsewhere, &proxy, "李明").await;
    // Its centre's name now leads here (a DNS change, a misconfigured relay).
    proxy.set_upstream(centre.addr());
    assert_refused(phone.sync().await, "unauthorized");
    let ledger = centre.running().ledger();
    let id = device_uuid(&phone.core);
    assert_eq!(ledger.device(id).await.unwrap(), None);
    assert_eq!(ledger.head(id).await.unwrap().seq, 0);
    assert_eq!(phone.acked(), 0);
}

on_both_backends!(a_device_enrolled_with_another_centre_is_unknown_here);

/// A stranger's signature over `event`'s hash.
fn signed_by_a_stranger(push: &mut Push) {
    let stranger = SigningKey::from_bytes(&[9; 32]);
    let event = push.events.last_mut().unwrap();
    event.signature = hex::encode(stranger.sign(&event.hash.0).to_bytes());
}

async fn events_tampered_with_in_transit_are_refused_whole_and_sent_again_intact(backend: Backend) {
    let centre = Centre::on(backend).await;
    let proxy = Proxy::start(centre.addr(), Faults::none()).await;
    let phone = Phone::enrolled(&centre, &proxy, "李明").await;
    phone.sync().await.unwrap();
    // More work: what the man in the middle gets to tamper with.
    for name in ["孙八", "周九", "吴十"] {
        phone.core.open_case(complaint_from(name)).unwrap();
    }
    let held = centre.log_of(&phone.core).await;
    let acked = phone.acked();
    let mine = phone.log();
    let tamperings: [(&str, Tamper); 5] = [
        ("bytes changed, hash kept", |p| {
            let e = p.events.last_mut().unwrap();
            e.canonical = e.canonical.replacen("李明", "李鸣", 1);
        }),
        ("bytes changed and hashed again", |p| {
            let e = p.events.last_mut().unwrap();
            e.canonical = e.canonical.replacen("李明", "李鸣", 1);
            e.hash = Digest::of(&[e.canonical.as_bytes()]);
        }),
        ("signed by another key", signed_by_a_stranger),
        ("reordered", |p| p.events.swap(0, 1)),
        ("one left out", |p| {
            p.events.remove(1);
        }),
    ];
    for (what, tamper) in tamperings {
        tamper_pushes(&proxy, tamper);
        assert_refused(phone.sync().await, "bad_request");
        assert_eq!(
            centre.log_of(&phone.core).await,
            held,
            "{what}: nothing stored"
        );
        assert_eq!(phone.acked(), acked, "{what}: nothing acknowledged");
        assert_eq!(phone.log(), mine, "{what}: the device's own log untouched");
    }
    proxy.on_request(None);
    phone.sync().await.unwrap();
    assert_eq!(centre.log_of(&phone.core).await, phone.log());
    assert!(
        centre
            .running()
            .ledger()
            .forks(device_uuid(&phone.core))
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_backends!(events_tampered_with_in_transit_are_refused_whole_and_sent_again_intact);

async fn a_photo_altered_in_transit_is_never_held_and_is_sent_again_whole(backend: Backend) {
    let centre = Centre::on(backend).await;
    let proxy = Proxy::start(centre.addr(), Faults::none()).await;
    let phone = Phone::enrolled(&centre, &proxy, "李明").await;
    let case = phone.core.open_case(complaint_from("孙八")).unwrap();
    let jpeg = phone.dir.path().join("goods.jpg");
    photo(&jpeg, 7);
    let evidence = add_evidence(&phone.core, &case.id, &jpeg, EvidenceKind::Goods);
    // One byte of the photo flipped on its way up.
    proxy.on_request(Some(Arc::new(|r: &mut Request| {
        if r.route() == Route::BlobPut && !r.body.is_empty() {
            let middle = r.body.len() / 2;
            r.body[middle] ^= 0x01;
        }
    })));
    assert_refused(phone.sync().await, "bad_request");
    let names: std::collections::BTreeSet<String> = [Some(evidence.sha256.clone())]
        .into_iter()
        .chain([evidence.display, evidence.thumbnail].map(|d| d.map(|d| d.sha256)))
        .flatten()
        .collect();
    for sha in &names {
        assert!(
            !centre.blob_file(sha).exists(),
            "an altered blob held as evidence"
        );
    }
    assert_eq!(centre.partial_uploads(), Vec::<String>::new());

    proxy.on_request(None);
    let report = phone.sync().await.unwrap();
    assert_eq!(report.blobs_sent as usize, names.len());
    for sha in names {
        let mine = std::fs::read(phone.core.blob_path(sha.clone()).unwrap()).unwrap();
        let held = std::fs::read(centre.blob_file(&sha)).unwrap();
        assert!(held == mine, "{sha} held whole");
    }
}

on_both_backends!(a_photo_altered_in_transit_is_never_held_and_is_sent_again_whole);

/// Replaces the centre's events in every pull answer with `events`.
fn forge_pulls(proxy: &Proxy, events: Vec<ServerEvent>) {
    proxy.on_response(Some(Arc::new(move |request, response| {
        if request.route() == Route::Pull && response.status == 200 {
            let mut answer: ServerEvents = serde_json::from_slice(&response.body).unwrap();
            answer.events = events.clone();
            response.body = serde_json::to_vec(&answer).unwrap();
        }
    })));
}

async fn forged_or_misdirected_decisions_of_the_centre_are_refused_and_none_applied(
    backend: Backend,
) {
    let centre = Centre::on(backend).await;
    let impostor = Centre::on(backend).await;
    let proxy = Proxy::start(centre.addr(), Faults::none()).await;
    let phone = Phone::enrolled(&centre, &proxy, "李明").await;
    let other = Phone::enrolled(&centre, &proxy, "张伟").await;
    let mine = centre
        .running()
        .publish(
            Some(device_uuid(&phone.core)),
            "CaseAssigned",
            serde_json::json!({"note": "to 李明"}),
        )
        .await
        .unwrap();
    // Signed with another centre's key: well-formed, numbered, and not the pinned key's.
    let forged = impostor
        .running()
        .publish(None, "CaseClosed", serde_json::json!({"note": "结案"}))
        .await
        .unwrap();
    // The real centre's, for another device.
    let misdirected = centre
        .running()
        .publish(
            Some(device_uuid(&other.core)),
            "CaseAssigned",
            serde_json::json!({"note": "to 张伟"}),
        )
        .await
        .unwrap();
    // The device's own, its body altered.
    let mut altered = mine.clone();
    altered.canonical = altered.canonical.replace("to 李明", "to 王五");

    for (what, events, words) in [
        ("forged", vec![forged], "not signed by the centre"),
        ("misdirected", vec![misdirected], "another device"),
        ("altered", vec![altered], "do not match its hash"),
    ] {
        forge_pulls(&proxy, events);
        match phone.sync().await {
            Err(CoreError::SyncConflict { reason, .. }) => {
                assert!(reason.contains(words), "{what}: {reason}")
            }
            other => panic!(
                "{what}: a decision the centre did not sign for this device was taken: {other:?}"
            ),
        }
        assert_eq!(
            applied_server_seqs(phone.dir.path()),
            Vec::<u64>::new(),
            "{what}"
        );
        assert_eq!(
            sync_marks(phone.dir.path()).1,
            0,
            "{what}: the pull cursor stays"
        );
    }
    proxy.on_response(None);
    let report = phone.sync().await.unwrap();
    assert_eq!(report.server_events_applied, 1);
    assert_eq!(applied_server_seqs(phone.dir.path()), vec![mine.server_seq]);
}

on_both_backends!(forged_or_misdirected_decisions_of_the_centre_are_refused_and_none_applied);

async fn a_push_inflated_past_the_limit_is_refused_as_too_large_and_nothing_stored(
    backend: Backend,
) {
    let centre = Centre::on(backend).await;
    let proxy = Proxy::start(centre.addr(), Faults::none()).await;
    let phone = Phone::enrolled(&centre, &proxy, "李明").await;
    // Whitespace after the JSON: the same push, over 16 MiB.
    proxy.on_request(Some(Arc::new(|r: &mut Request| {
        if r.route() == Route::Push {
            r.body.resize(MAX_BODY_BYTES + 1024, b' ');
        }
    })));
    assert_refused(phone.sync().await, "too_large");
    assert_eq!(centre.log_of(&phone.core).await, Vec::<LogRow>::new());
    assert_eq!(phone.acked(), 0);
    proxy.on_request(None);
    phone.sync().await.unwrap();
    assert_eq!(centre.log_of(&phone.core).await, phone.log());
}

on_both_backends!(a_push_inflated_past_the_limit_is_refused_as_too_large_and_nothing_stored);

/// The app a protocol ahead of its centre (the request rewritten to name the next version,
/// as that app will send it): the centre refuses rather than serve it as v1, the device is
/// told plainly that the centre must be updated, once, without retrying, and nothing moves.
async fn an_app_newer_than_its_centre_is_told_to_update_the_centre(backend: Backend) {
    let centre = Centre::on(backend).await;
    let proxy = Proxy::start(centre.addr(), Faults::none()).await;
    let phone = Phone::enrolled(&centre, &proxy, "李明").await;
    let next = (PROTOCOL + 1).to_string();
    proxy.on_request(Some(Arc::new(move |r: &mut Request| {
        r.set_header(PROTOCOL_HEADER, Some(&next))
    })));
    let before = proxy.requests();
    assert_refused(phone.sync().await, "update_centre");
    assert_eq!(proxy.requests() - before, 1, "told once, not retried");
    assert_eq!(centre.log_of(&phone.core).await, Vec::<LogRow>::new());
    assert_eq!(phone.acked(), 0);

    proxy.on_request(None);
    phone.sync().await.unwrap();
    assert_eq!(centre.log_of(&phone.core).await, phone.log());
}

on_both_backends!(an_app_newer_than_its_centre_is_told_to_update_the_centre);
