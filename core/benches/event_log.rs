//! The event log's hot paths beside plain SQLite doing the least it could, in the same run:
//!
//! - signed appends, one per transaction and 100 per transaction, of a bare event (a sign-in:
//!   the envelope alone) and of a case (`CaseOpened`: the event, six vault rows, the projection
//!   rows), each against plain inserts of rows of the same total size;
//! - opening a store that holds 1 000 000 events, against opening the same file with rusqlite
//!   and reading its newest row.
//!
//! Both sides use WAL with `synchronous=FULL`, so both pay an fsync per commit.
//! Run: `cargo bench -p redshield-core --bench event_log`

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    BatchSize, BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main,
};
use redshield_core::events::log::Writer;
use redshield_core::officer::Role;
use redshield_core::shift::OfficerSignedIn;
use redshield_core::store::FILE_NAME;
use redshield_core::{Device, Result, cases};
use rusqlite::{Connection, params};

use redshield_testkit::{TestPlatform, complaint, device_in};

const BATCH: u64 = 100;
const BIG_LOG: u64 = 1_000_000;

fn appends(c: &mut Criterion) {
    let new = complaint(1);
    let bare = |w: &mut Writer| {
        w.append(OfficerSignedIn {
            role: Role::Officer,
        })
        .map(drop)
    };
    let case = |w: &mut Writer| cases::open(w, &new).map(drop);
    let mut group = c.benchmark_group("append");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(6));
    compare(&mut group, "bare event", bare);
    compare(&mut group, "case", case);
    group.finish();
}

/// Benchmarks `append` one and 100 per transaction, and plain rows of the same size.
fn compare(
    group: &mut BenchmarkGroup<WallTime>,
    what: &str,
    append: impl Fn(&mut Writer) -> Result<()>,
) {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let bytes = bytes_per_append(&mut device, &append);
    eprintln!("one {what} is {bytes} bytes in the log and the vault; plain rows are as large");
    let (plain, _plain_dir) = plain_table();
    for per_tx in [1, BATCH] {
        group.throughput(Throughput::Elements(per_tx));
        group.bench_function(format!("signed {what}, {per_tx} per transaction"), |b| {
            b.iter(|| {
                device
                    .write(|w| (0..per_tx).try_for_each(|_| append(w)))
                    .unwrap()
            })
        });
        group.bench_function(
            format!("plain row as large as a {what}, {per_tx} per transaction"),
            |b| b.iter(|| insert_plain(&plain, per_tx, bytes)),
        );
    }
}

/// What one append adds to the events and vault tables, measured on the store itself.
fn bytes_per_append(device: &mut Device, append: &impl Fn(&mut Writer) -> Result<()>) -> usize {
    let size = |d: &Device| -> i64 {
        d.connection()
            .query_row(
                "SELECT (SELECT coalesce(sum(length(canonical) + length(hash) + length(signature)), 0)
                         FROM events)
                      + (SELECT coalesce(sum(length(CAST(value AS BLOB)) + length(salt) + 8), 0)
                         FROM vault)",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = size(device);
    device.write(|w| append(w)).unwrap();
    (size(device) - before) as usize
}

fn plain_table() -> (Connection, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(dir.path().join("plain.sqlite")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE rows (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        .unwrap();
    (conn, dir)
}

fn insert_plain(conn: &Connection, rows: u64, bytes: usize) {
    let payload = vec![0x5a_u8; bytes];
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut stmt = conn
        .prepare_cached("INSERT INTO rows (data) VALUES (?1)")
        .unwrap();
    for _ in 0..rows {
        stmt.execute(params![payload]).unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
}

fn opening(c: &mut Criterion) {
    let dir = big_store();
    let mut group = c.benchmark_group("open a store of 1M events");
    group.sample_size(20);
    group.bench_function("Device::open", |b| {
        b.iter_batched(
            TestPlatform::new,
            |platform| {
                let device = Device::open(&dir, platform).unwrap();
                assert_eq!(device.head().seq, BIG_LOG + 1);
                device
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("plain rusqlite open + newest row", |b| {
        b.iter(|| {
            let conn = Connection::open(dir.join(FILE_NAME)).unwrap();
            let seq: i64 = conn
                .query_row(
                    "SELECT seq FROM events ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(seq as u64, BIG_LOG + 1);
            conn
        })
    });
    group.finish();
}

/// A store with a sign-in and 1 000 000 further events, made once and kept under target/ (it
/// takes about a minute to build).
fn big_store() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-1m-events");
    if let Ok(device) = Device::open(&dir, TestPlatform::new())
        && device.head().seq == BIG_LOG + 1
    {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mut device = device_in(&dir);
    for _ in 0..BIG_LOG / 10_000 {
        device
            .write(|w| {
                (0..10_000).try_for_each(|_| {
                    w.append(OfficerSignedIn {
                        role: Role::Officer,
                    })
                    .map(drop)
                })
            })
            .unwrap();
    }
    dir
}

criterion_group!(benches, appends, opening);
criterion_main!(benches);
