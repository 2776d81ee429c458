//! The centre's staff and the devices: the list (last sync, last position, app version, what
//! is flagged) and revoking a lost device — over real HTTP, on both ledgers.

use crate::common::{Backend, Centre, Phone, exchange, on_both_backends, refusal};
use redshield_core::cases::Step;
use redshield_core::position::GeoPoint;
use redshield_server::Ledger;
use redshield_testkit::complaint_from as complaint;
use reqwest::{Method, StatusCode};
use serde_json::Value;

fn admin_token(centre: &Centre) -> String {
    std::fs::read_to_string(centre.running().admin_token_path())
        .unwrap()
        .trim()
        .to_string()
}

async fn device_list(centre: &Centre) -> Vec<Value> {
    let request = centre.authed(Method::GET, "/v1/admin/devices", &admin_token(centre));
    let (status, body) = exchange(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["devices"].as_array().unwrap().clone()
}

async fn the_staff_list_devices_and_a_revoked_device_is_shut_out_at_once(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut working = Phone::new();
    let case = working.device.open_case(&complaint("王芳")).unwrap();
    let here = GeoPoint::from_degrees("place", 28.1942, 112.9823, Some(5.0)).unwrap();
    working
        .device
        .take_step(&case.id, &Step::Accept, None, Some(here))
        .unwrap();
    centre.enrol(&mut working).await;
    centre.push_ok(&working, &working.outbox(0)).await;
    let mut lost = Phone::new();
    centre.enrol(&mut lost).await;
    centre.push_ok(&lost, &lost.outbox(0)).await;

    // Only the admin token opens the list: not a device's, not none.
    let (status, _) = exchange(centre.request(Method::GET, "/v1/admin/devices")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let as_device = centre.authed(Method::GET, "/v1/admin/devices", working.token());
    assert_eq!(exchange(as_device).await.0, StatusCode::UNAUTHORIZED);

    let devices = device_list(&centre).await;
    assert_eq!(devices.len(), 2);
    let first = &devices[0];
    assert_eq!(first["device_id"], working.device.device_id().to_string());
    assert_eq!(first["prefix"], working.device.device_prefix());
    assert_eq!(first["held_seq"], working.head_seq());
    assert_eq!(first["revoked"], false);
    assert!(first["last_seen_ms"].as_i64().unwrap() > 0);
    let position = &first["last_position"];
    assert!(
        (position["lat"].as_f64().unwrap() - 28.1942).abs() < 1e-6,
        "{position}"
    );
    assert!(
        (position["lon"].as_f64().unwrap() - 112.9823).abs() < 1e-6,
        "{position}"
    );
    assert_eq!(position["accuracy_m"], 5.0);
    assert!(
        devices[1]["last_position"].is_null(),
        "the lost phone never said where"
    );

    // Revoked: its token stops working at once; what it signed stays held.
    let held = centre
        .running()
        .ledger()
        .events(lost.device.device_id(), 0, 100)
        .await
        .unwrap();
    let path = format!("/v1/admin/devices/{}/revoke", lost.device.device_id());
    let (status, body) = exchange(centre.authed(Method::POST, &path, &admin_token(&centre))).await;
    assert_eq!(
        (status, &body["revoked"]),
        (StatusCode::OK, &Value::Bool(true)),
        "{body}"
    );
    let (status, body) = centre.push(&lost, &lost.outbox(0)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(refusal(&body).1.contains("revoked"), "{body}");
    let still = centre
        .running()
        .ledger()
        .events(lost.device.device_id(), 0, 100)
        .await;
    assert_eq!(still.unwrap(), held);
    assert_eq!(device_list(&centre).await[1]["revoked"], true);
    // The other device is untouched.
    centre.push_ok(&working, &working.outbox(0)).await;

    let unknown = format!("/v1/admin/devices/{}/revoke", uuid::Uuid::now_v7());
    let request = centre.authed(Method::POST, &unknown, &admin_token(&centre));
    assert_eq!(exchange(request).await.0, StatusCode::NOT_FOUND);
}

on_both_backends!(the_staff_list_devices_and_a_revoked_device_is_shut_out_at_once);
