//! The test media of `redshield_testkit::images` checked with readers that did not write them:
//! `jpeg-decoder` for pixels, `kamadak-exif`'s reader for EXIF, `image` for PNG and for a
//! second opinion on orientation, and a box walker written here for MP4/M4A.

use std::io::Cursor;

use exif::{In, Tag, Value};
use image::metadata::Orientation;
use image::{DynamicImage, RgbImage};
use redshield_testkit::images::*;

/// Decoded RGB pixels and their size.
struct Decoded {
    rgb: Vec<u8>,
    width: u32,
    height: u32,
}

fn decode(jpeg: &[u8]) -> Decoded {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(jpeg));
    let rgb = decoder.decode().expect("decodes");
    let info = decoder.info().expect("has a frame");
    assert_eq!(info.pixel_format, jpeg_decoder::PixelFormat::RGB24);
    Decoded {
        rgb,
        width: info.width.into(),
        height: info.height.into(),
    }
}

fn read_exif(jpeg: &[u8]) -> Result<exif::Exif, exif::Error> {
    exif::Reader::new().read_from_container(&mut Cursor::new(jpeg))
}

/// Applies EXIF orientation `o` to stored pixels, written from the spec's definition of each
/// value ("the 0th row is the visual …, the 0th column is the visual …"): each stored pixel
/// (sx, sy) of a `sw` × `sh` image is sent to where the display shows it.
fn apply_orientation(o: u16, stored: &Decoded) -> Decoded {
    let (sw, sh) = (stored.width, stored.height);
    let (dw, dh) = if o >= 5 { (sh, sw) } else { (sw, sh) };
    let mut rgb = vec![0; stored.rgb.len()];
    for sy in 0..sh {
        for sx in 0..sw {
            let (dx, dy) = match o {
                1 => (sx, sy),                   // row 0 top, column 0 left
                2 => (sw - 1 - sx, sy),          // row 0 top, column 0 right
                3 => (sw - 1 - sx, sh - 1 - sy), // row 0 bottom, column 0 right
                4 => (sx, sh - 1 - sy),          // row 0 bottom, column 0 left
                5 => (sy, sx),                   // row 0 left, column 0 top
                6 => (sh - 1 - sy, sx),          // row 0 right, column 0 top
                7 => (sh - 1 - sy, sw - 1 - sx), // row 0 right, column 0 bottom
                8 => (sy, sw - 1 - sx),          // row 0 left, column 0 bottom
                _ => panic!("orientation {o}"),
            };
            let from = ((sy * sw + sx) * 3) as usize;
            let to = ((dy * dw + dx) * 3) as usize;
            rgb[to..to + 3].copy_from_slice(&stored.rgb[from..from + 3]);
        }
    }
    Decoded {
        rgb,
        width: dw,
        height: dh,
    }
}

#[test]
fn the_scene_is_upright_and_every_orientation_tells_apart() {
    let upright = scene(64, 48);
    assert_eq!(quadrant_colours(upright.as_raw(), 64, 48), UPRIGHT);
    let mut seen = Vec::new();
    for o in 1..=8 {
        let stored = decode(&jpeg(
            &upright,
            &Exif {
                orientation: Some(o),
                ..Exif::default()
            },
        ));
        let colours = quadrant_colours(&stored.rgb, stored.width, stored.height);
        assert!(
            !colours.contains(&Colour::Other),
            "orientation {o}: {colours:?}"
        );
        assert!(
            !seen.contains(&colours),
            "orientation {o} looks like another"
        );
        seen.push(colours);
    }
}

#[test]
fn each_orientation_displays_upright() {
    let upright = scene(64, 48);
    for o in 1..=8u16 {
        let bytes = jpeg(
            &upright,
            &Exif {
                orientation: Some(o),
                ..Exif::default()
            },
        );
        let exif = read_exif(&bytes).expect("EXIF reads");
        let tag = exif
            .get_field(Tag::Orientation, In::PRIMARY)
            .expect("orientation");
        assert_eq!(tag.value.get_uint(0), Some(u32::from(o)));

        let stored = decode(&bytes);
        let expected = if o >= 5 { (48, 64) } else { (64, 48) };
        assert_eq!((stored.width, stored.height), expected, "orientation {o}");
        assert_eq!(
            is_upright(&stored.rgb, stored.width, stored.height),
            o == 1,
            "{o}"
        );

        let shown = apply_orientation(o, &stored);
        assert_eq!((shown.width, shown.height), (64, 48));
        assert!(is_upright(&shown.rgb, 64, 48), "orientation {o}");

        // A second opinion: the `image` crate's own reading of the tag, pixel for pixel.
        let raw = RgbImage::from_raw(stored.width, stored.height, stored.rgb.clone()).unwrap();
        let mut theirs = DynamicImage::ImageRgb8(raw);
        theirs.apply_orientation(Orientation::from_exif(o as u8).unwrap());
        assert_eq!(theirs.to_rgb8().as_raw(), &shown.rgb, "orientation {o}");
    }
}

