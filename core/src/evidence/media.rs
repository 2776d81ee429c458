//! What a file is, read from its first bytes and its header only — never by decoding it — so
//! that the size and pixel limits hold before any pixel is allocated; and whether an ISO-BMFF
//! file (a recording, a HEIC) is whole enough to be read at all.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

crate::wire_enum::wire_enum! {
    /// The kinds of file evidence can be.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum MediaType {
        Jpeg = "image/jpeg",
        Png = "image/png",
        /// HEIC/HEIF, the iPhone's default: kept as the original; its copies are made from a
        /// JPEG rendition the app supplies (both platforms decode HEIC natively).
        Heic = "image/heic",
        /// Audio (an interview), kept as it is.
        M4a = "audio/mp4",
        /// Video (the full-process record), kept as it is.
        Mp4 = "video/mp4",
    }
}

impl MediaType {
    /// A photo or picture (its EXIF read, copies made), as against a recording.
    pub fn is_image(self) -> bool {
        matches!(self, MediaType::Jpeg | MediaType::Png | MediaType::Heic)
    }
}

/// Limits against decompression bombs and runaway files, checked before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MediaLimits {
    /// `evidence.max_image_bytes`: default 40 MB.
    pub max_image_bytes: u64,
    /// `evidence.max_pixels`: default 50 MP.
    pub max_pixels: u64,
    /// `evidence.max_recording_bytes`: audio and video, default 2 GiB.
    pub max_recording_bytes: u64,
}

impl Default for MediaLimits {
    fn default() -> Self {
        MediaLimits {
            max_image_bytes: 40_000_000,
            max_pixels: 50_000_000,
            max_recording_bytes: 2 << 30,
        }
    }
}

/// A file's type and, for an image, its size in pixels as its header states it (0 × 0 when
/// the header cannot be read, or for a HEIC, which is not decoded here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub media_type: MediaType,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    /// Why the image's header could not be read: the file is still kept (its bytes are the
    /// evidence), but nothing decodes it.
    pub header_problem: Option<String>,
}

/// Reads just enough of `path` to know what it is and whether it is within `limits`.
pub fn probe(path: &Path, limits: &MediaLimits) -> Result<Probe> {
    let file = File::open(path).map_err(|e| Error::file(path, e))?;
    let bytes = file.metadata().map_err(|e| Error::file(path, e))?.len();
    let mut head = [0u8; 32];
    let n = read_up_to(&mut &file, &mut head).map_err(|e| Error::file(path, e))?;
    let media_type = sniff(&head[..n])?;
    let limit = if media_type.is_image() {
        limits.max_image_bytes
    } else {
        limits.max_recording_bytes
    };
    if bytes > limit {
        return Err(Error::invalid(
            "file",
            format!("{bytes} bytes; the limit for this kind of file is {limit}"),
        ));
    }
    let size = match media_type {
        MediaType::Jpeg => jpeg_size(path)?,
        MediaType::Png => png_size(&head[..n]),
        MediaType::Heic | MediaType::M4a | MediaType::Mp4 => Ok((0, 0)),
    };
    let (width, height) = size.as_ref().map_or((0, 0), |s| *s);
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(Error::invalid(
            "file",
            format!(
                "{width} × {height} px is {} MP; the limit is {} MP",
                pixels / 1_000_000,
                limits.max_pixels / 1_000_000
            ),
        ));
    }
    Ok(Probe {
        media_type,
        bytes,
        width,
        height,
        header_problem: size.err(),
    })
}

/// The type from the magic bytes. Anything else is refused with what to do instead.
pub fn sniff(head: &[u8]) -> Result<MediaType> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(MediaType::Jpeg);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(MediaType::Png);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return match &head[8..12] {
            b"M4A " | b"M4B " => Ok(MediaType::M4a),
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => {
                Ok(MediaType::Heic)
            }
            b"avif" | b"avis" => Err(Error::invalid(
                "file",
                "AVIF photos are not accepted: capture JPEG or HEIC",
            )),
            _ => Ok(MediaType::Mp4),
        };
    }
    Err(Error::invalid(
        "file",
        "not a JPEG or PNG photo, nor an m4a/mp4 recording: capture photos as JPEG",
    ))
}

