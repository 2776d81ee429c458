//! Tracks in and out: GPX files read and written (the `gpx` crate), GeoJSON written.
//!
//! GPX keeps what a track point has in common with a [`Fix`]: position, time, elevation,
//! HDOP (and speed, in GPX 1.0 only). Bearing, provider and the mock flag have no place in it.

use std::error::Error as _;
use std::io::{Read, Write};

use geo::Point;
use gpx::{Gpx, GpxVersion, Track, TrackSegment, Waypoint};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::trips::Fix;

/// The largest GPX file imported, bytes; the caller checks the file's size before reading.
/// `gpx` builds the whole document in memory, about 400 B a point (376 B of `gpx::Waypoint`
/// with all its optional fields, see the test `waypoint_size`, before a `Vec`'s spare room)
/// against 80–130 B of XML, so its model is 3 to 5 times the file; the file itself is read
/// whole first, and each fix takes 120 B more. Measured: a file of this size made of
/// drive.gpx's points (135 000 points with elevation and HDOP) peaks at 89 MB resident and
/// reads in 0.85 s (release build, x86-64); bare points of position and time, about 80 B of XML
/// each, would take it to some 120 MB.
pub const MAX_GPX_BYTES: u64 = 16 * 1024 * 1024;

/// The deepest nesting of XML elements taken in a GPX file. A track point's own data sits at
/// level 5 (gpx, trk, trkseg, trkpt, ele) and loggers' extensions add three or four more
/// (`extensions`, `gpxtpx:TrackPointExtension`, `gpxtpx:hr`); 64 leaves room for any of them.
/// The bound is what keeps reading linear: `xml-rs` walks its whole namespace stack, one level
/// per open element, for every element it reads, so a file nested n deep costs n² (a 1.4 MB
/// file of 200 000 nested `<extensions>` took 73 s, an ANR on a phone).
pub const MAX_GPX_DEPTH: usize = 64;

/// User-equivalent range error, metres: the ranging error, one sigma, that HDOP multiplies
/// into a horizontal error. 5 m is typical of a single-frequency receiver in open sky (phones
/// and car loggers), so HDOP 1 reads as 5 m; the 68 % radius of `Fix::accuracy_m` is taken
/// to be that one-sigma horizontal error.
const UERE_M: f64 = 5.0;

