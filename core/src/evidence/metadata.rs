//! What a photo's EXIF says (`kamadak-exif`): capture time with its offset, GPS, orientation,
//! the device. Missing or damaged EXIF is an answer recorded with the photo, never an error;
//! EXIF with one bad link (a sub-IFD with a next-IFD offset, a pointer of the wrong type, as
//! some writers leave) is read as far as it goes, not thrown away whole.

use std::io::{BufRead, Seek};

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use exif::{Exif, Field, In, Reader, Tag, Value};
use serde::{Deserialize, Serialize};

crate::wire_enum::wire_enum! {
    /// Whether the photo had EXIF to read.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum ExifStatus {
        Present = "present",
        Absent = "absent",
        /// The EXIF block is damaged in places; what could be read was (`problem` names what
        /// could not).
        Partial = "partial",
        /// There was an EXIF block, but nothing in it could be read (`problem` says why).
        Corrupt = "corrupt",
    }
}

/// The EXIF fields evidence records, as the camera wrote them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ExifSummary {
    pub status: ExifStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// `DateTimeOriginal` as written ("2026-11-28T10:30:00"), the camera's local time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_local: Option<String>,
    /// `OffsetTimeOriginal` ("+08:00"), when the camera wrote one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_offset: Option<String>,
    /// The instant, when both the time and its offset are known (ms since the epoch, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at_ms: Option<i64>,
    /// WGS-84 degrees (south and west negative), metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altitude_m: Option<f64>,
    /// `GPSHPositioningError`, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gps_accuracy_m: Option<f64>,
    /// 1–8 as EXIF defines it; 1 (upright) when absent.
    pub orientation: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
}

impl ExifSummary {
    fn empty(status: ExifStatus, problem: Option<String>) -> ExifSummary {
        ExifSummary {
            status,
            problem,
            taken_local: None,
            taken_offset: None,
            taken_at_ms: None,
            latitude: None,
            longitude: None,
            altitude_m: None,
            gps_accuracy_m: None,
            orientation: 1,
            make: None,
            model: None,
            software: None,
        }
    }
}

/// Reads the EXIF of a JPEG, PNG or HEIC, past the errors the reader can step over.
pub fn read(file: &mut (impl BufRead + Seek)) -> ExifSummary {
    let mut problems = Vec::new();
    let read = Reader::new()
        .continue_on_error(true)
        .read_from_container(file)
        .or_else(|e| {
            e.distill_partial_result(|errors| {
                problems = errors.iter().map(ToString::to_string).collect();
            })
        });
    match read {
        Ok(exif) if problems.is_empty() => summarise(&exif),
        Ok(exif) if exif.fields().next().is_none() => {
            ExifSummary::empty(ExifStatus::Corrupt, Some(problems.join("; ")))
        }
        Ok(exif) => ExifSummary {
            status: ExifStatus::Partial,
            problem: Some(problems.join("; ")),
            ..summarise(&exif)
        },
        Err(exif::Error::NotFound(_)) => ExifSummary::empty(ExifStatus::Absent, None),
        Err(e) => ExifSummary::empty(ExifStatus::Corrupt, Some(e.to_string())),
    }
}

