//! The fuzz targets' corpora (`fuzz/corpus/<target>/`) and every crash the fuzzer found
//! (`fuzz/regressions/<target>/`), run in the normal suite through the very entry points the
//! targets call (`redshield_core::fuzzing`): each file must come back, `Ok` or a typed error,
//! never a panic. Each crash fixed also has its own test below, which fails without the fix.
//!
//! `write_seeds` (ignored; README "Fuzzing") writes the seed files the corpora started from,
//! built from the suite's own test files.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use redshield_core::fuzzing::{Scratch, Target};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, by name (none if the directory is absent).
fn files(kind: &str, target: Target) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target.name());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

/// On a RAM disk where there is one: each input copies a store, and fsyncs on a disk would be
/// most of the test's time.
fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    }
}

#[test]
fn every_corpus_and_crash_file_comes_back_without_a_panic() {
    let dir = scratch_dir();
    let scratch = Scratch::new(&dir.path().join("scratch")).unwrap();
    let mut ran = 0;
    let mut panicked = Vec::new();
    for target in Target::ALL {
        let corpus = files("corpus", target);
        assert!(!corpus.is_empty(), "no corpus for {}", target.name());
        for path in corpus.iter().chain(&files("regressions", target)) {
            let data = std::fs::read(path).unwrap();
            ran += 1;
            if catch_unwind(AssertUnwindSafe(|| target.run(&scratch, &data))).is_err() {
                panicked.push(path.display().to_string());
            }
        }
    }
    assert!(
        panicked.is_empty(),
        "{} of {ran} panicked: {panicked:#?}",
        panicked.len()
    );
}

/// The seed files, from the suite's own test files. Writes into `fuzz/corpus/`; run by hand:
/// `cargo test -p redshield-core --test fuzz_corpus -- --ignored write_seeds`.
#[test]
#[ignore]
fn write_seeds() {
    let out = fuzz_dir().join("corpus");
    for (target, seeds) in [
        (Target::Jpeg, seeds::jpeg()),
        (Target::Png, seeds::png()),
        (Target::Gpx, seeds::gpx()),
        (Target::Geojson, seeds::geojson()),
        (Target::Protocol, seeds::protocol()),
        (Target::Event, seeds::event()),
    ] {
        let dir = out.join(target.name());
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in seeds {
            std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
        }
    }
}

mod seeds {
    use images::Exif;
    use redshield_core::events::Digest;
    use redshield_core::events::canonical;
    use redshield_core::sync::protocol::{
        Attachment, BlobReceipt, ErrorBody, PROTOCOL, Push, PushReceipt, Refusal, RefusalCode,
        ServerEvent, ServerEventBody, ServerEvents,
    };
    use redshield_core::trips::{Fix, NewTrip, Purpose};
    use redshield_testkit::{complaint, device_in, field_files, images};
    use serde_json::{Value, json};
    use uuid::Uuid;

