//! The centre's crash test: a real `redshield serve` killed with SIGKILL at random
//! moments while phones — separate stores, each enrolled with it — keep working and pushing
//! (cases, photos, recordings that travel in chunks), started again on the same ledger each
//! time; then every phone syncs to the end, and the centre's ledger must hold every event of
//! every phone's log, byte for byte and chained, each blob whole, and its replicas — as the
//! killed service left them — must be at every phone's head and read every case and its
//! evidence as the phone does. On both ledgers (SQLite, PostgreSQL).
//!
//! `REDSHIELD_SERVER_CRASH_TRIALS` (kills per ledger, default 12) and `REDSHIELD_CRASH_SEED`
//! set the run; the README gives the figures of a long one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redshield_core::sync::replica::Replica;
use redshield_testkit::centre::{Centre, device_uuid};
use redshield_testkit::device_log;
use redshield_testkit::field::{Phone, assert_everything_held, retry_later, sync_all};
use redshield_testkit::on_both_backends;
use redshield_testkit::postgres::{Backend, TestDatabase};

use crate::common::{Dice, Service, setting};

const PHONES: usize = 3;

/// What the phones saw of the centre's deaths.
#[derive(Default, Debug, Clone, Copy)]
struct Tally {
    /// Syncs that got through.
    synced: u64,
    /// Syncs the centre's death cut off (or found it down): tried again with the next.
    cut: u64,
}

/// A phone at work while the centre dies under it: a case with a photo of the goods (every
/// eighth with a recording that travels in chunks) between syncs, each sync tried once, until
/// `stop`. A sync the centre's death cut off is simply tried again with the next, as the app
/// does; any other failure fails the test.
async fn keep_working(mut phone: Phone, first: u32, stop: Arc<AtomicBool>) -> (Phone, Tally) {
    let mut tally = Tally::default();
    let mut n = first;
    while !stop.load(Ordering::SeqCst) {
        phone.work(n, n.is_multiple_of(8));
        n += 1;
        match phone.core.clone().sync(None, None).await {
            Ok(_) => tally.synced += 1,
            Err(e) if retry_later(&e) => {
                tally.cut += 1;
                // The app waits before trying again; here only so as not to pile up work.
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => panic!("a sync failed other than for want of the centre: {e:?}"),
        }
    }
    (phone, tally)
}

/// Kills the service `trials` times, each after 0–1 000 ms up, and starts it again each time.
fn kill_at_random(service: &mut Service, dice: &mut Dice, trials: u64) {
    for _ in 0..trials {
        std::thread::sleep(Duration::from_millis(dice.below(1000)));
        service.kill();
        service.restart();
    }
}

/// Each replica's head as the killed service left it on disk, read before any start could
/// catch it up: so what is compared next is what the service itself made.
fn replica_heads_on_disk(data: &std::path::Path, phones: &[Phone]) -> Vec<u64> {
    phones
        .iter()
        .map(|phone| {
            let dir = data
                .join("replicas")
                .join(device_uuid(&phone.core).to_string());
            Replica::open(&dir).unwrap().head().unwrap()
        })
        .collect()
}

async fn a_centre_killed_at_random_during_pushes_loses_nothing(backend: Backend) {
    let trials = setting("REDSHIELD_SERVER_CRASH_TRIALS", 12);
    let mut dice = Dice(setting("REDSHIELD_CRASH_SEED", 18).max(1));
    let data = tempfile::tempdir().unwrap();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(TestDatabase::create().await),
    };
    let url = database.as_ref().map(|d| d.url.clone());
    let mut service = Service::on(data.path(), url.as_deref());

    let officers = ["李明", "张伟", "王静"];
    let stop = Arc::new(AtomicBool::new(false));
    let mut working = tokio::task::JoinSet::new();
    for (i, officer) in officers.iter().enumerate().take(PHONES) {
        let phone = Phone::new(officer);
        let code = tokio::task::block_in_place(|| service.code());
        phone
            .core
            .clone()
            .enrol(service.url.clone(), code, None)
            .await
            .unwrap();
        working.spawn(keep_working(phone, i as u32 * 1_000_000, stop.clone()));
    }
    let mut service = tokio::task::spawn_blocking(move || {
        kill_at_random(&mut service, &mut dice, trials);
        service
    })
    .await
    .unwrap();
    stop.store(true, Ordering::SeqCst);
    let (mut phones, mut tally) = (Vec::new(), Tally::default());
    while let Some(done) = working.join_next().await {
        let (phone, seen) = done.unwrap();
        (tally.synced, tally.cut) = (tally.synced + seen.synced, tally.cut + seen.cut);
        phones.push(phone);
    }
    sync_all(&phones, 400).await;
    service.kill();

    let heads: Vec<u64> = phones
        .iter()
        .map(|p| device_log(p.dir.path()).last().unwrap().0)
        .collect();
    assert_eq!(
        replica_heads_on_disk(data.path(), &phones),
        heads,
        "the replicas the service left"
    );
    let mut centre = Centre {
        data,
        database,
        running: None,
        limits: redshield_server::Limits::default(),
    };
    centre.revive("127.0.0.1:0".parse().unwrap()).await;
    assert_everything_held(&centre, &phones).await;
    let events: u64 = heads.iter().sum();
    let blobs: usize = phones.iter().map(|p| p.blobs.len()).sum();
    eprintln!(
        "{backend:?}: {trials} kills; {} syncs through, {} cut off or refused by a dead centre; \
         held: {events} events of {PHONES} phones, {blobs} blobs",
        tally.synced, tally.cut
    );
    assert!(tally.cut > 0, "the kills must have cut syncs off");
}

on_both_backends!(a_centre_killed_at_random_during_pushes_loses_nothing);
