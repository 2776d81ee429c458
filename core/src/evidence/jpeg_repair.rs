//! Damaged JPEGs made decodable the way image viewers (libjpeg) treat them, for the copies
//! only: the original's bytes are the evidence and are never changed. A phone's JPEG damaged in
//! storage or transfer still shows in a gallery app, because libjpeg resynchronises at the next
//! restart marker and fills what it lost with grey; `jpeg-decoder` gives up instead
//! ("found marker RES inside scan where RST4 was expected"). This rewrites the entropy-coded
//! data so that `jpeg-decoder` meets only what it accepts, losing no more than libjpeg would:
//!
//! - a restart marker out of sequence is renumbered, or the markers lost before it are put
//!   back (each then stands for a segment decoded as flat grey), as libjpeg's resync does;
//! - a marker that cannot stand in a scan (reserved codes, a stray SOI or SOF) where the next
//!   restart marker is one ahead took the place of the expected one and becomes it; elsewhere
//!   it and the rest of its segment are dropped, so the segment ends early and `jpeg-decoder`
//!   fills it with zero bits, as libjpeg does;
//! - a file cut short gets the end-of-image marker it lacks (libjpeg inserts one too).

use std::fs::File;
use std::io::{BufReader, Cursor, Read};

/// What every JPEG decode here reads from: a stored file, or repaired bytes. One type, because
/// `jpeg-decoder` is generic over its reader and each reader type links its decoder again
/// (some 33 KB of the phones' library).
pub enum JpegSource {
    File(BufReader<File>),
    Bytes(Cursor<Vec<u8>>),
}

impl Read for JpegSource {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            JpegSource::File(file) => file.read(buf),
            JpegSource::Bytes(bytes) => bytes.read(buf),
        }
    }
}

/// The bytes of `jpeg` with its scans repaired as above; headers are copied as they are.
pub fn repaired(jpeg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(jpeg.len() + 16);
    let mut at = 0;
    while at < jpeg.len() {
        if jpeg[at] != 0xFF {
            at += 1; // bytes between segments: skipped, as libjpeg warns and skips them
            continue;
        }
        let marker_at = skip_fill(jpeg, at);
        let Some(&marker) = jpeg.get(marker_at) else {
            break;
        };
        match marker {
            // A stuffed zero outside a scan is debris, not a marker.
            0x00 => at = marker_at + 1,
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return out;
            }
            // Markers without a length: SOI, TEM, a restart between scans.
            0xD8 | 0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                at = marker_at + 1;
            }
            _ => {
                let end = segment_end(jpeg, marker_at);
                out.push(0xFF);
                out.extend_from_slice(&jpeg[marker_at..end]);
                at = if marker == 0xDA {
                    Scan::new(jpeg, &mut out).copy_from(end)
                } else {
                    end
                };
            }
        }
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// The index after the run of 0xFF bytes starting at `at` (the marker code's index).
fn skip_fill(bytes: &[u8], at: usize) -> usize {
    let mut i = at;
    while bytes.get(i) == Some(&0xFF) {
        i += 1;
    }
    i
}

/// Where the segment whose marker code is at `code` ends (its length counts itself).
fn segment_end(jpeg: &[u8], code: usize) -> usize {
    let length = match jpeg.get(code + 1..code + 3) {
        Some(&[hi, lo]) => usize::from(u16::from_be_bytes([hi, lo])),
        _ => 0,
    };
    (code + 1 + length).min(jpeg.len())
}

/// A marker that may end a scan: tables, the next scan, application data, a comment, the end.
fn ends_scan(code: u8) -> bool {
    matches!(code, 0xC4 | 0xCC | 0xD9 | 0xDA..=0xDF | 0xE0..=0xEF | 0xFE)
}

/// The entropy-coded data of one scan, copied into `out` with its restart markers in sequence.
struct Scan<'a> {
    src: &'a [u8],
    out: &'a mut Vec<u8>,
    /// The number (0–7) of the next restart marker.
    expected: u8,
}

impl<'a> Scan<'a> {
    fn new(src: &'a [u8], out: &'a mut Vec<u8>) -> Self {
        Scan {
            src,
            out,
            expected: 0,
        }
    }

    /// Copies from `at` to the marker that ends the scan; returns that marker's index (at its
    /// 0xFF), or the end of the file.
    fn copy_from(mut self, mut at: usize) -> usize {
        let src = self.src;
        loop {
            let Some(ff) = src[at..].iter().position(|&b| b == 0xFF).map(|i| at + i) else {
                self.out.extend_from_slice(&src[at..]);
                return src.len();
            };
            self.out.extend_from_slice(&src[at..ff]);
            let code_at = skip_fill(src, ff);
            let Some(&code) = src.get(code_at) else {
                return src.len(); // a lone 0xFF at the end: dropped
            };
            at = match code {
                0x00 => {
                    self.out.extend_from_slice(&[0xFF, 0x00]);
                    code_at + 1
                }
                0xD0..=0xD7 => {
                    self.restart(code - 0xD0);
                    code_at + 1
                }
                _ if ends_scan(code) => return code_at - 1,
                _ => self.stray(code_at + 1),
            };
        }
    }

