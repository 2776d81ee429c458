//! Evidence from real cameras and phones (issue 18): the original bytes are the evidence, so
//! nothing imperfect in a file's metadata or pixels gets it refused or stripped. Each file is
//! built byte by byte at test time (`redshield_testkit::field_files`) the way a field device left it:
//! EXIF with a bad link, a Nokia's GPS in signed rationals, a JPEG with a damaged restart
//! marker or cut short, a HEIC with its app-made JPEG rendition, a 7000 × 7000 16-bit PNG,
//! broken m4a stubs, and blobs an intake killed half-way left behind.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::common::evidence_bench::{Bench, bench};
use redshield_core::Error;
use redshield_core::evidence::blobs::Blobs;
use redshield_core::evidence::media::MediaLimits;
use redshield_core::evidence::{self, ContentStatus, Evidence, EvidenceKind};
use redshield_testkit::field_files::{self as field, NOKIA_AT};
use redshield_testkit::images::{self, Colour, Exif};
use redshield_testkit::{complaint, device_in};
use sha2::{Digest as _, Sha256};

impl Bench {
    fn add_file(
        &mut self,
        name: &str,
        bytes: &[u8],
        kind: EvidenceKind,
    ) -> Result<Evidence, Error> {
        let new = self.new_evidence(&self.file(name, bytes), kind);
        self.device.add_evidence(&new)
    }

    /// The display copy, decoded.
    fn shown(&self, e: &Evidence) -> image::RgbImage {
        let display = e.display.as_ref().expect("a display copy");
        decode(&self.blob(&display.sha256))
    }

    fn intact(&self, e: &Evidence) -> Vec<String> {
        let report = self.device.verify_evidence(&e.id).unwrap();
        assert!(report.intact, "{report:?}");
        report.checks.into_iter().map(|c| c.code).collect()
    }
}

fn decode(jpeg: &[u8]) -> image::RgbImage {
    let mut decoder = jpeg_decoder::Decoder::new(jpeg);
    let pixels = decoder.decode().unwrap();
    let info = decoder.info().unwrap();
    image::RgbImage::from_raw(u32::from(info.width), u32::from(info.height), pixels).unwrap()
}

fn upright(image: &image::RgbImage) -> bool {
    images::is_upright(image.as_raw(), image.width(), image.height())
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn exif_with_a_bad_link_is_read_as_far_as_it_goes() {
    let mut b = bench();
    let portrait = images::scene(300, 400);
    let bytes = field::photo_with_broken_exif_links(&portrait);
    // The reader as it was used before (stop at the first error) loses all of it.
    let strict = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&bytes));
    assert!(strict.is_err(), "the file must carry the damage");

    let e = b
        .add_file("piexif.jpg", &bytes, EvidenceKind::Scene)
        .unwrap();
    let x = e.exif.clone().unwrap();
    assert_eq!(x.status.as_str(), "partial", "{x:?}");
    let problem = x.problem.clone().unwrap();
    for named in ["Unexpected next IFD", "Invalid pointer", "Truncated"] {
        assert!(problem.contains(named), "{problem}");
    }
    assert_eq!(x.orientation, 6);
    assert_eq!(x.taken_local.as_deref(), Some("2026-11-28T10:30:00"));
    assert_eq!(x.taken_at_ms, Some(1_795_833_000_000), "10:30 at +08:00");
    assert!((x.latitude.unwrap() - 31.230_416).abs() < 1e-6, "{x:?}");
    assert!((x.longitude.unwrap() - 121.473_701).abs() < 1e-6);
    assert_eq!((x.make, x.model.as_deref()), (None, Some("Pixel 7")));
    // With the orientation read, the portrait's copy is upright, not sideways.
    assert_eq!((e.width, e.height), (Some(400), Some(300)));
    let shown = b.shown(&e);
    assert_eq!(shown.dimensions(), (300, 400));
    assert!(upright(&shown));
    assert_eq!(e.content, ContentStatus::Readable);
    b.intact(&e);
}