#[test]
fn no_exif_fields_no_exif_segment() {
    let bytes = jpeg(&scene(32, 32), &Exif::default());
    assert!(!bytes.windows(6).any(|w| w == b"Exif\0\0"));
    assert!(matches!(read_exif(&bytes), Err(exif::Error::NotFound(_))));
    let d = decode(&bytes);
    assert_eq!((d.width, d.height), (32, 32));
    assert!(is_upright(&d.rgb, 32, 32));
}

/// Degrees from EXIF degrees/minutes/seconds and the reference letter.
fn degrees(exif: &exif::Exif, value: Tag, reference: Tag, negative: &[u8]) -> f64 {
    let Value::Rational(dms) = &exif.get_field(value, In::PRIMARY).unwrap().value else {
        panic!("{value} is not rational");
    };
    let abs = dms[0].to_f64() + dms[1].to_f64() / 60.0 + dms[2].to_f64() / 3600.0;
    if text(exif, reference) == negative {
        -abs
    } else {
        abs
    }
}

fn text(exif: &exif::Exif, tag: Tag) -> Vec<u8> {
    match &exif
        .get_field(tag, In::PRIMARY)
        .unwrap_or_else(|| panic!("{tag}"))
        .value
    {
        Value::Ascii(v) => v[0].clone(),
        other => panic!("{tag}: {other:?}"),
    }
}

fn rational(exif: &exif::Exif, tag: Tag) -> f64 {
    match &exif
        .get_field(tag, In::PRIMARY)
        .unwrap_or_else(|| panic!("{tag}"))
        .value
    {
        Value::Rational(v) => v[0].to_f64(),
        other => panic!("{tag}: {other:?}"),
    }
}

fn byte(exif: &exif::Exif, tag: Tag) -> u8 {
    match &exif.get_field(tag, In::PRIMARY).unwrap().value {
        Value::Byte(v) => v[0],
        other => panic!("{tag}: {other:?}"),
    }
}

#[test]
fn exif_reads_back_in_all_four_hemispheres() {
    let places = [
        (39.904_211, 116.407_395, 43.5),       // Beijing
        (-33.856_784, 151.215_297, 3.25),      // Sydney
        (40.748_817, -73.985_428, 10.0),       // New York
        (-12.046_374, -77.042_793, -1.125),    // Lima, "below sea level" for the sign
        (0.000_000_4, -179.999_999_9, 0.0),    // rounding at the edges
        (-89.999_999_9, 0.000_000_1, 8848.86), // near the pole
    ];
    for (lat, lon, alt) in places {
        let bytes = jpeg(
            &scene(16, 16),
            &Exif {
                gps: Some((lat, lon, Some(alt))),
                ..Exif::phone()
            },
        );
        let exif = read_exif(&bytes).expect("EXIF reads");
        let read_lat = degrees(&exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, b"S");
        let read_lon = degrees(&exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, b"W");
        assert!((read_lat - lat).abs() < 1e-6, "{read_lat} against {lat}");
        assert!((read_lon - lon).abs() < 1e-6, "{read_lon} against {lon}");
        let read_alt = rational(&exif, Tag::GPSAltitude);
        let below = byte(&exif, Tag::GPSAltitudeRef) == 1;
        assert_eq!(if below { -read_alt } else { read_alt }, alt);
    }
}

