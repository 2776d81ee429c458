//! What the centre makes of what it holds: events of a newer app version, case ownership and
//! its conflicts, its own projection of every case, and the evidence verifier's verdicts.

use std::sync::Arc;

use crate::common::{Backend, Centre, Phone, on_both_backends};
use redshield_core::api::{EvidenceKind, FieldCore, NewEvidence, Outcome, Step};
use redshield_core::cases::Case;
use redshield_core::events::{Digest, Envelope, SealedEvent, decode};
use redshield_core::platform::Platform;
use redshield_core::signing::SigningKey;
use redshield_core::sync::protocol::{Push, WireEvent, WireVaultRow};
use redshield_core::vault;
use redshield_server::Ledger;
use redshield_server::replicas::Replicas;
use redshield_testkit::TestPlatform;
use redshield_testkit::{complaint_from as complaint, photo};
use serde_json::json;

/// The device's own signing key, unwrapped as its keystore would.
fn signing_key(phone: &Phone) -> SigningKey {
    let wrapped: Vec<u8> = phone
        .device
        .connection()
        .query_row("SELECT wrapped_secret FROM device", [], |r| r.get(0))
        .unwrap();
    let secret = TestPlatform::new().unwrap_secret(wrapped).unwrap();
    SigningKey::from_bytes(&secret.try_into().unwrap())
}

/// An event a newer app would make — a type this code does not know — signed by the device
/// as the next link of its chain, with one personal value sealed in it.
fn newer_apps_event(phone: &Phone, value: &str) -> (WireEvent, WireVaultRow) {
    let head = phone.device.head();
    let last = phone.outbox(head.seq - 1).events.pop().unwrap();
    let previous = decode(last.canonical.as_bytes()).unwrap();
    let salt = [5u8; 16];
    let row = WireVaultRow {
        id: 9_000,
        case_id: None,
        field: "inspection.note".into(),
        salt: hex::encode(salt),
        value: value.into(),
    };
    let envelope = Envelope {
        id: uuid::Uuid::now_v7(),
        seq: head.seq + 1,
        prev_hash: head.hash,
        event_type: "VehicleInspected".into(),
        body_version: 1,
        body: json!({
            "vehicle": "湘A·12315",
            "note": {"id": row.id, "sha256": vault::commit(&salt, value)},
        }),
        ..previous
    };
    let sealed = SealedEvent::seal(envelope, &signing_key(phone)).unwrap();
    let event = WireEvent {
        canonical: String::from_utf8(sealed.canonical).unwrap(),
        hash: sealed.hash,
        signature: hex::encode(sealed.signature.to_bytes()),
    };
    (event, row)
}

async fn an_event_of_a_newer_app_is_held_not_refused_and_its_vault_row_still_checked(
    backend: Backend,
) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    phone.open_case(1);
    centre.enrol(&mut phone).await;
    centre.push_ok(&phone, &phone.outbox(0)).await;
    let (event, row) = newer_apps_event(&phone, "左前轮胎磨损");

    let mut altered = row.clone();
    altered.value.push('!');
    let refused = Push {
        events: vec![event.clone()],
        vault: vec![altered],
    };
    let (status, body) = centre.push(&phone, &refused).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("commitment"), "{body}");

    let push = Push {
        events: vec![event.clone()],
        vault: vec![row.clone()],
    };
    let receipt = centre.push_ok(&phone, &push).await;
    assert_eq!(receipt.acked_seq, phone.head_seq() + 1);
    let id = phone.device.device_id();
    let held = centre
        .running()
        .ledger()
        .events(id, phone.head_seq(), 10)
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].canonical, event.canonical);
    assert_eq!(held[0].hash, Digest::of(&[event.canonical.as_bytes()]));
    let vault = centre.running().ledger().vault_rows(id).await.unwrap();
    assert!(vault.contains(&row), "the newer event's vault row is kept");
    // Held in the centre's replica too, listed as not projected until the centre is upgraded.
    let unreadable = centre
        .running()
        .replicas()
        .read(id, |r| r.unreadable())
        .await
        .unwrap();
    assert_eq!(unreadable.len(), 1);
    assert_eq!(unreadable[0].0, phone.head_seq() + 1);
    assert!(
        unreadable[0].1.contains("VehicleInspected"),
        "{unreadable:?}"
    );
}

