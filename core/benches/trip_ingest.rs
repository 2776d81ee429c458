//! Ingesting fixes: `record_fixes` with batches of 1 000 (checks, signed `FixesRecorded`
//! events of 500, the fixes table, and the filters and measurement advanced by the batch)
//! beside a plain rusqlite insert of the same rows, 1 000 per transaction. Both on WAL with
//! `synchronous=FULL`. Each iteration takes the next 1 000 fixes of one long drive, so a run
//! ingests about a million fixes into one trip, as the target asks.
//! Target: at least half the plain insert's throughput.
//!
//! Also `read_gpx` (the GPX import's parse, no store) on elements nested in one track point's
//! `<extensions>`: 200 000 deep, as `<extensions>` (5.0 MB) and as `<a>` (1.4 MB), which took
//! over a minute before the depth bound (the XML parser costs n² in the nesting depth) and are
//! now refused at level 65; 25 000 deep, to show the growth before; and a 16 MiB file of
//! drive.gpx's points, the largest imported.
//! Run: `cargo bench -p redshield-core --bench trip_ingest` (`-- read_gpx` for those alone)

use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use redshield_core::trips::events::StoredFix;
use redshield_core::trips::{Fix, NewTrip, Purpose, formats};
use rusqlite::{Connection, params};

use redshield_testkit::{device_in, gpx};

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

/// drive.gpx with its points repeated up to the import limit.
fn largest_gpx() -> Vec<u8> {
    let drive = std::fs::read_to_string(gpx::data("drive.gpx")).unwrap();
    let start = drive.find("<trkpt").unwrap();
    let end = drive.rfind("</trkpt>").unwrap() + "</trkpt>".len();
    let limit = formats::MAX_GPX_BYTES as usize - (drive.len() - (end - start));
    let mut file = drive[..start].to_string();
    while file.len() + (end - start) < limit {
        file.push_str(&drive[start..end]);
        file.push('\n');
    }
    file.push_str(&drive[end..]);
    file.into_bytes()
}

fn read_gpx(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_gpx");
    // Before the depth bound one read of the 200 000-deep file took over a minute: one
    // iteration per sample, the fewest samples criterion takes.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(5));
    for (inner, depth) in [
        ("extensions", 25_000),
        ("extensions", 200_000),
        ("a", 200_000),
    ] {
        let file = gpx::file(&gpx::nested(inner, depth)).into_bytes();
        let name = format!("{depth} nested <{inner}>, {} bytes", file.len());
        group.bench_function(name, |b| {
            b.iter(|| formats::read_gpx(file.as_slice()).map(|s| s.len()))
        });
    }
    let file = largest_gpx();
    let points = file.windows(6).filter(|w| w == b"<trkpt").count();
    let name = format!("{points} points of drive.gpx, {} bytes", file.len());
    group.bench_function(name, |b| {
        b.iter(|| formats::read_gpx(file.as_slice()).unwrap().len())
    });
    group.finish();
}

criterion_group!(benches, ingest, read_gpx);
criterion_main!(benches);