#[test]
fn the_phone_preset_reads_back_field_by_field() {
    let bytes = jpeg(&scene(40, 30), &Exif::phone());
    let exif = read_exif(&bytes).expect("EXIF reads");
    let orientation = exif.get_field(Tag::Orientation, In::PRIMARY).unwrap();
    assert_eq!(orientation.value.get_uint(0), Some(6));
    assert_eq!(text(&exif, Tag::DateTimeOriginal), b"2026:11:28 10:30:00");
    assert_eq!(text(&exif, Tag::OffsetTimeOriginal), b"+08:00");
    assert_eq!(text(&exif, Tag::Make), b"Xiaomi");
    assert_eq!(text(&exif, Tag::Model), b"23127PN0CC");
    assert_eq!(text(&exif, Tag::Software), b"Xiaomi HyperOS");
    assert_eq!(rational(&exif, Tag::GPSHPositioningError), 4.8);
    let lat = degrees(&exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, b"S");
    assert!((lat - 39.904_211).abs() < 1e-6);
    // The dedicated reader and the decoder agree there is one EXIF segment.
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(&bytes));
    decoder.decode().unwrap();
    assert_eq!(decoder.exif_data().map(|t| &t[..2]), Some(&b"MM"[..]));
}

#[test]
fn only_some_fields_write_only_those() {
    let bytes = jpeg(
        &scene(16, 16),
        &Exif {
            taken: Some("2026:01:02 03:04:05"),
            ..Exif::default()
        },
    );
    let exif = read_exif(&bytes).expect("EXIF reads");
    assert_eq!(text(&exif, Tag::DateTimeOriginal), b"2026:01:02 03:04:05");
    assert!(exif.get_field(Tag::Orientation, In::PRIMARY).is_none());
    assert!(exif.get_field(Tag::GPSLatitude, In::PRIMARY).is_none());
    assert!(exif.get_field(Tag::Make, In::PRIMARY).is_none());
}

#[test]
fn corrupt_exif_fails_to_parse_but_the_jpeg_decodes() {
    let bytes = jpeg_with_corrupt_exif(&scene(48, 32));
    assert!(bytes.windows(10).any(|w| w == b"Exif\0\0II*\0"));
    assert!(read_exif(&bytes).is_err());
    let d = decode(&bytes);
    assert_eq!((d.width, d.height), (48, 32));
    assert!(is_upright(&d.rgb, 48, 32));
}

#[test]
fn a_truncated_jpeg_reads_its_header_but_does_not_decode() {
    let whole = jpeg(&scene(256, 192), &Exif::phone());
    let cut = truncated(&whole);
    assert!(cut.len() < whole.len() * 3 / 4 && cut.len() > whole.len() / 4);
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(&cut));
    decoder.read_info().expect("headers are whole");
    assert_eq!(
        decoder.info().map(|i| (i.width, i.height)),
        Some((192, 256))
    );
    assert!(
        jpeg_decoder::Decoder::new(Cursor::new(&cut))
            .decode()
            .is_err()
    );
    assert!(read_exif(&cut).is_ok(), "EXIF comes before the cut");
}

#[test]
fn the_huge_jpeg_claims_65535_squared_in_a_few_hundred_bytes() {
    let bytes = huge_header();
    assert!(bytes.len() < 1024, "{} bytes", bytes.len());
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(&bytes));
    decoder.read_info().expect("headers read");
    let info = decoder.info().unwrap();
    assert_eq!((info.width, info.height), (65_535, 65_535));
    assert_eq!(
        info.coding_process,
        jpeg_decoder::CodingProcess::DctSequential
    );
}

#[test]
fn the_huge_png_claims_100000_squared_with_good_crcs() {
    assert_eq!(crc32(b"IEND"), 0xAE42_6082, "the CRC every PNG ends with");
    let bytes = huge_png_header();
    assert!(bytes.len() < 2048);
    let reader = image::ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .unwrap();
    assert_eq!(reader.format(), Some(image::ImageFormat::Png));
    assert_eq!(
        reader.into_dimensions().expect("IHDR reads"),
        (100_000, 100_000)
    );
    assert!(
        image::load_from_memory(&bytes).is_err(),
        "refused by the default limits"
    );
}

#[test]
fn the_screenshot_is_a_real_png() {
    let bytes = png_screenshot(360, 640);
    let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (360, 640));
    let rgba = decoded.to_rgba8();
    assert_eq!(rgba.get_pixel(5, 5).0, [24, 24, 28, 255], "status bar");
    let colours: std::collections::HashSet<_> = rgba.pixels().map(|p| p.0).collect();
    assert!(colours.len() >= 4, "more than a flat fill");
}

