//! Files as real cameras, phones and transfers leave them, built byte by byte at test time:
//! EXIF with one bad link (a sub-IFD's next-IFD offset set, a pointer of the wrong type, IFD0's
//! next offset out of range), a Nokia's GPS in SRATIONALs, JPEGs with damaged restart markers,
//! a HEIF with an Exif item, a 7000 × 7000 16-bit RGBA PNG of a few MB, broken m4a stubs.
//!
//! TIFF structures are little-endian ("II") with values laid out after each IFD; nothing here
//! goes through an EXIF writer, which would refuse to write what these files hold.

use crate::images;

/// TIFF field types.
pub const BYTE: u16 = 1;
pub const ASCII: u16 = 2;
pub const SHORT: u16 = 3;
pub const LONG: u16 = 4;
pub const RATIONAL: u16 = 5;
pub const SRATIONAL: u16 = 10;

/// One IFD entry: tag, type, count and the value's bytes; or, with `offset`, a value said to
/// be at that offset whatever is there (a bad pointer).
#[derive(Debug, Clone)]
pub struct Entry {
    pub tag: u16,
    pub kind: u16,
    pub count: u32,
    pub value: Vec<u8>,
    pub offset: Option<u32>,
}

pub fn ascii(tag: u16, text: &str) -> Entry {
    let mut value = text.as_bytes().to_vec();
    value.push(0);
    Entry {
        tag,
        kind: ASCII,
        count: value.len() as u32,
        value,
        offset: None,
    }
}

pub fn short(tag: u16, v: u16) -> Entry {
    Entry {
        tag,
        kind: SHORT,
        count: 1,
        value: v.to_le_bytes().to_vec(),
        offset: None,
    }
}

pub fn bytes(tag: u16, v: &[u8]) -> Entry {
    Entry {
        tag,
        kind: BYTE,
        count: v.len() as u32,
        value: v.to_vec(),
        offset: None,
    }
}

pub fn rationals(tag: u16, v: &[(u32, u32)]) -> Entry {
    Entry {
        tag,
        kind: RATIONAL,
        count: v.len() as u32,
        value: v
            .iter()
            .flat_map(|(n, d)| [n.to_le_bytes(), d.to_le_bytes()].concat())
            .collect(),
        offset: None,
    }
}

pub fn srationals(tag: u16, v: &[(i32, i32)]) -> Entry {
    Entry {
        kind: SRATIONAL,
        ..rationals(
            tag,
            &v.iter()
                .map(|&(n, d)| (n as u32, d as u32))
                .collect::<Vec<_>>(),
        )
    }
}

/// An entry whose out-of-line value is said to be at `offset` (past the end, say).
pub fn dangling(tag: u16, kind: u16, count: u32, offset: u32) -> Entry {
    Entry {
        tag,
        kind,
        count,
        value: Vec::new(),
        offset: Some(offset),
    }
}

/// The TIFF structure of an EXIF block: IFD0 with pointers to an Exif IFD and a GPS IFD (when
/// they have entries), each IFD followed by its out-of-line values. `next` gives the next-IFD
/// offsets written after IFD0, the Exif IFD and the GPS IFD: 0 is "none", as EXIF wants for
/// the two sub-IFDs; anything else is the kind of link some writers leave.
pub fn tiff(ifd0: Vec<Entry>, exif: Vec<Entry>, gps: Vec<Entry>, next: [u32; 3]) -> Vec<u8> {
    let pointer = |tag| Entry {
        tag,
        kind: LONG,
        count: 1,
        value: vec![0; 4],
        offset: None,
    };
    let mut ifd0 = ifd0;
    if !exif.is_empty() {
        ifd0.push(pointer(0x8769));
    }
    if !gps.is_empty() {
        ifd0.push(pointer(0x8825));
    }
    ifd0.sort_by_key(|e| e.tag);
    let exif_at = 8 + ifd_size(&ifd0);
    let gps_at = exif_at + if exif.is_empty() { 0 } else { ifd_size(&exif) };
    for e in &mut ifd0 {
        match e.tag {
            0x8769 => e.value = exif_at.to_le_bytes().to_vec(),
            0x8825 => e.value = gps_at.to_le_bytes().to_vec(),
            _ => {}
        }
    }
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend(ifd(&ifd0, 8, next[0]));
    if !exif.is_empty() {
        out.extend(ifd(&exif, exif_at, next[1]));
    }
    if !gps.is_empty() {
        out.extend(ifd(&gps, gps_at, next[2]));
    }
    out
}