#[test]
fn a_nokia_gps_in_signed_rationals_is_read() {
    let mut b = bench();
    let tiff = field::nokia_tiff(None);
    let bytes = images::jpeg_with_raw_exif(&images::scene(64, 48), &tiff);
    // What the phone wrote: SRATIONAL (type 10) where EXIF says RATIONAL.
    let read = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&bytes))
        .unwrap();
    let lat = read
        .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
        .unwrap();
    assert!(matches!(lat.value, exif::Value::SRational(_)));

    let e = b
        .add_file("nokia.jpg", &bytes, EvidenceKind::Scene)
        .unwrap();
    let x = e.exif.unwrap();
    assert_eq!(x.status.as_str(), "present");
    assert!((x.latitude.unwrap() - NOKIA_AT.0).abs() < 1e-6, "{x:?}");
    assert!((x.longitude.unwrap() - NOKIA_AT.1).abs() < 1e-6);
    assert_eq!(x.altitude_m, Some(21.5));
    assert_eq!(x.model.as_deref(), Some("Nokia 8.3 5G"));

    // Degrees and decimal minutes with seconds written 0/0, as other phones do.
    let tiff = field::nokia_tiff(Some((0, 0)));
    let bytes = images::jpeg_with_raw_exif(&images::scene(64, 48), &tiff);
    let x = b
        .add_file("dm.jpg", &bytes, EvidenceKind::Scene)
        .unwrap()
        .exif
        .unwrap();
    assert!((x.latitude.unwrap() - NOKIA_AT.0).abs() < 1e-6, "{x:?}");
    assert!((x.longitude.unwrap() - NOKIA_AT.1).abs() < 1e-6);
}

#[test]
fn a_damaged_jpeg_is_kept_with_copies_of_what_decodes() {
    let mut b = bench();
    let whole = field::jpeg_with_restarts(&images::scene(320, 240), 4);
    assert!(field::restart_markers(&whole).len() > 8);
    let damaged = field::with_restart_damaged(&whole, 4);
    let refused = jpeg_decoder::Decoder::new(&damaged[..])
        .decode()
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("found marker RES inside scan where RST4 was expected"),
        "{refused}"
    );

    let e = b
        .add_file("damaged.jpg", &damaged, EvidenceKind::Goods)
        .unwrap();
    assert_eq!(b.blob(&e.sha256), damaged, "the original, byte for byte");
    assert_eq!(e.content, ContentStatus::Damaged);
    assert!(e.content_problem.as_ref().unwrap().contains("RST4"));
    let shown = b.shown(&e);
    assert_eq!(shown.dimensions(), (320, 240));
    assert!(upright(&shown), "the picture as image viewers show it");
    assert!(e.no_display_copy.is_none());
    b.intact(&e);

    // Cut off halfway: the top half decodes, the rest is grey.
    let plain = images::jpeg(&images::scene(200, 160), &Exif::default());
    let cut = b
        .add_file("cut.jpg", &images::truncated(&plain), EvidenceKind::Scene)
        .unwrap();
    assert_eq!(cut.content, ContentStatus::Damaged, "{cut:?}");
    let shown = b.shown(&cut);
    let [top_left, top_right, _, _] =
        images::quadrant_colours(shown.as_raw(), shown.width(), shown.height());
    assert_eq!((top_left, top_right), (Colour::Red, Colour::Green));
    b.intact(&cut);
}

#[test]
fn a_jpeg_nothing_decodes_is_kept_without_copies_saying_why() {
    let mut b = bench();
    let plain = images::jpeg(&images::scene(200, 160), &Exif::default());
    let sos = (0..plain.len() - 1)
        .find(|&i| plain[i] == 0xFF && plain[i + 1] == 0xDA)
        .unwrap();
    for (name, bytes) in [("no-scan.jpg", &plain[..sos]), ("head.jpg", &plain[..12])] {
        let events = b.device.verify_chain().unwrap().events;
        let e = b.add_file(name, bytes, EvidenceKind::Scene).unwrap();
        assert_eq!(
            b.device.verify_chain().unwrap().events,
            events + 1,
            "{name}"
        );
        assert_eq!(b.blob(&e.sha256), bytes, "{name}");
        assert_eq!(e.content, ContentStatus::Unreadable, "{name}: {e:?}");
        let reason = e.no_display_copy.clone().unwrap();
        assert!(reason.contains("JPEG"), "{name}: {reason}");
        assert_eq!(e.content_problem, Some(reason));
        assert!(e.display.is_none() && e.thumbnail.is_none());
        let codes = b.intact(&e);
        assert!(codes.contains(&"original.hash.match".to_string()));
        let shared = b.device.export_redacted(&e.id, &b.files.join("x.jpg"));
        assert!(shared.unwrap_err().to_string().contains("no copy"));
    }
}