#[test]
fn the_heic_header_sniffs_as_heic() {
    let bytes = heic_header();
    assert_eq!(&bytes[..12], b"\0\0\0\x18ftypheic");
    assert_eq!(&bytes[16..24], b"mif1heic");
    assert_eq!(&bytes[28..32], b"meta");
}

/// The top-level (or nested) boxes of ISO-BMFF bytes: type and payload.
fn boxes(mut bytes: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut found = Vec::new();
    while bytes.len() >= 8 {
        let size = u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize;
        assert!(size >= 8 && size <= bytes.len(), "box size {size}");
        found.push((bytes[4..8].try_into().unwrap(), &bytes[8..size]));
        bytes = &bytes[size..];
    }
    assert!(bytes.is_empty(), "trailing bytes");
    found
}

fn find<'a>(boxes: &[([u8; 4], &'a [u8])], kind: &[u8; 4]) -> &'a [u8] {
    boxes
        .iter()
        .find(|(k, _)| k == kind)
        .map(|(_, p)| *p)
        .expect("box")
}

/// (major brand, mvhd version, timescale, duration) as a duration reader finds them.
fn movie(bytes: &[u8]) -> ([u8; 4], u8, u32, u64) {
    let top = boxes(bytes);
    assert_eq!(&top[0].0, b"ftyp", "ftyp comes first");
    let major = top[0].1[..4].try_into().unwrap();
    let mvhd = find(&boxes(find(&top, b"moov")), b"mvhd");
    let be32 = |at: usize| u32::from_be_bytes(mvhd[at..at + 4].try_into().unwrap());
    let be64 = |at: usize| u64::from_be_bytes(mvhd[at..at + 8].try_into().unwrap());
    match mvhd[0] {
        0 => (major, 0, be32(12), be32(16).into()),
        1 => (major, 1, be32(20), be64(24)),
        v => panic!("mvhd version {v}"),
    }
}

#[test]
fn the_movie_headers_carry_their_durations() {
    assert_eq!(movie(&mp4(95)), (*b"isom", 0, 1000, 95_000));
    assert_eq!(movie(&m4a(3600)), (*b"M4A ", 0, 1000, 3_600_000));
    assert_eq!(
        movie(&mp4_v1(5_000_000_000_123)),
        (*b"isom", 1, 1000, 5_000_000_000_123)
    );
    assert_eq!(&boxes(&mp4_v1(1))[1].0, b"mdat", "mdat before moov");
    // Full-box sizes from the spec: 108 bytes for version 0, 120 for version 1.
    assert_eq!(find(&boxes(&mp4(1)), b"moov").len(), 108);
    assert_eq!(find(&boxes(&mp4_v1(1)), b"moov").len(), 120);
    let file = mp4(1);
    let ftyp = find(&boxes(&file), b"ftyp");
    assert!(ftyp[8..].chunks(4).any(|b| b == b"mp42"));
}

#[test]
fn the_photo_texture_is_deterministic_and_keeps_its_marker() {
    let a = jpeg(&photo(300, 400), &Exif::phone());
    assert_eq!(a, jpeg(&photo(300, 400), &Exif::phone()));
    let shown = apply_orientation(6, &decode(&a));
    assert!(is_upright(&shown.rgb, 300, 400));
}

#[test]
fn twelve_megapixels_compress_like_a_photo() {
    let bytes = twelve_megapixel();
    let mb = bytes.len() as f64 / 1e6;
    assert!((3.0..=5.0).contains(&mb), "{mb:.2} MB");
    let exif = read_exif(&bytes).expect("EXIF reads");
    assert_eq!(
        exif.get_field(Tag::Orientation, In::PRIMARY)
            .unwrap()
            .value
            .get_uint(0),
        Some(6)
    );
    let lon = degrees(&exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, b"W");
    assert!((lon - 116.407_395).abs() < 1e-6);

    // Decoded at 1/8 scale (500 × 375): the stored sensor landscape turns into the portrait.
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(&bytes));
    assert_eq!(decoder.scale(500, 375).unwrap(), (500, 375));
    let rgb = decoder.decode().unwrap();
    let shown = apply_orientation(
        6,
        &Decoded {
            rgb,
            width: 500,
            height: 375,
        },
    );
    assert!(is_upright(&shown.rgb, 375, 500));
}
