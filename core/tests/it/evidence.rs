//! Evidence through a real store with real files: JPEGs made with known EXIF (every
//! orientation, GPS in both hemispheres, none, corrupt), a header claiming 4 GP, a PNG
//! screenshot, m4a and mp4 recordings; and tampering with blobs and event rows, caught by the
//! verifier. Files as field devices damage them: `evidence_field.rs`.

use std::path::Path;

use crate::common::evidence_bench::{Bench, bench};
use redshield_core::Error;
use redshield_core::evidence::{Evidence, EvidenceKind, NewEvidence};
use redshield_testkit::complaint;
use redshield_testkit::images::{self, Exif};

impl Bench {
    fn add(&mut self, path: &Path, kind: EvidenceKind, caption: bool) -> Result<Evidence, Error> {
        self.device.add_evidence(&NewEvidence {
            note: Some("货架第三排".into()),
            caption,
            ..self.new_evidence(path, kind)
        })
    }

    fn events(&self) -> u64 {
        self.device.verify_chain().unwrap().events
    }

    fn blob_files(&self) -> usize {
        let root = self.store.join("blobs");
        std::fs::read_dir(&root).map_or(0, |dirs| {
            dirs.map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().count())
                .sum()
        })
    }
}

fn decode(jpeg: &[u8]) -> image::RgbImage {
    let mut decoder = jpeg_decoder::Decoder::new(jpeg);
    let pixels = decoder.decode().unwrap();
    let info = decoder.info().unwrap();
    image::RgbImage::from_raw(u32::from(info.width), u32::from(info.height), pixels).unwrap()
}

fn has_exif(jpeg: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(jpeg))
        .is_ok()
}

#[test]
fn every_orientation_gives_an_upright_copy_and_the_original_untouched() {
    let mut b = bench();
    let scene = images::scene(400, 300);
    for orientation in 1..=8u16 {
        let bytes = images::jpeg(
            &scene,
            &Exif {
                orientation: Some(orientation),
                ..Exif::default()
            },
        );
        let path = b.file(&format!("o{orientation}.jpg"), &bytes);
        let e = b.add(&path, EvidenceKind::Goods, false).unwrap();
        assert_eq!(b.blob(&e.sha256), bytes, "the original, byte for byte");
        assert_eq!(e.exif.as_ref().unwrap().orientation, orientation);
        let display = e.display.as_ref().unwrap();
        assert_eq!(
            (display.width, display.height),
            (400, 300),
            "o{orientation}"
        );
        let shown = decode(&b.blob(&display.sha256));
        assert!(
            images::is_upright(shown.as_raw(), shown.width(), shown.height()),
            "orientation {orientation}"
        );
        let thumb = e.thumbnail.as_ref().unwrap();
        assert_eq!((thumb.width, thumb.height), (320, 240));
        let t = decode(&b.blob(&thumb.sha256));
        assert!(images::is_upright(t.as_raw(), t.width(), t.height()));
        assert!(
            !has_exif(&b.blob(&display.sha256)),
            "no metadata in the copy"
        );
    }
}

#[test]
fn exif_is_read_gps_in_both_hemispheres_and_none_or_corrupt_is_no_error() {
    let mut b = bench();
    let scene = images::scene(64, 48);
    let sydney = images::jpeg(
        &scene,
        &Exif {
            gps: Some((-33.856_784, 151.215_297, Some(58.5))),
            gps_accuracy_m: Some(4.0),
            taken: Some("2026:11:28 10:30:00"),
            offset: Some("+11:00"),
            make: Some("HUAWEI"),
            model: Some("Mate 60"),
            software: Some("Camera 14"),
            ..Exif::default()
        },
    );
    let e = b
        .add(&b.file("sydney.jpg", &sydney), EvidenceKind::Scene, false)
        .unwrap();
    let x = e.exif.unwrap();
    assert!((x.latitude.unwrap() + 33.856_784).abs() < 1e-6, "{x:?}");
    assert!((x.longitude.unwrap() - 151.215_297).abs() < 1e-6);
    assert!((x.altitude_m.unwrap() - 58.5).abs() < 0.01);
    assert_eq!(x.gps_accuracy_m, Some(4.0));
    assert_eq!(x.taken_local.as_deref(), Some("2026-11-28T10:30:00"));
    // 10:30 at +11:00 is 23:30 UTC the day before.
    assert_eq!(x.taken_at_ms, Some(1_795_822_200_000));
    assert_eq!(
        (x.make.as_deref(), x.model.as_deref()),
        (Some("HUAWEI"), Some("Mate 60"))
    );

    let new_york = images::jpeg(
        &scene,
        &Exif {
            gps: Some((40.689_247, -74.044_502, Some(-3.0))),
            ..Exif::default()
        },
    );
    let x = b
        .add(&b.file("ny.jpg", &new_york), EvidenceKind::Scene, false)
        .unwrap()
        .exif
        .unwrap();
    assert!((x.latitude.unwrap() - 40.689_247).abs() < 1e-6);
    assert!((x.longitude.unwrap() + 74.044_502).abs() < 1e-6);
    assert!(
        (x.altitude_m.unwrap() + 3.0).abs() < 0.01,
        "below sea level"
    );
    assert_eq!(x.taken_at_ms, None);

    let bare = images::jpeg(&images::scene(60, 40), &Exif::default());
    let none = b
        .add(&b.file("bare.jpg", &bare), EvidenceKind::Scene, false)
        .unwrap();
    assert_eq!(none.exif.unwrap().status.as_str(), "absent");
    assert!(none.display.is_some());

    let corrupt = images::jpeg_with_corrupt_exif(&images::scene(70, 50));
    let damaged = b
        .add(&b.file("corrupt.jpg", &corrupt), EvidenceKind::Scene, false)
        .unwrap();
    let x = damaged.exif.unwrap();
    assert_eq!(x.status.as_str(), "corrupt");
    assert!(x.problem.is_some());
    assert_eq!(damaged.display.unwrap().width, 70);
}