fn out_of_line(e: &Entry) -> u32 {
    if e.offset.is_none() && e.value.len() > 4 {
        (e.value.len() as u32).next_multiple_of(2)
    } else {
        0
    }
}

fn ifd_size(entries: &[Entry]) -> u32 {
    2 + 12 * entries.len() as u32 + 4 + entries.iter().map(out_of_line).sum::<u32>()
}

/// An IFD at offset `at`, its values right after it.
fn ifd(entries: &[Entry], at: u32, next: u32) -> Vec<u8> {
    let mut head = (entries.len() as u16).to_le_bytes().to_vec();
    let mut values = Vec::new();
    let values_at = at + 2 + 12 * entries.len() as u32 + 4;
    for e in entries {
        head.extend_from_slice(&e.tag.to_le_bytes());
        head.extend_from_slice(&e.kind.to_le_bytes());
        head.extend_from_slice(&e.count.to_le_bytes());
        if let Some(offset) = e.offset {
            head.extend_from_slice(&offset.to_le_bytes());
        } else if e.value.len() <= 4 {
            let mut inline = e.value.clone();
            inline.resize(4, 0);
            head.extend_from_slice(&inline);
        } else {
            head.extend_from_slice(&(values_at + values.len() as u32).to_le_bytes());
            values.extend_from_slice(&e.value);
            values.resize(values.len().next_multiple_of(2), 0);
        }
    }
    head.extend_from_slice(&next.to_le_bytes());
    head.extend(values);
    head
}

/// Degrees as EXIF's degrees/1, minutes/1, seconds/10000.
pub fn dms(degrees: f64) -> [(u32, u32); 3] {
    let total = (degrees.abs() * 3600.0 * 10_000.0).round() as u64;
    let (d, rest) = (total / 36_000_000, total % 36_000_000);
    [
        (d as u32, 1),
        ((rest / 600_000) as u32, 1),
        ((rest % 600_000) as u32, 10_000),
    ]
}

/// A portrait photo as a phone stores it — `upright` (W × H) turned to H × W, orientation 6 —
/// whose EXIF has a bad link at every level a real file was seen with: IFD0's next-IFD offset
/// points past the end (a truncated thumbnail IFD), the Exif IFD carries a next-IFD offset
/// ("Unexpected next IFD", as a 12 MP photo written with Python's piexif had), its Interop
/// pointer has the wrong type and the Make's value lies out of range ("Invalid pointer",
/// "Truncated field value", as two files of a public EXIF collection had). Orientation, the
/// capture time with its offset and the GPS position are valid.
pub fn photo_with_broken_exif_links(upright: &image::RgbImage) -> Vec<u8> {
    let ifd0 = vec![
        dangling(0x010F, ASCII, 40, 0x00FF_FF00), // Make, its value out of range
        ascii(0x0110, "Pixel 7"),
        short(0x0112, 6),
    ];
    let exif = vec![
        ascii(0x9003, "2026:11:28 10:30:00"),
        ascii(0x9011, "+08:00"),
        ascii(0xA005, "bad"), // the Interop IFD pointer, as text: not a pointer
    ];
    let gps = vec![
        bytes(0x0000, &[2, 3, 0, 0]),
        ascii(0x0001, "N"),
        rationals(0x0002, &dms(31.230_416)),
        ascii(0x0003, "E"),
        rationals(0x0004, &dms(121.473_701)),
    ];
    let tiff = tiff(ifd0, exif, gps, [0xFFFF_FF00, 0x0000_0010, 0]);
    images::jpeg_with_raw_exif(&stored_for_orientation_6(upright), &tiff)
}

/// The pixels a camera stores for `upright` under orientation 6 (rotated 90° anticlockwise).
pub fn stored_for_orientation_6(upright: &image::RgbImage) -> image::RgbImage {
    image::imageops::rotate270(upright)
}

/// Where a Nokia 8.3 5G photo was taken, as exifread reads it.
pub const NOKIA_AT: (f64, f64) = (60.146_706, 24.906_772);

