//! Fixtures the end-to-end and the server's tests share: a phone's platform stand-in
//! (keystore, clocks — the app's part, not ours), devices opened on temp dirs with an officer
//! signed in, a complaint to open, evidence files, and a device's store read back as it is on
//! disk. `centre` runs the real central service; `proxy` puts faults between the two; `field`
//! has phones work and sync through them, and checks what the centre then holds.

#![forbid(unsafe_code)]

pub mod centre;
pub mod field;
pub mod postgres;
pub mod proxy;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use redshield_core::api::{
    Business, CaseKind, DemandKind, Evidence, EvidenceKind, FieldCore, NewCase, NewEvidence,
    NewMatter, Person,
};
use redshield_core::platform::{LogLevel, Platform, PlatformError};

pub struct PhonePlatform;

const TAG: &[u8] = b"e2e-wrap:";

impl Platform for PhonePlatform {
    fn monotonic_ms(&self) -> u64 {
        static BOOT: OnceLock<Instant> = OnceLock::new();
        BOOT.get_or_init(Instant::now).elapsed().as_millis() as u64 + 1_000_000
    }

    fn wall_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }

    fn wrap_secret(&self, secret: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Ok([TAG, &secret].concat())
    }

    fn unwrap_secret(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        wrapped
            .strip_prefix(TAG)
            .map(<[u8]>::to_vec)
            .ok_or(PlatformError::Failed {
                reason: "not wrapped by this keystore".into(),
            })
    }

    fn log(&self, _level: LogLevel, _target: String, _message: String) {}
}

/// A phone whose clocks can be moved on by a test (`lag` ms ahead of `PhonePlatform`'s): time
/// passing while a request is in flight, without waiting for it.
pub struct LaggingPlatform {
    pub lag: Arc<AtomicU64>,
}

impl Platform for LaggingPlatform {
    fn monotonic_ms(&self) -> u64 {
        PhonePlatform.monotonic_ms() + self.lag.load(Ordering::SeqCst)
    }

    fn wall_ms(&self) -> i64 {
        PhonePlatform.wall_ms() + self.lag.load(Ordering::SeqCst) as i64
    }

    fn wrap_secret(&self, secret: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        PhonePlatform.wrap_secret(secret)
    }

    fn unwrap_secret(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        PhonePlatform.unwrap_secret(wrapped)
    }

    fn log(&self, _level: LogLevel, _target: String, _message: String) {}
}

/// A device store in `dir` with an officer signed in.
pub fn device(dir: &Path, officer: &str) -> Arc<FieldCore> {
    device_on(dir, officer, Arc::new(PhonePlatform))
}

/// A device store in `dir` on `platform`, with an officer signed in.
pub fn device_on(dir: &Path, officer: &str, platform: Arc<dyn Platform>) -> Arc<FieldCore> {
    let core = FieldCore::open(dir.display().to_string(), platform).unwrap();
    core.sign_in(officer.into(), format!("HN-12315-{:04}", officer.len()))
        .unwrap();
    core
}

pub fn complaint(name: &str) -> NewCase {
    NewCase {
        kind: CaseKind::Complaint,
        channel: None,
        received_at_ms: None,
        platform_ticket: None,
        complainants: vec![Person {
            name: name.into(),
            phone: "138 1234 5678".into(),
            address: Some("长沙市天心区书院路 9 号".into()),
            id_document: None,
            agent: None,
        }],
        joint_complainants: None,
        respondent: Some(Business {
            name: "长沙市某某超市".into(),
            address: Some("长沙市芙蓉区五一大道 1 号".into()),
            credit_code: None,
            legal_representative: None,
            premises: None,
            online: None,
        }),
        matter: NewMatter {
            occurred_on: None,
            place_text: None,
            place: None,
            goods: Some("纯牛奶".into()),
            amount_paid_fen: Some(5980),
            quantity: Some(2),
            facts: format!("{name} 购买的牛奶已过保质期"),
            demands: vec![DemandKind::Refund],
            demands_text: Some("退货退款".into()),
            evidence: Vec::new(),
            proof: None,
        },
        also_report: None,
    }
}

/// One event of a device's chain as stored: (seq, canonical bytes, hash).
pub type LogRow = (u64, Vec<u8>, Vec<u8>);

/// A read-only look at a device's store, beside the open `FieldCore` (WAL allows it).
fn store(dir: &Path) -> rusqlite::Connection {
    let path = dir.join(redshield_core::store::FILE_NAME);
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// The device's own events as stored.
pub fn device_log(dir: &Path) -> Vec<LogRow> {
    let conn = store(dir);
    let mut stmt = conn
        .prepare("SELECT seq, canonical, hash FROM events ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The ids of the cases in the device's store.
pub fn case_ids(dir: &Path) -> Vec<String> {
    let conn = store(dir);
    let mut stmt = conn.prepare("SELECT id FROM cases ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// How far the centre has acknowledged the device's chain, and how far it has pulled the
/// centre's events: (acked seq, pull cursor), as the device keeps them.
pub fn sync_marks(dir: &Path) -> (u64, u64) {
    store(dir)
        .query_row("SELECT acked_seq, pull_cursor FROM sync_state", [], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
        })
        .unwrap()
}

/// The server seqs of the centre's events the device applied, in the order of its log.
pub fn applied_server_seqs(dir: &Path) -> Vec<u64> {
    device_log(dir)
        .iter()
        .filter_map(|(_, canonical, _)| {
            let envelope = redshield_core::events::decode(canonical).unwrap();
            (envelope.event_type == "ServerEventApplied")
                .then(|| envelope.body["server_seq"].as_u64().unwrap())
        })
        .collect()
}

/// Copies a (closed) store directory, blobs included: a backup, restored later.
pub fn copy_store(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_store(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Adds the file at `path` to `case` as evidence of `kind`, as an officer would.
pub fn add_evidence(core: &FieldCore, case: &str, path: &Path, kind: EvidenceKind) -> Evidence {
    core.add_evidence(NewEvidence {
        case_id: case.to_string(),
        path: path.display().to_string(),
        kind,
        note: None,
        caption: false,
        place: None,
        place_time_ms: None,
        rendition: None,
    })
    .unwrap()
}

/// The blobs a piece of evidence names: its original, and its display copy and thumbnail
/// where they differ from it.
pub fn blob_names(evidence: &Evidence) -> std::collections::BTreeSet<String> {
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
