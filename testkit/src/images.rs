//! Real test media, built at test time so no binary file is committed: JPEGs with and without
//! EXIF (every orientation, GPS, times, camera), broken and hostile files, a PNG screenshot,
//! the first bytes of a HEIC, and minimal MP4/M4A files whose `mvhd` carries a duration.
//! Files as field devices damage them are in `field_files`.
//!
//! The pictures carry an orientation marker: upright, the top-left quadrant is red, the
//! top-right green, the bottom-left blue and the bottom-right white. The four corners differ,
//! so each of the eight EXIF orientations leaves a different arrangement and a test can tell
//! which transform (if any) was applied, with [`quadrant_colours`] or [`is_upright`].
//!
//! Everything is deterministic: the same call gives the same bytes.

use std::io::Cursor;
use std::sync::OnceLock;

use exif::experimental::Writer;
use exif::{Field, In, Rational, Tag, Value};
use image::{Rgb, RgbImage, Rgba, RgbaImage};
use jpeg_encoder::{ColorType, Encoder};

/// The quality phones save at, near enough.
const QUALITY: u8 = 90;

/// The marker colours, in the order of [`quadrant_colours`].
const RED: [u8; 3] = [220, 30, 30];
const GREEN: [u8; 3] = [30, 200, 30];
const BLUE: [u8; 3] = [30, 30, 220];
const WHITE: [u8; 3] = [245, 245, 245];

/// What a photo's EXIF says. Every field is optional; `Exif::default()` is no EXIF at all.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Exif {
    /// Orientation (0x0112), 1–8. A value outside 1–8 is written as given and the pixels are
    /// stored upright, for testing how a reader copes with it.
    pub orientation: Option<u16>,
    /// Latitude, longitude (degrees, WGS-84 as phones record it) and altitude (metres).
    /// Negative means south, west, or below sea level; written as the EXIF `Ref` tags.
    pub gps: Option<(f64, f64, Option<f64>)>,
    /// DateTimeOriginal (0x9003), local time as the camera saw it: "2026:11:28 10:30:00".
    pub taken: Option<&'static str>,
    /// OffsetTimeOriginal (0x9011), the UTC offset of `taken`: "+08:00".
    pub offset: Option<&'static str>,
    /// Make (0x010F).
    pub make: Option<&'static str>,
    /// Model (0x0110).
    pub model: Option<&'static str>,
    /// Software (0x0131).
    pub software: Option<&'static str>,
    /// GPSHPositioningError (GPS 0x1F), metres.
    pub gps_accuracy_m: Option<f64>,
}

impl Exif {
    /// What a phone held upright-turned-sideways writes in Beijing: orientation 6 (the sensor's
    /// landscape rows are the portrait's right edge), GPS with altitude and accuracy, local
    /// time with its offset, make, model and software.
    pub fn phone() -> Exif {
        Exif {
            orientation: Some(6),
            gps: Some((39.904_211, 116.407_395, Some(43.5))),
            taken: Some("2026:11:28 10:30:00"),
            offset: Some("+08:00"),
            make: Some("Xiaomi"),
            model: Some("23127PN0CC"),
            software: Some("Xiaomi HyperOS"),
            gps_accuracy_m: Some(4.8),
        }
    }
}

/// The colours a quadrant can be recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Red,
    Green,
    Blue,
    White,
    /// None of the four: a test reading the wrong place, or a broken decode.
    Other,
}

/// The quadrants of an upright picture: top-left, top-right, bottom-left, bottom-right.
pub const UPRIGHT: [Colour; 4] = [Colour::Red, Colour::Green, Colour::Blue, Colour::White];

/// The upright test picture: four flat quadrants, red | green over blue | white.
pub fn scene(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| Rgb(marker(x, y, width, height)))
}

/// The marker colour at (x, y) of an upright `width` × `height` picture.
fn marker(x: u32, y: u32, width: u32, height: u32) -> [u8; 3] {
    match (x < width / 2, y < height / 2) {
        (true, true) => RED,
        (false, true) => GREEN,
        (true, false) => BLUE,
        (false, false) => WHITE,
    }
}

