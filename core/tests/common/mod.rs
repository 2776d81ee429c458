//! What the integration tests share: a `Platform` standing in for the phone's keystore and
//! clock (the app's part, not ours), and a store with an officer signed in.
#![allow(dead_code)]

pub mod documents;
pub mod evidence_bench;
pub mod field_files;
pub mod images;
pub mod notices;
pub mod tracks;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use redshield_core::Device;
use redshield_core::cases::{Business, CaseKind, DemandKind, NewCase, NewMatter, Person};
use redshield_core::officer::Officer;
use redshield_core::platform::{LogLevel, Platform, PlatformError};
use redshield_core::trips::{NewTrip, Purpose};

/// Wraps secrets by XOR with a fixed key behind a tag; can be made to fail like a keystore
/// that lost its key.
pub struct TestPlatform {
    /// Added to the wall clock: a phone whose clock is set wrong.
    pub wall_shift_ms: AtomicI64,
    pub broken_keystore: AtomicBool,
    pub lines: Mutex<Vec<(LogLevel, String)>>,
}

const TAG: &[u8] = b"test-wrap:";

impl TestPlatform {
    pub fn new() -> Arc<TestPlatform> {
        Arc::new(TestPlatform {
            wall_shift_ms: AtomicI64::new(0),
            broken_keystore: AtomicBool::new(false),
            lines: Mutex::new(Vec::new()),
        })
    }

    fn xor(bytes: &[u8]) -> Vec<u8> {
        bytes
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ (0x5a + i as u8))
            .collect()
    }
}

impl Platform for TestPlatform {
    /// One monotonic clock for the whole test process, as a phone has one per boot: a store
    /// reopened with a new platform does not look rebooted.
    fn monotonic_ms(&self) -> u64 {
        static BOOT: OnceLock<Instant> = OnceLock::new();
        BOOT.get_or_init(Instant::now).elapsed().as_millis() as u64 + 1_000_000
    }

    fn wall_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.wall_shift_ms.load(Ordering::SeqCst)
    }

    fn wrap_secret(&self, secret: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Ok([TAG, &Self::xor(&secret)].concat())
    }

    fn unwrap_secret(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        if self.broken_keystore.load(Ordering::SeqCst) {
            return Err(PlatformError::Failed {
                reason: "key permanently invalidated".into(),
            });
        }
        let body = wrapped.strip_prefix(TAG).ok_or(PlatformError::Failed {
            reason: "not wrapped by this keystore".into(),
        })?;
        Ok(Self::xor(body))
    }

    fn log(&self, level: LogLevel, _target: String, message: String) {
        self.lines.lock().unwrap().push((level, message));
    }
}

pub fn officer() -> Officer {
    Officer::new("李明", "HN-12315-0042").unwrap()
}

/// A store in `dir` with an officer signed in.
pub fn device_in(dir: &Path) -> Device {
    let mut device = Device::open(dir, TestPlatform::new()).unwrap();
    device.sign_in(officer()).unwrap();
    device
}

pub fn person(name: &str) -> Person {
    Person {
        name: name.into(),
        phone: "138 1234 5678".into(),
        address: Some("长沙市天心区书院路 9 号".into()),
        id_document: None,
        agent: None,
    }
}

pub fn shop() -> Business {
    Business {
        name: "长沙市某某超市".into(),
        address: Some("长沙市芙蓉区五一大道 1 号".into()),
        credit_code: None,
        legal_representative: None,
        premises: None,
        online: None,
    }
}

pub fn matter(facts: &str) -> NewMatter {
    NewMatter {
        occurred_on: None,
        place_text: None,
        place: None,
        goods: Some("纯牛奶".into()),
        amount_paid_fen: Some(5980),
        quantity: Some(2),
        facts: facts.into(),
        demands: vec![DemandKind::Refund, DemandKind::Compensation],
        demands_text: Some("退货退款，并按规定赔偿".into()),
        evidence: Vec::new(),
        proof: None,
    }
}

/// A patrol of `vehicle` by 李明 and one more, no odometer: the trip the GPX tests import.
pub fn patrol_of(vehicle: &str) -> NewTrip {
    NewTrip {
        vehicle: vehicle.into(),
        crew: vec!["李明".into()],
        crew_count: Some(2),
        purpose: Purpose::Patrol,
        case_id: None,
        odometer_km: None,
        odometer_photo: None,
        started_at_ms: None,
    }
}

pub fn complaint(n: usize) -> NewCase {
    NewCase {
        kind: CaseKind::Complaint,
        channel: None,
        received_at_ms: None,
        platform_ticket: None,
        complainants: vec![person(&format!("王芳{n}"))],
        joint_complainants: None,
        respondent: Some(shop()),
        matter: matter(&format!("购买的牛奶已过保质期（第 {n} 件）")),
        also_report: None,
    }
}

/// Every projection row, for comparing states.
pub fn projections(device: &Device) -> Vec<String> {
    projections_of(device.connection())
}

/// Every row of every projection table, in order: two stores' states compare as text.
pub fn projections_of(conn: &rusqlite::Connection) -> Vec<String> {
    rows_of(conn, redshield_core::journal::projections())
}

/// Every row of every table of the store, projections and what is kept beside the log alike
/// (a full-text index by its rows, not by how SQLite lays out its segments).
pub fn every_table(device: &Device) -> Vec<String> {
    let conn = device.connection();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM pragma_table_list
             WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows_of(conn, tables.iter().map(String::as_str))
}

fn rows_of<'a>(conn: &rusqlite::Connection, tables: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut line = format!("{table}:");
                for i in 0..columns {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push_str(&format!(" {v:?}"));
                }
                Ok(line)
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}
