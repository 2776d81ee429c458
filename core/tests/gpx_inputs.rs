//! GPX files that are well-formed but hostile or nonsensical, imported from real files into a
//! real store: XML nested far deeper than any track log (refused, quickly, nothing recorded).

mod common;

use std::path::Path;

use common::device_in;
use redshield_core::trips::formats::MAX_GPX_DEPTH;
use redshield_core::trips::{NewTrip, Purpose, Trip};
use redshield_core::{Device, Error};

fn trip_of(vehicle: &str) -> NewTrip {
    NewTrip {
        vehicle: vehicle.into(),
        crew: vec!["李明".into()],
        crew_count: Some(2),
        purpose: Purpose::Patrol,
        case_id: None,
        odometer_km: None,
        odometer_photo: None,
        started_at_ms: None,
    }
}

/// A GPX 1.1 file around `points` (the `<trkpt>` elements), at gpx > trk > trkseg: its points
/// are at depth 4.
fn gpx_file(points: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
{points}
</trkseg></trk></gpx>
"#
    )
}

const POINT_DEPTH: usize = 4;

/// One track point holding `n` `<extensions>` nested in each other.
fn nested_extensions(n: usize) -> String {
    format!(
        r#"<trkpt lat="30.5728" lon="104.0668"><time>2024-05-14T02:00:00Z</time>{}{}</trkpt>
<trkpt lat="30.5730" lon="104.0670"><time>2024-05-14T02:00:05Z</time></trkpt>"#,
        "<extensions>".repeat(n),
        "</extensions>".repeat(n)
    )
}

fn import(device: &mut Device, dir: &Path, name: &str, xml: &str) -> redshield_core::Result<Trip> {
    let path = dir.join(name);
    std::fs::write(&path, xml).unwrap();
    device.import_gpx(&path, &trip_of("川A·12315"))
}

fn gpx_reason(result: redshield_core::Result<Trip>) -> String {
    match result {
        Err(Error::Invalid { field, reason }) if field == "gpx" => reason,
        other => panic!("expected an Invalid error on gpx, got {other:?}"),
    }
}

/// The 1.4 MB file that took 73 s to read (quadratic in the depth inside the XML parser):
/// refused at the 65th level, and nothing recorded. How fast is the benchmark's business
/// (`trip_ingest`, "read_gpx"); here only the answer.
#[test]
fn extensions_nested_200_000_deep_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let events = device.verify_chain().unwrap().events;
    let xml = gpx_file(&nested_extensions(200_000));
    assert!(xml.len() > 1_400_000, "{} bytes", xml.len());

    let reason = gpx_reason(import(&mut device, dir.path(), "deep.gpx", &xml));
    assert!(
        reason.starts_with("the file nests XML elements more than 64 deep"),
        "{reason}"
    );
    // Where it went too deep: line 3, the 61st <extensions> (12 characters each) after the
    // point's opening tag and its time.
    assert!(reason.contains("<extensions>"), "{reason}");
    assert!(reason.contains("(at 3:"), "{reason}");
    assert_eq!(device.verify_chain().unwrap().events, events);
}

#[test]
fn sixty_four_levels_are_read_sixty_five_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let fits = MAX_GPX_DEPTH - POINT_DEPTH;

    let trip = import(
        &mut device,
        dir.path(),
        "64.gpx",
        &gpx_file(&nested_extensions(fits)),
    )
    .unwrap();
    assert_eq!(trip.track.fixes_total, 2);

    let reason = gpx_reason(import(
        &mut device,
        dir.path(),
        "65.gpx",
        &gpx_file(&nested_extensions(fits + 1)),
    ));
    assert!(reason.contains("more than 64 deep"), "{reason}");
}

/// What loggers really write (Garmin's TrackPointExtension: heart rate, cadence) still reads,
/// and so does deep nesting that closes before going too deep, many times over.
#[test]
fn real_extensions_and_wide_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let garmin = r#"<trkpt lat="30.5728" lon="104.0668"><ele>501</ele><time>2024-05-14T02:00:00Z</time>
<extensions><gpxtpx:TrackPointExtension xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
<gpxtpx:hr>92</gpxtpx:hr><gpxtpx:cad>0</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>"#;
    let trip = import(&mut device, dir.path(), "garmin.gpx", &gpx_file(garmin)).unwrap();
    assert_eq!(trip.track.fixes_total, 1);

    let wide: String = (0..200)
        .map(|i| {
            format!(
                r#"<trkpt lat="30.5728" lon="{}"><time>2024-05-14T02:{:02}:{:02}Z</time>{}{}</trkpt>"#,
                104.0 + f64::from(i) * 1e-4,
                i / 60,
                i % 60,
                "<extensions>".repeat(50),
                "</extensions>".repeat(50)
            )
        })
        .collect();
    let trip = import(&mut device, dir.path(), "wide.gpx", &gpx_file(&wide));
    assert_eq!(trip.unwrap().track.fixes_total, 200);
}