/// The EXIF of a photo from an HMD Global Nokia: GPS latitude and longitude as SRATIONAL
/// (EXIF says RATIONAL), beside a GPS IFD with everything else a phone writes — version,
/// altitude, GPSTimeStamp, GPSImgDirectionRef `M` with its direction, GPSDateStamp.
/// `seconds` replaces the seconds of both coordinates (e.g. `(0, 0)`, as other phones write
/// for "degrees and decimal minutes").
pub fn nokia_tiff(seconds: Option<(i32, i32)>) -> Vec<u8> {
    let signed = |degrees: f64| -> Vec<(i32, i32)> {
        let mut parts: Vec<(i32, i32)> = dms(degrees)
            .iter()
            .map(|&(n, d)| (n as i32, d as i32))
            .collect();
        if let Some(s) = seconds {
            // Minutes with their seconds folded in, as ddd/1, mmmmmm/10000, s.
            let minutes = degrees.fract() * 60.0;
            parts[1] = ((minutes * 10_000.0).round() as i32, 10_000);
            parts[2] = s;
        }
        parts
    };
    let ifd0 = vec![
        ascii(0x010F, "HMD Global"),
        ascii(0x0110, "Nokia 8.3 5G"),
        short(0x0112, 1),
    ];
    let exif = vec![ascii(0x9003, "2021:06:12 14:05:09")];
    let gps = vec![
        bytes(0x0000, &[2, 2, 0, 0]),
        ascii(0x0001, "N"),
        srationals(0x0002, &signed(NOKIA_AT.0)),
        ascii(0x0003, "E"),
        srationals(0x0004, &signed(NOKIA_AT.1)),
        bytes(0x0005, &[0]),
        rationals(0x0006, &[(2150, 100)]),
        rationals(0x0007, &[(11, 1), (5, 1), (9, 1)]),
        ascii(0x0010, "M"),
        rationals(0x0011, &[(21_455, 100)]),
        ascii(0x001D, "2021:06:12"),
    ];
    tiff(ifd0, exif, gps, [0, 0, 0])
}

/// A baseline JPEG of `pixels` with a restart marker every `interval` MCUs.
pub fn jpeg_with_restarts(pixels: &image::RgbImage, interval: u16) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder.set_restart_interval(interval);
    encoder
        .encode(
            pixels.as_raw(),
            pixels.width() as u16,
            pixels.height() as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("encodes");
    out
}

/// The offsets of the restart markers (at their 0xFF) in the JPEG's entropy-coded data.
pub fn restart_markers(jpeg: &[u8]) -> Vec<usize> {
    let sos = (2..jpeg.len() - 1)
        .find(|&i| jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA)
        .expect("a scan");
    let start = sos + 2 + usize::from(u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]));
    (start..jpeg.len() - 1)
        .filter(|&i| jpeg[i] == 0xFF && (0xD0..=0xD7).contains(&jpeg[i + 1]))
        .collect()
}

/// `jpeg` with restart marker RST`n` (the `n`th, counting from 0) turned into a reserved
/// marker code: "found marker RES inside scan where RST`n` was expected", as a photo damaged
/// in storage that image viewers still display.
pub fn with_restart_damaged(jpeg: &[u8], n: usize) -> Vec<u8> {
    let mut bytes = jpeg.to_vec();
    let at = restart_markers(jpeg)[n];
    bytes[at + 1] = 0x02;
    bytes
}

/// ISO-BMFF box.
pub fn bmff_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = (8 + payload.len() as u32).to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(payload);
    b
}

fn full_box(kind: &[u8; 4], version: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![version, 0, 0, 0];
    p.extend_from_slice(payload);
    bmff_box(kind, &p)
}

