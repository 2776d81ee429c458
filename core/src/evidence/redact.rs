//! A redacted copy for sharing with a merchant or the public: the upright display picture with
//! no metadata at all and no caption, and a manifest of what was left out. What the picture
//! itself shows (a face, an ID card) is not detected: the manifest says so.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::events::Digest;
use crate::evidence::blobs::Blobs;
use crate::evidence::derive::{self, Derivation};
use crate::evidence::media::MediaLimits;
use crate::evidence::model::Evidence;
use crate::evidence::pixel_source;
use crate::files::write_atomically;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct RedactionManifest {
    pub evidence_id: String,
    /// The untouched original the copy was made from.
    pub original_sha256: String,
    /// The file written.
    pub exported_sha256: String,
    pub width: u32,
    pub height: u32,
    pub removed: Vec<String>,
    pub kept: Vec<String>,
    pub warning: String,
    /// Where the manifest itself was written: beside the picture, `<out>.manifest.json`.
    pub manifest_path: String,
}

/// Writes the redacted picture to `out` and its manifest beside it.
pub fn export(blobs: &Blobs, evidence: &Evidence, out: &Path) -> Result<RedactionManifest> {
    let display = evidence.display.as_ref().ok_or_else(|| {
        let why = evidence
            .no_display_copy
            .clone()
            .unwrap_or_else(|| "it is a recording: only photos have one".into());
        Error::invalid(
            "evidence",
            format!("{} has no copy to share: {why}", evidence.id),
        )
    })?;
    let jpeg = if display.caption.is_empty() {
        let path = blobs.path(&parse(&display.sha256)?);
        std::fs::read(&path).map_err(|e| Error::file(&path, e))?
    } else {
        uncaptioned(blobs, evidence)?
    };
    write_atomically(out, |w| w.write_all(&jpeg).map_err(|e| Error::file(out, e)))?;
    let manifest_path = PathBuf::from(format!("{}.manifest.json", out.display()));
    let manifest = RedactionManifest {
        evidence_id: evidence.id.clone(),
        original_sha256: evidence.sha256.clone(),
        exported_sha256: Digest::of(&[&jpeg]).to_hex(),
        width: display.width,
        height: display.height,
        removed: removed(evidence),
        kept: vec![format!(
            "the picture, upright, {} × {} px, JPEG quality {}, made from {}",
            display.width,
            display.height,
            display.quality,
            match evidence.rendition {
                Some(_) => "the app's JPEG rendition of the original",
                None => "the original",
            }
        )],
        warning: "faces, ID cards, phone numbers or addresses that the picture itself shows \
                  are not detected or removed: look at it before sharing"
            .into(),
        manifest_path: manifest_path.display().to_string(),
    };
    write_atomically(&manifest_path, |w| {
        serde_json::to_writer_pretty(w, &manifest).map_err(|e| Error::file(&manifest_path, e))
    })?;
    Ok(manifest)
}

/// The display copy made again from the original (or its rendition), without its caption
/// (same pixels otherwise: the derivation is deterministic).
fn uncaptioned(blobs: &Blobs, evidence: &Evidence) -> Result<Vec<u8>> {
    let source = pixel_source(blobs, evidence, &MediaLimits::default())?;
    match derive::copies(&source.path, &source.probe, source.orientation, &[])? {
        Derivation::Made(copies) => Ok(copies.display.jpeg),
        Derivation::NotMade(none) => Err(Error::invalid("evidence", none.reason)),
    }
}

fn removed(evidence: &Evidence) -> Vec<String> {
    let mut removed =
        vec!["all metadata of the original (EXIF, XMP, ICC): the copy is encoded anew".to_string()];
    if let Some(exif) = &evidence.exif {
        let facts = [
            (
                exif.latitude.is_some(),
                "the GPS position where the photo was taken",
            ),
            (exif.taken_local.is_some(), "the time the photo was taken"),
            (
                exif.make.is_some() || exif.model.is_some(),
                "the camera's make and model",
            ),
            (exif.software.is_some(), "the camera software"),
        ];
        removed.extend(
            facts
                .into_iter()
                .filter(|(had, _)| *had)
                .map(|(_, what)| what.to_string()),
        );
    }
    if evidence
        .display
        .as_ref()
        .is_some_and(|d| !d.caption.is_empty())
    {
        removed.push("the caption (case number, time, position)".into());
    }
    removed
        .push("the case record, the officer, notes and the device's position: not included".into());
    removed
}

fn parse(hex: &str) -> Result<Digest> {
    Digest::from_hex(hex)
        .ok_or_else(|| Error::damaged("evidence", format!("{hex:?} is not a SHA-256")))
}
