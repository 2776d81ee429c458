//! What a photo's EXIF says (`kamadak-exif`): capture time with its offset, GPS, orientation,
//! the device. Missing or damaged EXIF is an answer recorded with the photo, never an error.

use std::io::{BufRead, Seek};

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use exif::{Exif, Field, In, Reader, Tag, Value};
use serde::{Deserialize, Serialize};

crate::wire::wire_enum! {
    /// Whether the photo had EXIF to read.
    #[derive(uniffi::Enum)]
    pub enum ExifStatus {
        Present = "present",
        Absent = "absent",
        /// There was an EXIF block, but it could not be read (`problem` says why).
        Corrupt = "corrupt",
    }
}

/// The EXIF fields evidence records, as the camera wrote them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
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

/// Reads the EXIF of a JPEG or PNG.
pub fn read(file: &mut (impl BufRead + Seek)) -> ExifSummary {
    match Reader::new().read_from_container(file) {
        Ok(exif) => summarise(&exif),
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
            Some(signed(lat, text(Tag::GPSLatitudeRef), "S")),
            Some(signed(lon, text(Tag::GPSLongitudeRef), "W")),
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

fn rational(field: &Field, i: usize) -> Option<f64> {
    match &field.value {
        Value::Rational(values) => values.get(i).filter(|r| r.denom != 0).map(|r| r.to_f64()),
        _ => None,
    }
}

/// Degrees, minutes, seconds as three rationals.
fn degrees(field: &Field) -> Option<f64> {
    let (d, m, s) = (
        rational(field, 0)?,
        rational(field, 1)?,
        rational(field, 2)?,
    );
    Some(d + m / 60.0 + s / 3600.0)
}

fn signed(value: f64, reference: Option<String>, negative: &str) -> f64 {
    if reference.as_deref() == Some(negative) {
        -value
    } else {
        value
    }
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
