//! Ingesting fixes: `record_fixes` with batches of 1 000 (checks, signed `FixesRecorded`
//! events of 500, the fixes table, and the filters and measurement advanced by the batch)
//! beside a plain rusqlite insert of the same rows, 1 000 per transaction. Both on WAL with
//! `synchronous=FULL`. Each iteration takes the next 1 000 fixes of one long drive, so a run
//! ingests about a million fixes into one trip, as the target asks.
//! Target: at least half the plain insert's throughput.
//! Run: `cargo bench -p redshield-core --bench trip_ingest`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use redshield_core::trips::events::StoredFix;
use redshield_core::trips::{Fix, NewTrip, Purpose};
use rusqlite::{Connection, params};

use common::device_in;

const BATCH: usize = 1000;
const T0: i64 = 1_795_000_000_000;

/// Fixes `n..n + BATCH` of a drive east from Changsha at about 10 m/s with GNSS-like wobble.
fn batch(n: usize) -> Vec<Fix> {
    (n..n + BATCH)
        .map(|i| {
            let wobble = ((i * 7919) % 13) as f64 * 1e-6;
            let mut f = Fix::at(
                28.2 + wobble,
                112.9 + 1e-4 * (i % 500_000) as f64,
                T0 + i as i64 * 1000,
            );
            f.accuracy_m = Some(5.0);
            f.speed_mps = Some(10.0);
            f
        })
        .collect()
}

fn ingest(c: &mut Criterion) {
    let mut group = c.benchmark_group("ingest fixes, 1 000 per call");
    group.throughput(Throughput::Elements(BATCH as u64));
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(30));

    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let trip = device
        .start_trip(&NewTrip {
            vehicle: "湘A·12315".into(),
            crew: vec!["李明".into(), "张强".into()],
            crew_count: None,
            purpose: Purpose::Patrol,
            case_id: None,
            odometer_km: None,
            odometer_photo: None,
            started_at_ms: Some(T0),
        })
        .unwrap();
    let mut next = 0;
    group.bench_function("record_fixes (filter + distance + store, signed)", |b| {
        b.iter(|| {
            let fixes = batch(next);
            next += BATCH;
            device.record_fixes(&trip.id, &fixes).unwrap()
        })
    });
    eprintln!("ingested {next} fixes into one trip");

    let plain_dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(plain_dir.path().join("plain.sqlite")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch(
        "CREATE TABLE trip_fixes (trip_id TEXT NOT NULL, seq INTEGER NOT NULL,
             idx INTEGER NOT NULL, fix TEXT NOT NULL, PRIMARY KEY (trip_id, seq, idx))
         WITHOUT ROWID",
    )
    .unwrap();
    let mut seq = 0_i64;
    let mut next = 0;
    group.bench_function("plain rusqlite insert of the same rows", |b| {
        b.iter(|| {
            let fixes = batch(next);
            next += BATCH;
            seq += 1;
            let tx = conn.unchecked_transaction().unwrap();
            {
                let mut insert = tx
                    .prepare_cached("INSERT INTO trip_fixes VALUES (?1, ?2, ?3, ?4)")
                    .unwrap();
                for (idx, f) in fixes.iter().enumerate() {
                    let row = serde_json::to_string(&StoredFix::from(f)).unwrap();
                    insert
                        .execute(params![trip.id, seq, idx as i64, row])
                        .unwrap();
                }
            }
            tx.commit().unwrap();
        })
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