/// The fixes of every track segment of a GPX file (1.0 or 1.1), one `Vec` per segment in file
/// order across all tracks; an empty segment gives an empty `Vec`. Routes (`rte`) and
/// waypoints (`wpt`) are planned or marked places, not a record of travel: they are ignored.
///
/// Each point needs a time (a track without times cannot be filtered or measured): a point
/// without one is an error naming its track, segment and place, counted from 1. `accuracy_m` is
/// HDOP × 5 m (see `UERE_M`); an HDOP of 0 is "unknown" (some loggers write it) and gives None,
/// as does none at all; a negative or non-finite HDOP is no measurement: it stays an unusable
/// accuracy, so the filters drop the point and count it as `inaccurate`, as they do a phone's
/// fix with such an accuracy (taking it as absent would keep it at the assumed 10 m). Speed is read from GPX 1.0's `<speed>` (GPX 1.1 has
/// none, and `gpx` rejects a `<speed>` element there); an elevation that is not finite or a
/// speed that is not a finite non-negative number is taken as absent. Times keep their
/// precision down to the millisecond (finer is rounded down); a time before the GPS epoch is
/// read as it is, and the filters drop it as `before_gnss`.
///
/// Malformed XML, a file that is not GPX or one cut short is an `Invalid` error on `gpx` with
/// the parser's words (and, for broken XML, the line and column); so is input larger than
/// `MAX_GPX_BYTES`, which is read whole into memory first, and XML nested deeper than
/// `MAX_GPX_DEPTH`, found by a streaming pass before `gpx` builds anything.
pub fn read_gpx(reader: impl Read) -> Result<Vec<Vec<Fix>>> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_GPX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Platform(format!("cannot read the GPX file: {e}")))?;
    if bytes.len() as u64 > MAX_GPX_BYTES {
        return Err(Error::invalid(
            "gpx",
            format!("the file is larger than {} MiB", MAX_GPX_BYTES >> 20),
        ));
    }
    check_xml(&bytes)?;
    let doc = gpx::read(bytes.as_slice()).map_err(|e| not_gpx(&e))?;
    drop(bytes);
    let mut segments = Vec::new();
    for (t, track) in doc.tracks.into_iter().enumerate() {
        for (s, segment) in track.segments.into_iter().enumerate() {
            let fixes = segment
                .points
                .iter()
                .enumerate()
                .map(|(p, point)| {
                    fix_of(point).map_err(|reason| {
                        Error::invalid(
                            "gpx",
                            format!(
                                "track {}, segment {}, point {}: {reason}",
                                t + 1,
                                s + 1,
                                p + 1
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            segments.push(fixes);
        }
    }
    Ok(segments)
}

/// A fix from a track point, or why it cannot be one.
fn fix_of(point: &Waypoint) -> std::result::Result<Fix, String> {
    let time = point
        .time
        .ok_or("has no time; a track cannot be filtered or measured without one")?;
    let nanos = OffsetDateTime::from(time).unix_timestamp_nanos();
    let time_ms = i64::try_from(nanos.div_euclid(1_000_000))
        .map_err(|_| "its time is out of range".to_string())?;
    let position = point.point();
    Ok(Fix {
        monotonic_ms: None,
        latitude: position.y(),
        longitude: position.x(),
        accuracy_m: point.hdop.filter(|h| *h != 0.0).map(|h| h * UERE_M),
        time_ms,
        altitude_m: point.elevation.filter(|e| e.is_finite()),
        speed_mps: point.speed.filter(|v| v.is_finite() && *v >= 0.0),
        bearing_deg: None,
        provider: Some("gpx".to_string()),
        mock: false,
    })
}

/// Writes `fixes` as a GPX 1.1 file, creator "Redshield", with one track named `name` (control
/// characters dropped) and one segment. Each point has its time (UTC, written to the
/// nanosecond, so a millisecond time comes back exactly), elevation when known, and HDOP =
/// accuracy / 5 m when known (the inverse of `read_gpx`). Speed, bearing, provider and the mock
/// flag are not written: GPX 1.1 has no place for them.
///
/// A fix whose position is not a finite WGS-84 latitude and longitude, or whose time is before
/// 1970, is an `Invalid` error on `fixes`; longitude 180° is written as −180° (the same meridian:
/// `gpx` reads only −180 ≤ lon < 180). The file is built in memory, then written in one go.
pub fn write_gpx(name: &str, fixes: &[Fix], mut writer: impl Write) -> Result<()> {
    let points = fixes
        .iter()
        .enumerate()
        .map(|(i, f)| {
            waypoint(f)
                .map_err(|reason| Error::invalid("fixes", format!("fix {}: {reason}", i + 1)))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut track = Track::new();
    track.name = Some(name.chars().filter(|c| !c.is_control()).collect());
    track.segments.push(TrackSegment { points });
    let doc = Gpx {
        version: GpxVersion::Gpx11,
        creator: Some("Redshield".to_string()),
        tracks: vec![track],
        ..Gpx::default()
    };
    let mut xml = Vec::new();
    gpx::write(&doc, &mut xml)
        .map_err(|e| Error::Encoding(format!("cannot write GPX: {}", words(&e))))?;
    writer
        .write_all(&xml)
        .and_then(|()| writer.flush())
        .map_err(|e| Error::Platform(format!("cannot write the GPX file: {e}")))
}

/// A track point from a fix, or why it cannot be one.
fn waypoint(f: &Fix) -> std::result::Result<Waypoint, String> {
    if !valid_position(f) {
        return Err(format!(
            "({}, {}) is not a WGS-84 latitude and longitude",
            f.latitude, f.longitude
        ));
    }
    if f.time_ms < 0 {
        return Err(format!("time {} ms is before 1970", f.time_ms));
    }
    let time = OffsetDateTime::from_unix_timestamp_nanos(i128::from(f.time_ms) * 1_000_000)
        .map_err(|e| format!("time {} ms is out of range: {e}", f.time_ms))?;
    let longitude = if f.longitude == 180.0 {
        -180.0
    } else {
        f.longitude
    };
    let mut point = Waypoint::new(Point::new(longitude, f.latitude));
    point.time = Some(time.into());
    point.elevation = f.altitude_m.filter(|a| a.is_finite());
    point.hdop = f
        .accuracy_m
        .filter(|a| a.is_finite() && *a > 0.0)
        .map(|a| a / UERE_M);
    Ok(point)
}

/// A GeoJSON (RFC 7946) FeatureCollection of one Feature: the track as a LineString of
/// `[longitude, latitude]` positions (WGS-84, as RFC 7946 requires; no `crs` member), with
/// `properties` and, added to them, `"times_ms"`: the fixes' times, one per position. One fix
/// gives a Point (a LineString needs two positions), none gives a null geometry. A fix without
/// a finite WGS-84 position is left out, both of the geometry and of the times.
pub fn to_geojson(fixes: &[Fix], mut properties: Map<String, Value>) -> Value {
    let kept: Vec<&Fix> = fixes.iter().filter(|f| valid_position(f)).collect();
    let position = |f: &&Fix| json!([f.longitude, f.latitude]);
    let geometry = match kept.as_slice() {
        [] => Value::Null,
        [one] => json!({ "type": "Point", "coordinates": position(one) }),
        many => json!({
            "type": "LineString",
            "coordinates": many.iter().map(position).collect::<Vec<_>>(),
        }),
    };
    properties.insert(
        "times_ms".to_string(),
        Value::from(kept.iter().map(|f| f.time_ms).collect::<Vec<_>>()),
    );
    json!({
        "type": "FeatureCollection",
        "features": [{ "type": "Feature", "geometry": geometry, "properties": properties }],
    })
}

/// A finite latitude in [−90, 90] and longitude in [−180, 180].
fn valid_position(f: &Fix) -> bool {
    (-90.0..=90.0).contains(&f.latitude) && (-180.0..=180.0).contains(&f.longitude)
}

/// One streaming pass over the XML, holding nothing but the depth, before `gpx` reads it:
/// nesting deeper than `MAX_GPX_DEPTH` is refused where it first goes too deep, so neither
/// this pass nor `gpx` ever reads an element more than 64 levels down (each costs at most 64
/// steps: the whole file stays linear). It also finds broken XML with its line and column,
/// which `gpx` drops from its own error (a file cut short reads as "error while parsing
/// 'track' segment").
fn check_xml(bytes: &[u8]) -> Result<()> {
    use xml::common::Position;
    use xml::reader::XmlEvent;
    let mut reader = xml::EventReader::new(bytes);
    let mut depth = 0usize;
    loop {
        match reader.next() {
            Ok(XmlEvent::StartElement { name, .. }) => {
                depth += 1;
                if depth > MAX_GPX_DEPTH {
                    return Err(too_deep(&reader.position(), &name.local_name));
                }
            }
            Ok(XmlEvent::EndElement { .. }) => depth = depth.saturating_sub(1),
            Ok(XmlEvent::EndDocument) => return Ok(()),
            Ok(_) => {}
            Err(xml) => {
                return Err(Error::invalid(
                    "gpx",
                    format!(
                        "the file is not well-formed XML (not GPX, or damaged or cut short): at {xml}"
                    ),
                ));
            }
        }
    }
}

fn too_deep(at: &xml::common::TextPosition, element: &str) -> Error {
    Error::invalid(
        "gpx",
        format!(
            "the file nests XML elements more than {MAX_GPX_DEPTH} deep (at {at}, <{element}>); \
             a GPX track needs fewer than 10 levels, so this is not a track log"
        ),
    )
}

/// Why well-formed XML is not GPX as `gpx` expects it.
fn not_gpx(e: &gpx::errors::GpxError) -> Error {
    Error::invalid(
        "gpx",
        format!("the file is XML but not GPX as expected: {}", words(e)),
    )
}

/// An error and its sources, as one line: `gpx` keeps the XML parser's own words as a source.
fn words(e: &gpx::errors::GpxError) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trips::geodesy::metres;

    fn data(name: &str) -> std::fs::File {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn read_str(xml: &str) -> Result<Vec<Vec<Fix>>> {
        read_gpx(xml.as_bytes())
    }

    /// The reason of an `Invalid` error on `gpx`.
    fn gpx_reason(result: Result<Vec<Vec<Fix>>>) -> String {
        match result {
            Err(Error::Invalid { field, reason }) if field == "gpx" => reason,
            other => panic!("expected an Invalid error on gpx, got {other:?}"),
        }
    }

    /// 2024-05-14T02:00:00Z, ms.
    const PARKED_START_MS: i64 = 1_715_652_000_000;

    fn gpx11(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">{body}</gpx>"#
        )
    }

    #[test]
    fn parked_car() {
        let segments = read_gpx(data("parked.gpx")).unwrap();
        assert_eq!(segments.len(), 1);
        let fixes = &segments[0];
        assert_eq!(fixes.len(), 721);
        let truth = Fix::at(30.5728, 104.0668, 0);
        for (i, f) in fixes.iter().enumerate() {
            assert_eq!(f.time_ms, PARKED_START_MS + 5_000 * i as i64);
            assert_eq!(f.accuracy_m, None);
            assert_eq!(f.speed_mps, None);
            assert_eq!(f.provider.as_deref(), Some("gpx"));
            assert!(f.altitude_m.is_some_and(|a| (480.0..520.0).contains(&a)));
            assert!(metres(f, &truth) < 10.0, "point {i} drifted too far");
        }
    }

    #[test]
    fn drive_with_a_tunnel() {
        let segments = read_gpx(data("drive.gpx")).unwrap();
        assert_eq!(segments.len(), 1);
        let fixes = &segments[0];
        assert_eq!(fixes.len(), 916);
        let steps: Vec<i64> = fixes
            .windows(2)
            .map(|w| w[1].time_ms - w[0].time_ms)
            .collect();
        assert_eq!(steps.iter().filter(|&&s| s == 420_000).count(), 1);
        assert!(steps.iter().all(|&s| s == 1_000 || s == 420_000));
        // hdop 0.6 to 0.8 in the file.
        for f in fixes {
            let accuracy = f.accuracy_m.unwrap();
            assert!((2.999..=4.001).contains(&accuracy), "{accuracy}");
        }
    }

    #[test]
    fn truncated_file_is_an_error() {
        let reason = gpx_reason(read_gpx(data("truncated.gpx")));
        assert!(
            reason.starts_with("the file is not well-formed XML"),
            "{reason}"
        );
        // It is cut on line 471, in a tag.
        assert!(reason.contains("at 471:"), "{reason}");
        assert!(reason.contains("Unexpected end of stream"), "{reason}");
    }

    #[test]
    fn not_gpx_is_an_error_with_the_parsers_words() {
        let cases = [
            ("empty", String::new()),
            ("spaces", "  \n ".to_string()),
            (
                "html",
                "<!DOCTYPE html><html><head><title>登录</title></head><body><p>Sign in</body></html>"
                    .to_string(),
            ),
            ("kml", r#"<?xml version="1.0"?><kml><Document/></kml>"#.to_string()),
            ("json", r#"{"type": "FeatureCollection"}"#.to_string()),
            ("no version", "<gpx><trk/></gpx>".to_string()),
            ("gpx 2.0", r#"<gpx version="2.0"></gpx>"#.to_string()),
            ("unclosed", gpx11("<trk><trkseg>")),
            ("mismatched", gpx11("<trk><trkseg></trk></trkseg>")),
            ("bad lat", gpx11(r#"<trk><trkseg><trkpt lat="north" lon="1"/></trkseg></trk>"#)),
            ("lat 91", gpx11(r#"<trk><trkseg><trkpt lat="91" lon="1"/></trkseg></trk>"#)),
            ("lat NaN", gpx11(r#"<trk><trkseg><trkpt lat="NaN" lon="1"/></trkseg></trk>"#)),
            ("bad time", gpx11(
                r#"<trk><trkseg><trkpt lat="1" lon="1"><time>yesterday</time></trkpt></trkseg></trk>"#,
            )),
            ("speed in 1.1", gpx11(
                r#"<trk><trkseg><trkpt lat="1" lon="1"><time>2024-05-14T02:00:00Z</time><speed>3</speed></trkpt></trkseg></trk>"#,
            )),
        ];
        for (what, xml) in cases {
            let reason = gpx_reason(read_str(&xml));
            let broken = ["empty", "spaces", "html", "json", "unclosed", "mismatched"];
            let expected = if broken.contains(&what) {
                "the file is not well-formed XML (not GPX, or damaged or cut short): at "
            } else {
                "the file is XML but not GPX as expected: "
            };
            assert!(reason.starts_with(expected), "{what}: {reason}");
        }
    }

    #[test]
    fn entity_expansion_is_refused() {
        let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<gpx version="1.1"><trk><name>&lol3;</name></trk></gpx>"#;
        let reason = gpx_reason(read_str(bomb));
        assert!(reason.contains("Entity too big"), "{reason}");
    }

    /// A small deterministic generator for garbage.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for round in 0..300 {
            let len = (rng.next() % 2_000) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            assert!(
                read_gpx(bytes.as_slice()).is_err(),
                "random bytes, round {round}"
            );
        }
        // A valid file cut at every length, and with single bytes changed.
        let mut good = Vec::new();
        let fixes: Vec<Fix> = (0..3)
            .map(|i| Fix {
                accuracy_m: Some(4.0),
                altitude_m: Some(500.0),
                ..Fix::at(30.57, 104.06, PARKED_START_MS + i * 1_000)
            })
            .collect();
        write_gpx("cut", &fixes, &mut good).unwrap();
        let root_ends = good.windows(6).rposition(|w| w == b"</gpx>").unwrap() + 6;
        for len in 0..root_ends {
            assert!(read_gpx(&good[..len]).is_err(), "cut to {len} bytes");
        }
        for _ in 0..2_000 {
            let mut bad = good.clone();
            let at = (rng.next() as usize) % bad.len();
            bad[at] = rng.next() as u8;
            let _ = read_gpx(bad.as_slice());
        }
    }

    #[test]
    fn a_point_without_time_is_named() {
        let xml = gpx11(
            r#"<trk><trkseg><trkpt lat="1" lon="2"><time>2024-05-14T02:00:00Z</time></trkpt></trkseg></trk>
<trk><trkseg></trkseg><trkseg>
<trkpt lat="1" lon="2"><time>2024-05-14T02:00:00Z</time></trkpt>
<trkpt lat="1" lon="2"><time>2024-05-14T02:00:01Z</time></trkpt>
<trkpt lat="1" lon="2"><ele>3</ele></trkpt></trkseg></trk>"#,
        );
        let reason = gpx_reason(read_str(&xml));
        assert!(
            reason.starts_with("track 2, segment 2, point 3: has no time"),
            "{reason}"
        );
    }

    #[test]
    fn segments_in_file_order_routes_and_waypoints_ignored() {
        let point = |lat: u32, s: u32| {
            format!(r#"<trkpt lat="{lat}" lon="100"><time>2024-05-14T02:00:0{s}Z</time></trkpt>"#)
        };
        let xml = gpx11(&format!(
            r#"<wpt lat="5" lon="5"><time>2024-05-14T02:00:00Z</time></wpt>
<rte><rtept lat="6" lon="6"/></rte>
<trk><name>one</name><trkseg>{}{}</trkseg><trkseg/></trk>
<trk><trkseg>{}</trkseg></trk>"#,
            point(1, 0),
            point(2, 1),
            point(3, 2)
        ));
        let segments = read_str(&xml).unwrap();
        let lats: Vec<Vec<f64>> = segments
            .iter()
            .map(|s| s.iter().map(|f| f.latitude).collect())
            .collect();
        assert_eq!(lats, vec![vec![1.0, 2.0], vec![], vec![3.0]]);
        assert_eq!(segments[0][0].longitude, 100.0);
        assert!(
            read_str(&gpx11("<wpt lat=\"1\" lon=\"1\"/>"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn hdop_speed_elevation_and_times() {
        let xml = r#"<?xml version="1.0"?>
<gpx version="1.0" creator="logger"><trk><trkseg>
<trkpt lat="30.5" lon="104.0"><ele>501.5</ele><time>2024-05-14T10:00:00.123+08:00</time><speed>12.5</speed><hdop>1.4</hdop></trkpt>
<trkpt lat="30.5" lon="104.0"><time>2024-05-14T02:00:01.9876Z</time><hdop>0</hdop></trkpt>
<trkpt lat="30.5" lon="104.0"><time>2024-05-14T02:00:02</time></trkpt>
</trkseg></trk></gpx>"#;
        let fixes = read_str(xml).unwrap().remove(0);
        let f = &fixes[0];
        assert_eq!(f.time_ms, PARKED_START_MS + 123);
        assert!((f.accuracy_m.unwrap() - 7.0).abs() < 1e-9);
        assert_eq!(f.speed_mps, Some(12.5));
        assert_eq!(f.altitude_m, Some(501.5));
        assert_eq!(f.bearing_deg, None);
        assert!(!f.mock);
        // Below a millisecond is dropped; HDOP 0 means unknown; no zone means UTC.
        assert_eq!(fixes[1].time_ms, PARKED_START_MS + 1_987);
        assert_eq!(fixes[1].accuracy_m, None);
        assert_eq!(fixes[2].time_ms, PARKED_START_MS + 2_000);
        assert_eq!(fixes[2].altitude_m, None);
    }

    fn sample_track() -> Vec<Fix> {
        (0..50)
            .map(|i| Fix {
                accuracy_m: (i % 3 != 0).then_some(3.0 + f64::from(i) * 0.37),
                altitude_m: (i % 4 != 0).then_some(500.0 + f64::from(i) * 0.123_456_789),
                speed_mps: Some(10.0),
                bearing_deg: Some(90.0),
                provider: Some("fused".to_string()),
                ..Fix::at(
                    30.572_812_345_678 + f64::from(i) * 1.234_567e-5,
                    104.066_812_345_678 - f64::from(i) * 7.654_321e-6,
                    PARKED_START_MS + i64::from(i) * 1_001 + 7,
                )
            })
            .collect()
    }

    #[test]
    fn round_trip_keeps_positions_times_to_the_ms_and_altitude() {
        let fixes = sample_track();
        let mut file = Vec::new();
        write_gpx("Car 川A·12345, 14 May", &fixes, &mut file).unwrap();
        let back = read_gpx(file.as_slice()).unwrap();
        assert_eq!(back.len(), 1);
        let back = &back[0];
        assert_eq!(back.len(), fixes.len());
        for (a, b) in fixes.iter().zip(back) {
            assert!((a.latitude - b.latitude).abs() < 1e-9);
            assert!((a.longitude - b.longitude).abs() < 1e-9);
            assert_eq!(a.time_ms, b.time_ms);
            assert_eq!(a.altitude_m, b.altitude_m);
            match (a.accuracy_m, b.accuracy_m) {
                (Some(x), Some(y)) => assert!((x - y).abs() < 1e-9),
                (x, y) => assert_eq!(x, y),
            }
            // GPX 1.1 has no speed or bearing; the provider says where the fix came from.
            assert_eq!(b.speed_mps, None);
            assert_eq!(b.bearing_deg, None);
            assert_eq!(b.provider.as_deref(), Some("gpx"));
        }
    }

    #[test]
    fn written_file_is_gpx_11_with_xsd_date_times() {
        let fixes = vec![Fix {
            accuracy_m: Some(4.0),
            altitude_m: Some(500.25),
            ..Fix::at(30.5, 104.25, PARKED_START_MS + 123)
        }];
        let mut file = Vec::new();
        write_gpx("Car\u{7} <1> & co", &fixes, &mut file).unwrap();
        let text = String::from_utf8(file).unwrap();
        assert!(text.contains(r#"version="1.1""#), "{text}");
        assert!(text.contains(r#"xmlns="http://www.topografix.com/GPX/1/1""#));
        assert!(text.contains(r#"creator="Redshield""#));
        assert!(
            text.contains("<name>Car &lt;1&gt; &amp; co</name>"),
            "{text}"
        );
        assert!(
            text.contains("<time>2024-05-14T02:00:00.123000000Z</time>"),
            "{text}"
        );
        assert!(text.contains("<ele>500.25</ele>"));
        assert!(text.contains("<hdop>0.8</hdop>"));
        assert!(!text.contains('+'), "{text}");
    }

    #[test]
    fn write_checks_positions_and_times() {
        let invalid = |fix: Fix| match write_gpx("x", &[Fix::at(1.0, 1.0, 0), fix], Vec::new()) {
            Err(Error::Invalid { field, reason }) => {
                assert_eq!(field, "fixes");
                assert!(reason.starts_with("fix 2: "), "{reason}");
            }
            other => panic!("{other:?}"),
        };
        invalid(Fix::at(f64::NAN, 1.0, 0));
        invalid(Fix::at(1.0, f64::INFINITY, 0));
        invalid(Fix::at(90.5, 1.0, 0));
        invalid(Fix::at(1.0, -180.5, 0));
        invalid(Fix::at(1.0, 1.0, -1));
        invalid(Fix::at(1.0, 1.0, i64::MAX));

        let mut file = Vec::new();
        write_gpx("x", &[Fix::at(1.0, 180.0, 0)], &mut file).unwrap();
        assert_eq!(read_gpx(file.as_slice()).unwrap()[0][0].longitude, -180.0);
    }

    #[test]
    fn no_fixes_write_an_empty_segment() {
        let mut file = Vec::new();
        write_gpx("nothing", &[], &mut file).unwrap();
        assert_eq!(read_gpx(file.as_slice()).unwrap(), vec![Vec::<Fix>::new()]);
    }

    #[test]
    fn write_error_is_reported() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let err = write_gpx("x", &sample_track(), Broken).unwrap_err();
        assert!(
            matches!(err, Error::Platform(ref r) if r.contains("disk full")),
            "{err}"
        );
    }

    fn properties() -> Map<String, Value> {
        let mut p = Map::new();
        p.insert("vehicle".to_string(), json!("川A·12345"));
        p
    }

    /// The one feature, after checking the collection around it.
    fn feature(collection: &Value) -> &Value {
        assert_eq!(collection["type"], "FeatureCollection");
        assert!(collection.get("crs").is_none());
        let features = collection["features"].as_array().unwrap();
        assert_eq!(features.len(), 1);
        assert_eq!(features[0]["type"], "Feature");
        assert!(features[0].get("crs").is_none());
        &features[0]
    }

    #[test]
    fn geojson_line_is_lon_lat() {
        let fixes = vec![
            Fix::at(30.5, 104.0, 1_000),
            Fix::at(30.6, 104.1, 2_000),
            Fix::at(f64::NAN, 104.1, 2_500),
            Fix::at(30.7, 104.2, 3_000),
        ];
        let collection = to_geojson(&fixes, properties());
        let f = feature(&collection);
        assert_eq!(
            f["geometry"],
            json!({
                "type": "LineString",
                "coordinates": [[104.0, 30.5], [104.1, 30.6], [104.2, 30.7]],
            })
        );
        assert_eq!(
            f["properties"],
            json!({ "vehicle": "川A·12345", "times_ms": [1_000, 2_000, 3_000] })
        );
        // It survives a trip through text.
        let text = serde_json::to_string(&collection).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), collection);
    }

    #[test]
    fn geojson_one_fix_is_a_point() {
        let collection = to_geojson(&[Fix::at(30.5, 104.0, 1_000)], properties());
        let f = feature(&collection);
        assert_eq!(
            f["geometry"],
            json!({ "type": "Point", "coordinates": [104.0, 30.5] })
        );
        assert_eq!(f["properties"]["times_ms"], json!([1_000]));
    }

    #[test]
    fn geojson_no_fix_is_a_null_geometry() {
        let collection = to_geojson(&[], Map::new());
        let f = feature(&collection);
        assert!(f.as_object().unwrap().contains_key("geometry"));
        assert_eq!(f["geometry"], Value::Null);
        assert_eq!(f["properties"], json!({ "times_ms": [] }));
    }

    #[test]
    fn larger_than_the_limit_is_refused() {
        let big = std::io::repeat(b' ').take(MAX_GPX_BYTES + 1);
        let reason = gpx_reason(read_gpx(big));
        assert_eq!(reason, "the file is larger than 16 MiB");
    }

    #[test]
    fn waypoint_size() {
        // MAX_GPX_BYTES's memory estimate rests on this.
        let size = std::mem::size_of::<Waypoint>();
        assert!((300..=450).contains(&size), "gpx::Waypoint is {size} B");
    }
}
