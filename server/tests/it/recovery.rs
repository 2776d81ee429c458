//! A crash between a push's ledger commit and its replica catch-up: the push is stored and
//! acknowledged, the device's replica is not brought up to it. The fail point
//! `Service::fail_next_push_after_commit` stops the push right there, as a dying process would;
//! then the replica must be caught up at the next start, by the device's next push even with
//! nothing new, and before any read of it — and the report count every complaint.

use crate::common::{Backend, Centre, Phone, exchange, on_both_backends};
use chrono::Days;
use redshield_core::time::beijing_today;
use redshield_server::Ledger;
use reqwest::{Method, StatusCode};

const CASES: usize = 6;
/// Of them, pushed before the crash.
const BEFORE: usize = 4;

/// A phone with `CASES` complaints of which the centre has `BEFORE` in its replica and all
/// in its ledger: the last push stopped between the two.
async fn left_behind(centre: &Centre) -> Phone {
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    for n in 0..BEFORE {
        phone.open_case(n);
    }
    centre.push_ok(&phone, &phone.outbox(0)).await;
    let before = phone.head_seq();
    for n in BEFORE..CASES {
        phone.open_case(n);
    }
    centre.running().fail_next_push_after_commit();
    let (status, body) = centre.push(&phone, &phone.outbox(before)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let id = phone.device.device_id();
    let held = centre.running().ledger().head(id).await.unwrap().seq;
    assert_eq!(held, phone.head_seq(), "the ledger committed the push");
    assert_eq!(
        replica_head(centre, &phone).await,
        before,
        "the replica did not"
    );
    phone
}

/// The replica's head as it is on disk, without bringing it up first.
async fn replica_head(centre: &Centre, phone: &Phone) -> u64 {
    let replicas = centre.running().replicas();
    replicas.head(phone.device.device_id()).await.unwrap()
}

/// The complaints the centre's report counts for the days around today (every case here).
async fn complaints_counted(centre: &Centre) -> u64 {
    let today = beijing_today();
    let from = today - Days::new(1);
    let to = today + Days::new(1);
    let path = format!("/v1/admin/statistics?from={from}&to={to}");
    let (status, body) = exchange(centre.admin(Method::GET, &path)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["left_out"], serde_json::json!([]), "{body}");
    body["centre"]["complaints"].as_u64().unwrap()
}

async fn a_replica_a_crash_left_behind_is_caught_up_at_start(backend: Backend) {
    let mut centre = Centre::start(backend).await;
    let phone = left_behind(&centre).await;

    centre.restart().await;
    // Before any request: the start did it.
    assert_eq!(replica_head(&centre, &phone).await, phone.head_seq());
    assert_eq!(complaints_counted(&centre).await, CASES as u64);
}
on_both_backends!(a_replica_a_crash_left_behind_is_caught_up_at_start);

async fn a_push_with_nothing_new_brings_a_lagging_replica_up(backend: Backend) {
    let centre = Centre::start(backend).await;
    let phone = left_behind(&centre).await;

    // The device never heard the receipt: it sends the same events again, all duplicates.
    let receipt = centre.push_ok(&phone, &phone.outbox(0)).await;
    assert_eq!(receipt.stored, 0);
    assert_eq!(receipt.acked_seq, phone.head_seq());
    assert_eq!(replica_head(&centre, &phone).await, phone.head_seq());
}
on_both_backends!(a_push_with_nothing_new_brings_a_lagging_replica_up);

async fn the_report_reads_a_lagging_replica_only_once_it_is_caught_up(backend: Backend) {
    let centre = Centre::start(backend).await;
    let phone = left_behind(&centre).await;

    // No restart, no push: the read itself brings the replica up first.
    assert_eq!(complaints_counted(&centre).await, CASES as u64);
    assert_eq!(replica_head(&centre, &phone).await, phone.head_seq());
}
on_both_backends!(the_report_reads_a_lagging_replica_only_once_it_is_caught_up);