fn summarise(exif: &Exif) -> ExifSummary {
    let field = |tag| exif.get_field(tag, In::PRIMARY);
    let text = |tag| field(tag).and_then(ascii);
    let taken_local = text(Tag::DateTimeOriginal).and_then(|t| exif_time(&t));
    let taken_offset = text(Tag::OffsetTimeOriginal);
    let taken_at_ms = taken_local
        .zip(taken_offset.as_deref())
        .and_then(|(local, offset)| instant(local, offset));
    let (latitude, longitude) = match (
        field(Tag::GPSLatitude).and_then(degrees),
        field(Tag::GPSLongitude).and_then(degrees),
    ) {
        (Some(lat), Some(lon)) => (
            Some(signed(
                lat,
                field(Tag::GPSLatitude),
                text(Tag::GPSLatitudeRef),
                "S",
            )),
            Some(signed(
                lon,
                field(Tag::GPSLongitude),
                text(Tag::GPSLongitudeRef),
                "W",
            )),
        ),
        _ => (None, None),
    };
    let below_sea = field(Tag::GPSAltitudeRef).and_then(|f| f.value.get_uint(0)) == Some(1);
    let altitude_m = field(Tag::GPSAltitude)
        .and_then(|f| rational(f, 0))
        .map(|a| if below_sea { -a } else { a });
    let orientation = field(Tag::Orientation)
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1) as u16;
    ExifSummary {
        taken_local: taken_local.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
        taken_offset,
        taken_at_ms,
        latitude: latitude.filter(|v| (-90.0..=90.0).contains(v)),
        longitude: longitude.filter(|v| (-180.0..=180.0).contains(v)),
        altitude_m,
        gps_accuracy_m: field(Tag::GPSHPositioningError).and_then(|f| rational(f, 0)),
        orientation,
        make: text(Tag::Make),
        model: text(Tag::Model),
        software: text(Tag::Software),
        ..ExifSummary::empty(ExifStatus::Present, None)
    }
}

/// The first ASCII value, trimmed of the NULs and spaces cameras pad with.
fn ascii(field: &Field) -> Option<String> {
    match &field.value {
        Value::Ascii(values) => values.first().map(|v| {
            String::from_utf8_lossy(v)
                .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                .to_string()
        }),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// The `i`th number of a rational field. Signed rationals too: HMD Global's Nokia phones
/// write GPS coordinates as SRATIONAL where EXIF says RATIONAL, which every viewer accepts.
fn rational(field: &Field, i: usize) -> Option<f64> {
    match &field.value {
        Value::Rational(values) => values.get(i).filter(|r| r.denom != 0).map(|r| r.to_f64()),
        Value::SRational(values) => values.get(i).filter(|r| r.denom != 0).map(|r| r.to_f64()),
        _ => None,
    }
}

/// Degrees, minutes, seconds. `0/0` (what some phones write for an unused part: "dd/1,
/// mmmm/100,0/0") and parts left out count as nothing; a whole part with a zero denominator
/// makes the value unknown.
fn degrees(field: &Field) -> Option<f64> {
    let part = |i| match raw(field, i) {
        None | Some((0, _)) => Some(0.0),
        Some(_) => rational(field, i),
    };
    let d = rational(field, 0)?;
    Some(d.abs() + part(1)?.abs() / 60.0 + part(2)?.abs() / 3600.0)
}

/// The numerator and denominator of the `i`th rational, signed or not.
fn raw(field: &Field, i: usize) -> Option<(i64, i64)> {
    match &field.value {
        Value::Rational(v) => v.get(i).map(|r| (i64::from(r.num), i64::from(r.denom))),
        Value::SRational(v) => v.get(i).map(|r| (i64::from(r.num), i64::from(r.denom))),
        _ => None,
    }
}

/// South and west are negative. The reference decides; without one, a signed rational's own
/// sign stands (a writer that signs its SRATIONALs means it).
fn signed(value: f64, field: Option<&Field>, reference: Option<String>, negative: &str) -> f64 {
    let signed_negative = field.and_then(|f| raw(f, 0)).is_some_and(|(n, _)| n < 0);
    let negative = match reference.as_deref() {
        Some(r) => r.eq_ignore_ascii_case(negative),
        None => signed_negative,
    };
    if negative { -value } else { value }
}

/// "2026:11:28 10:30:00" → a local time.
fn exif_time(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y:%m:%d %H:%M:%S").ok()
}

/// The instant of a local time at "+08:00".
fn instant(local: NaiveDateTime, offset: &str) -> Option<i64> {
    let sign = match offset.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = offset.get(1..)?.split_once(':')?;
    let seconds = sign * (hours.parse::<i32>().ok()? * 3600 + minutes.parse::<i32>().ok()? * 60);
    let zone = FixedOffset::east_opt(seconds)?;
    zone.from_local_datetime(&local)
        .single()
        .map(|t| t.timestamp_millis())
}