/// A minimal HEIF as an iPhone lays it out: `ftyp` (heic; mif1, MiHE, miaf, heic), `meta`
/// (hdlr `pict`, the primary item, item infos for an `hvc1` image and an `Exif` item, their
/// locations), then `mdat` holding stand-in coded image bytes and the Exif item: a 4-byte
/// offset to the TIFF header (0), then `tiff`.
pub fn heif_with_exif(tiff: &[u8]) -> Vec<u8> {
    let ftyp = bmff_box(b"ftyp", b"heic\0\0\0\0mif1MiHEmiafheic");
    let image = [0x26u8; 64]; // stand-in HEVC data: never decoded here
    let mut exif = 0u32.to_be_bytes().to_vec();
    exif.extend_from_slice(tiff);
    let meta_for = |image_at: u32, exif_at: u32| {
        let hdlr = full_box(b"hdlr", 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0");
        let pitm = full_box(b"pitm", 0, &1u16.to_be_bytes());
        let infe = |id: u16, kind: &[u8; 4]| {
            let mut p = id.to_be_bytes().to_vec();
            p.extend_from_slice(&[0, 0]);
            p.extend_from_slice(kind);
            p.push(0);
            full_box(b"infe", 2, &p)
        };
        let mut iinf = 2u16.to_be_bytes().to_vec();
        iinf.extend(infe(1, b"hvc1"));
        iinf.extend(infe(2, b"Exif"));
        let iinf = full_box(b"iinf", 0, &iinf);
        let mut iloc = vec![0x44, 0x00]; // 4-byte offsets and lengths, no base offset
        iloc.extend_from_slice(&2u16.to_be_bytes());
        for (id, at, len) in [(1u16, image_at, image.len()), (2, exif_at, exif.len())] {
            iloc.extend_from_slice(&id.to_be_bytes());
            iloc.extend_from_slice(&0u16.to_be_bytes()); // data reference: this file
            iloc.extend_from_slice(&1u16.to_be_bytes()); // one extent
            iloc.extend_from_slice(&at.to_be_bytes());
            iloc.extend_from_slice(&(len as u32).to_be_bytes());
        }
        let iloc = full_box(b"iloc", 0, &iloc);
        full_box(b"meta", 0, &[hdlr, pitm, iinf, iloc].concat())
    };
    // The locations depend on the meta box's size, which does not depend on them.
    let mdat_payload_at = (ftyp.len() + meta_for(0, 0).len() + 8) as u32;
    let meta = meta_for(mdat_payload_at, mdat_payload_at + image.len() as u32);
    let mdat = bmff_box(b"mdat", &[&image[..], &exif].concat());
    [ftyp, meta, mdat].concat()
}

/// Broken m4a recordings of 48 to 152 bytes, as a recorder killed mid-write or a failed
/// download leaves them: (name, bytes).
pub fn broken_m4a() -> Vec<(&'static str, Vec<u8>)> {
    let ftyp = bmff_box(b"ftyp", b"M4A \0\0\0\0M4A mp42isom\0\0\0\0");
    let stub = [ftyp.clone(), bmff_box(b"free", &[0; 8])].concat();
    let mut cut = ftyp.clone();
    cut.extend_from_slice(&1000u32.to_be_bytes()); // a moov claiming 1000 bytes…
    cut.extend_from_slice(b"moov");
    cut.extend_from_slice(&[0; 72]); // …of which 72 were written
    let mut no_moov = ftyp.clone();
    no_moov.extend(bmff_box(b"mdat", &[0x21; 100]));
    vec![
        ("stub.m4a", stub),
        ("cut.m4a", cut),
        ("no-moov.m4a", no_moov),
    ]
}

/// A PNG of `width` × `height` px, 16-bit RGBA, whose quadrants are the marker colours (red,
/// green over blue, white) of `images::scene`: the first row of each half written out, every
/// other row filtered "Up" (all zeros), deflated by hand with runs, so that 392 MB of pixels
/// (7000 × 7000) take a few MB of file.
pub fn big_png_16bit(width: u32, height: u32) -> Vec<u8> {
    let pixel = |[r, g, b]: [u8; 3]| [r, r, g, g, b, b, 0xFF, 0xFF];
    let half_row = |left: [u8; 3], right: [u8; 3]| -> Vec<(Vec<u8>, usize)> {
        vec![
            (pixel(left).to_vec(), (width / 2) as usize),
            (pixel(right).to_vec(), (width - width / 2) as usize),
        ]
    };
    let colour = |x: u32, y: u32| images::scene(2, 2).get_pixel(x, y).0;
    let row_bytes = 1 + width as usize * 8;
    let mut z = Deflate::new();
    for y in 0..height {
        let half = u32::from(y >= height / 2);
        if y == 0 || y == height / 2 {
            z.literal(0); // filter: none
            for (unit, times) in half_row(colour(0, half), colour(1, half)) {
                z.repeat(&unit, times);
            }
        } else {
            z.literal(2); // filter: Up, every byte the same as above
            z.repeat(&[0], row_bytes - 1);
        }
    }
    let idat = z.finish();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[16, 6, 0, 0, 0]); // 16-bit RGBA, no interlace
    png(&ihdr, &idat)
}

/// An interlaced (Adam7) 8-bit RGBA PNG, all black, whose frame decoded whole is
/// `width` × `height` × 4 bytes.
pub fn interlaced_png(width: u32, height: u32) -> Vec<u8> {
    let mut z = Deflate::new();
    // The seven passes' (x start, y start, x step, y step).
    for (x0, y0, dx, dy) in [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ] {
        let (w, h) = (
            width.saturating_sub(x0).div_ceil(dx),
            height.saturating_sub(y0).div_ceil(dy),
        );
        if w > 0 {
            for _ in 0..h {
                z.repeat(&[0], 1 + w as usize * 4);
            }
        }
    }
    let idat = z.finish();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 1]); // 8-bit RGBA, Adam7
    png(&ihdr, &idat)
}

fn png(ihdr: &[u8], idat: &[u8]) -> Vec<u8> {
    let chunk = |kind: &[u8; 4], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&images::crc32(&c[4..]).to_be_bytes());
        c
    };
    [
        b"\x89PNG\r\n\x1a\n".to_vec(),
        chunk(b"IHDR", ihdr),
        chunk(b"IDAT", idat),
        chunk(b"IEND", &[]),
    ]
    .concat()
}