    /// Restart marker `n`: in sequence, or renumbered, or with the ones lost before it put back
    /// when it is one to three ahead (libjpeg's rule).
    fn restart(&mut self, n: u8) {
        let ahead = (n + 8 - self.expected) % 8;
        if (1..=3).contains(&ahead) {
            for _ in 0..ahead {
                self.emit_restart();
            }
        }
        self.emit_restart();
    }

    fn emit_restart(&mut self) {
        self.out.extend_from_slice(&[0xFF, 0xD0 + self.expected]);
        self.expected = (self.expected + 1) % 8;
    }

    /// A marker that has no place in a scan, its code ending before `after`. If the next
    /// restart marker is one ahead of the expected one, it stood where the expected one should:
    /// it becomes that, and the data after it is kept. Otherwise the rest of its segment is
    /// dropped. Returns where copying resumes.
    fn stray(&mut self, after: usize) -> usize {
        let next = next_marker(self.src, after);
        let restart = self
            .src
            .get(next + 1)
            .filter(|code| (0xD0..=0xD7).contains(*code))
            .map(|code| code - 0xD0);
        match restart {
            Some(n) if (n + 8 - self.expected) % 8 == 1 => {
                self.emit_restart();
                after
            }
            _ => next,
        }
    }
}

/// The index of the next 0xFF that starts a marker allowed in a scan (a restart or one that
/// ends it) at or after `from`, or the end of the file.
fn next_marker(src: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(ff) = src[at.min(src.len())..]
        .iter()
        .position(|&b| b == 0xFF)
        .map(|i| at + i)
    {
        let code_at = skip_fill(src, ff);
        match src.get(code_at) {
            None => return src.len(),
            Some(&code) if (0xD0..=0xD7).contains(&code) || ends_scan(code) => {
                return code_at - 1;
            }
            Some(_) => at = code_at + 1,
        }
    }
    src.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOI, a stand-in header segment, SOS, then `scan` as entropy-coded data.
    fn jpeg(scan: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x03, 0x07];
        bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x03, 0x01]);
        bytes.extend_from_slice(scan);
        bytes
    }

    fn scan_of(repaired: &[u8]) -> &[u8] {
        &repaired[12..]
    }

    #[test]
    fn a_whole_jpeg_is_unchanged() {
        let whole = jpeg(&[1, 0xFF, 0x00, 2, 0xFF, 0xD0, 3, 0xFF, 0xD1, 4, 0xFF, 0xD9]);
        assert_eq!(repaired(&whole), whole);
    }

    #[test]
    fn a_reserved_marker_in_place_of_a_restart_becomes_it() {
        // RST0, then RES (0x02) where RST1 belongs, then RST2.
        let damaged = jpeg(&[1, 0xFF, 0xD0, 2, 0xFF, 0x02, 3, 0xFF, 0xD2, 4, 0xFF, 0xD9]);
        let fixed = repaired(&damaged);
        assert_eq!(
            scan_of(&fixed),
            [1, 0xFF, 0xD0, 2, 0xFF, 0xD1, 3, 0xFF, 0xD2, 4, 0xFF, 0xD9]
        );
    }

    #[test]
    fn a_stray_marker_inside_a_segment_drops_the_rest_of_it() {
        let damaged = jpeg(&[
            1, 0xFF, 0xD0, 2, 0xFF, 0x5A, 9, 9, 0xFF, 0xD1, 4, 0xFF, 0xD9,
        ]);
        let fixed = repaired(&damaged);
        assert_eq!(
            scan_of(&fixed),
            [1, 0xFF, 0xD0, 2, 0xFF, 0xD1, 4, 0xFF, 0xD9]
        );
    }

    #[test]
    fn restarts_out_of_sequence_are_renumbered_or_put_back() {
        // RST0 then RST2: RST1 was lost, put back; then RST7 (behind): renumbered to RST3.
        let damaged = jpeg(&[1, 0xFF, 0xD0, 2, 0xFF, 0xD2, 3, 0xFF, 0xD7, 4, 0xFF, 0xD9]);
        let fixed = repaired(&damaged);
        assert_eq!(
            scan_of(&fixed),
            [
                1, 0xFF, 0xD0, 2, 0xFF, 0xD1, 0xFF, 0xD2, 3, 0xFF, 0xD3, 4, 0xFF, 0xD9
            ]
        );
    }

    proptest::proptest! {
        /// Whatever follows the start of a JPEG, the repair ends in one end-of-image marker
        /// and never panics (it runs on every damaged photo an officer adds).
        #[test]
        fn any_bytes_are_repaired_without_panic(
            tail in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
        ) {
            let mut bytes = vec![0xFF, 0xD8];
            bytes.extend(tail);
            let fixed = repaired(&bytes);
            proptest::prop_assert!(fixed.ends_with(&[0xFF, 0xD9]));
        }
    }

    #[test]
    fn a_file_cut_short_gets_its_end_marker() {
        let cut = jpeg(&[1, 0xFF, 0x00, 2, 0xFF]);
        assert_eq!(scan_of(&repaired(&cut)), [1, 0xFF, 0x00, 2, 0xFF, 0xD9]);
        let in_header = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 1, 2];
        assert_eq!(repaired(&in_header)[..8], in_header[..]);
    }
}
