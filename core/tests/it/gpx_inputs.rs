//! GPX files that are well-formed but hostile or nonsensical, imported from real files into a
//! real store: XML nested far deeper than any track log (refused, quickly, nothing recorded);
//! points with a negative HDOP or a time before the GPS epoch (dropped by the filters and
//! counted, like a phone's bad fixes; a file with no datable point refused).

use std::path::Path;

use crate::common::tracks::dropped;
use redshield_core::trips::filter::GPS_EPOCH_MS;
use redshield_core::trips::formats::MAX_GPX_DEPTH;
use redshield_core::trips::{DropReason, Fix, Trip};
use redshield_core::{Device, Error};
use redshield_testkit::{device_in, gpx, patrol_of};

const POINT_DEPTH: usize = 4;

/// One track point holding `n` `<extensions>` nested in each other.
fn nested_extensions(n: usize) -> String {
    gpx::nested("extensions", n - 1)
}

fn import(device: &mut Device, dir: &Path, name: &str, xml: &str) -> redshield_core::Result<Trip> {
    let path = dir.join(name);
    std::fs::write(&path, xml).unwrap();
    device.import_gpx(&path, &patrol_of("川A·12315"))
}

fn gpx_reason(result: redshield_core::Result<Trip>) -> String {
    match result {
        Err(Error::Invalid { field, reason, .. }) if field == "gpx" => reason,
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
    let xml = gpx::file(&nested_extensions(200_000));
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
        &gpx::file(&nested_extensions(fits)),
    )
    .unwrap();
    assert_eq!(trip.track.fixes_total, 2);

    let reason = gpx_reason(import(
        &mut device,
        dir.path(),
        "65.gpx",
        &gpx::file(&nested_extensions(fits + 1)),
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
    let trip = import(&mut device, dir.path(), "garmin.gpx", &gpx::file(garmin)).unwrap();
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
    let trip = import(&mut device, dir.path(), "wide.gpx", &gpx::file(&wide));
    assert_eq!(trip.unwrap().track.fixes_total, 200);
}

/// A track point at `lat`, 104.0668, at `time`, with `more` inside.
fn point(lat: f64, time: &str, more: &str) -> String {
    format!(r#"<trkpt lat="{lat}" lon="104.0668"><time>{time}</time>{more}</trkpt>"#)
}

/// 2024-05-14T02:00:00Z, ms.
const MAY_2024_MS: i64 = 1_715_652_000_000;

/// A logger that had no time for its first points (1970, and a clock one day short of the GPS
/// epoch) and wrote a negative HDOP once: those points are dropped with their reasons, HDOP 0
/// ("unknown") is not, and the trip is dated by the points that have a real time.
#[test]
fn negative_hdop_and_times_before_gnss_are_dropped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let points = [
        point(30.5700, "1970-01-01T00:00:03Z", ""),
        point(30.5701, "1980-01-05T23:59:59Z", ""),
        point(30.5702, "2024-05-14T02:00:00Z", "<hdop>0.8</hdop>"),
        point(30.5703, "2024-05-14T02:00:01Z", "<hdop>-1.2</hdop>"),
        point(30.5704, "2024-05-14T02:00:02Z", "<hdop>0</hdop>"),
        point(30.5705, "2024-05-14T02:00:03Z", "<hdop>0.9</hdop>"),
    ]
    .concat();
    let trip = import(&mut device, dir.path(), "reset.gpx", &gpx::file(&points)).unwrap();
    let track = &trip.track;
    assert_eq!(track.fixes_total, 6);
    assert_eq!(dropped(track, DropReason::BeforeGnss), 2);
    assert_eq!(dropped(track, DropReason::Inaccurate), 1);
    assert_eq!(track.fixes_kept, 3, "{track:?}");
    assert_eq!(trip.started_at_ms, MAY_2024_MS);
    assert_eq!(trip.ended_at_ms, Some(MAY_2024_MS + 3_000));
}

/// No point with a time a receiver could give: the trip cannot be dated, and nothing is kept.
#[test]
fn a_file_with_no_time_after_the_gps_epoch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let events = device.verify_chain().unwrap().events;
    let points = [
        point(30.5700, "1970-01-01T00:00:03Z", ""),
        point(30.5701, "1970-01-01T00:00:04Z", ""),
    ]
    .concat();
    match import(&mut device, dir.path(), "1970.gpx", &gpx::file(&points)) {
        Err(Error::Invalid { field, reason, .. }) => {
            assert_eq!(field, "fixes");
            assert!(reason.starts_with("no point has a time"), "{reason}");
            assert!(reason.contains("1980-01-06"), "{reason}");
        }
        other => panic!("expected an Invalid error, got {other:?}"),
    }
    assert_eq!(device.verify_chain().unwrap().events, events);
}

/// The rule lives in the filters, so a phone whose clock fell back to 1970 is judged the same.
#[test]
fn a_phone_fix_before_the_gps_epoch_is_dropped_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let trip = device.start_trip(&patrol_of("川A·12315")).unwrap();
    let mut negative = Fix::at(30.5702, 104.0668, MAY_2024_MS + 2_000);
    negative.accuracy_m = Some(-3.0);
    let fixes = [
        Fix::at(30.5700, 104.0668, MAY_2024_MS),
        Fix::at(30.5701, 104.0668, GPS_EPOCH_MS - 1),
        negative,
        Fix::at(30.5703, 104.0668, MAY_2024_MS + 3_000),
    ];
    let track = device.record_fixes(&trip.id, &fixes).unwrap();
    assert_eq!(dropped(&track, DropReason::BeforeGnss), 1);
    assert_eq!(dropped(&track, DropReason::Inaccurate), 1);
    assert_eq!(track.fixes_kept, 2);
}