/// A zlib stream in one fixed-Huffman deflate block (RFC 1951 §3.2.6), of literals and
/// back-references that repeat a short unit: enough for pictures made of runs, with no
/// compressor to depend on.
struct Deflate {
    out: Vec<u8>,
    bits: u64,
    count: u32,
    adler: (u32, u32),
}

impl Deflate {
    fn new() -> Deflate {
        let mut d = Deflate {
            out: vec![0x78, 0x01],
            bits: 0,
            count: 0,
            adler: (1, 0),
        };
        d.put(1, 1); // final block
        d.put(1, 2); // fixed Huffman codes
        d
    }

    /// `n` bits of `value`, least significant first.
    fn put(&mut self, value: u32, n: u32) {
        self.bits |= u64::from(value) << self.count;
        self.count += n;
        while self.count >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u32, n: u32) {
        let reversed = code.reverse_bits() >> (32 - n);
        self.put(reversed, n);
    }

    fn symbol(&mut self, s: u32) {
        match s {
            0..=143 => self.code(0x30 + s, 8),
            144..=255 => self.code(0x190 + s - 144, 9),
            256..=279 => self.code(s - 256, 7),
            _ => self.code(0xC0 + s - 280, 8),
        }
    }

    fn literal(&mut self, byte: u8) {
        self.symbol(u32::from(byte));
        self.sum(&[byte], 1);
    }

    /// `unit` `times` times: once as literals, the rest as references `unit.len()` back.
    fn repeat(&mut self, unit: &[u8], times: usize) {
        if times == 0 {
            return;
        }
        unit.iter().for_each(|&b| self.symbol(u32::from(b)));
        self.sum(unit, times);
        let mut left = unit.len() * (times - 1);
        while left > 0 {
            let len = match left {
                1..=258 => left,
                259..=260 => left - 3, // keep the last reference at least 3 long
                _ => 258,
            };
            if len < 3 {
                // 1 or 2 bytes: literals (they repeat the unit from its start).
                let done = unit.len() * (times - 1) - left;
                for i in 0..len {
                    self.symbol(u32::from(unit[(done + i) % unit.len()]));
                }
            } else {
                self.length(len as u32);
                self.distance(unit.len() as u32);
            }
            left -= len;
        }
    }

    fn length(&mut self, len: u32) {
        const BASE: [u32; 29] = [
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
            115, 131, 163, 195, 227, 258,
        ];
        const EXTRA: [u32; 29] = [
            0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
        ];
        let i = BASE.iter().rposition(|&b| b <= len).unwrap();
        self.symbol(257 + i as u32);
        self.put(len - BASE[i], EXTRA[i]);
    }

    fn distance(&mut self, d: u32) {
        const BASE: [u32; 8] = [1, 2, 3, 4, 5, 7, 9, 13];
        const EXTRA: [u32; 8] = [0, 0, 0, 0, 1, 1, 2, 2];
        let i = BASE.iter().rposition(|&b| b <= d).unwrap();
        self.code(i as u32, 5);
        self.put(d - BASE[i], EXTRA[i]);
    }

    /// Adler-32 over `unit` repeated `times` times, in closed form (392 MB of pixels are not
    /// summed byte by byte): one pass of n bytes adds S = Σu to a and n·a + T to b, where
    /// T = Σ(n − i)·uᵢ; k passes add k·S to a and k·(n·a + T) + n·S·k(k−1)/2 to b.
    fn sum(&mut self, unit: &[u8], times: usize) {
        const MOD: u128 = 65_521;
        let n = unit.len() as u128;
        let s: u128 = unit.iter().map(|&u| u128::from(u)).sum();
        let t: u128 = (0..unit.len())
            .map(|i| (n - i as u128) * u128::from(unit[i]))
            .sum();
        let (a, b) = (u128::from(self.adler.0), u128::from(self.adler.1));
        let k = times as u128;
        let b =
            (b + k % MOD * ((n * a + t) % MOD) + (n * s % MOD) * ((k * (k - 1) / 2) % MOD)) % MOD;
        let a = (a + k * s) % MOD;
        self.adler = (a as u32, b as u32);
    }

    fn finish(mut self) -> Vec<u8> {
        self.symbol(256);
        if self.count > 0 {
            self.put(0, 8 - self.count);
        }
        let (a, b) = self.adler;
        self.out.extend_from_slice(&(b << 16 | a).to_be_bytes());
        self.out
    }
}
