//! Trips on a real store: start, fixes in batches, end; the rules of the log book.

use redshield_core::Error;
use redshield_core::trips::{DropReason, Fix, NewTrip, Purpose, limits};
use redshield_testkit::{complaint, device_in, projections};

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
        started_at_ms: None,
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

/// The seed reports' figures: 出动维权车辆 N 次, 维权人员 N 人次, 行程 N 公里 — two vehicles,
/// two staff on each, as the seed's county centre ran them.
#[test]
fn the_month_gives_outings_staff_trips_and_kilometres() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = device.open_case(&complaint(1)).unwrap();
    let mut trip =
        |vehicle: &str, crew: [&str; 2], purpose: Purpose, steps: i64, odo: (f64, f64)| {
            let new = NewTrip {
                vehicle: vehicle.into(),
                crew: crew.iter().map(|c| c.to_string()).collect(),
                crew_count: None,
                purpose,
                case_id: (purpose == Purpose::Dispatch).then(|| case.number.clone()),
                odometer_km: Some(odo.0),
                odometer_photo: None,
                started_at_ms: None,
            };
            let t = device.start_trip(&new).unwrap();
            device.record_fixes(&t.id, &driving(0, steps)).unwrap();
            device.end_trip(&t.id, Some(odo.1)).unwrap()
        };
    // 1 001 fixes ≈ 9.81 km; 2 001 ≈ 19.62 km.
    let a1 = trip(
        "湘A·1",
        ["李明", "张强"],
        Purpose::Patrol,
        1001,
        (100.0, 109.9),
    );
    let a2 = trip(
        "湘A·1",
        ["李明", "王伟"],
        Purpose::Dispatch,
        2001,
        (109.9, 129.5),
    );
    let b1 = trip(
        "湘A·2",
        ["赵敏", "张强"],
        Purpose::Patrol,
        1001,
        (500.0, 530.0),
    );

    let month = redshield_core::time::beijing_date(a1.started_at_ms)
        .unwrap()
        .format("%Y-%m")
        .to_string();
    let m = device.monthly_mileage(&month, None).unwrap();
    let t = &m.total;
    assert_eq!((t.trips, t.dispatch_trips, t.staff_trips), (3, 1, 6));
    let gps = (a1.track.distance_m + a2.track.distance_m + b1.track.distance_m) / 1000.0;
    assert!((t.gps_km - gps).abs() < 1e-9);
    assert!((t.gps_km - 39.24).abs() < 0.1, "{}", t.gps_km);
    assert!((t.odometer_km - (9.9 + 19.6 + 30.0)).abs() < 1e-9);
    assert_eq!(
        (t.odometer_trips, t.mismatched_trips),
        (3, 1),
        "湘A·2 read 30 km for 9.8"
    );

    let vehicles: Vec<(&str, u64, u64)> = m
        .by_vehicle
        .iter()
        .map(|v| (v.key.as_str(), v.trips, v.staff_trips))
        .collect();
    assert_eq!(vehicles, [("湘A·1", 2, 4), ("湘A·2", 1, 2)]);
    // regulations.md, 行程 km: one figure, per trip the odometer where both readings exist
    // (here every trip), else GPS.
    assert!((t.km - t.odometer_km).abs() < 1e-9);
    assert_eq!(t.trips_without_km, 0);
    // regulations.md, 人次 "per officer, each named crew member counts once per trip": two
    // trips of two staff each are 4 人次 for the vehicles, 2 for 张强.
    let zhang = m.by_crew_member.iter().find(|c| c.key == "张强").unwrap();
    assert_eq!(
        (zhang.trips, zhang.dispatch_trips, zhang.staff_trips),
        (2, 0, 2)
    );
    assert_eq!(m.by_day.len(), 1);
    assert_eq!(m.by_day[0].trips, 3);

    let one = device.monthly_mileage(&month, Some("湘A·2")).unwrap();
    assert_eq!(one.total.trips, 1);
    assert!(device.monthly_mileage("2026-13", None).is_err());
}

#[test]
fn a_recorded_trip_is_entered_whole_at_its_own_times() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let fixes = driving(0, 12_000);
    let mut new = patrol("湘A·12315");
    new.odometer_km = None;
    let trip = device.import_trip(&new, &fixes).unwrap();
    assert_eq!(trip.started_at_ms, T0);
    assert_eq!(trip.ended_at_ms, Some(T0 + 11_999_000));
    assert_eq!(trip.track.fixes_kept, 12_000);
    assert_eq!(device.trip_fixes(&trip.id).unwrap().len(), 12_000);
    // A failed import leaves nothing behind.
    let mut bad = patrol("湘A·12315");
    bad.crew_count = Some(0);
    assert!(device.import_trip(&bad, &fixes).is_err());
    let trips: i64 = device
        .connection()
        .query_row("SELECT count(*) FROM trips", [], |r| r.get(0))
        .unwrap();
    assert_eq!(trips, 1);
}

/// Fed in batches of any size, the tracker measures what one pass over the whole track does.
#[test]
fn batches_of_any_size_measure_the_same_track() {
    let mut fixes = driving(0, 3000);
    // A jump, a 0/0 fix, a stop of ten minutes and a duplicate, to cross batch edges.
    fixes[700].latitude += 0.05;
    fixes[1200].latitude = 0.0;
    fixes[1200].longitude = 0.0;
    for (i, f) in fixes[1500..2100].iter_mut().enumerate() {
        f.longitude = 112.9 + 0.0001 * 1500.0 + 0.000_01 * (i % 3) as f64;
    }
    fixes[2500].time_ms = fixes[2499].time_ms;
    // As stored: degrees in 1e-7 steps.
    let stored: Vec<Fix> = fixes
        .iter()
        .map(|f| Fix::from(&redshield_core::trips::events::StoredFix::from(f)))
        .collect();
    let whole = redshield_core::trips::measure(
        &stored,
        &redshield_core::trips::TrackConfig::default(),
        T0 + 10_000_000,
    );
    assert_eq!(whole.stops.len(), 1);
    for batch in [1, 7, 333, 1000, 3000] {
        let dir = tempfile::tempdir().unwrap();
        let mut device = device_in(dir.path());
        let trip = device.start_trip(&patrol("湘A·12315")).unwrap();
        for chunk in fixes.chunks(batch) {
            device.record_fixes(&trip.id, chunk).unwrap();
        }
        let ended = device.end_trip(&trip.id, None).unwrap();
        assert_eq!(ended.track, whole, "batches of {batch}");
    }
}
