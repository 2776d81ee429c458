//! What the centre makes of what it holds: events of a newer app version, case ownership and
//! its conflicts, its own projection of every case, and the evidence verifier's verdicts.

mod common;

use std::sync::Arc;

use common::{Centre, Phone};
use ed25519_dalek::SigningKey;
use redshield_core::events::{Digest, Envelope, SealedEvent, decode};
use redshield_core::platform::Platform;
use redshield_core::sync::protocol::{Push, WireEvent, WireVaultRow};
use redshield_core::vault;
use redshield_e2e::PhonePlatform;
use redshield_server::Ledger;
use serde_json::json;

/// The device's own signing key, unwrapped as its keystore would.
fn signing_key(phone: &Phone) -> SigningKey {
    let wrapped: Vec<u8> = phone
        .device
        .connection()
        .query_row("SELECT wrapped_secret FROM device", [], |r| r.get(0))
        .unwrap();
    let secret = Arc::new(PhonePlatform).unwrap_secret(wrapped).unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_of_a_newer_app_is_held_not_refused_and_its_vault_row_still_checked() {
    let centre = Centre::start().await;
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
}