/// EXIF of a HEIC as an iPhone writes it: orientation 6 (its pixels are stored sideways and
/// turned by the HEIF's own `irot`), the capture time and GPS.
fn iphone_tiff() -> Vec<u8> {
    field::tiff(
        vec![
            field::ascii(0x010F, "Apple"),
            field::ascii(0x0110, "iPhone 15"),
            field::short(0x0112, 6),
        ],
        vec![
            field::ascii(0x9003, "2026:11:28 10:30:00"),
            field::ascii(0x9011, "+08:00"),
        ],
        vec![
            field::ascii(0x0001, "N"),
            field::rationals(0x0002, &field::dms(28.194_2)),
            field::ascii(0x0003, "E"),
            field::rationals(0x0004, &field::dms(112.982_3)),
        ],
        [0, 0, 0],
    )
}

#[test]
fn a_heic_is_kept_and_its_copies_come_from_the_rendition() {
    let mut b = bench();
    let heic = field::heif_with_exif(&iphone_tiff());
    // The platform's rendering: upright pixels, no EXIF (Android's Bitmap.compress).
    let jpeg = images::jpeg(&images::scene(300, 400), &Exif::default());
    let mut new = b.new_evidence(&b.file("IMG_0001.HEIC", &heic), EvidenceKind::Scene);
    new.rendition = Some(b.file("IMG_0001.jpg", &jpeg).to_string_lossy().into_owned());
    let e = b.device.add_evidence(&new).unwrap();

    assert_eq!(e.media_type.as_str(), "image/heic");
    assert_eq!(b.blob(&e.sha256), heic, "the HEIC is the original");
    let x = e.exif.clone().unwrap();
    assert_eq!(x.status.as_str(), "present", "{x:?}");
    assert_eq!(x.orientation, 6);
    assert_eq!(x.model.as_deref(), Some("iPhone 15"));
    assert_eq!(x.taken_at_ms, Some(1_795_833_000_000));
    assert!((x.latitude.unwrap() - 28.194_2).abs() < 1e-6);
    let rendition = e.rendition.clone().unwrap();
    assert_eq!(rendition.sha256, sha256(&jpeg));
    assert_eq!((rendition.width, rendition.height), (300, 400));
    assert_eq!(b.blob(&rendition.sha256), jpeg);
    // Turned by the rendition's own orientation (none): not again by the HEIC's.
    let shown = b.shown(&e);
    assert_eq!(shown.dimensions(), (300, 400));
    assert!(upright(&shown));
    assert!(e.thumbnail.is_some() && e.no_display_copy.is_none());
    let codes = b.intact(&e);
    assert!(
        codes.contains(&"rendition.hash.match".to_string()),
        "{codes:?}"
    );

    // The same photo captioned in another case; its shared copy is made again from the
    // rendition, without the caption: the plain display copy's bytes.
    b.case = b.device.open_case(&complaint(2)).unwrap().number;
    let mut captioned = new.clone();
    captioned.case_id = b.case.clone();
    captioned.caption = true;
    let c = b.device.add_evidence(&captioned).unwrap();
    let manifest = b
        .device
        .export_redacted(&c.id, &b.files.join("shared.jpg"))
        .unwrap();
    assert_eq!(manifest.exported_sha256, e.display.as_ref().unwrap().sha256);

    // A rendition altered on the device: the link no longer holds.
    let stored = b.device.blob_path(&rendition.sha256).unwrap();
    let mut bytes = std::fs::read(&stored).unwrap();
    bytes[200] ^= 0x10;
    std::fs::write(&stored, bytes).unwrap();
    let report = b.device.verify_evidence(&e.id).unwrap();
    assert!(!report.intact);
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.code == "rendition.hash.mismatch")
    );
}