    type Seeds = Vec<(&'static str, Vec<u8>)>;

    pub fn jpeg() -> Seeds {
        let scene = images::scene(48, 32);
        let phone = images::jpeg(&scene, &Exif::phone());
        let restarts = field_files::jpeg_with_restarts(&scene, 2);
        vec![
            ("phone-exif.jpg", phone.clone()),
            ("no-exif.jpg", images::jpeg(&scene, &Exif::default())),
            ("corrupt-exif.jpg", images::jpeg_with_corrupt_exif(&scene)),
            (
                "broken-exif-links.jpg",
                field_files::photo_with_broken_exif_links(&scene),
            ),
            (
                "nokia-srational-gps.jpg",
                images::jpeg_with_raw_exif(&scene, &field_files::nokia_tiff(Some((0, 0)))),
            ),
            (
                "restart-damaged.jpg",
                field_files::with_restart_damaged(&restarts, 1),
            ),
            ("restarts.jpg", restarts),
            ("truncated.jpg", images::truncated(&phone)),
            ("huge-header.jpg", images::huge_header()),
        ]
    }

    pub fn png() -> Seeds {
        let screenshot = images::png_screenshot(40, 64);
        vec![
            ("truncated.png", screenshot[..screenshot.len() / 2].to_vec()),
            ("screenshot.png", screenshot),
            ("interlaced.png", field_files::interlaced_png(24, 16)),
            ("16-bit-rgba.png", field_files::big_png_16bit(24, 16)),
            ("huge-header.png", images::huge_png_header()),
        ]
    }

    /// The first `points` track points of a test file, closed again.
    fn head_of(name: &str, points: usize) -> Vec<u8> {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let start = text.find("<trkpt").unwrap();
        let kept: Vec<&str> = text[start..].split_inclusive("</trkpt>").collect();
        let body = kept[..points.min(kept.len() - 1)].concat();
        format!("{}{body}\n</trkseg></trk></gpx>\n", &text[..start]).into_bytes()
    }

    pub fn gpx() -> Seeds {
        let point = |t: u32, more: &str| {
            format!(
                r#"<trkpt lat="30.57{t:02}" lon="104.06{t:02}"><time>2024-05-14T02:00:{t:02}Z</time>{more}</trkpt>"#
            )
        };
        let v10 = format!(
            r#"<?xml version="1.0"?><gpx version="1.0" creator="logger" xmlns="http://www.topografix.com/GPX/1/0"><trk><trkseg>{}{}</trkseg><trkseg>{}</trkseg></trk></gpx>"#,
            point(1, "<speed>12.5</speed><hdop>0</hdop>"),
            point(2, "<ele>-3</ele><hdop>-1</hdop>"),
            point(3, ""),
        );
        let extensions = format!(
            r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{}{}</trkseg></trk><wpt lat="1" lon="2"/></gpx>"#,
            point(
                1,
                "<extensions><gpxtpx:TrackPointExtension xmlns:gpxtpx=\"x\"><gpxtpx:hr>90</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>"
            ),
            point(4, ""),
        );
        let truncated = std::fs::read(format!(
            "{}/tests/data/truncated.gpx",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        vec![
            ("drive.gpx", head_of("drive.gpx", 40)),
            ("parked.gpx", head_of("parked.gpx", 20)),
            ("truncated.gpx", truncated[..2500].to_vec()),
            ("gpx-1.0.gpx", v10.into_bytes()),
            ("extensions.gpx", extensions.into_bytes()),
        ]
    }

    pub fn geojson() -> Seeds {
        let square = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "长沙市区"},
   "geometry": {"type": "Polygon", "coordinates": [[[112.90, 28.10], [113.10, 28.10],
      [113.10, 28.30], [112.90, 28.30], [112.90, 28.10]]]}}]}"#;
        let multi = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "芙蓉区"}, "geometry": {"type": "MultiPolygon",
             "coordinates": [[[[113.0, 28.1], [113.1, 28.1], [113.1, 28.2], [113.0, 28.2], [113.0, 28.1]],
                              [[113.02, 28.12], [113.05, 28.12], [113.05, 28.15], [113.02, 28.12]]],
                             [[[-180, -90], [180, -90], [180, 90], [-180, -90]]]]}},
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
             "coordinates": [[[0, 0], [0, 0], [0, 0], [0, 0]]]}}]});
        let point = r#"{"type": "FeatureCollection", "features": [{"geometry": {"type": "Point", "coordinates": [1, 2]}}]}"#;
        vec![
            ("square.geojson", square.as_bytes().to_vec()),
            ("multi-with-hole.geojson", multi.to_string().into_bytes()),
            ("point.geojson", point.as_bytes().to_vec()),
        ]
    }

    /// A device's first events, as its outbox pushes them: sign-in, a case, a trip.
    fn pushed() -> Push {
        let dir = tempfile::tempdir().unwrap();
        let mut device = device_in(&dir.path().join("store"));
        device.open_case(&complaint(1)).unwrap();
        let t0 = 1_715_652_000_000;
        let fixes: Vec<Fix> = (0..4)
            .map(|i| {
                Fix::at(
                    30.5728 + f64::from(i) * 1e-4,
                    104.0668,
                    t0 + i64::from(i) * 5000,
                )
            })
            .collect();
        let trip = NewTrip {
            vehicle: "川A·12315".into(),
            crew: vec!["李明".into()],
            crew_count: None,
            purpose: Purpose::Patrol,
            case_id: None,
            odometer_km: Some(1200.5),
            odometer_photo: None,
            started_at_ms: None,
        };
        device.import_trip(&trip, &fixes).unwrap();
        let (events, vault) = device.outbox(0, 100).unwrap();
        Push { events, vault }
    }

    pub fn event() -> Seeds {
        let names = [
            "signed-in",
            "case-opened",
            "trip-started",
            "fixes",
            "trip-ended",
        ];
        pushed()
            .events
            .into_iter()
            .zip(names.into_iter().chain(std::iter::repeat("more")))
            .map(|(e, name)| (name, e.canonical.into_bytes()))
            .collect()
    }

    /// A server event as the centre signs it (the target signs again with its own key).
    fn server_event(
        seq: u64,
        event_type: &str,
        body: Value,
        attachment: Option<Attachment>,
    ) -> ServerEvent {
        let signed = ServerEventBody {
            server_seq: seq,
            device: None,
            event_type: event_type.into(),
            time_ms: 1_795_000_000_000,
            body,
        };
        let canonical = canonical::encode(&serde_json::to_value(&signed).unwrap()).unwrap();
        let canonical = String::from_utf8(canonical).unwrap();
        ServerEvent {
            server_seq: seq,
            hash: Digest::of(&[canonical.as_bytes()]),
            canonical,
            signature: "00".repeat(64),
            attachment,
        }
    }

    fn page(events: Vec<ServerEvent>) -> Vec<u8> {
        serde_json::to_vec(&ServerEvents {
            protocol: PROTOCOL,
            server_time_ms: 1_795_000_000_000,
            device_id: Uuid::nil(),
            events,
        })
        .unwrap()
    }

    fn reference_data() -> Vec<u8> {
        let areas = String::from_utf8(geojson()[0].1.clone()).unwrap();
        page(vec![
            server_event(
                1,
                "DepartmentsPublished",
                json!({"departments": [{"code": "quality", "name": "质监"}]}),
                None,
            ),
            server_event(2, "UrbanAreasPublished", json!({"geojson": areas}), None),
            server_event(
                3,
                "CalendarYearPublished",
                json!({"year": 2027, "holidays": ["2027-01-01"], "working_days": [], "source": "国办发明电〔2026〕1号"}),
                None,
            ),
            server_event(
                4,
                "RosterPublished",
                json!({"officers": [{"name": "李明", "enforcement_id": "HN-12315-0042", "supervisor": true}]}),
                None,
            ),
            server_event(
                5,
                "AgencyPublished",
                json!({"name": "长沙市芙蓉区市场监督管理局", "numbering": "芙市监消调〔{year}〕{n}号"}),
                None,
            ),
            server_event(
                6,
                "NumbersAssigned",
                json!({"device": Uuid::nil(), "year": 2026, "first": 1, "last": 50}),
                None,
            ),
        ])
    }

    fn decisions() -> Vec<u8> {
        let case_id = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
        let intake = serde_json::to_string(&complaint(1)).unwrap();
        let attachment = Attachment {
            salt: "ab".repeat(16),
            value: intake,
        };
        let intake_sha256 = attachment.commitment().unwrap();
        page(vec![
            server_event(
                1,
                "CaseDispatched",
                json!({"dispatch_id": Uuid::from_u128(2), "case_id": case_id, "vehicle": "湘A·12315", "site_text": "五一广场", "intake_sha256": intake_sha256}),
                Some(attachment),
            ),
            server_event(
                2,
                "ExtensionDecided",
                json!({"case_id": case_id, "clock": "accept", "approved": true}),
                None,
            ),
            server_event(
                3,
                "CaseClosed",
                json!({"case_id": case_id, "outcome": "agreement"}),
                None,
            ),
        ])
    }

    pub fn protocol() -> Seeds {
        let push = pushed();
        let receipt = PushReceipt {
            protocol: PROTOCOL,
            server_time_ms: 1_795_000_000_000,
            device_id: Uuid::nil(),
            acked_seq: 2,
            acked_hash: push.events[1].hash,
            stored: 2,
            forks: Vec::new(),
            conflicts: vec![2],
        };
        let refusal = ErrorBody {
            protocol: PROTOCOL,
            server_time_ms: 1,
            error: Refusal {
                code: RefusalCode::UpdateCentre,
                message: "update the centre".into(),
            },
        };
        let blob = BlobReceipt {
            protocol: PROTOCOL,
            server_time_ms: 1,
            sha256: Digest::of(&[b"blob"]),
            received: 1 << 20,
            complete: false,
        };
        let enrol = json!({"code": "483920", "device_id": Uuid::nil(), "public_key": "ab".repeat(32), "device_prefix": "HN01", "app_version": "1.0"});
        vec![
            ("push.json", serde_json::to_vec(&push).unwrap()),
            ("receipt.json", serde_json::to_vec(&receipt).unwrap()),
            ("refusal.json", serde_json::to_vec(&refusal).unwrap()),
            ("blob-receipt.json", serde_json::to_vec(&blob).unwrap()),
            ("enrol.json", enrol.to_string().into_bytes()),
            ("reference-data.json", reference_data()),
            ("decisions.json", decisions()),
        ]
    }
}