on_both_backends!(an_event_of_a_newer_app_is_held_not_refused_and_its_vault_row_still_checked);

/// The centre's reading of a case, with the core's own code on its replica of the device.
async fn centre_case(centre: &Centre, device: uuid::Uuid, case: &str) -> Case {
    let case = case.to_string();
    centre
        .running()
        .replicas()
        .read(device, move |r| {
            redshield_core::cases::read::get(r.conn(), &case)
        })
        .await
        .unwrap()
}

async fn enrol_core(centre: &Centre, core: &Arc<FieldCore>) {
    core.clone()
        .enrol(centre.base.clone(), centre.code().await, None)
        .await
        .unwrap();
}

async fn the_centre_projects_each_case_as_its_owner_does_and_verifies_evidence_on_ingest(
    backend: Backend,
) {
    let centre = Centre::start(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = redshield_testkit::device(dir.path(), "李明");
    let accepted = phone.open_case(complaint("王芳")).unwrap();
    let other = phone.open_case(complaint("赵强")).unwrap();
    phone
        .take_step(
            accepted.id.clone(),
            Step::Accept,
            Some("当场受理".into()),
            None,
        )
        .unwrap();
    let jpeg = dir.path().join("receipt.jpg");
    photo(&jpeg, 1);
    let evidence = phone
        .add_evidence(NewEvidence {
            case_id: accepted.id.clone(),
            path: jpeg.display().to_string(),
            kind: EvidenceKind::Goods,
            note: Some("购物小票".into()),
            caption: false,
            place: None,
            place_time_ms: None,
            rendition: None,
        })
        .unwrap();
    enrol_core(&centre, &phone).await;
    phone.clone().sync(None, None).await.unwrap();

    let id = uuid::Uuid::parse_str(&phone.device_id()).unwrap();
    for case in [&accepted, &other] {
        let mine = phone.get_case(case.id.clone()).unwrap();
        assert_eq!(centre_case(&centre, id, &case.id).await, mine);
    }
    let verdict = centre
        .running()
        .replicas()
        .read(id, {
            let evidence = evidence.id.clone();
            move |r| r.evidence_verdict(&evidence)
        })
        .await
        .unwrap()
        .expect("verified once its blobs arrived");
    assert!(verdict.intact, "{verdict:?}");
    let codes: Vec<&str> = verdict.checks.iter().map(|c| c.code.as_str()).collect();
    assert!(codes.contains(&"original.hash.match"), "{codes:?}");

    // A blob is given only to a device whose own records name it (GET /v1/blobs: a case
    // handed over brings its photos' copies; `tests/tests/handover.rs`).
    let display = evidence
        .display
        .as_ref()
        .expect("a display copy")
        .sha256
        .clone();
    let path = format!("/v1/blobs/{display}");
    let mut stranger = Phone::new();
    centre.enrol(&mut stranger).await;
    let get = |token: Option<&str>, path: &str| {
        let request = match token {
            Some(token) => centre.authed(reqwest::Method::GET, path, token),
            None => centre.request(reqwest::Method::GET, path),
        };
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(Some(stranger.token()), &path).await, 403);
    assert_eq!(get(None, &path).await, 401);
    assert_eq!(
        get(Some(stranger.token()), "/v1/blobs/not-a-hash").await,
        400
    );

    // Derived, not the record: a new replica made from the ledger alone reads the same.
    phone
        .take_step(other.id.clone(), Step::Accept, None, None)
        .unwrap();
    phone.clone().sync(None, None).await.unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let rebuilt = Replicas::new(elsewhere.path());
    let ledger = centre.running().ledger();
    let record = ledger.device(id).await.unwrap().unwrap();
    let caught = rebuilt.catch_up(ledger, &record, 0).await.unwrap();
    assert_eq!(caught.events, ledger.head(id).await.unwrap().seq);
    for case in [&accepted, &other] {
        let mine = phone.get_case(case.id.clone()).unwrap();
        let case = case.id.clone();
        let theirs = rebuilt
            .read(id, move |r| {
                redshield_core::cases::read::get(r.conn(), &case)
            })
            .await
            .unwrap();
        assert_eq!(theirs, mine);
    }
}

on_both_backends!(the_centre_projects_each_case_as_its_owner_does_and_verifies_evidence_on_ingest);

async fn a_case_has_one_owner_and_late_events_of_another_device_are_conflicts(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut first = Phone::new();
    let case = first.device.open_case(&complaint("王芳")).unwrap();
    centre.enrol(&mut first).await;
    let mut second = Phone::new();
    centre.enrol(&mut second).await;
    let receipt = centre.push_ok(&first, &first.outbox(0)).await;
    assert!(receipt.conflicts.is_empty());
    centre.push_ok(&second, &second.outbox(0)).await;
    let ledger = centre.running().ledger();
    let case_id = uuid::Uuid::parse_str(&case.id).unwrap();
    let (a, b) = (first.device.device_id(), second.device.device_id());
    let owner = ledger.case_owner(case_id).await.unwrap().unwrap();
    assert_eq!(
        (owner.device, owner.closed),
        (a, false),
        "the device that opened it"
    );

    // The centre reassigns the case while the first device is offline and still working.
    centre.running().assign_case(case_id, b).await.unwrap();
    assert_eq!(ledger.case_owner(case_id).await.unwrap().unwrap().device, b);
    let told: Vec<_> = [a, b].into_iter().collect();
    for device in told {
        let events = ledger.server_events(device, 0, 10).await.unwrap();
        assert!(
            events.iter().any(|e| e.canonical.contains("CaseAssigned")),
            "device {device} is told"
        );
    }
    let before = first.head_seq();
    first
        .device
        .take_step(&case.id, &Step::Accept, Some("当场受理"), None)
        .unwrap();
    let late = first.head_seq();
    let receipt = centre.push_ok(&first, &first.outbox(before)).await;
    assert_eq!(receipt.acked_seq, late, "stored in its chain all the same");
    assert_eq!(receipt.conflicts, vec![late]);
    let conflicts = ledger.conflicts(a).await.unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!((conflicts[0].seq, conflicts[0].case_id), (late, case_id));
    assert!(
        conflicts[0].reason.contains(&b.to_string()),
        "{conflicts:?}"
    );
    // A replay flags nothing twice.
    centre.push_ok(&first, &first.outbox(before)).await;
    assert_eq!(ledger.conflicts(a).await.unwrap().len(), 1);

    // Closed by the centre: no device's event fits it any more.
    centre
        .running()
        .close_case(case_id, Outcome::Withdrawn)
        .await
        .unwrap();
    assert!(ledger.case_owner(case_id).await.unwrap().unwrap().closed);
    first
        .device
        .take_step(&case.id, &Step::StartMediation, None, None)
        .unwrap();
    let receipt = centre.push_ok(&first, &first.outbox(late)).await;
    assert_eq!(receipt.conflicts, vec![first.head_seq()]);
    let conflicts = ledger.conflicts(a).await.unwrap();
    assert!(conflicts[1].reason.contains("closed"), "{conflicts:?}");

    let unknown = centre
        .running()
        .close_case(uuid::Uuid::now_v7(), Outcome::Withdrawn)
        .await;
    assert!(unknown.unwrap_err().to_string().contains("no case"));
}

on_both_backends!(a_case_has_one_owner_and_late_events_of_another_device_are_conflicts);
