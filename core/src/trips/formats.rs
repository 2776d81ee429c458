//! Tracks in and out: GPX files read and written on `xml-rs`'s streaming reader and writer,
//! GeoJSON written.
//!
//! GPX keeps what a track point has in common with a [`Fix`]: position, time, elevation,
//! HDOP (and speed, in GPX 1.0 only). Bearing, provider and the mock flag have no place in it.

use std::io::{BufReader, BufWriter, Read, Write};

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use xml::attribute::OwnedAttribute;
use xml::common::Position;
use xml::reader::{ErrorKind, EventReader, ParserConfig, XmlEvent};
use xml::writer::{EmitterConfig, EventWriter, XmlEvent as Written};

use crate::error::{Error, Result};
use crate::trips::Fix;

/// The largest GPX file imported, bytes; the caller checks the file's size before reading,
/// and the reading stops one byte past it. The file is read as a stream, holding one track
/// point's elements at a time: what grows is the fixes read, about 170 B each (a 136 B `Fix`
/// and the heap block of its provider string), against 80–130 B of XML a point. Measured
/// (release build, x86-64, peak resident of a program that reads one file, 2 MB of it the
/// program itself): a file of this size made of drive.gpx's points (134 652 with elevation and
/// HDOP) peaks at 24 MB and reads in 0.9 s; one of bare points of position and time (204 598,
/// 82 B of XML each) at 36 MB.
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

/// The namespace of the GPX written.
const GPX_11: &str = "http://www.topografix.com/GPX/1/1";

/// The fixes of every track segment of a GPX file (1.0 or 1.1), one `Vec` per segment in file
/// order across all tracks; an empty segment gives an empty `Vec`. Routes (`rte`) and
/// waypoints (`wpt`) are planned or marked places, not a record of travel: they are ignored,
/// as are elements GPX does not define for a track point (and extensions).
///
/// Each point needs a latitude in [−90, 90] and a longitude in [−180, 180) (GPX's own ranges)
/// and a time (a track without times cannot be filtered or measured): a point without them is
/// an error naming its track, segment and place, counted from 1. `accuracy_m` is HDOP × 5 m
/// (see `UERE_M`); an HDOP of 0 is "unknown" (some loggers write it) and gives None, as does
/// none at all; a negative or non-finite HDOP is no measurement: it stays an unusable
/// accuracy, so the filters drop the point and count it as `inaccurate`, as they do a phone's
/// fix with such an accuracy (taking it as absent would keep it at the assumed 10 m). Speed is
/// read from GPX 1.0's `<speed>`; GPX 1.1 has none, and a `<speed>` in a 1.1 track point (not
/// valid 1.1, though some loggers write it) is refused. An elevation that is empty or not
/// finite, or a speed that is not a finite non-negative number, is taken as absent; a number
/// that does not read as one is an error naming the point. Times are xsd:dateTime (RFC 3339,
/// or without a zone, then UTC) and keep their precision down to the millisecond (finer is
/// rounded down); a time before the GPS epoch is read as it is, and the filters drop it as
/// `before_gnss`.
///
/// Malformed XML, a file that is not GPX or one cut short is an `Invalid` error on `gpx` with
/// the parser's words (and, for broken XML, the line and column); so is XML nested deeper than
/// `MAX_GPX_DEPTH`, found where it first goes too deep, and input larger than `MAX_GPX_BYTES`
/// (unless the XML broke before the limit). One streaming pass does it all; what is wrong with
/// well-formed XML as GPX is reported once the whole file has been read, so a damaged file is
/// reported as damaged first.
pub fn read_gpx(reader: impl Read) -> Result<Vec<Vec<Fix>>> {
    let source = BufReader::new(reader.take(MAX_GPX_BYTES + 1));
    let mut xml = ParserConfig::new()
        .cdata_to_characters(true)
        .create_reader(source);
    let read = read_events(&mut xml);
    // Checked whatever the outcome: the parser takes a file cut at the limit for one cut short.
    if xml.source().get_ref().limit() == 0 {
        return Err(Error::invalid(
            "gpx",
            format!("the file is larger than {} MiB", MAX_GPX_BYTES >> 20),
        ));
    }
    read
}