/// The colours of the quadrants of packed RGB pixels (3 bytes a pixel, rows top to bottom),
/// in the order top-left, top-right, bottom-left, bottom-right. Each is the mean of the middle
/// half of the quadrant, away from the edges where JPEG's chroma subsampling bleeds, and
/// classified with wide margins so JPEG error (and a photo's texture) does not matter.
pub fn quadrant_colours(rgb: &[u8], width: u32, height: u32) -> [Colour; 4] {
    assert_eq!(
        rgb.len(),
        width as usize * height as usize * 3,
        "not packed RGB"
    );
    let mean = |qx: u32, qy: u32| {
        let xs = middle_half(qx, width);
        let ys = middle_half(qy, height);
        let mut sum = [0u64; 3];
        let mut n = 0u64;
        for y in ys {
            for x in xs.clone() {
                let i = (y as usize * width as usize + x as usize) * 3;
                for (c, s) in sum.iter_mut().enumerate() {
                    *s += u64::from(rgb[i + c]);
                }
                n += 1;
            }
        }
        sum.map(|s| (s / n.max(1)) as u8)
    };
    [mean(0, 0), mean(1, 0), mean(0, 1), mean(1, 1)].map(classify)
}

/// Whether packed RGB pixels show the marker upright.
pub fn is_upright(rgb: &[u8], width: u32, height: u32) -> bool {
    quadrant_colours(rgb, width, height) == UPRIGHT
}

/// The middle half of quadrant `q` (0 = first half, 1 = second) of a side `len` long; never
/// empty, so a 2-pixel side still samples one pixel per quadrant.
fn middle_half(q: u32, len: u32) -> std::ops::Range<u32> {
    let start = q * len / 2;
    let quarter = len / 2;
    let from = start + quarter / 4;
    let to = (start + quarter * 3 / 4).max(from + 1);
    from..to
}

fn classify([r, g, b]: [u8; 3]) -> Colour {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    let dominant = |c: i32, o1: i32, o2: i32| c > 120 && c - o1 > 70 && c - o2 > 70;
    if r.min(g).min(b) > 170 {
        Colour::White
    } else if dominant(r, g, b) {
        Colour::Red
    } else if dominant(g, r, b) {
        Colour::Green
    } else if dominant(b, r, g) {
        Colour::Blue
    } else {
        Colour::Other
    }
}

/// A baseline JPEG of `upright` at quality 90, with an APP1 EXIF segment when any field of
/// `exif` is set (none for `Exif::default()`).
///
/// The pixels are stored so that applying the orientation tag gives `upright` back, as a
/// camera does. Stored (what the JPEG holds) from upright, for an upright W × H:
///
/// | tag | to display, the stored image is…   | so stored = upright…            | stored size |
/// |-----|------------------------------------|---------------------------------|-------------|
/// | 1   | shown as is                        | as is                           | W × H       |
/// | 2   | mirrored left–right                | mirrored left–right             | W × H       |
/// | 3   | rotated 180°                       | rotated 180°                    | W × H       |
/// | 4   | mirrored top–bottom                | mirrored top–bottom             | W × H       |
/// | 5   | transposed (about the main diag.)  | transposed                      | H × W       |
/// | 6   | rotated 90° clockwise              | rotated 90° counter-clockwise   | H × W       |
/// | 7   | transversed (about the anti-diag.) | transversed                     | H × W       |
/// | 8   | rotated 90° counter-clockwise      | rotated 90° clockwise           | H × W       |
///
/// In the EXIF spec's own words, tag 6 is "the 0th row is the visual right-hand side, the
/// 0th column the visual top": the stored top row is the upright right column, read downwards.
pub fn jpeg(upright: &RgbImage, exif: &Exif) -> Vec<u8> {
    let stored = to_stored(upright, exif.orientation.unwrap_or(1));
    encode(&stored, exif_tiff(exif).as_deref())
}

/// The pixels a camera stores for `upright` under orientation tag `orientation`.
fn to_stored(upright: &RgbImage, orientation: u16) -> RgbImage {
    let (w, h) = upright.dimensions();
    let (sw, sh) = if (5..=8).contains(&orientation) {
        (h, w)
    } else {
        (w, h)
    };
    RgbImage::from_fn(sw, sh, |sx, sy| {
        let (x, y) = upright_at(orientation, sx, sy, w, h);
        *upright.get_pixel(x, y)
    })
}