/// A picture's width and height from its header, or why the header cannot be read.
type Size = std::result::Result<(u32, u32), String>;

/// Width and height from the JPEG's frame header (the decoder reads markers only).
fn jpeg_size(path: &Path) -> Result<Size> {
    let file = File::open(path).map_err(|e| Error::file(path, e))?;
    let source = crate::evidence::jpeg_repair::JpegSource::File(BufReader::new(file));
    let mut decoder = jpeg_decoder::Decoder::new(source);
    if let Err(e) = decoder.read_info() {
        return Ok(Err(format!("the JPEG header cannot be read: {e}")));
    }
    Ok(decoder
        .info()
        .map(|info| (u32::from(info.width), u32::from(info.height)))
        .ok_or_else(|| "the JPEG has no frame header".to_string()))
}

/// Width and height from the PNG's IHDR chunk, which must come first.
fn png_size(head: &[u8]) -> Size {
    if head.len() < 24 || &head[12..16] != b"IHDR" {
        return Err("the PNG has no IHDR header".into());
    }
    let be = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    Ok((be(16), be(20)))
}

/// What keeps an ISO-BMFF file (a recording, a HEIC) from being read at all, if anything: its
/// top-level boxes must fill the file exactly, start with `ftyp`, and hold what a player or
/// viewer needs (`moov` and `mdat` for a recording, `meta` for a HEIC). A recording cut off
/// while it was written, or a stub of a few bytes, is kept as it is and flagged with this.
pub fn structure_problem(path: &Path, media_type: MediaType) -> Result<Option<String>> {
    let needed: &[&[u8; 4]] = match media_type {
        MediaType::M4a | MediaType::Mp4 => &[b"moov", b"mdat"],
        MediaType::Heic => &[b"meta"],
        MediaType::Jpeg | MediaType::Png => return Ok(None),
    };
    let mut file = BufReader::new(File::open(path).map_err(|e| Error::file(path, e))?);
    let end = file
        .seek(SeekFrom::End(0))
        .map_err(|e| Error::file(path, e))?;
    let boxes = match boxes(&mut file, 0, end) {
        Ok(boxes) => boxes,
        Err(problem) => return Ok(Some(problem)),
    };
    let kinds: Vec<[u8; 4]> = boxes.iter().map(|b| b.kind).collect();
    if kinds.first() != Some(b"ftyp") {
        return Ok(Some("the file does not begin with an ftyp box".into()));
    }
    let missing: Vec<String> = needed
        .iter()
        .filter(|kind| !kinds.contains(kind))
        .map(|kind| String::from_utf8_lossy(*kind).into_owned())
        .collect();
    Ok((!missing.is_empty())
        .then(|| format!("no {} box: nothing to play or show", missing.join(" or "))))
}

/// A recording's duration from its `moov/mvhd` box, if it has a readable one.
pub fn duration_ms(path: &Path) -> Option<u64> {
    let mut file = BufReader::new(File::open(path).ok()?);
    let end = file.seek(SeekFrom::End(0)).ok()?;
    let moov = find_box(&mut file, 0, end, b"moov")?;
    let mvhd = find_box(&mut file, moov.0, moov.1, b"mvhd")?;
    file.seek(SeekFrom::Start(mvhd.0)).ok()?;
    let mut version = [0u8; 4];
    file.read_exact(&mut version).ok()?;
    let (timescale, duration) = if version[0] == 1 {
        let mut b = [0u8; 28];
        file.read_exact(&mut b).ok()?;
        let timescale = u32::from_be_bytes(b[16..20].try_into().ok()?);
        (timescale, u64::from_be_bytes(b[20..28].try_into().ok()?))
    } else {
        let mut b = [0u8; 16];
        file.read_exact(&mut b).ok()?;
        let timescale = u32::from_be_bytes(b[8..12].try_into().ok()?);
        (
            timescale,
            u64::from(u32::from_be_bytes(b[12..16].try_into().ok()?)),
        )
    };
    if timescale == 0 || duration == u64::MAX || duration == u64::from(u32::MAX) {
        return None; // unknown duration
    }
    Some((u128::from(duration) * 1000 / u128::from(timescale)) as u64)
}

