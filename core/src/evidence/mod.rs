//! Evidence photos and recordings. The original is copied byte for byte into the
//! content-addressed blob store and never touched again; EXIF is read, an upright display copy
//! and a thumbnail are made (photos only), and an `EvidenceCaptured` event links the hashes,
//! the case, the officer, the trusted time and the device's own fix into the signed chain.
//! `verify` checks all of it again, from the bytes. Nothing about a file's metadata or pixels
//! makes it less of the evidence: damaged EXIF is read as far as it goes, a damaged photo gets
//! copies of what decodes (or none, with the reason), a broken recording is kept and flagged,
//! a HEIC is kept with copies made from the JPEG rendition the app supplies.

pub mod blobs;
pub mod caption;
pub mod derive;
pub mod events;
pub mod jpeg_repair;
pub mod media;
pub mod metadata;
pub mod model;
pub mod projection;
pub mod prune;
pub mod redact;
pub mod sweep;
pub mod verify;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::log::Writer;
use crate::time::BEIJING;
use crate::validate::{multi_line, optional};

use crate::events::Digest;
use blobs::{Blobs, Stored};
use derive::{DISPLAY_LONG_EDGE, Derivation, QUALITY, THUMBNAIL_LONG_EDGE};
use events::{
    ContentBody, DerivedBody, DeviceFixBody, EvidenceCaptured, ExifBody, Original, RenditionBody,
};
use media::{MediaLimits, MediaType, Probe};
pub use model::{
    ContentStatus, DeviceFix, Evidence, EvidenceKind, FixSource, NewEvidence, Rendition, limits,
};

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["evidence"],
    kept: &["blob_prunes_pending"],
};

/// What the device knows at the moment of capture.
pub struct Capture<'a> {
    pub case_id: Uuid,
    pub case_number: &'a str,
    pub trusted_ms: i64,
    pub device_fix: Option<DeviceFixBody>,
}

/// Everything before the event: the checks, the blob copy, EXIF, the copies. Slow (it decodes
/// a photo), so it runs outside the write transaction; a failure leaves at most blobs that no
/// event names, which the next open sweeps away (`sweep`).
pub fn prepare(
    blobs: &Blobs,
    new: &NewEvidence,
    capture: &Capture,
    limits: &MediaLimits,
) -> Result<EvidenceCaptured> {
    let source = Path::new(&new.path);
    let first = media::probe(source, limits)?;
    check_kind(new.kind, first.media_type)?;
    check_rendition(first.media_type, new, limits)?;
    let stored = blobs.put_file(source)?;
    // The stored blob is what is measured and decoded: the source may change meanwhile.
    let blob = blobs.path(&stored.sha256);
    let probe = media::probe(&blob, limits)?;
    check_kind(new.kind, probe.media_type)?;
    check_rendition(probe.media_type, new, limits)?;
    let content = media::structure_problem(&blob, probe.media_type)?.map(|problem| ContentBody {
        status: ContentStatus::Unreadable,
        problem,
    });
    let mut body = EvidenceCaptured {
        evidence_id: Uuid::now_v7(),
        case_id: capture.case_id,
        kind: new.kind,
        original: original(&stored, &probe, &blob, content.is_none()),
        exif: None,
        display: None,
        thumbnail: None,
        device_fix: capture.device_fix.clone(),
        note: None,
        rendition: None,
        content,
        no_display_copy: None,
    };
    if probe.media_type.is_image() {
        photo(blobs, new, capture, limits, &blob, &probe, &mut body)?;
    }
    Ok(body)
}

/// A photo's EXIF and copies: made from its rendition if the app supplied one (a HEIC), else
/// from the original. A photo whose pixels do not decode is kept without copies, saying why.
fn photo(
    blobs: &Blobs,
    new: &NewEvidence,
    capture: &Capture,
    limits: &MediaLimits,
    blob: &Path,
    probe: &Probe,
    body: &mut EvidenceCaptured,
) -> Result<()> {
    let exif = read_exif(blob)?;
    let lines = if new.caption {
        caption_lines(capture, &exif)
    } else {
        Vec::new()
    };
    let (mut rendition, source) = pixels(blobs, new, limits, blob, probe, exif.orientation)?;
    let problem = match derive::copies(&source.path, &source.probe, source.orientation, &lines)? {
        Derivation::Made(copies) => {
            store_copies(blobs, &copies, lines, body)?;
            copies.damage.map(|p| (ContentStatus::Damaged, p))
        }
        Derivation::NotMade(none) => {
            let of = if rendition.is_some() {
                "the rendition: "
            } else {
                ""
            };
            body.no_display_copy = Some(format!("{of}{}", none.reason));
            none.unreadable
                .then_some((ContentStatus::Unreadable, none.reason))
        }
    };
    // What was wrong with the pixels is said of the file they came from.
    match (&mut rendition, problem) {
        (Some(r), problem) => r.problem = problem.map(|(_, p)| p),
        (None, Some((status, problem))) => body.content = Some(ContentBody { status, problem }),
        (None, None) => {}
    }
    body.rendition = rendition;
    body.exif = Some(ExifBody::from_summary(&exif));
    Ok(())
}

