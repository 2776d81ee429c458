//! Evidence as an officer adds it, and the files the end-to-end tests add: small real photos
//! and recordings, each `n` another blob.

use std::collections::BTreeSet;
use std::path::Path;

use redshield_core::api::{Evidence, EvidenceKind, FieldCore, NewEvidence};

/// The file at `path` as a new piece of `case`'s evidence, nothing else said.
pub fn new_evidence(case: &str, path: &Path, kind: EvidenceKind) -> NewEvidence {
    NewEvidence {
        case_id: case.to_string(),
        path: path.display().to_string(),
        kind,
        note: None,
        caption: false,
        place: None,
        place_time_ms: None,
        rendition: None,
    }
}

/// Adds the file at `path` to `case` as evidence of `kind`, as an officer would.
pub fn add_evidence(core: &FieldCore, case: &str, path: &Path, kind: EvidenceKind) -> Evidence {
    core.add_evidence(new_evidence(case, path, kind)).unwrap()
}

/// The blobs a piece of evidence names: its original, and its display copy and thumbnail
/// where they differ from it.
pub fn blob_names(evidence: &Evidence) -> BTreeSet<String> {
    [
        Some(&evidence.sha256),
        evidence.display.as_ref().map(|d| &d.sha256),
    ]
    .into_iter()
    .chain([evidence.thumbnail.as_ref().map(|d| &d.sha256)])
    .flatten()
    .cloned()
    .collect()
}

/// A small real JPEG, a colour gradient; `n` varies its pixels, so each `n` is another blob.
pub fn photo(path: &Path, n: u32) {
    let (w, h) = (96u16, 64u16);
    let pixels: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).flat_map(move |x| [x as u8 * 2, y as u8 * 3, (n * 37) as u8]))
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85 + (n / 256 % 10) as u8)
        .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    std::fs::write(path, out).unwrap();
}

/// An m4a recording of `bytes` bytes (its header, then noise from `n`): evidence kept as it
/// is, large enough to travel in several chunks without decoding a large photo.
pub fn recording(path: &Path, n: u64, bytes: usize) {
    let mut out = b"\0\0\0\x18ftypM4A \0\0\0\0M4A isom".to_vec();
    let mut state = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while out.len() < bytes {
        // xorshift64: cheap noise, so that no two recordings share a blob.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(bytes);
    std::fs::write(path, out).unwrap();
}