/// The payload range (start, end) of the first box of `kind` between `from` and `to`.
fn find_box(
    file: &mut (impl Read + Seek),
    from: u64,
    to: u64,
    kind: &[u8; 4],
) -> Option<(u64, u64)> {
    boxes(file, from, to)
        .ok()?
        .into_iter()
        .find(|b| &b.kind == kind)
        .map(|b| (b.payload, b.end))
}

/// A box: its type and where its payload starts and ends.
struct BoxAt {
    kind: [u8; 4],
    payload: u64,
    end: u64,
}

/// The boxes between `from` and `to`, which they must fill exactly; else what is wrong.
fn boxes(
    file: &mut (impl Read + Seek),
    from: u64,
    to: u64,
) -> std::result::Result<Vec<BoxAt>, String> {
    let mut found = Vec::new();
    let mut at = from;
    while at < to {
        let truncated = || format!("a box header at byte {at} is cut off");
        if at + 8 > to {
            return Err(truncated());
        }
        let mut header = [0u8; 8];
        file.seek(SeekFrom::Start(at))
            .and_then(|_| file.read_exact(&mut header))
            .map_err(|_| truncated())?;
        let kind: [u8; 4] = [header[4], header[5], header[6], header[7]];
        let (size, payload) = match u32::from_be_bytes([header[0], header[1], header[2], header[3]])
        {
            0 => (to - at, at + 8),
            1 => {
                let mut large = [0u8; 8];
                file.read_exact(&mut large).map_err(|_| truncated())?;
                (u64::from_be_bytes(large), at + 16)
            }
            n => (u64::from(n), at + 8),
        };
        let end = at.saturating_add(size);
        if size < payload - at || end > to {
            let name = String::from_utf8_lossy(&kind).into_owned();
            return Err(format!(
                "the {name:?} box at byte {at} claims {size} bytes; the file ends at {to}"
            ));
        }
        found.push(BoxAt { kind, payload, end });
        at = end;
    }
    Ok(found)
}

fn read_up_to(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A recording's boxes are walked without panic whatever they claim (a stub of a few
        /// bytes, sizes past the end, 64-bit sizes, zero sizes).
        #[test]
        fn any_boxes_are_walked_without_panic(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        ) {
            let end = bytes.len() as u64;
            let _ = boxes(&mut std::io::Cursor::new(&bytes), 0, end);
        }
    }

    #[test]
    fn magic_bytes_name_the_type() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE1]).unwrap(), MediaType::Jpeg);
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(sniff(heic).unwrap(), MediaType::Heic);
        let avif = sniff(b"\0\0\0\x18ftypavif\0\0\0\0mif1avif").unwrap_err();
        assert!(avif.to_string().contains("HEIC"), "{avif}");
        assert_eq!(
            sniff(b"\0\0\0\x1cftypM4A \0\0\0\0").unwrap(),
            MediaType::M4a
        );
        assert_eq!(
            sniff(b"\0\0\0\x1cftypisom\0\0\0\0").unwrap(),
            MediaType::Mp4
        );
        for other in [&b"GIF89a"[..], b"", b"%PDF-1.7", b"RIFF\0\0\0\0WEBPVP8 "] {
            assert!(sniff(other).is_err());
        }
    }
}