/// The tracks of the file, event by event. Broken XML and nesting too deep stop the reading
/// there: each element costs the parser a step per level it is nested, so nothing deeper than
/// `MAX_GPX_DEPTH` is read and the whole file stays linear.
fn read_events<R: Read>(xml: &mut EventReader<R>) -> Result<Vec<Vec<Fix>>> {
    let mut tracks = Tracks::default();
    loop {
        match xml.next().map_err(|e| xml_error(&e))? {
            XmlEvent::StartElement {
                name, attributes, ..
            } => {
                tracks.depth += 1;
                if tracks.depth > MAX_GPX_DEPTH {
                    return Err(too_deep(&xml.position(), &name.local_name));
                }
                tracks.start(&name.local_name, &attributes);
            }
            XmlEvent::Characters(text) => tracks.text(&text),
            XmlEvent::EndElement { .. } => tracks.end(),
            XmlEvent::EndDocument => return tracks.finish(),
            _ => {}
        }
    }
}

/// What the reading has found so far. Fixes live on one path of elements, gpx > trk > trkseg >
/// trkpt > (ele, time, hdop or speed), matched by local name whatever their namespace; every
/// other element is only counted in `depth`.
#[derive(Default)]
struct Tracks {
    /// Elements open.
    depth: usize,
    /// How many of the open elements, from the root down, are on the path.
    on_path: usize,
    /// GPX 1.0, which has `<speed>`.
    gpx10: bool,
    /// Tracks begun, and segments begun in the current track.
    tracks: usize,
    segments_of_track: usize,
    segments: Vec<Vec<Fix>>,
    point: Option<Point>,
    field: Field,
    text: String,
    /// The first thing found wrong with the file as GPX, reported at its end (broken XML
    /// further on is reported instead).
    problem: Option<Error>,
}

/// The elements of a track point that a fix takes.
#[derive(Default, Clone, Copy)]
enum Field {
    #[default]
    Ele,
    Time,
    Hdop,
    Speed,
}

impl Tracks {
    fn start(&mut self, name: &str, attributes: &[OwnedAttribute]) {
        if self.problem.is_some() || self.depth != self.on_path + 1 {
            return;
        }
        let entered = match (self.depth, name) {
            (1, _) => self.root(name, attributes).map(|()| true),
            (2, "trk") => {
                self.tracks += 1;
                self.segments_of_track = 0;
                Ok(true)
            }
            (3, "trkseg") => {
                self.segments_of_track += 1;
                self.segments.push(Vec::new());
                Ok(true)
            }
            (4, "trkpt") => self.begin_point(attributes).map(|()| true),
            (5, _) => self.begin_field(name),
            _ => Ok(false),
        };
        match entered {
            Ok(true) => self.on_path = self.depth,
            Ok(false) => {}
            Err(e) => self.fail(e),
        }
    }

    fn root(&mut self, name: &str, attributes: &[OwnedAttribute]) -> Result<()> {
        if name != "gpx" {
            return Err(not_gpx(format!(
                "its root element is {}, not \"gpx\"",
                shown(name)
            )));
        }
        match attribute(attributes, "version") {
            Some("1.0") => self.gpx10 = true,
            Some("1.1") => {}
            Some(other) => {
                return Err(not_gpx(format!(
                    "GPX version {} is neither 1.0 nor 1.1",
                    shown(other)
                )));
            }
            None => return Err(not_gpx("<gpx> has no version attribute")),
        }
        Ok(())
    }

    fn begin_point(&mut self, attributes: &[OwnedAttribute]) -> Result<()> {
        // Each point before it in the segment made a fix, or the reading would have stopped.
        let number = self.segments.last().map_or(0, Vec::len) + 1;
        let at = [self.tracks, self.segments_of_track, number];
        self.point = Some(Point::new(at, attributes)?);
        Ok(())
    }

    fn begin_field(&mut self, name: &str) -> Result<bool> {
        self.field = match name {
            "ele" => Field::Ele,
            "time" => Field::Time,
            "hdop" => Field::Hdop,
            "speed" if self.gpx10 => Field::Speed,
            "speed" => {
                let at = self.point.as_ref().map_or([0; 3], |p| p.at);
                return Err(wrong_point(
                    at,
                    "has a <speed>, which GPX 1.1 does not define",
                ));
            }
            _ => return Ok(false),
        };
        self.text.clear();
        Ok(true)
    }

    /// Text directly inside a field of a point (a field's own child elements are skipped).
    fn text(&mut self, text: &str) {
        if self.on_path == 5 && self.depth == 5 {
            self.text.push_str(text);
        }
    }

