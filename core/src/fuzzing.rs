//! What the fuzz targets (`fuzz/`) and their regression test (`core/tests/fuzz_corpus.rs`) feed
//! untrusted bytes to: one function per kind of input, each calling the entry point the app or
//! the centre calls with such bytes. The targets and the test share this code, so what the
//! fuzzer ran is what the suite runs again. Not for the apps: hidden from the documentation.
//!
//! Each function returns the core's own answer; a panic, a hang or a runaway allocation is the
//! finding. Where a store is needed it is a fresh copy of a prepared one (`Scratch`), so a run
//! depends on its input only and a crash reproduces from its file alone.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::Entry;
use crate::events::{self, Digest, canonical};
use crate::evidence::blobs::Blobs;
use crate::evidence::events::EvidenceCaptured;
use crate::evidence::media::MediaLimits;
use crate::evidence::{self, Capture, EvidenceKind, NewEvidence};
use crate::journal::Body;
use crate::officer::Officer;
use crate::platform::{LogLevel, Platform, PlatformError};
use crate::position::GeoPoint;
use crate::protocol::{
    BlobReceipt, EnrolRequest, Enrolled, PROTOCOL, Push, PushReceipt, ServerEvent, ServerEvents,
    WireEvent,
};
use crate::signing::SigningKey;
use crate::sync::client::read_answer;
use crate::sync::transport::StatusCode;
use crate::sync::wire;
use crate::trips::{NewTrip, Purpose};
use crate::{Device, store};

/// The kinds of untrusted input, one fuzz target each (named as the targets are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A camera's JPEG added as evidence: EXIF, decode, the display copy and thumbnail.
    Jpeg,
    /// A PNG screenshot added as evidence.
    Png,
    /// A GPX file imported as a trip (`trip import`).
    Gpx,
    /// The centre's urban-area polygons (GeoJSON) loaded on a device.
    Geojson,
    /// The sync protocol's bodies: what the centre reads from a device, and a device from it.
    Protocol,
    /// An event's canonical bytes, as a log, a push or a handover holds them.
    Event,
}

impl Target {
    pub const ALL: [Target; 6] = [
        Target::Jpeg,
        Target::Png,
        Target::Gpx,
        Target::Geojson,
        Target::Protocol,
        Target::Event,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Jpeg => "jpeg",
            Target::Png => "png",
            Target::Gpx => "gpx",
            Target::Geojson => "geojson",
            Target::Protocol => "protocol",
            Target::Event => "event",
        }
    }

    /// Feeds `data` to this target's entry point; the core's answer, reduced to its words.
    pub fn run(self, scratch: &Scratch, data: &[u8]) -> std::result::Result<(), String> {
        let done = match self {
            Target::Jpeg => photo(scratch, data, EvidenceKind::Scene).map(drop),
            Target::Png => photo(scratch, data, EvidenceKind::Screenshot).map(drop),
            Target::Gpx => gpx(scratch, data).map(drop),
            Target::Geojson => geojson(scratch, data).map(drop),
            Target::Protocol => protocol(scratch, data),
            Target::Event => event(data).map(drop),
        };
        done.map_err(|e| e.to_string())
    }
}

/// A store prepared once (an officer signed in, enrolled with `centre_key`) and copied afresh
/// for each input, under a directory of the caller's (a RAM disk keeps the fuzzer fast).
pub struct Scratch {
    template: PathBuf,
    work: PathBuf,
}

/// The centre's signing key in the scratch store's enrolment. The protocol target signs what it
/// feeds with it, as the centre would, so that the fuzzer reaches past the signature check into
/// what a device makes of a decision: a forger cannot, but a centre's bug or a stolen key could.
fn centre_key() -> SigningKey {
    SigningKey::from_bytes(&[0x5c; 32])
}

/// The device key the protocol target signs pushed events with, for the same reason.
fn device_key() -> SigningKey {
    SigningKey::from_bytes(&[0xd1; 32])
}

impl Scratch {
    /// Prepares the template store under `root` (emptied first).
    pub fn new(root: &Path) -> Result<Scratch> {
        let _ = fs::remove_dir_all(root);
        let scratch = Scratch {
            template: root.join("template"),
            work: root.join("work"),
        };
        let mut device = Device::open(&scratch.template, Arc::new(ScratchPlatform))?;
        device.sign_in(Officer::new("李明", "HN-12315-0042")?)?;
        let enrolled = Enrolled {
            protocol: PROTOCOL,
            server_time_ms: chrono::Utc::now().timestamp_millis(),
            device_id: device.device_id(),
            token: "fuzz".into(),
            centre_key: hex::encode(centre_key().verifying_key().to_bytes()),
        };
        device.save_enrolment("https://centre.invalid", None, &enrolled)?;
        Ok(scratch)
    }