#[test]
fn bad_files_are_refused_before_decoding_and_nothing_is_recorded() {
    let mut b = bench();
    let events = b.events();
    // A damaged photo, a HEIC, a broken recording are kept (`evidence_field.rs`); a file
    // over the limits, of no known type, or of the wrong kind is not.
    let cases: Vec<(&str, Vec<u8>, EvidenceKind, &str)> = vec![
        ("huge.jpg", images::huge_header(), EvidenceKind::Scene, "MP"),
        (
            "huge.png",
            images::huge_png_header(),
            EvidenceKind::Screenshot,
            "MP",
        ),
        (
            "photo.heic",
            images::heic_header(),
            EvidenceKind::Recording,
            "kind",
        ),
        ("text.txt", b"hello".to_vec(), EvidenceKind::Scene, "JPEG"),
        (
            "shot.png",
            images::png_screenshot(50, 80),
            EvidenceKind::Scene,
            "kind",
        ),
        ("talk.m4a", images::m4a(12), EvidenceKind::Scene, "kind"),
    ];
    for (name, bytes, kind, says) in cases {
        let e = b.add(&b.file(name, &bytes), kind, false).unwrap_err();
        assert!(matches!(e, Error::Invalid { .. }), "{name}: {e}");
        assert!(e.to_string().contains(says), "{name}: {e}");
    }
    assert_eq!(b.events(), events, "no event for a refused file");
    let missing = b.add(&b.files.join("none.jpg"), EvidenceKind::Scene, false);
    assert!(matches!(missing, Err(Error::File { .. })));
}

#[test]
fn screenshots_recordings_and_the_same_file_twice() {
    let mut b = bench();
    let png = images::png_screenshot(1080, 2400);
    let shot = b
        .add(&b.file("order.png", &png), EvidenceKind::Screenshot, false)
        .unwrap();
    assert_eq!(shot.media_type.as_str(), "image/png");
    let display = shot.display.unwrap();
    assert_eq!((display.width, display.height), (922, 2048));

    for (name, bytes, seconds) in [
        ("talk.m4a", images::m4a(95), 95),
        ("scene.mp4", images::mp4(600), 600),
    ] {
        let e = b
            .add(&b.file(name, &bytes), EvidenceKind::Recording, false)
            .unwrap();
        assert_eq!(e.duration_ms, Some(seconds * 1000), "{name}");
        assert!(e.display.is_none() && e.thumbnail.is_none() && e.exif.is_none());
        assert_eq!(b.blob(&e.sha256), bytes);
    }

    let events = b.events();
    let blobs = b.blob_files();
    let again = b
        .add(
            &b.file("order-again.png", &png),
            EvidenceKind::Screenshot,
            false,
        )
        .unwrap();
    assert_eq!(
        again.id, shot.id,
        "the same bytes in the same case: the same evidence"
    );
    assert_eq!((b.events(), b.blob_files()), (events, blobs));
    let listed = b.device.evidence_of_case(&b.case).unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0].note.as_deref(), Some("货架第三排"));
}

#[test]
fn a_caption_goes_into_the_display_copy_only() {
    let mut b = bench();
    let photo = images::jpeg(
        &images::scene(1200, 900),
        &Exif {
            gps: Some((28.194_2, 112.982_3, None)),
            ..Exif::default()
        },
    );
    let plain = b
        .add(&b.file("a.jpg", &photo), EvidenceKind::Scene, false)
        .unwrap();
    // Another case, so the same bytes make new evidence.
    b.case = b.device.open_case(&complaint(2)).unwrap().number;
    let captioned = b
        .add(&b.file("b.jpg", &photo), EvidenceKind::Scene, true)
        .unwrap();
    assert_eq!(captioned.sha256, plain.sha256, "one original");
    let (p, c) = (plain.display.unwrap(), captioned.display.unwrap());
    assert_ne!(p.sha256, c.sha256);
    assert_eq!(c.caption.len(), 3);
    assert_eq!(c.caption[0], b.case);
    assert!(
        c.caption[2].starts_with("N 28.19420 E 112.98230"),
        "{:?}",
        c.caption
    );
    assert_eq!(
        plain.thumbnail.unwrap().sha256,
        captioned.thumbnail.unwrap().sha256,
        "the thumbnail carries no caption"
    );

    // The redacted copy: no caption, no metadata; the manifest says what went.
    let out = b.files.join("shared.jpg");
    let manifest = b.device.export_redacted(&captioned.id, &out).unwrap();
    let shared = std::fs::read(&out).unwrap();
    assert_eq!(
        manifest.exported_sha256, p.sha256,
        "the uncaptioned copy, made again"
    );
    assert!(!has_exif(&shared));
    let removed = manifest.removed.join("; ");
    assert!(
        removed.contains("GPS") && removed.contains("caption"),
        "{removed}"
    );
    assert!(Path::new(&manifest.manifest_path).exists());
}

