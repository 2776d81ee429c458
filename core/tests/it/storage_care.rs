//! Device storage care on a real store with real JPEGs, the centre's confirmation given the
//! way the sync client gives it (`blob_confirmed`) — the whole story against a real centre is
//! in `tests/tests/storage_care.rs`. Here: a prune interrupted between its record and its
//! deletions is finished on the next open; an altered or missing original is never pruned
//! (the verifier still reports it); an original shared with a case still open is kept.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use redshield_core::Device;
use redshield_core::cases::{DeclineReason, Step};
use redshield_core::events::Digest;
use redshield_core::evidence::prune::RETENTION;
use redshield_core::evidence::{Evidence, EvidenceKind};
use redshield_testkit::images::{self, Exif};
use redshield_testkit::{TestPlatform, complaint, new_evidence, officer};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A store (in `dir/store`) on a platform whose wall clock the test moves.
fn bench() -> (tempfile::TempDir, PathBuf, Arc<TestPlatform>, Device) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let platform = TestPlatform::new();
    let device = open(&store, &platform);
    (dir, store, platform, device)
}

fn open(dir: &Path, platform: &Arc<TestPlatform>) -> Device {
    let mut device = Device::open(dir, platform.clone()).unwrap();
    device.sign_in(officer()).unwrap();
    device
}

fn photo(device: &mut Device, dir: &Path, case: &str, n: u32) -> Evidence {
    let path = dir.join(format!("photo-{n}.jpg"));
    let scene = images::scene(640 + n * 8, 480);
    std::fs::write(&path, images::jpeg(&scene, &Exif::phone())).unwrap();
    device
        .add_evidence(&new_evidence(case, &path, EvidenceKind::Goods))
        .unwrap()
}

/// The centre confirmed every blob of `evidence` whole.
fn confirm(device: &mut Device, evidence: &Evidence) {
    let copies = [&evidence.display, &evidence.thumbnail];
    let names = copies.iter().flat_map(|c| c.as_ref().map(|d| &d.sha256));
    for sha in names.chain([&evidence.sha256]) {
        device
            .blob_confirmed(&Digest::from_hex(sha).unwrap())
            .unwrap();
    }
}

fn decline(device: &mut Device, case: &str) {
    let step = Step::Decline {
        reason: DeclineReason::OutsideRemit,
    };
    device.take_step(case, &step, None, None).unwrap();
}

fn original_file(store: &Path, evidence: &Evidence) -> PathBuf {
    store
        .join("blobs")
        .join(&evidence.sha256[..2])
        .join(&evidence.sha256)
}

fn pass_retention(platform: &TestPlatform) {
    platform
        .wall_shift_ms
        .fetch_add((RETENTION.days + 1) * DAY_MS, Ordering::SeqCst);
}

fn codes(device: &Device, evidence: &Evidence) -> Vec<String> {
    let report = device.verify_evidence(&evidence.id).unwrap();
    report.checks.into_iter().map(|c| c.code).collect()
}

#[test]
fn an_interrupted_prune_is_finished_on_the_next_open() {
    let (dir, store, platform, mut device) = bench();
    let case = device.open_case(&complaint(1)).unwrap().number;
    let evidence = photo(&mut device, dir.path(), &case, 0);
    confirm(&mut device, &evidence);
    decline(&mut device, &case);
    pass_retention(&platform);

    let report = device.record_prunes().unwrap();
    assert_eq!(report.pruned.len(), 1);
    assert_eq!(report.bytes_freed, evidence.bytes);
    // Interrupted here: recorded, the file not yet deleted. The store does not offer it.
    assert!(original_file(&store, &evidence).exists());
    assert!(device.blob_path(&evidence.sha256).is_err());
    assert!(
        device
            .evidence(&evidence.id)
            .unwrap()
            .original_archived_at_ms
            .is_some()
    );
    drop(device);

    let mut device = open(&store, &platform);
    assert!(
        !original_file(&store, &evidence).exists(),
        "finished on open"
    );
    let report = device.verify_evidence(&evidence.id).unwrap();
    assert!(report.intact, "{report:?}");
    assert!(codes(&device, &evidence).contains(&"original.blob.archived".to_string()));
    let thumbnail = &evidence.thumbnail.as_ref().unwrap().sha256;
    assert!(device.blob_path(thumbnail).unwrap().exists());
    assert_eq!(device.prune_originals().unwrap().pruned, Vec::new());
    assert!(device.verify_chain().unwrap().is_intact());
}

#[test]
fn an_altered_or_missing_original_is_never_pruned_and_stays_reported() {
    let (dir, store, platform, mut device) = bench();
    let case = device.open_case(&complaint(1)).unwrap().number;
    let altered = photo(&mut device, dir.path(), &case, 1);
    let missing = photo(&mut device, dir.path(), &case, 2);
    for e in [&altered, &missing] {
        confirm(&mut device, e);
    }
    decline(&mut device, &case);
    pass_retention(&platform);
    let file = original_file(&store, &altered);
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    std::fs::remove_file(original_file(&store, &missing)).unwrap();

    let report = device.prune_originals().unwrap();
    assert_eq!((report.pruned.len(), report.bytes_freed), (0, 0));
    assert!(codes(&device, &altered).contains(&"original.hash.mismatch".to_string()));
    assert!(codes(&device, &missing).contains(&"original.blob.missing".to_string()));
    assert_eq!(
        device
            .evidence(&missing.id)
            .unwrap()
            .original_archived_at_ms,
        None
    );
}

#[test]
fn an_original_shared_with_an_open_case_is_kept_until_both_may_go() {
    let (dir, store, platform, mut device) = bench();
    let first = device.open_case(&complaint(1)).unwrap().number;
    let second = device.open_case(&complaint(2)).unwrap().number;
    let a = photo(&mut device, dir.path(), &first, 3);
    let b = photo(&mut device, dir.path(), &second, 3);
    assert_eq!(a.sha256, b.sha256, "the same photo in two cases");
    confirm(&mut device, &a);
    decline(&mut device, &first);
    pass_retention(&platform);
    assert_eq!(device.prune_originals().unwrap().pruned, Vec::new());
    assert!(original_file(&store, &a).exists());

    decline(&mut device, &second);
    // The second case's retention counts from its closing.
    assert_eq!(device.prune_originals().unwrap().pruned, Vec::new());
    pass_retention(&platform);
    let report = device.prune_originals().unwrap();
    assert_eq!(report.pruned.len(), 2);
    assert_eq!(report.bytes_freed, a.bytes, "one file, counted once");
    assert!(!original_file(&store, &a).exists());
    for e in [&a, &b] {
        assert!(device.verify_evidence(&e.id).unwrap().intact);
    }
}