    /// An empty working directory.
    fn empty(&self) -> Result<&Path> {
        let _ = fs::remove_dir_all(&self.work);
        fs::create_dir_all(&self.work).map_err(|e| Error::file(&self.work, e))?;
        Ok(&self.work)
    }

    /// A fresh copy of the template store, opened.
    fn device(&self) -> Result<Device> {
        let work = self.empty()?;
        for name in [
            store::FILE_NAME,
            "redshield.sqlite-wal",
            "redshield.sqlite-shm",
        ] {
            let from = self.template.join(name);
            if from.exists() {
                fs::copy(&from, work.join(name)).map_err(|e| Error::file(&from, e))?;
            }
        }
        Device::open(work, Arc::new(ScratchPlatform))
    }

    /// Writes `data` where the entry point reads it from: the app passes paths, not bytes.
    fn file(&self, name: &str, data: &[u8]) -> Result<PathBuf> {
        let path = self.work.join(name);
        fs::write(&path, data).map_err(|e| Error::file(&path, e))?;
        Ok(path)
    }
}

/// A phone without a keystore: secrets are kept as given, the clocks are the machine's.
struct ScratchPlatform;

impl Platform for ScratchPlatform {
    fn monotonic_ms(&self) -> u64 {
        static BOOT: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        BOOT.get_or_init(std::time::Instant::now)
            .elapsed()
            .as_millis() as u64
            + 1_000_000
    }

    fn wall_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }

    fn wrap_secret(&self, secret: Vec<u8>) -> std::result::Result<Vec<u8>, PlatformError> {
        Ok(secret)
    }

    fn unwrap_secret(&self, wrapped: Vec<u8>) -> std::result::Result<Vec<u8>, PlatformError> {
        Ok(wrapped)
    }

    fn log(&self, _level: LogLevel, _target: String, _message: String) {}
}

/// A photo or screenshot through the whole intake before its event (`evidence::prepare`):
/// the type and limits from the header, the copy into the blob store, EXIF, the decode and
/// the captioned copies. Whatever the pixels, the original must be stored byte for byte.
pub fn photo(scratch: &Scratch, data: &[u8], kind: EvidenceKind) -> Result<EvidenceCaptured> {
    let dir = scratch.empty()?;
    let blobs = Blobs::in_store(dir);
    let new = NewEvidence {
        case_id: "fuzz".into(),
        path: scratch.file("input", data)?.display().to_string(),
        kind,
        note: None,
        caption: true,
        place: None,
        place_time_ms: None,
        rendition: None,
    };
    let capture = Capture {
        case_id: Uuid::nil(),
        case_number: "HN-2026-000001",
        trusted_ms: 1_795_000_000_000,
        device_fix: None,
    };
    let body = evidence::prepare(&blobs, &new, &capture, &MediaLimits::default())?;
    let kept = fs::read(blobs.path(&body.original.sha256)).ok();
    assert!(
        kept.as_deref() == Some(data),
        "the original is not stored byte for byte"
    );
    Ok(body)
}

/// A GPX file imported as a trip (`Device::import_gpx`, what `trip import` calls). A refused
/// file must leave the log as it was.
pub fn gpx(scratch: &Scratch, data: &[u8]) -> Result<crate::trips::Trip> {
    let mut device = scratch.device()?;
    let path = scratch.file("track.gpx", data)?;
    let before = device.head();
    let trip = NewTrip {
        vehicle: "川A·12315".into(),
        crew: vec!["李明".into()],
        crew_count: None,
        purpose: Purpose::Patrol,
        case_id: None,
        odometer_km: None,
        odometer_photo: None,
        started_at_ms: None,
    };
    let imported = device.import_gpx(&path, &trip);
    if imported.is_err() {
        assert_eq!(device.head(), before, "a refused GPX file wrote events");
    }
    imported
}