/// Which upright pixel lands at stored (sx, sy), for an upright `w` × `h`. Each arm is the
/// table in [`jpeg`]: e.g. 6, the stored top row (sy = 0) is the upright right column
/// (x = w − 1) and the stored left column (sx = 0) the upright top row (y = 0).
fn upright_at(orientation: u16, sx: u32, sy: u32, w: u32, h: u32) -> (u32, u32) {
    match orientation {
        2 => (w - 1 - sx, sy),
        3 => (w - 1 - sx, h - 1 - sy),
        4 => (sx, h - 1 - sy),
        5 => (sy, sx),
        6 => (w - 1 - sy, sx),
        7 => (w - 1 - sy, h - 1 - sx),
        8 => (sy, h - 1 - sx),
        _ => (sx, sy),
    }
}

/// A baseline JPEG of `pixels`, with `tiff` (a TIFF structure) in an APP1 "Exif\0\0" segment.
fn encode(pixels: &RgbImage, tiff: Option<&[u8]>) -> Vec<u8> {
    let (w, h) = pixels.dimensions();
    let (w, h) = (u16::try_from(w), u16::try_from(h));
    let (Ok(w), Ok(h)) = (w, h) else {
        panic!("JPEG sides are 16-bit")
    };
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, QUALITY);
    if let Some(tiff) = tiff {
        encoder
            .add_exif_metadata(tiff)
            .expect("EXIF fits an APP1 segment");
    }
    encoder
        .encode(pixels.as_raw(), w, h, ColorType::Rgb)
        .expect("encodes");
    out
}

/// The TIFF structure for `exif`, big-endian ("MM", as iPhones write it), or `None` when no
/// field is set.
fn exif_tiff(exif: &Exif) -> Option<Vec<u8>> {
    let fields = exif_fields(exif);
    if fields.is_empty() {
        return None;
    }
    let mut writer = Writer::new();
    fields.iter().for_each(|f| writer.push_field(f));
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("EXIF writes");
    Some(tiff.into_inner())
}

fn exif_fields(exif: &Exif) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut push = |tag, value| {
        fields.push(Field {
            tag,
            ifd_num: In::PRIMARY,
            value,
        })
    };
    if let Some(o) = exif.orientation {
        push(Tag::Orientation, Value::Short(vec![o]));
    }
    let texts = [
        (Tag::Make, exif.make),
        (Tag::Model, exif.model),
        (Tag::Software, exif.software),
        (Tag::DateTimeOriginal, exif.taken),
        (Tag::OffsetTimeOriginal, exif.offset),
    ];
    for (tag, text) in texts {
        if let Some(text) = text {
            push(tag, ascii(text));
        }
    }
    if exif.taken.is_some() || exif.offset.is_some() {
        // OffsetTime* arrived in EXIF 2.31; say which version the Exif IFD follows.
        push(Tag::ExifVersion, Value::Undefined(b"0232".to_vec(), 0));
    }
    if let Some(gps) = exif.gps {
        gps_fields(gps, &mut push);
    }
    if let Some(accuracy) = exif.gps_accuracy_m {
        push(
            Tag::GPSHPositioningError,
            Value::Rational(vec![milli(accuracy)]),
        );
    }
    fields
}

fn gps_fields((lat, lon, alt): (f64, f64, Option<f64>), push: &mut impl FnMut(Tag, Value)) {
    push(Tag::GPSVersionID, Value::Byte(vec![2, 3, 0, 0]));
    push(
        Tag::GPSLatitudeRef,
        ascii(if lat < 0.0 { "S" } else { "N" }),
    );
    push(Tag::GPSLatitude, Value::Rational(dms(lat)));
    push(
        Tag::GPSLongitudeRef,
        ascii(if lon < 0.0 { "W" } else { "E" }),
    );
    push(Tag::GPSLongitude, Value::Rational(dms(lon)));
    if let Some(alt) = alt {
        push(Tag::GPSAltitudeRef, Value::Byte(vec![u8::from(alt < 0.0)]));
        push(Tag::GPSAltitude, Value::Rational(vec![milli(alt)]));
    }
}

fn ascii(text: &str) -> Value {
    Value::Ascii(vec![text.as_bytes().to_vec()])
}

/// |degrees| as degrees/1, minutes/1, seconds/1 000 000: a micro-arcsecond is 3·10⁻¹⁰°, far
/// under the 10⁻⁶° a test checks (phones' seconds/100 would be 3·10⁻⁶°). Rounded once, in
/// micro-arcseconds, so 59.9999999″ cannot become 60″.
fn dms(degrees: f64) -> Vec<Rational> {
    const MICRO_PER_DEGREE: u64 = 3_600_000_000;
    const MICRO_PER_MINUTE: u64 = 60_000_000;
    let total = (degrees.abs() * MICRO_PER_DEGREE as f64).round() as u64;
    let d = total / MICRO_PER_DEGREE;
    let m = total % MICRO_PER_DEGREE / MICRO_PER_MINUTE;
    let s = total % MICRO_PER_MINUTE;
    vec![ratio(d, 1), ratio(m, 1), ratio(s, 1_000_000)]
}