    fn end(&mut self) {
        if self.problem.is_none() && self.depth == self.on_path {
            let closed = match (self.depth, self.point.as_mut()) {
                (5, Some(point)) => point.read(self.field, self.text.trim()),
                (4, Some(_)) => self.end_point(),
                _ => Ok(()),
            };
            self.on_path -= 1;
            if let Err(e) = closed {
                self.fail(e);
            }
        }
        self.depth = self.depth.saturating_sub(1);
    }

    fn end_point(&mut self) -> Result<()> {
        if let Some(point) = self.point.take() {
            let fix = point.fix()?;
            if let Some(segment) = self.segments.last_mut() {
                segment.push(fix);
            }
        }
        Ok(())
    }

    /// Stops taking fixes, and frees those taken: the file will be refused.
    fn fail(&mut self, e: Error) {
        self.problem = Some(e);
        self.segments = Vec::new();
        self.point = None;
        self.on_path = 0;
    }

    fn finish(self) -> Result<Vec<Vec<Fix>>> {
        match self.problem {
            Some(e) => Err(e),
            None => Ok(self.segments),
        }
    }
}

/// A track point being read: where it is, and what it has said so far.
struct Point {
    /// Track, segment and point, each counted from 1.
    at: [usize; 3],
    fix: Fix,
    time_ms: Option<i64>,
}

impl Point {
    fn new(at: [usize; 3], attributes: &[OwnedAttribute]) -> Result<Point> {
        let (latitude, longitude) = position(attributes).map_err(|r| wrong_point(at, &r))?;
        Ok(Point {
            at,
            fix: Fix {
                provider: Some("gpx".to_string()),
                ..Fix::at(latitude, longitude, 0)
            },
            time_ms: None,
        })
    }

    /// Takes the text of one of its fields.
    fn read(&mut self, field: Field, text: &str) -> Result<()> {
        self.take(field, text).map_err(|r| wrong_point(self.at, &r))
    }

    fn take(&mut self, field: Field, text: &str) -> std::result::Result<(), String> {
        let fix = &mut self.fix;
        match field {
            Field::Time => {
                let time = time_ms(text)
                    .ok_or_else(|| format!("time {} is not an xsd:dateTime", shown(text)))?;
                self.time_ms = Some(time);
            }
            // An empty `<ele/>` is no elevation, not a broken one.
            Field::Ele if text.is_empty() => fix.altitude_m = None,
            Field::Ele => fix.altitude_m = Some(number("ele", text)?).filter(|e| e.is_finite()),
            Field::Hdop => {
                let hdop = number("hdop", text)?;
                fix.accuracy_m = (hdop != 0.0).then_some(hdop * UERE_M);
            }
            Field::Speed => {
                let speed = number("speed", text)?;
                fix.speed_mps = (speed.is_finite() && speed >= 0.0).then_some(speed);
            }
        }
        Ok(())
    }

    /// The fix, once the point has closed.
    fn fix(self) -> Result<Fix> {
        let [t, s, p] = self.at;
        let time_ms = self.time_ms.ok_or_else(|| {
            Error::invalid(
                "gpx",
                format!(
                    "track {t}, segment {s}, point {p}: has no time; a track cannot be filtered \
                     or measured without one"
                ),
            )
        })?;
        Ok(Fix {
            time_ms,
            ..self.fix
        })
    }
}

/// A track point's latitude and longitude, in GPX's ranges.
fn position(attributes: &[OwnedAttribute]) -> std::result::Result<(f64, f64), String> {
    let latitude = number_attribute(attributes, "lat")?;
    if !(-90.0..=90.0).contains(&latitude) {
        return Err(format!("latitude {latitude} is not in [-90, 90]"));
    }
    let longitude = number_attribute(attributes, "lon")?;
    if !(-180.0..180.0).contains(&longitude) {
        return Err(format!("longitude {longitude} is not in [-180, 180)"));
    }
    Ok((latitude, longitude))
}

fn attribute<'a>(attributes: &'a [OwnedAttribute], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|a| a.name.local_name == name)
        .map(|a| a.value.as_str())
}

fn number_attribute(attributes: &[OwnedAttribute], name: &str) -> std::result::Result<f64, String> {
    let text = attribute(attributes, name).ok_or_else(|| format!("has no {name} attribute"))?;
    number(name, text)
}