/// Urban-area polygons loaded on a device (`Device::load_urban_areas`), then asked where a
/// dispatch site lies, as the dispatch clock does: at each area's first vertex and at the mean
/// of its first ring.
pub fn geojson(scratch: &Scratch, data: &[u8]) -> Result<u32> {
    let mut device = scratch.device()?;
    let path = scratch.file("areas.geojson", data)?;
    let loaded = device.load_urban_areas(&path)?;
    let text = String::from_utf8_lossy(data);
    for area in crate::dispatch::areas::parse(&text)? {
        for ring in area.polygons.iter().filter_map(|p| p.first()) {
            let n = ring.len() as f64;
            let mean = ring
                .iter()
                .fold([0.0, 0.0], |[x, y], [lon, lat]| [x + lon / n, y + lat / n]);
            for [lon, lat] in [ring[0], mean] {
                if let Ok(point) = GeoPoint::from_degrees("site", lat, lon, None) {
                    crate::dispatch::areas::containing(device.connection(), &point)?;
                }
            }
        }
    }
    Ok(loaded)
}

/// A body of the sync protocol, read by each side that reads one: the centre (an enrolment,
/// a push, each event checked as the next link of the pushing device's chain) and a device
/// (each answer of the centre; a page of server events applied to a store; a push receipt).
pub fn protocol(scratch: &Scratch, data: &[u8]) -> Result<()> {
    let _ = serde_json::from_slice::<EnrolRequest>(data);
    if let Ok(push) = serde_json::from_slice::<Push>(data) {
        centre_reads_push(push);
    }
    let ok = StatusCode::OK;
    let _ = read_answer::<serde::de::IgnoredAny>(StatusCode::BAD_REQUEST, data, false);
    let _ = read_answer::<Enrolled>(ok, data, false);
    let _ = read_answer::<BlobReceipt>(StatusCode::CONFLICT, data, true);
    if let Ok(receipt) = read_answer::<PushReceipt>(ok, data, false) {
        let _ = scratch.device()?.accept_receipt(&receipt);
    }
    let page = read_answer::<ServerEvents>(ok, data, false)?;
    if page.events.is_empty() {
        return Ok(());
    }
    let mut device = scratch.device()?;
    let signed: Vec<ServerEvent> = page.events.into_iter().map(signed_by_centre).collect();
    device.apply_server_events(&centre_key().verifying_key(), &signed)?;
    Ok(())
}

/// What the centre's push handler checks of each event before its ledger: the chain from seq 1
/// (each event signed here as its device would), its body, its vault rows.
fn centre_reads_push(push: Push) {
    let device = push
        .events
        .first()
        .and_then(|e| events::decode(e.canonical.as_bytes()).ok())
        .map_or(Uuid::nil(), |e| e.device);
    let key = device_key().verifying_key();
    let mut prev = Digest::ZERO;
    for (i, event) in push.events.into_iter().enumerate() {
        let event = signed_by_device(event);
        let Ok(checked) = wire::check(&event, i as u64 + 1, prev, device, &key) else {
            return;
        };
        prev = checked.hash;
        for sealed in checked.references() {
            for row in push.vault.iter().filter(|row| row.id == sealed.id) {
                let _ = wire::vault_row_matches(row, &sealed);
            }
        }
    }
}

fn signed_by_device(mut event: WireEvent) -> WireEvent {
    event.hash = Digest::of(&[event.canonical.as_bytes()]);
    event.signature = hex::encode(device_key().sign(&event.hash.0).to_bytes());
    event
}

fn signed_by_centre(mut event: ServerEvent) -> ServerEvent {
    event.hash = Digest::of(&[event.canonical.as_bytes()]);
    event.signature = hex::encode(centre_key().sign(&event.hash.0).to_bytes());
    event
}

/// An event's canonical bytes read back (`events::decode`), its body decoded by its type and
/// version (`Body::decode`), as the verifier, a replay and the centre read them. What decodes
/// must encode canonically to bytes that decode to the same envelope.
pub fn event(data: &[u8]) -> Result<Body> {
    let not_an_event = |reason: String| Error::invalid("event", reason);
    let envelope = events::decode(data).map_err(not_an_event)?;
    let body = Body::decode(
        &envelope.event_type,
        envelope.body_version,
        envelope.body.clone(),
    )
    .map_err(not_an_event)?;
    let _ = (body.case_id(), body.personal_data());
    let value = serde_json::to_value(&envelope).map_err(|e| Error::Encoding(e.to_string()))?;
    if let Ok(bytes) = canonical::encode(&value) {
        let again = events::decode(&bytes).map_err(not_an_event)?;
        assert_eq!(again, envelope, "the canonical form does not read back");
    }
    Ok(body)
}
