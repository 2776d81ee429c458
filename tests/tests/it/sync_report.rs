//! What a sync reports about trusted time, and a time sample that says nothing: on a network so
//! slow that every round trip lasts over a minute, the exchanges are still proven and kept —
//! the samples are left out, they do not fail the enrolment or the sync.

use std::path::Path;
use std::sync::Arc;

use redshield_core::api::FieldCore;
use redshield_testkit::centre::Centre;
use redshield_testkit::{TestPlatform, complaint_from};

fn open(dir: &Path) -> Arc<FieldCore> {
    // The monotonic clock moves 61 s between any two readings: every request's round trip
    // looks longer than `MAX_ROUND_TRIP_MS`.
    let platform = TestPlatform::builder()
        .monotonic_stepping(1_000_000, 61_000)
        .build();
    let core = FieldCore::open(dir.display().to_string(), platform).unwrap();
    core.sign_in("李明".into(), "HN-12315-0042".into()).unwrap();
    core
}

#[tokio::test(flavor = "multi_thread")]
async fn round_trips_over_a_minute_fail_nothing_and_anchor_nothing() {
    let centre = Centre::start().await;
    let dir = tempfile::tempdir().unwrap();
    let phone = open(dir.path());
    phone.open_case(complaint_from("王芳")).unwrap();
    let code = centre.code().await;
    phone.clone().enrol(centre.url(), code, None).await.unwrap();
    let report = phone.clone().sync(None, None).await.unwrap();
    let head = phone.verify_chain().unwrap().events;
    assert_eq!((report.events_pushed, report.acked_seq), (head, head));
    // No sample anchored trusted time: the wall clock, as it is.
    assert_eq!(
        (report.time_offset_ms, report.time_uncertainty_ms),
        (0, None)
    );
}