fn number(name: &str, text: &str) -> std::result::Result<f64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{name} {} is not a number", shown(text)))
}

/// An xsd:dateTime, ms since the Unix epoch (finer rounded down). Its zone is optional, where
/// RFC 3339 requires one: a time without one is taken as UTC.
fn time_ms(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_rfc3339(&format!("{text}Z")))
        .ok()
        .map(|t| t.timestamp_millis())
}

/// Text from the file as an error shows it: quoted, and cut after 40 characters (an attribute
/// may be megabytes long).
fn shown(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{:?}…", &text[..end]),
        None => format!("{text:?}"),
    }
}

/// Writes `fixes` as a GPX 1.1 file, creator "Redshield", with one track named `name`
/// (control characters, U+FFFE and U+FFFF dropped) and one segment. Each point has its time
/// (UTC, to the millisecond, so it comes back exactly), elevation when known, and HDOP =
/// accuracy / 5 m when known (the inverse of `read_gpx`), in the order of GPX 1.1's schema.
/// Speed, bearing, provider and the mock flag are not written: GPX 1.1 has no place for them.
///
/// A fix whose position is not a finite WGS-84 latitude and longitude, or whose time is before
/// 1970 or after 9999, is an `Invalid` error on `fixes`, found before anything is written;
/// longitude 180° is written as −180° (the same meridian: GPX's range is −180 ≤ lon < 180).
/// The file is then written as a stream, its text escaped by `xml-rs`; an error writing it is
/// a `Platform` error.
pub fn write_gpx(name: &str, fixes: &[Fix], writer: impl Write) -> Result<()> {
    let points = fixes
        .iter()
        .enumerate()
        .map(|(i, f)| {
            TrackPoint::of(f)
                .map_err(|reason| Error::invalid("fixes", format!("fix {}: {reason}", i + 1)))
        })
        .collect::<Result<Vec<_>>>()?;
    // XML 1.0 cannot hold most control characters, U+FFFE or U+FFFF (a file holding one would
    // not read again); tabs and line ends, which it can, have no place in a name.
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect();
    let mut xml = EmitterConfig::new()
        .perform_indent(true)
        .create_writer(BufWriter::new(writer));
    write_track(&mut xml, &name, &points).map_err(|e| match e {
        xml::writer::Error::Io(e) => cannot_write(&e),
        other => Error::Encoding(format!("cannot write GPX: {other}")),
    })?;
    xml.into_inner().flush().map_err(|e| cannot_write(&e))
}

fn cannot_write(e: &std::io::Error) -> Error {
    Error::Platform(format!("cannot write the GPX file: {e}"))
}

/// What a track point written holds.
struct TrackPoint {
    latitude: f64,
    longitude: f64,
    elevation: Option<f64>,
    time: DateTime<Utc>,
    hdop: Option<f64>,
}

impl TrackPoint {
    /// A track point from a fix, or why it cannot be one.
    fn of(f: &Fix) -> std::result::Result<TrackPoint, String> {
        if !valid_position(f) {
            return Err(format!(
                "({}, {}) is not a WGS-84 latitude and longitude",
                f.latitude, f.longitude
            ));
        }
        if f.time_ms < 0 {
            return Err(format!("time {} ms is before 1970", f.time_ms));
        }
        // xsd:dateTime takes longer years, but readers expect four digits.
        let time = DateTime::from_timestamp_millis(f.time_ms)
            .filter(|t| t.year() <= 9999)
            .ok_or_else(|| format!("time {} ms is after 9999", f.time_ms))?;
        Ok(TrackPoint {
            latitude: f.latitude,
            longitude: if f.longitude == 180.0 {
                -180.0
            } else {
                f.longitude
            },
            elevation: f.altitude_m.filter(|a| a.is_finite()),
            time,
            hdop: f
                .accuracy_m
                .filter(|a| a.is_finite() && *a > 0.0)
                .map(|a| a / UERE_M),
        })
    }
}

fn write_track<W: Write>(
    xml: &mut EventWriter<W>,
    name: &str,
    points: &[TrackPoint],
) -> xml::writer::Result<()> {
    xml.write(
        Written::start_element("gpx")
            .default_ns(GPX_11)
            .attr("version", "1.1")
            .attr("creator", "Redshield"),
    )?;
    xml.write(Written::start_element("trk"))?;
    write_text(xml, "name", name)?;
    xml.write(Written::start_element("trkseg"))?;
    for point in points {
        write_point(xml, point)?;
    }
    for _ in ["trkseg", "trk", "gpx"] {
        xml.write(Written::end_element())?;
    }
    Ok(())
}

