//! Evidence photos and recordings. The original is copied byte for byte into the
//! content-addressed blob store and never touched again; EXIF is read, an upright display copy
//! and a thumbnail are made (photos only), and an `EvidenceCaptured` event links the hashes,
//! the case, the officer, the trusted time and the device's own fix into the signed chain.
//! `verify` checks all of it again, from the bytes.

pub mod blobs;
pub mod caption;
pub mod care;
pub mod derive;
pub mod events;
pub mod media;
pub mod metadata;
pub mod model;
pub mod projection;
pub mod redact;
pub mod verify;

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use uuid::Uuid;

use crate::clock::BEIJING;
use crate::error::{Error, Result};
use crate::events::log::Writer;
use crate::validate::{multi_line, optional};

use blobs::{Blobs, Stored};
use derive::{DISPLAY_LONG_EDGE, QUALITY, THUMBNAIL_LONG_EDGE};
use events::{DerivedBody, DeviceFixBody, EvidenceCaptured, ExifBody, Original};
use media::{MediaLimits, MediaType, Probe};
pub use model::{DeviceFix, Evidence, EvidenceKind, FixSource, NewEvidence, limits};

/// What the device knows at the moment of capture.
pub struct Capture<'a> {
    pub case_id: Uuid,
    pub case_number: &'a str,
    pub trusted_ms: i64,
    pub device_fix: Option<DeviceFixBody>,
}

/// Everything before the event: the checks, the blob copy, EXIF, the copies. Slow (it decodes
/// a photo), so it runs outside the write transaction; a failure leaves at most blobs that no
/// event names, which are harmless.
pub fn prepare(
    blobs: &Blobs,
    new: &NewEvidence,
    capture: &Capture,
    limits: &MediaLimits,
) -> Result<EvidenceCaptured> {
    let source = Path::new(&new.path);
    check_kind(new.kind, media::probe(source, limits)?.media_type)?;
    let stored = blobs.put_file(source)?;
    // The stored blob is what is measured and decoded: the source may change meanwhile.
    let blob = blobs.path(&stored.sha256);
    let probe = media::probe(&blob, limits)?;
    check_kind(new.kind, probe.media_type)?;
    let mut body = EvidenceCaptured {
        evidence_id: Uuid::now_v7(),
        case_id: capture.case_id,
        kind: new.kind,
        original: original(&stored, &probe, &blob),
        exif: None,
        display: None,
        thumbnail: None,
        device_fix: capture.device_fix.clone(),
        note: None,
    };
    if probe.media_type.is_image() {
        let exif = metadata::read(&mut BufReader::new(
            File::open(&blob).map_err(|e| Error::file(&blob, e))?,
        ));
        let lines = if new.caption {
            caption_lines(capture, &exif)
        } else {
            Vec::new()
        };
        let copies = derive::copies(&blob, &probe, exif.orientation, &lines)?;
        body.display = Some(store_copy(
            blobs,
            &copies.display,
            DISPLAY_LONG_EDGE,
            lines,
        )?);
        body.thumbnail = Some(store_copy(
            blobs,
            &copies.thumbnail,
            THUMBNAIL_LONG_EDGE,
            Vec::new(),
        )?);
        body.exif = Some(ExifBody::from_summary(&exif));
    }
    Ok(body)
}

/// Records prepared evidence with its note, where the device was. Adding the same bytes to the
/// same case again (an app retrying) records nothing and returns the evidence already there.
pub fn record(w: &mut Writer, mut body: EvidenceCaptured, note: Option<&str>) -> Result<Uuid> {
    let case = body.case_id.to_string();
    let sha256 = body.original.sha256.to_hex();
    if let Some(id) = projection::existing(w.conn(), &case, &sha256)? {
        return Uuid::parse_str(&id).map_err(|e| Error::Corrupt {
            seq: 0,
            reason: format!("evidence id {id}: {e}"),
        });
    }
    let note = optional(note, |v| multi_line("note", v, limits::NOTE))?;
    body.note = note
        .map(|n| w.seal_personal(Some(body.case_id), "evidence.note", &n))
        .transpose()?;
    w.position = body.device_fix.as_ref().map(|f| f.point);
    let id = body.evidence_id;
    w.append(body)?;
    Ok(id)
}

/// Photos of the scene come from the camera (JPEG); screenshots and documents may be PNG;
/// recordings are audio or video.
fn check_kind(kind: EvidenceKind, media_type: MediaType) -> Result<()> {
    let fits = match media_type {
        MediaType::Jpeg => kind != EvidenceKind::Recording,
        MediaType::Png => matches!(kind, EvidenceKind::Screenshot | EvidenceKind::Document),
        MediaType::M4a | MediaType::Mp4 => kind == EvidenceKind::Recording,
    };
    if fits {
        return Ok(());
    }
    Err(Error::invalid(
        "kind",
        format!("a {media_type} file cannot be evidence of kind {kind}"),
    ))
}

fn original(stored: &Stored, probe: &Probe, blob: &Path) -> Original {
    let image = probe.media_type.is_image();
    Original {
        sha256: stored.sha256,
        bytes: stored.size,
        media_type: probe.media_type,
        width: image.then_some(probe.width),
        height: image.then_some(probe.height),
        duration_ms: if image {
            None
        } else {
            media::duration_ms(blob)
        },
    }
}

fn store_copy(
    blobs: &Blobs,
    copy: &derive::Copy,
    max_long_edge: u32,
    caption: Vec<String>,
) -> Result<DerivedBody> {
    let stored = blobs.put_bytes(&copy.jpeg)?;
    Ok(DerivedBody {
        sha256: stored.sha256,
        width: copy.width,
        height: copy.height,
        bytes: stored.size,
        quality: QUALITY,
        max_long_edge,
        caption,
    })
}

/// The case number, the trusted time in Beijing time, and the device's position (else the
/// photo's own GPS) — what a watermark camera prints.
fn caption_lines(capture: &Capture, exif: &metadata::ExifSummary) -> Vec<String> {
    let time = chrono::DateTime::from_timestamp_millis(capture.trusted_ms)
        .map(|t| {
            t.with_timezone(&BEIJING)
                .format("%Y-%m-%d %H:%M:%S +08:00")
                .to_string()
        })
        .unwrap_or_default();
    let device = capture.device_fix.as_ref().map(|f| {
        (
            f.point.latitude(),
            f.point.longitude(),
            f.point.accuracy_m(),
        )
    });
    let photo = exif
        .latitude
        .zip(exif.longitude)
        .map(|(lat, lon)| (lat, lon, exif.gps_accuracy_m));
    let place = match device.or(photo) {
        Some((lat, lon, accuracy)) => format_position(lat, lon, accuracy),
        None => "position unknown".to_string(),
    };
    vec![capture.case_number.to_string(), time, place]
}

/// "N 28.19420 E 112.98230 +/-6 m".
pub fn format_position(lat: f64, lon: f64, accuracy_m: Option<f64>) -> String {
    let ns = if lat < 0.0 { 'S' } else { 'N' };
    let ew = if lon < 0.0 { 'W' } else { 'E' };
    let accuracy = accuracy_m.map_or(String::new(), |a| format!(" +/-{a:.0} m"));
    format!("{ns} {:.5} {ew} {:.5}{accuracy}", lat.abs(), lon.abs())
}