#[test]
fn a_heic_without_a_rendition_is_kept_and_a_rendition_fits_only_a_heic() {
    let mut b = bench();
    let heic = field::heif_with_exif(&iphone_tiff());
    let e = b
        .add_file("IMG_0002.HEIC", &heic, EvidenceKind::Scene)
        .unwrap();
    assert_eq!(e.exif.as_ref().unwrap().model.as_deref(), Some("iPhone 15"));
    assert!(e.display.is_none());
    assert!(e.no_display_copy.as_ref().unwrap().contains("rendition"));
    assert_eq!(e.content, ContentStatus::Readable);
    b.intact(&e);

    // Only the start of a HEIC (its meta box cut off): kept, flagged.
    let cut = b
        .add_file("cut.heic", &images::heic_header(), EvidenceKind::Scene)
        .unwrap();
    assert_eq!(cut.content, ContentStatus::Unreadable);
    assert!(cut.content_problem.unwrap().contains("meta"));

    let jpeg = images::jpeg(&images::scene(60, 40), &Exif::default());
    let png = images::png_screenshot(40, 60);
    let cases = [
        ("a.jpg", &jpeg, "b.jpg", &jpeg, "HEIC"),
        ("c.heic", &heic, "d.png", &png, "JPEG"),
    ];
    let events = b.device.verify_chain().unwrap().events;
    for (name, bytes, rendition, its_bytes, says) in cases {
        let mut new = b.new_evidence(&b.file(name, bytes), EvidenceKind::Scene);
        new.rendition = Some(b.file(rendition, its_bytes).to_string_lossy().into_owned());
        let e = b.device.add_evidence(&new).unwrap_err();
        assert!(
            matches!(&e, Error::Invalid { field, reason, .. } if field == "rendition" && reason.contains(says)),
            "{name}: {e}"
        );
    }
    assert_eq!(b.device.verify_chain().unwrap().events, events);
}

#[test]
fn a_big_16_bit_png_is_decoded_within_budget() {
    let mut b = bench();
    let png = field::big_png_16bit(7000, 7000);
    assert!(png.len() < 4_000_000, "{} bytes", png.len());
    let e = b
        .add_file("big.png", &png, EvidenceKind::Screenshot)
        .unwrap();
    assert_eq!((e.width, e.height), (Some(7000), Some(7000)));
    assert_eq!(e.content, ContentStatus::Readable, "{e:?}");
    // Reduced 4:1 row by row as it was read (never 392 MB at once), then kept at that size.
    let shown = b.shown(&e);
    assert_eq!(shown.dimensions(), (1750, 1750));
    assert!(upright(&shown));
    b.intact(&e);
}

#[test]
fn a_png_over_the_budget_is_kept_and_only_its_copies_refused() {
    let mut b = bench();
    // Interlaced: its seven passes need the whole frame at once, 6000 × 6000 × 4 = 144 MB.
    let png = field::interlaced_png(6000, 6000);
    let e = b
        .add_file("interlaced.png", &png, EvidenceKind::Document)
        .unwrap();
    assert_eq!(b.blob(&e.sha256), png);
    assert!(e.display.is_none() && e.thumbnail.is_none());
    let reason = e.no_display_copy.clone().unwrap();
    assert!(reason.contains("over the 64 MB budget"), "{reason}");
    // 144 MB of frame and 12 MB of reduced picture: refused before any of it is allocated.
    assert!(reason.contains("needs 149 MB"), "{reason}");
    assert_eq!(
        e.content,
        ContentStatus::Readable,
        "the file is fine; only big"
    );
    b.intact(&e);

    // Cut off part-way: the rows before the cut make the copies.
    let whole = images::png_screenshot(300, 600);
    let cut = b
        .add_file(
            "cut.png",
            &whole[..whole.len() * 2 / 3],
            EvidenceKind::Screenshot,
        )
        .unwrap();
    assert_eq!(cut.content, ContentStatus::Damaged, "{cut:?}");
    assert!(cut.content_problem.unwrap().contains("rows"));
    assert!(cut.display.is_some());
}

