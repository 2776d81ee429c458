//! Tracks through real GPX files: the synthetic scenarios of `trips_track.rs` written as GPX
//! (no accuracy, no speed, as every GPX file) and imported into a store; the files in
//! `tests/data/` (made by `make_gpx.py`); export and import again.

use std::path::Path;

use crate::common::tracks::*;
use redshield_core::Device;
use redshield_core::trips::{DropReason, Fix, TrackFormat, TrackReport, formats};
use redshield_testkit::gpx::data;
use redshield_testkit::{device_in, patrol_of};

const T0: i64 = 1_795_000_000_000;

/// Writes the fixes as a GPX file would hold them — position, time, altitude only — imports
/// that file as a trip and returns its track.
fn through_gpx(device: &mut Device, dir: &Path, fixes: &[Fix]) -> TrackReport {
    let bare: Vec<Fix> = fixes
        .iter()
        .map(|f| Fix::at(f.latitude, f.longitude, f.time_ms))
        .collect();
    let path = dir.join("track.gpx");
    let file = std::fs::File::create(&path).unwrap();
    formats::write_gpx("test", &bare, file).unwrap();
    device
        .import_gpx(&path, &patrol_of("川A·12315"))
        .unwrap()
        .track
}

#[test]
fn synthetic_tracks_measure_the_same_through_a_gpx_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let files = dir.path();

    let clean = drive(ROUTE, 12.0, 1.0, T0);
    let expected = length(&clean);
    assert_close(
        through_gpx(&mut device, files, &clean).distance_m,
        expected,
        0.001,
        "clean",
    );

    let mut noisy = clean.clone();
    Noise(7).perturb(&mut noisy, 4.0, 0.9);
    assert_close(
        through_gpx(&mut device, files, &noisy).distance_m,
        expected,
        0.02,
        "noisy",
    );

    let mut jumpy = noisy.clone();
    for i in (100..jumpy.len()).step_by(150) {
        jumpy[i].latitude += 0.02;
    }
    for i in (50..jumpy.len()).step_by(300) {
        (jumpy[i].latitude, jumpy[i].longitude) = (0.0, 0.0);
    }
    jumpy[0].latitude += 0.3;
    let r = through_gpx(&mut device, files, &jumpy);
    let jumps = 1 + (100..jumpy.len()).step_by(150).count() as u64;
    assert_eq!(dropped(&r, DropReason::Jump), jumps);
    assert!(dropped(&r, DropReason::InvalidCoordinates) > 0);
    assert_close(r.distance_m, expected, 0.02, "jumps, 0/0, a first jump");

    let standing = parked(ROUTE[0], 3600, 5, T0, &mut Noise(3));
    let r = through_gpx(&mut device, files, &standing);
    assert_eq!((r.distance_m, r.moving_s), (0.0, 0.0), "parked: {r:?}");
    assert_eq!(r.stops.len(), 1);
}

#[test]
fn a_dozing_phone_and_a_tunnel_through_a_gpx_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));

    let d = dozing(T0);
    let r = through_gpx(&mut device, dir.path(), &d.fixes);
    assert_eq!(dropped(&r, DropReason::DuplicateTime), d.duplicates);
    assert_eq!(dropped(&r, DropReason::RepeatedPosition), 59);
    assert_eq!(r.gaps.len(), 1);
    assert!(r.stops.is_empty());
    assert_eq!((r.gaps[0].from_ms, r.gaps[0].to_ms), d.gap);
    assert_close(r.distance_m, d.expected_m, 0.001, "dozing");

    let mut tunnel = drive(ROUTE, 12.0, 1.0, T0);
    tunnel.drain(100..420);
    let r = through_gpx(&mut device, dir.path(), &tunnel);
    assert_eq!(r.gaps.len(), 1);
    assert!(r.bridged_m > 0.0 && r.bridged_m == r.gaps[0].bridged_m);
}

/// `parked.gpx`: an hour parked in Chengdu, a point every 5 s, no accuracy or speed.
#[test]
fn the_parked_file_accrues_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let trip = device
        .import_gpx(&data("parked.gpx"), &patrol_of("川A·12315"))
        .unwrap();
    assert_eq!(trip.track.distance_m, 0.0, "{:?}", trip.track);
    assert_eq!(trip.track.moving_s, 0.0);
    assert_eq!(trip.track.stops.len(), 1);
    assert!(trip.track.fixes_total > 700);
}

/// `drive.gpx`: about 10 km through Chengdu with a tunnel of seven minutes; the file says the
/// noise-free path's geodesic length in a comment.
#[test]
fn the_drive_file_reports_its_tunnel_and_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let text = std::fs::read_to_string(data("drive.gpx")).unwrap();
    let expected = reference_length(&text);
    let trip = device
        .import_gpx(&data("drive.gpx"), &patrol_of("川A·12315"))
        .unwrap();
    let track = &trip.track;
    assert_eq!(track.gaps.len(), 1, "{:?}", track.gaps);
    assert!(track.gaps[0].to_ms - track.gaps[0].from_ms >= 7 * 60_000);
    // The road under the tunnel is straight: the bridging line is the road.
    assert_close(track.distance_m, expected, 0.02, "drive.gpx");
    assert_eq!(trip.ended_at_ms, Some(trip.started_at_ms + 1_334_000));

    // Out as GPX (the kept fixes) and back in: the same points, and nearly the same length —
    // the filters see a track already thinned of its drift.
    let out = dir.path().join("again.gpx");
    device
        .export_trip(&trip.id, TrackFormat::Gpx, &out)
        .unwrap();
    let again = device.import_gpx(&out, &patrol_of("川A·12316")).unwrap();
    assert_eq!(again.track.fixes_total, track.fixes_kept);
    assert_close(
        again.track.distance_m,
        track.distance_m,
        0.005,
        "re-imported",
    );
}

#[test]
fn bad_files_are_refused_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let seq_before = device.verify_chain().unwrap().events;
    let garbage = dir.path().join("page.gpx");
    std::fs::write(&garbage, "<html><body>Wi-Fi login</body></html>").unwrap();
    let empty = dir.path().join("empty.gpx");
    std::fs::write(
        &empty,
        r#"<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1"></gpx>"#,
    )
    .unwrap();
    for path in [data("truncated.gpx"), garbage, empty] {
        let e = device.import_gpx(&path, &patrol_of("川A·1")).unwrap_err();
        assert!(
            matches!(e, redshield_core::Error::Invalid { ref field, .. } if field == "gpx"),
            "{}: {e}",
            path.display()
        );
    }
    let missing = device.import_gpx(&dir.path().join("none.gpx"), &patrol_of("川A·1"));
    assert!(matches!(missing, Err(redshield_core::Error::File { .. })));
    assert_eq!(device.verify_chain().unwrap().events, seq_before);
}

/// The length `make_gpx.py` wrote into the file's comment ("…Inverse): 10115.128 m").
fn reference_length(gpx: &str) -> f64 {
    let after = gpx.split("Inverse): ").nth(1).expect("a reference length");
    after.split(' ').next().unwrap().parse().unwrap()
}