/// Where the copies come from: the rendition, stored now, if the app supplied one; else the
/// original, turned by its own orientation.
fn pixels(
    blobs: &Blobs,
    new: &NewEvidence,
    limits: &MediaLimits,
    blob: &Path,
    probe: &Probe,
    orientation: u16,
) -> Result<(Option<RenditionBody>, PixelSource)> {
    Ok(match &new.rendition {
        Some(path) => {
            let (rendition, source) = store_rendition(blobs, Path::new(path), limits)?;
            (Some(rendition), source)
        }
        None => (
            None,
            PixelSource {
                path: blob.to_path_buf(),
                probe: probe.clone(),
                orientation,
            },
        ),
    })
}

/// The file a photo's copies are made from, as stored, and how it is turned upright: by its
/// own EXIF orientation (a rendition's own, not the HEIC's: the platform may have turned the
/// pixels already, and then says so by writing none or 1).
#[derive(Debug, Clone)]
pub struct PixelSource {
    pub path: PathBuf,
    pub probe: Probe,
    pub orientation: u16,
}

/// Where the copies of recorded evidence were made from, to make them again (`redact`).
pub fn pixel_source(
    blobs: &Blobs,
    evidence: &Evidence,
    limits: &MediaLimits,
) -> Result<PixelSource> {
    let (hex, orientation) = match &evidence.rendition {
        Some(r) => (&r.sha256, None),
        None => (
            &evidence.sha256,
            Some(evidence.exif.as_ref().map_or(1, |e| e.orientation)),
        ),
    };
    let sha256 = Digest::from_hex(hex).ok_or_else(|| Error::Corrupt {
        seq: evidence.seq,
        reason: format!("{hex:?} is not a SHA-256"),
    })?;
    let path = blobs.path(&sha256);
    let orientation = match orientation {
        Some(o) => o,
        None => read_exif(&path)?.orientation,
    };
    Ok(PixelSource {
        probe: media::probe(&path, limits)?,
        path,
        orientation,
    })
}

fn read_exif(path: &Path) -> Result<metadata::ExifSummary> {
    let file = File::open(path).map_err(|e| Error::file(path, e))?;
    Ok(metadata::read(&mut BufReader::new(file)))
}

/// A rendition is a JPEG, and only for a HEIC original: JPEGs and PNGs are decoded here.
fn check_rendition(original: MediaType, new: &NewEvidence, limits: &MediaLimits) -> Result<()> {
    let Some(path) = &new.rendition else {
        return Ok(());
    };
    if original != MediaType::Heic {
        return Err(Error::invalid(
            "rendition",
            format!("only a HEIC original takes a rendition; a {original} is decoded here"),
        ));
    }
    let probe = media::probe(Path::new(path), limits)?;
    if probe.media_type != MediaType::Jpeg {
        return Err(Error::invalid(
            "rendition",
            format!(
                "must be a JPEG (the platform's own rendering of the HEIC), not {}",
                probe.media_type
            ),
        ));
    }
    Ok(())
}

/// Copies the rendition into the blob store, like the original.
fn store_rendition(
    blobs: &Blobs,
    path: &Path,
    limits: &MediaLimits,
) -> Result<(RenditionBody, PixelSource)> {
    let stored = blobs.put_file(path)?;
    let blob = blobs.path(&stored.sha256);
    let probe = media::probe(&blob, limits)?;
    let orientation = read_exif(&blob)?.orientation;
    let body = RenditionBody {
        sha256: stored.sha256,
        bytes: stored.size,
        width: probe.width,
        height: probe.height,
        problem: None,
    };
    Ok((
        body,
        PixelSource {
            path: blob,
            probe,
            orientation,
        },
    ))
}

/// Records prepared evidence with its note, where the device was. Adding the same bytes to the
/// same case again (an app retrying) records nothing and returns the evidence already there.
pub fn record(w: &mut Writer, mut body: EvidenceCaptured, note: Option<&str>) -> Result<Uuid> {
    let case = body.case_id.to_string();
    let sha256 = body.original.sha256.to_hex();
    if let Some(id) = projection::existing(w.conn(), &case, &sha256)? {
        return Uuid::parse_str(&id)
            .map_err(|e| Error::damaged("evidence", format!("evidence id {id}: {e}")));
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

/// Photos of the scene come from the camera (JPEG, HEIC); screenshots and documents may be
/// PNG; recordings are audio or video.
fn check_kind(kind: EvidenceKind, media_type: MediaType) -> Result<()> {
    let fits = match media_type {
        MediaType::Jpeg | MediaType::Heic => kind != EvidenceKind::Recording,
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

/// The original as stored: its pixel size when its header states one, a recording's duration
/// when it is readable.
fn original(stored: &Stored, probe: &Probe, blob: &Path, readable: bool) -> Original {
    let image = probe.media_type.is_image();
    let sized = image && probe.width > 0 && probe.height > 0;
    Original {
        sha256: stored.sha256,
        bytes: stored.size,
        media_type: probe.media_type,
        width: sized.then_some(probe.width),
        height: sized.then_some(probe.height),
        duration_ms: if image || !readable {
            None
        } else {
            media::duration_ms(blob)
        },
    }
}

fn store_copies(
    blobs: &Blobs,
    copies: &derive::Copies,
    caption: Vec<String>,
    body: &mut EvidenceCaptured,
) -> Result<()> {
    body.display = Some(store_copy(
        blobs,
        &copies.display,
        DISPLAY_LONG_EDGE,
        caption,
    )?);
    body.thumbnail = Some(store_copy(
        blobs,
        &copies.thumbnail,
        THUMBNAIL_LONG_EDGE,
        Vec::new(),
    )?);
    Ok(())
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