/// |value| in thousandths: millimetres for altitude and accuracy.
fn milli(value: f64) -> Rational {
    ratio((value.abs() * 1000.0).round() as u64, 1000)
}

fn ratio(num: u64, denom: u32) -> Rational {
    Rational {
        num: u32::try_from(num).expect("fits EXIF's 32 bits"),
        denom,
    }
}

/// A JPEG of `upright` (stored as is) whose APP1 segment is "Exif\0\0" followed by `tiff`,
/// whatever it holds: for EXIF no writer would produce.
pub fn jpeg_with_raw_exif(upright: &RgbImage, tiff: &[u8]) -> Vec<u8> {
    encode(upright, Some(tiff))
}

/// A JPEG that decodes fine but whose EXIF does not parse: the TIFF header is right
/// ("II", 42), so a sniffer accepts it, but the first IFD is said to be at 0xFFF0, past the
/// end of the 16-byte structure. The pixels are `upright`, stored as is.
pub fn jpeg_with_corrupt_exif(upright: &RgbImage) -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&0xFFF0u32.to_le_bytes());
    tiff.extend_from_slice(&[0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x13, 0x37, 0x00]);
    jpeg_with_raw_exif(upright, &tiff)
}

/// `bytes` (a baseline JPEG) cut halfway through its entropy-coded data, as an interrupted
/// copy leaves it: the headers read, the pixels do not all decode.
pub fn truncated(bytes: &[u8]) -> Vec<u8> {
    assert!(
        bytes.ends_with(&[0xFF, 0xD9]),
        "a whole JPEG, ending in EOI"
    );
    let start = scan_start(bytes);
    let end = bytes.len() - 2;
    assert!(end > start + 1, "no entropy-coded data to cut");
    bytes[..start + (end - start) / 2].to_vec()
}

/// Where the entropy-coded data of the first scan begins: after the SOS segment.
fn scan_start(jpeg: &[u8]) -> usize {
    let sos = find_marker(jpeg, 0xDA);
    sos + 2 + usize::from(u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]))
}

/// The offset of the first marker segment `FF kind`, walking segment by segment from SOI
/// (so bytes inside other segments are not mistaken for it).
fn find_marker(jpeg: &[u8], kind: u8) -> usize {
    let mut at = 2;
    while jpeg[at] == 0xFF && jpeg[at + 1] != kind {
        at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
    }
    assert_eq!(jpeg[at..at + 2], [0xFF, kind], "marker not found");
    at
}

/// The start of a JPEG whose SOF0 claims 65 535 × 65 535 px (4.3 gigapixels): the tables,
/// the frame and scan headers and 16 bytes of scan data, about 640 bytes. SOF stores 16-bit
/// sides, so 65 535 is the most a JPEG can claim; [`huge_png_header`] claims 100 000 × 100 000.
/// A reader must refuse it from the header, before allocating.
pub fn huge_header() -> Vec<u8> {
    let mut bytes = encode(&scene(64, 64), None);
    let sof = find_marker(&bytes, 0xC0);
    // FF C0, length (2), precision (1), then height and width, 16-bit big-endian.
    bytes[sof + 5..sof + 9].copy_from_slice(&[0xFF; 4]);
    let cut = scan_start(&bytes) + 16;
    assert!(cut < bytes.len() - 2, "scan data shorter than the cut");
    bytes.truncate(cut);
    bytes
}

/// A PNG whose IHDR claims 100 000 × 100 000 RGB px (30 GB decoded), with correct CRCs, an
/// IDAT holding a well-formed zlib stream of only the first 1 KB of the first row, and IEND:
/// every chunk reads, the header says "too big", and the pixels are not there.
pub fn huge_png_header() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit, RGB, deflate, adaptive, no interlace
    let row_start = vec![0u8; 1025]; // filter byte "none", then 1 024 black bytes
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(b"IDAT", &zlib_stored(&row_start)));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

/// A PNG chunk: length, type, data, CRC-32 of type and data.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&chunk[4..]).to_be_bytes());
    chunk
}

