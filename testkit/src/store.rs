//! Stores opened on a test's directory with an officer signed in — as the CLI and the server
//! use the core (`Device`) and as the apps do (`FieldCore`) — and a store read back as it is
//! on disk.

use std::path::Path;
use std::sync::Arc;

use redshield_core::Device;
use redshield_core::api::FieldCore;
use redshield_core::platform::Platform;

use crate::{TestPlatform, officer};

/// A store in `dir` with an officer signed in.
pub fn device_in(dir: &Path) -> Device {
    let mut device = Device::open(dir, TestPlatform::new()).unwrap();
    device.sign_in(officer()).unwrap();
    device
}

/// An app's store in `dir` with `officer` signed in.
pub fn device(dir: &Path, officer: &str) -> Arc<FieldCore> {
    device_on(dir, officer, TestPlatform::new())
}

/// An app's store in `dir` on `platform`, with `officer` signed in.
pub fn device_on(dir: &Path, officer: &str, platform: Arc<dyn Platform>) -> Arc<FieldCore> {
    let core = FieldCore::open(dir.display().to_string(), platform).unwrap();
    core.sign_in(officer.into(), format!("HN-12315-{:04}", officer.len()))
        .unwrap();
    core
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

/// One event of a device's chain as stored: (seq, canonical bytes, hash).
pub type LogRow = (u64, Vec<u8>, Vec<u8>);

/// A read-only look at a device's store, beside the open store (WAL allows it).
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