#[test]
fn the_verifier_catches_tampering_with_blobs_and_events() {
    let mut b = bench();
    let photo = images::jpeg(&images::scene(300, 200), &Exif::default());
    let first = b
        .add(&b.file("1.jpg", &photo), EvidenceKind::Scene, false)
        .unwrap();
    let second_photo = images::jpeg(&images::scene(200, 300), &Exif::default());
    let second = b
        .add(&b.file("2.jpg", &second_photo), EvidenceKind::Goods, false)
        .unwrap();
    let codes = |report: &redshield_core::evidence::verify::EvidenceReport| {
        report
            .checks
            .iter()
            .map(|c| c.code.clone())
            .collect::<Vec<_>>()
    };
    let report = b.device.verify_evidence(&first.id).unwrap();
    assert!(report.intact, "{report:?}");
    for code in [
        "event.hash.match",
        "event.signature.valid",
        "event.body.match",
        "chain.intact",
        "original.hash.match",
        "display.hash.match",
        "thumbnail.hash.match",
    ] {
        assert!(codes(&report).contains(&code.to_string()), "{code}");
    }

    // One byte of the original changed on disk.
    let original = b.device.blob_path(&first.sha256).unwrap();
    let mut bytes = std::fs::read(&original).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&original, &bytes).unwrap();
    let report = b.device.verify_evidence(&first.id).unwrap();
    assert!(!report.intact);
    assert!(codes(&report).contains(&"original.hash.mismatch".into()));

    // A display copy deleted.
    let display = second.display.unwrap();
    std::fs::remove_file(b.device.blob_path(&display.sha256).unwrap()).unwrap();
    let report = b.device.verify_evidence(&second.id).unwrap();
    assert!(codes(&report).contains(&"display.blob.missing".into()));

    // The first evidence event's signed bytes rewritten in the database: its hash no longer
    // matches, and the chain is broken from there for everything after it.
    let conn = b.device.connection();
    conn.execute(
        "UPDATE events SET canonical = CAST(replace(CAST(canonical AS TEXT), 'scene', 'other') AS BLOB)
         WHERE seq = ?1",
        [first.seq as i64],
    )
    .unwrap();
    let report = b.device.verify_evidence(&first.id).unwrap();
    assert!(
        codes(&report).contains(&"event.hash.mismatch".into()),
        "{report:?}"
    );
    let later = b.device.verify_evidence(&second.id).unwrap();
    assert!(codes(&later).contains(&"chain.broken".into()), "{later:?}");
    assert!(codes(&later).contains(&"event.signature.valid".into()));

    // A signature replaced.
    conn.execute(
        "UPDATE events SET signature = zeroblob(64) WHERE seq = ?1",
        [second.seq as i64],
    )
    .unwrap();
    let report = b.device.verify_evidence(&second.id).unwrap();
    assert!(codes(&report).contains(&"event.signature.invalid".into()));
    let all = b.device.verify_all_evidence().unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|r| !r.intact));
}

/// Damaged photos of every kind give an answer or a clear error — never a panic, and never a
/// half-recorded piece: every evidence recorded still verifies.
#[test]
fn no_damaged_jpeg_makes_the_intake_panic() {
    let mut b = bench();
    let good = images::jpeg(
        &images::scene(96, 64),
        &Exif {
            orientation: Some(6),
            gps: Some((28.2, 112.9, Some(40.0))),
            ..Exif::default()
        },
    );
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..150 {
        let mut bytes = good.clone();
        match round % 3 {
            0 => bytes.truncate(next() as usize % bytes.len()),
            1 => {
                let at = next() as usize % bytes.len();
                bytes[at] = next() as u8;
            }
            _ => {
                for _ in 0..8 {
                    let at = next() as usize % bytes.len();
                    bytes[at] ^= 1 << (next() % 8);
                }
            }
        }
        let path = b.file(&format!("damaged-{round}.jpg"), &bytes);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            b.add(&path, EvidenceKind::Scene, true)
        }));
        match outcome {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => assert!(matches!(e, Error::Invalid { .. }), "round {round}: {e}"),
            Err(_) => panic!("round {round}: the intake panicked"),
        }
    }
    assert!(
        b.device
            .verify_all_evidence()
            .unwrap()
            .iter()
            .all(|r| r.intact)
    );
}
