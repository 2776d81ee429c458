//! Phones in the field against a centre that fails: a store and the work done between syncs,
//! syncing until a sync gets through, and the check that the centre then holds everything each
//! phone made — its chain, its blobs, its replica — once and exactly. The fault tests
//! (`tests/tests/it/faults.rs`) and the centre's crash test (`cli/tests/it/centre_crash.rs`) share
//! them.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use redshield_core::api::{CoreError, EvidenceKind, FieldCore, SyncReport};
use redshield_server::Ledger;
use tempfile::TempDir;

use crate::centre::{Centre, device_uuid};
use crate::{
    add_evidence, applied_server_seqs, blob_names, case_ids, complaint_from, device, device_log,
    photo, recording, sync_marks,
};

/// A phone in the field: its store, and the blobs its evidence names.
pub struct Phone {
    pub dir: TempDir,
    pub core: Arc<FieldCore>,
    pub blobs: BTreeSet<String>,
}

impl Phone {
    pub fn new(officer: &str) -> Phone {
        let dir = tempfile::tempdir().unwrap();
        let core = device(dir.path(), officer);
        Phone {
            dir,
            core,
            blobs: BTreeSet::new(),
        }
    }

    /// Work between syncs: a complaint opened with a photo of the goods (`n` makes the photo
    /// unique, so each is a blob of its own); with `interview`, a recording large enough to
    /// travel in several chunks.
    pub fn work(&mut self, n: u32, interview: bool) {
        let case = self
            .core
            .open_case(complaint_from(&format!("王芳{n}")))
            .unwrap();
        let jpeg = self.dir.path().join(format!("goods-{n}.jpg"));
        photo(&jpeg, n);
        self.evidence(&case.id, &jpeg, EvidenceKind::Goods);
        if interview {
            let m4a = self.dir.path().join(format!("interview-{n}.m4a"));
            recording(&m4a, u64::from(n), 1_500_000);
            self.evidence(&case.id, &m4a, EvidenceKind::Recording);
        }
    }

    /// A recording forwarded to several officers: the same bytes, so the same blob, uploaded
    /// by each of them at once.
    pub fn shared_recording(&mut self, n: u32) {
        let case = self.core.open_case(complaint_from("共享录音")).unwrap();
        let m4a = self.dir.path().join(format!("shared-{n}.m4a"));
        recording(&m4a, u64::from(n), 1_500_000);
        self.evidence(&case.id, &m4a, EvidenceKind::Recording);
    }

    fn evidence(&mut self, case_id: &str, path: &Path, kind: EvidenceKind) {
        let evidence = add_evidence(&self.core, case_id, path, kind);
        self.blobs.extend(blob_names(&evidence));
    }
}

/// A failure the app answers by syncing again later: nothing proved delivery, or the centre
/// said it is unavailable for now.
pub fn retry_later(e: &CoreError) -> bool {
    match e {
        CoreError::NotDelivered { .. } => true,
        CoreError::SyncRefused { code, .. } => code == "unavailable",
        _ => false,
    }
}

/// Syncs until a sync succeeds or fails for a reason other than the network.
pub async fn sync_until_done(core: Arc<FieldCore>, attempts: u32) -> Result<SyncReport, CoreError> {
    let mut last = None;
    for _ in 0..attempts {
        match core.clone().sync(None, None).await {
            Err(e) if retry_later(&e) => last = Some(e),
            done => return done,
        }
        // The app waits minutes; the faults here do not depend on time.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("no sync got through in {attempts} tries; the last: {last:?}");
}

/// Every phone syncs at once, each until it gets through.
pub async fn sync_all(phones: &[Phone], attempts: u32) {
    let mut syncs = tokio::task::JoinSet::new();
    for phone in phones {
        syncs.spawn(sync_until_done(phone.core.clone(), attempts));
    }
    while let Some(done) = syncs.join_next().await {
        done.unwrap().unwrap();
    }
}

/// Each phone's chain is held whole, once and byte-identical, with nothing flagged; its
/// acknowledgement is its head; each blob it named is held whole; each decision of the centre
/// meant for it was applied once, in order; the centre's replica of it has reached its head,
/// and its projection of each of its cases and their evidence equals the phone's own. No
/// upload is left half-done.
pub async fn assert_everything_held(centre: &Centre, phones: &[Phone]) {
    for (i, phone) in phones.iter().enumerate() {
        let log = device_log(phone.dir.path());
        let head = log.last().expect("events").0;
        assert_eq!(centre.log_of(&phone.core).await, log, "phone {i}'s chain");
        let id = device_uuid(&phone.core);
        let forks = centre.running().ledger().forks(id).await.unwrap();
        assert!(forks.is_empty(), "phone {i}: forks {forks:?}");
        assert_eq!(sync_marks(phone.dir.path()).0, head, "phone {i}: acked seq");
        assert_eq!(
            applied_server_seqs(phone.dir.path()),
            centre.server_seqs_for(&phone.core).await,
            "phone {i}: the centre's events applied once each, in order"
        );
        assert_blobs_held(centre, phone, i);
        assert!(phone.core.verify_chain().unwrap().intact);
        assert_replica_equal(centre, phone, i, head).await;
    }
    assert_eq!(centre.partial_uploads(), Vec::<String>::new());
}

fn assert_blobs_held(centre: &Centre, phone: &Phone, i: usize) {
    for sha in &phone.blobs {
        let mine = std::fs::read(phone.core.blob_path(sha.clone()).unwrap()).unwrap();
        let held = std::fs::read(centre.blob_file(sha))
            .unwrap_or_else(|e| panic!("phone {i}: blob {sha} not held: {e}"));
        assert!(held == mine, "phone {i}: blob {sha} differs");
    }
}

/// The centre's replica of the phone, read as the centre reads it, against the phone's store.
async fn assert_replica_equal(centre: &Centre, phone: &Phone, i: usize, head: u64) {
    let replica_head = centre.running().replicas().head(device_uuid(&phone.core));
    assert_eq!(
        replica_head.await.unwrap(),
        head,
        "phone {i}: the replica's head"
    );
    let cases = case_ids(phone.dir.path());
    assert!(!cases.is_empty(), "phone {i} has cases");
    for case in cases {
        let mine = phone.core.get_case(case.clone()).unwrap();
        assert_eq!(
            centre.case_as_held(&phone.core, &case).await,
            mine,
            "phone {i}: the centre's projection of case {case}"
        );
        assert_eq!(
            centre.evidence_as_held(&phone.core, &case).await,
            phone.core.case_evidence(case.clone()).unwrap(),
            "phone {i}: the centre's projection of the evidence of case {case}"
        );
    }
}