/// A `trkpt`, its elements in the order of the schema's `wptType` (ele, time, …, hdop).
fn write_point<W: Write>(xml: &mut EventWriter<W>, p: &TrackPoint) -> xml::writer::Result<()> {
    let (latitude, longitude) = (p.latitude.to_string(), p.longitude.to_string());
    xml.write(
        Written::start_element("trkpt")
            .attr("lat", &latitude)
            .attr("lon", &longitude),
    )?;
    if let Some(elevation) = p.elevation {
        write_text(xml, "ele", &elevation.to_string())?;
    }
    let time = p.time.to_rfc3339_opts(SecondsFormat::Millis, true);
    write_text(xml, "time", &time)?;
    if let Some(hdop) = p.hdop {
        write_text(xml, "hdop", &hdop.to_string())?;
    }
    xml.write(Written::end_element())
}

fn write_text<W: Write>(
    xml: &mut EventWriter<W>,
    name: &str,
    text: &str,
) -> xml::writer::Result<()> {
    xml.write(Written::start_element(name))?;
    xml.write(Written::characters(text))?;
    xml.write(Written::end_element())
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

/// Broken XML, in the parser's words; or the file could not be read.
fn xml_error(e: &xml::reader::Error) -> Error {
    // The parser reports bytes that are not text in the declared encoding as invalid data.
    if let ErrorKind::Io(io) = e.kind()
        && io.kind() != std::io::ErrorKind::InvalidData
    {
        return Error::Platform(format!("cannot read the GPX file: {io}"));
    }
    Error::invalid(
        "gpx",
        format!("the file is not well-formed XML (not GPX, or damaged or cut short): at {e}"),
    )
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

/// Well-formed XML that is not GPX as read here.
fn not_gpx(why: impl std::fmt::Display) -> Error {
    Error::invalid(
        "gpx",
        format!("the file is XML but not GPX as expected: {why}"),
    )
}

/// A track point that is not one, named by its place.
fn wrong_point([t, s, p]: [usize; 3], why: &str) -> Error {
    not_gpx(format_args!("track {t}, segment {s}, point {p}: {why}"))
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
            Err(Error::Invalid { field, reason, .. }) if field == "gpx" => reason,
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

    /// A track of one segment holding `points`, in GPX 1.1.
    fn segment11(points: &str) -> String {
        gpx11(&format!("<trk><trkseg>{points}</trkseg></trk>"))
    }

    #[test]
    fn broken_xml_is_an_error_with_the_parsers_words() {
        let cases = [
            ("empty", String::new()),
            ("spaces", "  \n ".to_string()),
            (
                "html",
                "<!DOCTYPE html><html><head><title>登录</title></head><body><p>Sign in</body></html>"
                    .to_string(),
            ),
            ("json", r#"{"type": "FeatureCollection"}"#.to_string()),
            ("unclosed", gpx11("<trk><trkseg>")),
            ("mismatched", gpx11("<trk><trkseg></trk></trkseg>")),
            // Broken XML is reported first, even after what is wrong as GPX.
            ("kml, then broken", "<kml><Document></kml>".to_string()),
            (
                "bad lat, then cut",
                segment11(r#"<trkpt lat="north" lon="1"/>"#).replace("</gpx>", ""),
            ),
            ("text after the root", format!("{}garbage", segment11(""))),
        ];
        for (what, xml) in cases {
            let reason = gpx_reason(read_str(&xml));
            assert!(
                reason.starts_with(
                    "the file is not well-formed XML (not GPX, or damaged or cut short): at "
                ),
                "{what}: {reason}"
            );
        }
    }

    #[test]
    fn not_gpx_is_an_error_saying_what_is_wrong_and_where() {
        let point = |attributes: &str, inside: &str| {
            segment11(&format!("<trkpt {attributes}>{inside}</trkpt>"))
        };
        let time = "<time>2024-05-14T02:00:00Z</time>";
        let cases = [
            (
                "kml",
                r#"<?xml version="1.0"?><kml><Document/></kml>"#.to_string(),
                r#"its root element is "kml", not "gpx""#,
            ),
            (
                "no version",
                "<gpx><trk/></gpx>".to_string(),
                "<gpx> has no version attribute",
            ),
            (
                "gpx 2.0",
                r#"<gpx version="2.0"></gpx>"#.to_string(),
                r#"GPX version "2.0" is neither 1.0 nor 1.1"#,
            ),
            (
                "bad lat",
                point(r#"lat="north" lon="1""#, time),
                r#"track 1, segment 1, point 1: lat "north" is not a number"#,
            ),
            (
                "lat 91",
                point(r#"lat="91" lon="1""#, time),
                "point 1: latitude 91 is not in [-90, 90]",
            ),
            (
                "lat NaN",
                point(r#"lat="NaN" lon="1""#, time),
                "point 1: latitude NaN is not in [-90, 90]",
            ),
            (
                "no lat",
                point(r#"lon="1""#, time),
                "point 1: has no lat attribute",
            ),
            (
                "no lon",
                point(r#"lat="1""#, time),
                "point 1: has no lon attribute",
            ),
            (
                "lon 180",
                point(r#"lat="1" lon="180""#, time),
                "point 1: longitude 180 is not in [-180, 180)",
            ),
            (
                "bad time",
                point(r#"lat="1" lon="1""#, "<time>yesterday</time>"),
                r#"point 1: time "yesterday" is not an xsd:dateTime"#,
            ),
            (
                "date only",
                point(r#"lat="1" lon="1""#, "<time>2024-05-14</time>"),
                "is not an xsd:dateTime",
            ),
            (
                "bad ele",
                point(r#"lat="1" lon="1""#, "<ele>high</ele>"),
                r#"point 1: ele "high" is not a number"#,
            ),
            (
                "bad hdop",
                point(r#"lat="1" lon="1""#, "<hdop></hdop>"),
                r#"point 1: hdop "" is not a number"#,
            ),
            (
                "speed in 1.1",
                point(r#"lat="1" lon="1""#, &format!("{time}<speed>3</speed>")),
                "point 1: has a <speed>, which GPX 1.1 does not define",
            ),
            (
                "the second segment's third point",
                gpx11(&format!(
                    r#"<trk><trkseg/></trk><trk><trkseg/><trkseg>{0}{0}<trkpt lat="1" lon="x"/>{0}</trkseg></trk>"#,
                    format!(r#"<trkpt lat="1" lon="1">{time}</trkpt>"#)
                )),
                r#"track 2, segment 2, point 3: lon "x" is not a number"#,
            ),
        ];
        for (what, xml, words) in cases {
            let reason = gpx_reason(read_str(&xml));
            assert!(
                reason.starts_with("the file is XML but not GPX as expected: "),
                "{what}: {reason}"
            );
            assert!(reason.contains(words), "{what}: {reason}");
        }
        // Text from the file is cut in the error.
        let long = "9".repeat(100_000);
        let reason = gpx_reason(read_str(&point(&format!(r#"lat="{long}x" lon="1""#), time)));
        assert!(reason.len() < 200, "{reason}");
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

    #[test]
    fn unusable_values_times_and_what_is_skipped() {
        let point = |lat: u32, inside: &str| {
            format!(
                r#"<trkpt lat="{lat}" lon="104"><time>2024-05-14T02:00:00Z</time>{inside}</trkpt>"#
            )
        };
        let xml = format!(
            r#"<?xml version="1.0"?>
<gpx version="1.0" creator="logger"><trk><trkseg>{}{}{}{}{}</trkseg></trk></gpx>"#,
            point(1, "<speed>-1</speed><ele>NaN</ele><hdop>-1.2</hdop>"),
            point(2, "<speed>NaN</speed><ele></ele><hdop>NaN</hdop>"),
            point(
                3,
                "<course>90</course><sat>7</sat><name>x</name><fix>3d</fix>"
            ),
            // Extensions are not the point's own elements, whatever their names.
            point(
                4,
                "<extensions><time>soon</time><ele>high</ele><speed>x</speed><trkpt/></extensions>"
            ),
            point(5, "<ele><![CDATA[12.5]]></ele><speed> 2 </speed>"),
        );
        let fixes = read_str(&xml).unwrap().remove(0);
        assert_eq!(fixes.len(), 5);
        assert_eq!((fixes[0].speed_mps, fixes[0].altitude_m), (None, None));
        assert_eq!(fixes[0].accuracy_m, Some(-6.0));
        assert_eq!((fixes[1].speed_mps, fixes[1].altitude_m), (None, None));
        assert!(fixes[1].accuracy_m.unwrap().is_nan());
        for f in &fixes[2..4] {
            assert_eq!(
                (f.speed_mps, f.altitude_m, f.accuracy_m),
                (None, None, None)
            );
            assert_eq!(f.time_ms, PARKED_START_MS);
        }
        assert_eq!(
            (fixes[4].altitude_m, fixes[4].speed_mps),
            (Some(12.5), Some(2.0))
        );

        let times = [
            (" 2024-05-14T02:00:00Z\n", PARKED_START_MS),
            ("<![CDATA[2024-05-14T10:00:00+08:00]]>", PARKED_START_MS),
            ("2024-05-13T21:00:00.5-05:00", PARKED_START_MS + 500),
            ("1970-01-01T00:00:03Z", 3_000),
            ("1969-12-31T23:59:59.9995Z", -1),
        ];
        for (time, ms) in times {
            let xml = segment11(&format!(
                r#"<trkpt lat="1" lon="2"><time>{time}</time></trkpt>"#
            ));
            assert_eq!(read_str(&xml).unwrap()[0][0].time_ms, ms, "{time}");
        }
        // A leap second reads without panicking.
        let leap = r#"<trkpt lat="1" lon="2"><time>2016-12-31T23:59:60Z</time></trkpt>"#;
        let leap = segment11(leap);
        assert!(read_str(&leap).is_ok());
    }

    #[test]
    fn gpx_elsewhere_than_a_track_is_skipped() {
        let timeless = r#"<trkpt lat="1" lon="1"/>"#;
        let xml = gpx11(&format!(
            r#"<metadata><time>2024-05-14T02:00:00Z</time></metadata>
<extensions><trk><trkseg>{timeless}</trkseg></trk></extensions>
<rte><rtept lat="1" lon="1"/></rte><wpt lat="north" lon="1"/>
<trk><name>x</name><extensions><trkseg>{timeless}</trkseg></extensions><trkseg/></trk>"#
        ));
        assert_eq!(read_str(&xml).unwrap(), vec![Vec::<Fix>::new()]);
    }

    #[test]
    fn a_failing_reader_is_a_platform_error() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("device unplugged"))
            }
        }
        match read_gpx(Failing) {
            Err(Error::Platform(reason)) => {
                assert!(reason.contains("device unplugged"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
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
        // The schema's order: ele, time, hdop.
        let ele = text.find("<ele>500.25</ele>").expect("ele");
        let time = text
            .find("<time>2024-05-14T02:00:00.123Z</time>")
            .expect("time");
        let hdop = text.find("<hdop>0.8</hdop>").expect("hdop");
        assert!(ele < time && time < hdop, "{text}");
        assert!(!text.contains('+'), "{text}");
    }

    #[test]
    fn any_name_writes_a_file_that_reads_again() {
        let names = [
            "",
            "]]> <![CDATA[",
            "\"'&;\u{0}\u{1b}[0m\u{85}",
            "川A·12345 \u{1F697}\u{FEFF}",
            "\u{FFFF}\u{FFFE}",
        ];
        for name in names {
            let mut file = Vec::new();
            write_gpx(name, &[Fix::at(1.0, 2.0, 3)], &mut file).unwrap();
            let back = read_gpx(file.as_slice()).unwrap_or_else(|e| panic!("{name:?}: {e}"));
            assert_eq!(back[0][0].time_ms, 3, "{name:?}");
        }
    }

    #[test]
    fn write_checks_positions_and_times() {
        let invalid = |fix: Fix| match write_gpx("x", &[Fix::at(1.0, 1.0, 0), fix], Vec::new()) {
            Err(Error::Invalid { field, reason, .. }) => {
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
        // However the XML ends: here a well-formed file, too long by its trailing spaces.
        let mut file = gpx11("").into_bytes();
        file.resize(MAX_GPX_BYTES as usize, b' ');
        assert_eq!(read_gpx(file.as_slice()).unwrap(), Vec::<Vec<Fix>>::new());
        file.push(b' ');
        let reason = gpx_reason(read_gpx(file.as_slice()));
        assert_eq!(reason, "the file is larger than 16 MiB");
    }
}
