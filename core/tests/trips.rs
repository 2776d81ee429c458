//! Trips on a real store: start, fixes in batches, end; the rules of the log book.

mod common;

use common::{complaint, device_in, projections};
use redshield_core::Error;
use redshield_core::trips::{DropReason, Fix, NewTrip, Purpose, limits};

const T0: i64 = 1_795_000_000_000;

fn patrol(vehicle: &str) -> NewTrip {
    NewTrip {
        vehicle: vehicle.into(),
        crew: vec!["李明".into(), "张强".into()],
        crew_count: Some(3),
        purpose: Purpose::Patrol,
        case_id: None,
        odometer_km: Some(12_345.6),
        odometer_photo: None,
    }
}

/// About 11 m east each second from Changsha, with a phone's accuracy.
fn driving(from: i64, n: i64) -> Vec<Fix> {
    (from..from + n)
        .map(|s| {
            let mut f = Fix::at(28.2, 112.9 + 0.0001 * s as f64, T0 + s * 1000);
            f.accuracy_m = Some(5.0);
            f
        })
        .collect()
}

fn invalid_field<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[test]
fn a_trip_from_start_to_end_with_fixes_in_batches() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let trip = device.start_trip(&patrol("湘A·12315")).unwrap();
    assert_eq!((trip.crew_count, trip.ended_at_ms), (3, None));

    let fixes = driving(0, 10_000);
    let mut bad = fixes[5000].clone();
    bad.latitude = f64::NAN;
    let live = device.record_fixes(&trip.id, &fixes[..5000]).unwrap();
    assert_eq!(live.fixes_total, 5000);
    device.record_fixes(&trip.id, &[bad]).unwrap();
    device.record_fixes(&trip.id, &fixes[5000..]).unwrap();

    let ended = device.end_trip(&trip.id, Some(12_456.5)).unwrap();
    let track = &ended.track;
    assert_eq!(track.fixes_total, 10_001);
    assert_eq!(track.fixes_kept, 10_000);
    assert_eq!(track.dropped[0].reason, DropReason::InvalidCoordinates);
    // 9 999 steps of 0.0001° of longitude at 28.2° N: about 98 km.
    assert!(
        (track.distance_m - 98_070.0).abs() < 200.0,
        "{}",
        track.distance_m
    );
    assert_eq!(ended.odometer_distance_km.map(|k| k.round()), Some(111.0));
    assert!(
        ended.odometer_mismatch,
        "111 km by odometer, 98 by GPS: over 10 %"
    );
    assert_eq!(device.trip(&trip.id).unwrap(), ended, "the report is kept");

    // Every FixesRecorded event holds at most a few hundred fixes.
    let events: i64 = device
        .connection()
        .query_row(
            "SELECT count(*) FROM events WHERE type = 'FixesRecorded'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        events as usize,
        10_000_usize.div_ceil(limits::FIXES_PER_EVENT) + 1
    );

    let before = projections(&device);
    device.rebuild_projections().unwrap();
    assert_eq!(projections(&device), before);
    assert!(device.verify_chain().unwrap().is_intact());
}

#[test]
fn the_log_book_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let trip = device.start_trip(&patrol("湘A·12315")).unwrap();

    assert_eq!(
        invalid_field(device.start_trip(&patrol("湘A·12315"))),
        "vehicle"
    );
    device.start_trip(&patrol("湘A·99999")).unwrap();

    let too_many = driving(0, limits::FIXES_PER_CALL as i64 + 1);
    assert_eq!(
        invalid_field(device.record_fixes(&trip.id, &too_many)),
        "fixes"
    );
    assert_eq!(
        invalid_field(device.end_trip(&trip.id, Some(100.0))),
        "odometer_km"
    );
    assert_eq!(
        invalid_field(device.end_trip(&trip.id, Some(f64::NAN))),
        "odometer_km"
    );

    device.end_trip(&trip.id, None).unwrap();
    assert_eq!(
        invalid_field(device.end_trip(&trip.id, None)),
        "trip_id",
        "already ended"
    );
    assert_eq!(
        invalid_field(device.record_fixes(&trip.id, &driving(0, 3))),
        "trip_id"
    );
    let unknown = "01931234-5678-7abc-8def-0123456789ab";
    assert!(matches!(
        device.end_trip(unknown, None),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(invalid_field(device.trip("not a trip")), "trip_id");
    // The vehicle can go out again once its trip has ended.
    device.start_trip(&patrol("湘A·12315")).unwrap();
}

#[test]
fn a_dispatch_names_its_case_and_the_crew_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut dispatch = patrol("湘A·12315");
    dispatch.purpose = Purpose::Dispatch;
    assert_eq!(invalid_field(device.start_trip(&dispatch)), "case_id");
    let case = device.open_case(&complaint(1)).unwrap();
    dispatch.case_id = Some(case.number.clone());
    let trip = device.start_trip(&dispatch).unwrap();
    assert_eq!(trip.case_id.as_deref(), Some(&*case.id));

    let mut short = patrol("湘A·2");
    short.crew_count = Some(1);
    assert_eq!(invalid_field(device.start_trip(&short)), "crew_count");
    short.crew_count = None;
    assert_eq!(device.start_trip(&short).unwrap().crew_count, 2);
}