/// CRC-32 (ISO 3309, reflected, polynomial 0xEDB88320) as PNG uses it; bitwise, for a few
/// bytes of header no table is worth it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zlib stream holding `data` (at most 65 535 bytes) in one final stored deflate block: no
/// compressor needed.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).expect("one stored block");
    let mut z = vec![0x78, 0x01, 0x01]; // deflate, 32 KB window; BFINAL, stored
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(!len).to_le_bytes());
    z.extend_from_slice(data);
    z.extend_from_slice(&adler32(data).to_be_bytes());
    z
}

fn adler32(data: &[u8]) -> u32 {
    let (a, b) = data.iter().fold((1u32, 0u32), |(a, b), &x| {
        let a = (a + u32::from(x)) % 65_521;
        (a, (b + a) % 65_521)
    });
    b << 16 | a
}

/// A real RGBA PNG that looks like a phone screenshot: a dark status bar, a light page, white
/// cards with grey "text" lines and a red button. No EXIF, as screenshots have none.
pub fn png_screenshot(width: u32, height: u32) -> Vec<u8> {
    let bar = (height / 20).max(1);
    let card = (height / 5).max(4);
    let margin = width / 20;
    let pixels = RgbaImage::from_fn(width, height, |x, y| {
        let page_y = y.saturating_sub(bar);
        let in_card = x >= margin && x < width - margin && page_y % card > card / 8;
        let text = page_y % card % 12 < 3 && x % 97 < 80;
        Rgba(if y < bar {
            [24, 24, 28, 255]
        } else if in_card && y > height * 7 / 8 && x < width / 2 {
            [230, 50, 40, 255]
        } else if in_card && text {
            [90, 90, 96, 255]
        } else if in_card {
            [255, 255, 255, 255]
        } else {
            [238, 238, 242, 255]
        })
    });
    let mut png = Cursor::new(Vec::new());
    pixels
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("PNG encodes");
    png.into_inner()
}

/// The first bytes of a HEIC file, enough to sniff the format: an `ftyp` box (24 bytes) with
/// major brand `heic`, minor version 0 and compatible brands `mif1`, `heic`, then the header
/// of the `meta` box that follows in a real file (full box, version 0).
pub fn heic_header() -> Vec<u8> {
    let mut bytes = ftyp(b"heic", 0, &[b"mif1", b"heic"]);
    bytes.extend_from_slice(&[0, 0, 0x01, 0x00, b'm', b'e', b't', b'a', 0, 0, 0, 0]);
    bytes
}

/// 2026-11-28 02:30:00 UTC in seconds since 1904, the QuickTime epoch, for `mvhd` times.
const MVHD_CREATED: u64 = 1_795_833_000 + 2_082_844_800;

/// A minimal MP4: `ftyp` (major `isom`, compatible `isom`, `mp42`), then `moov` with a
/// version-0 `mvhd` at timescale 1000 whose duration is `duration_s` seconds, then `mdat`
/// (32 bytes of stand-in media: a file without media data is not a recording).
pub fn mp4(duration_s: u32) -> Vec<u8> {
    let mut file = ftyp(b"isom", 0x200, &[b"isom", b"mp42"]);
    file.extend(moov(0, 1000, u64::from(duration_s) * 1000));
    file.extend(bmff_box(b"mdat", &[0x5A; 32]));
    file
}

/// A minimal M4A (an audio recording): `ftyp` (major `M4A `, compatible `M4A `, `mp42`,
/// `isom`), then `moov` with a version-0 `mvhd` at timescale 1000, `duration_s` seconds, then
/// `mdat` (32 bytes of stand-in audio).
pub fn m4a(duration_s: u32) -> Vec<u8> {
    let mut file = ftyp(b"M4A ", 0, &[b"M4A ", b"mp42", b"isom"]);
    file.extend(moov(0, 1000, u64::from(duration_s) * 1000));
    file.extend(bmff_box(b"mdat", &[0x5A; 32]));
    file
}

/// An MP4 laid out as cameras write it, `ftyp`, then `mdat` (32 bytes of stand-in media),
/// then `moov`, so a reader must skip a box to find it; its `mvhd` is version 1 (64-bit
/// times and duration), timescale 1000, duration `duration_ms`.
pub fn mp4_v1(duration_ms: u64) -> Vec<u8> {
    let mut file = ftyp(b"isom", 0x200, &[b"isom", b"mp42"]);
    file.extend(bmff_box(b"mdat", &[0x5A; 32]));
    file.extend(moov(1, 1000, duration_ms));
    file
}