#[test]
fn broken_recordings_are_kept_and_flagged_unreadable() {
    let mut b = bench();
    for (name, bytes) in field::broken_m4a() {
        assert!((48..=152).contains(&bytes.len()), "{name}: {}", bytes.len());
        let e = b.add_file(name, &bytes, EvidenceKind::Recording).unwrap();
        assert_eq!(b.blob(&e.sha256), bytes);
        assert_eq!(e.content, ContentStatus::Unreadable, "{name}");
        let problem = e.content_problem.clone().unwrap();
        assert!(problem.contains("box"), "{name}: {problem}");
        assert_eq!(e.duration_ms, None);
        b.intact(&e);
    }
    let good = b
        .add_file("talk.m4a", &images::m4a(95), EvidenceKind::Recording)
        .unwrap();
    assert_eq!(
        (good.content, good.content_problem, good.duration_ms),
        (ContentStatus::Readable, None, Some(95_000))
    );
}

/// Sets a file's modification time `age` into the past.
fn age(path: &Path, age: Duration) {
    let file = File::options().append(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
}

fn blob_files(store: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(store.join("blobs")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|f| f.unwrap().path()));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn blobs_left_by_an_interrupted_intake_are_swept_after_an_hour() {
    let mut b = bench();
    let kept = b
        .add_file(
            "kept.jpg",
            &images::jpeg(&images::scene(480, 360), &Exif::default()),
            EvidenceKind::Scene,
        )
        .unwrap();
    let named = blob_files(&b.store);
    assert_eq!(named.len(), 3, "original, display copy, thumbnail");

    // An intake killed after its files were copied and its copies made, before its event.
    let case = b.device.case(&b.case).unwrap();
    let interrupted = |b: &Bench, name: &str, width: u32| {
        let photo = images::jpeg(&images::scene(width, 360), &Exif::default());
        let new = b.new_evidence(&b.file(name, &photo), EvidenceKind::Scene);
        let capture = evidence::Capture {
            case_id: case.id.parse().unwrap(),
            case_number: &case.number,
            trusted_ms: 1_795_833_000_000,
            device_fix: None,
        };
        let blobs = Blobs::in_store(&b.store);
        evidence::prepare(&blobs, &new, &capture, &MediaLimits::default()).unwrap()
    };
    let old = interrupted(&b, "old.jpg", 500);
    let fresh = interrupted(&b, "fresh.jpg", 520);
    let temp = b.store.join("blobs").join(".0190f0a1-cut-short.tmp");
    std::fs::write(&temp, b"half a copy").unwrap();
    let two_hours = Duration::from_secs(2 * 60 * 60);
    for path in blob_files(&b.store) {
        if !fresh
            .blobs()
            .iter()
            .any(|(_, sha)| path.ends_with(sha.to_hex()))
        {
            age(&path, two_hours); // everything but the fresh intake's files, named ones too
        }
    }
    let orphans = |b: &Bench, body: &evidence::events::EvidenceCaptured| {
        body.blobs()
            .iter()
            .filter(|(_, sha)| {
                b.store
                    .join("blobs")
                    .join(&sha.to_hex()[..2])
                    .join(sha.to_hex())
                    .exists()
            })
            .count()
    };
    assert_eq!((orphans(&b, &old), orphans(&b, &fresh)), (3, 3));

    drop(std::mem::replace(&mut b.device, device_in(&b.store)));
    assert_eq!(orphans(&b, &old), 0, "over an hour old and unnamed: swept");
    assert!(!temp.exists(), "a temporary file cut off mid-copy: swept");
    assert_eq!(
        orphans(&b, &fresh),
        3,
        "an intake that may still be under way: kept"
    );
    assert!(
        named.iter().all(|p| p.exists()),
        "named blobs are never swept"
    );
    b.intact(&kept);

    // The same photo stored again refreshes its file: an old orphan about to be named by an
    // intake under way is not swept under it.
    for (_, sha) in fresh.blobs() {
        age(
            &b.store
                .join("blobs")
                .join(&sha.to_hex()[..2])
                .join(sha.to_hex()),
            two_hours,
        );
    }
    let again = interrupted(&b, "fresh.jpg", 520);
    assert_eq!(again.original.sha256, fresh.original.sha256);
    drop(std::mem::replace(&mut b.device, device_in(&b.store)));
    assert_eq!(orphans(&b, &fresh), 3);
}
