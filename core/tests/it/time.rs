//! Trusted time on a real store: a server sample anchors it, a GNSS fix too; a wall clock set
//! back an hour mid-case is recorded as a jump, and the case's times and clocks go on in true
//! time.

use std::sync::atomic::Ordering;

use redshield_core::Device;
use redshield_core::cases::Step;
use redshield_core::clocks::ClockState;
use redshield_core::platform::Platform;
use redshield_core::time::TimeSource;
use redshield_core::trips::{Fix, NewTrip, Purpose};
use redshield_testkit::{TestPlatform, complaint, officer};

fn real_now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn events_of_type(device: &Device, kind: &str) -> i64 {
    device
        .connection()
        .query_row("SELECT count(*) FROM events WHERE type = ?1", [kind], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn a_wall_clock_set_back_an_hour_mid_case_changes_nothing_but_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let platform = TestPlatform::new();
    let mut device = Device::open(dir.path(), platform.clone()).unwrap();
    device.sign_in(officer()).unwrap();
    assert_eq!(device.trusted_time().unwrap().source, TimeSource::Wall);

    // The phone's clock runs 10 minutes slow; the server says the true time.
    platform.wall_shift_ms.store(-600_000, Ordering::SeqCst);
    // The response arrived now, 40 ms after the request left; the server read its clock 20 ms
    // before the response arrived.
    let received = platform.monotonic_ms();
    let server_ms = real_now() - 20;
    let trusted = device
        .record_server_time(received - 40, received, server_ms)
        .unwrap();
    assert_eq!(trusted.source, TimeSource::Server);
    // Half the round trip, plus drift (rounded up) for the moments since.
    assert!(
        matches!(trusted.uncertainty_ms, Some(20..=21)),
        "{trusted:?}"
    );
    assert!((trusted.offset_ms - 600_000).abs() < 2_000, "{trusted:?}");
    // Running 10 minutes behind since the sign-in is itself a jump, recorded.
    assert_eq!(events_of_type(&device, "WallClockJumped"), 1);
    let case = device.open_case(&complaint(1)).unwrap();
    assert!(
        (case.opened_at_ms - real_now()).abs() < 2_000,
        "opened in true time"
    );

    // Someone sets the phone back an hour.
    platform.wall_shift_ms.store(-4_200_000, Ordering::SeqCst);
    device
        .take_step(&case.id, &Step::Accept, None, None)
        .unwrap();
    assert_eq!(events_of_type(&device, "WallClockJumped"), 2);
    let jumped: String = device
        .connection()
        .query_row(
            "SELECT canonical FROM events WHERE type = 'WallClockJumped' ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                r.get::<_, Vec<u8>>(0)
                    .map(|b| String::from_utf8(b).unwrap())
            },
        )
        .unwrap();
    let jumped: serde_json::Value = serde_json::from_str(&jumped).unwrap();
    let by_ms = jumped["body"]["by_ms"].as_i64().unwrap();
    assert!(
        (by_ms + 3_600_000).abs() < 1_000,
        "set back an hour: {jumped}"
    );

    let accepted = device.case(&case.id).unwrap().history.remove(0);
    assert!(
        (accepted.at_ms - real_now()).abs() < 2_000,
        "the step is in true time"
    );
    let accept = &device.case_clocks(&case.id).unwrap()[0];
    assert_eq!(accept.state, ClockState::Met);
    assert!(
        accept.elapsed_ms >= 0 && accept.elapsed_ms < 5_000,
        "{accept:?}"
    );
    // No second jump once the clock stays where it was set.
    device
        .take_step(&case.id, &Step::StartMediation, None, None)
        .unwrap();
    assert_eq!(events_of_type(&device, "WallClockJumped"), 2);
    assert!(device.verify_chain().unwrap().is_intact());
}

#[test]
fn a_gnss_fix_with_its_monotonic_stamp_anchors_trusted_time() {
    let dir = tempfile::tempdir().unwrap();
    let platform = TestPlatform::new();
    let mut device = Device::open(dir.path(), platform.clone()).unwrap();
    device.sign_in(officer()).unwrap();
    platform.wall_shift_ms.store(300_000, Ordering::SeqCst);
    let trip = device
        .start_trip(&NewTrip {
            vehicle: "湘A·12315".into(),
            crew: vec![],
            crew_count: Some(2),
            purpose: Purpose::Patrol,
            case_id: None,
            odometer_km: None,
            odometer_photo: None,
            started_at_ms: None,
        })
        .unwrap();
    let mut fix = Fix::at(28.2, 112.9, real_now());
    fix.accuracy_m = Some(5.0);
    fix.provider = Some("network".into());
    fix.monotonic_ms = Some(platform.monotonic_ms());
    device.record_fixes(&trip.id, &[fix.clone()]).unwrap();
    assert_eq!(
        device.trusted_time().unwrap().source,
        TimeSource::Wall,
        "not a GNSS fix"
    );
    fix.provider = Some("gps".into());
    fix.time_ms += 1000;
    device.record_fixes(&trip.id, &[fix.clone()]).unwrap();
    // The next fix, a second later, is no better by a margin: no new anchor, no new event.
    fix.time_ms += 1000;
    fix.monotonic_ms = Some(platform.monotonic_ms());
    device.record_fixes(&trip.id, &[fix]).unwrap();
    let trusted = device.trusted_time().unwrap();
    assert_eq!(trusted.source, TimeSource::Gnss);
    assert!(
        (trusted.trusted_ms - real_now()).abs() < 3_000,
        "{trusted:?}"
    );
    assert!((trusted.offset_ms + 300_000).abs() < 3_000);
    assert_eq!(events_of_type(&device, "TimeAnchored"), 1);
}