/// An ISO-BMFF box: 32-bit size (header included), type, payload.
fn bmff_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = (8 + payload.len() as u32).to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(payload);
    b
}

fn ftyp(major: &[u8; 4], minor: u32, compatible: &[&[u8; 4]]) -> Vec<u8> {
    let mut payload = major.to_vec();
    payload.extend_from_slice(&minor.to_be_bytes());
    compatible
        .iter()
        .for_each(|b| payload.extend_from_slice(*b));
    bmff_box(b"ftyp", &payload)
}

fn moov(version: u8, timescale: u32, duration: u64) -> Vec<u8> {
    bmff_box(b"moov", &mvhd(version, timescale, duration))
}

/// A movie header box (ISO/IEC 14496-12 §8.2.2): version 0 has 32-bit times and duration,
/// version 1 64-bit ones; then rate 1.0, volume 1.0, the identity matrix, next track 2.
fn mvhd(version: u8, timescale: u32, duration: u64) -> Vec<u8> {
    let mut p = vec![version, 0, 0, 0];
    if version == 1 {
        p.extend_from_slice(&MVHD_CREATED.to_be_bytes());
        p.extend_from_slice(&MVHD_CREATED.to_be_bytes());
        p.extend_from_slice(&timescale.to_be_bytes());
        p.extend_from_slice(&duration.to_be_bytes());
    } else {
        let short = |v: u64| u32::try_from(v).expect("fits version 0").to_be_bytes();
        p.extend_from_slice(&short(MVHD_CREATED));
        p.extend_from_slice(&short(MVHD_CREATED));
        p.extend_from_slice(&timescale.to_be_bytes());
        p.extend_from_slice(&short(duration));
    }
    p.extend_from_slice(&0x0001_0000u32.to_be_bytes()); // rate 1.0
    p.extend_from_slice(&0x0100u16.to_be_bytes()); // volume 1.0
    p.extend_from_slice(&[0; 10]); // reserved
    for m in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        p.extend_from_slice(&m.to_be_bytes());
    }
    p.extend_from_slice(&[0; 24]); // pre_defined
    p.extend_from_slice(&2u32.to_be_bytes()); // next_track_ID
    bmff_box(b"mvhd", &p)
}

/// An upright picture that compresses like a photo: the marker quadrants, toned down, under
/// gradients, a soft pattern and sensor-like noise (seeded, so deterministic). The quadrant
/// means stay recognisable to [`quadrant_colours`].
pub fn photo(width: u32, height: u32) -> RgbImage {
    // Per-column and per-row waves, computed once: no trigonometry per pixel.
    let wave = |n: u32, period: f32| -> Vec<f32> {
        (0..n)
            .map(|i| (i as f32 * std::f32::consts::TAU / period).sin())
            .collect()
    };
    let (cols, rows) = (wave(width, 173.0), wave(height, 241.0));
    let mut noise = SplitMix(0x5EED_1234_ABCD_0042);
    RgbImage::from_fn(width, height, |x, y| {
        let shade = 60.0 * x as f32 / width as f32 + 40.0 * y as f32 / height as f32;
        let texture = 90.0 + shade + 18.0 * cols[x as usize] * rows[y as usize];
        let grain = noise.next_signed(12);
        let tint = marker(x, y, width, height);
        Rgb(tint.map(|c| {
            let v = 0.6 * f32::from(c) + 0.4 * texture + grain + noise.next_signed(4);
            v.clamp(0.0, 255.0) as u8
        }))
    })
}

/// SplitMix64: a tiny, fixed-seed generator, so the noise is the same on every run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in −amplitude..=amplitude.
    fn next_signed(&mut self, amplitude: u32) -> f32 {
        let span = u64::from(2 * amplitude + 1);
        (self.next() % span) as f32 - amplitude as f32
    }
}

/// A 12-megapixel phone photo for benchmarks: [`photo`] 3000 × 4000 upright (portrait),
/// stored as 4000 × 3000 with orientation 6, as a phone held upright writes it, with
/// [`Exif::phone`]'s GPS, times and camera. Quality 90. Built once per test process (a few
/// seconds unoptimised) and cloned.
pub fn twelve_megapixel() -> Vec<u8> {
    static PHOTO: OnceLock<Vec<u8>> = OnceLock::new();
    PHOTO
        .get_or_init(|| jpeg(&photo(3000, 4000), &Exif::phone()))
        .clone()
}
