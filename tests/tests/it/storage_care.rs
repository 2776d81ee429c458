//! Device storage care against a real centre over loopback, on both ledgers: a device prunes
//! an evidence original only once the centre confirmed it whole, the case is final and the
//! retention has passed on the device's own (driven) clock; then the original is gone from the
//! device, its hash, display copy and thumbnail remain, the bytes freed are the original's,
//! the centre still holds it byte for byte, and nothing more is pruned or sent again.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use redshield_testkit::field_files;

use redshield_core::api::{DeclineReason, Evidence, EvidenceKind, FieldCore, NewEvidence, Step};
use redshield_core::evidence::prune::RETENTION;
use redshield_testkit::centre::{Centre, enrol};
use redshield_testkit::on_both_backends;
use redshield_testkit::postgres::Backend;
use redshield_testkit::{
    TestPlatform, add_evidence, complaint_from, device, device_log, device_on, photo, recording,
};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn decline(phone: &FieldCore, case: &str) {
    let step = Step::Decline {
        reason: DeclineReason::OutsideRemit,
    };
    phone.take_step(case.into(), step, None, None).unwrap();
}

fn original_on_device(dir: &Path, evidence: &Evidence) -> bool {
    let sha = &evidence.sha256;
    dir.join("blobs").join(&sha[..2]).join(sha).exists()
}

fn nothing_pruned(phone: &FieldCore) {
    let report = phone.prune_originals().unwrap();
    assert_eq!(
        (report.pruned.len(), report.bytes_freed),
        (0, 0),
        "{report:?}"
    );
}

async fn originals_go_only_once_confirmed_and_retained_and_the_centre_keeps_them(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let lag = Arc::new(AtomicU64::new(0));
    let platform = TestPlatform::builder().ahead_by(lag.clone()).build();
    let phone = device_on(dir.path(), "李明", platform.clone());
    let closed = phone.open_case(complaint_from("王芳")).unwrap();
    let open = phone.open_case(complaint_from("赵六")).unwrap();
    let (jpeg, m4a, other) = (
        dir.path().join("goods.jpg"),
        dir.path().join("talk.m4a"),
        dir.path().join("shop.jpg"),
    );
    photo(&jpeg, 1);
    recording(&m4a, 2, 300_000);
    photo(&other, 3);
    let pruned_later = [
        add_evidence(&phone, &closed.id, &jpeg, EvidenceKind::Goods),
        add_evidence(&phone, &closed.id, &m4a, EvidenceKind::Recording),
    ];
    let kept = add_evidence(&phone, &open.id, &other, EvidenceKind::Scene);
    let originals: Vec<Vec<u8>> = pruned_later
        .iter()
        .map(|e| std::fs::read(phone.blob_path(e.sha256.clone()).unwrap()).unwrap())
        .collect();
    decline(&phone, &closed.id);

    // Final case, long past retention, but the centre has confirmed nothing.
    lag.fetch_add((RETENTION.days as u64 + 1) * DAY_MS, Ordering::SeqCst);
    nothing_pruned(&phone);

    enrol(&centre, &phone).await;
    phone.clone().sync(None, None).await.unwrap();
    // The record of what the centre confirmed survives a restart of the app.
    drop(phone);
    let phone = device_on(dir.path(), "李明", platform);
    // Confirmed now: the retention counts from the confirmation.
    nothing_pruned(&phone);
    lag.fetch_add((RETENTION.days as u64 - 1) * DAY_MS, Ordering::SeqCst);
    nothing_pruned(&phone);
    lag.fetch_add(2 * DAY_MS, Ordering::SeqCst);

    let report = phone.prune_originals().unwrap();
    let mut pruned: Vec<_> = report.pruned.iter().map(|p| p.sha256.clone()).collect();
    let mut expected: Vec<_> = pruned_later.iter().map(|e| e.sha256.clone()).collect();
    pruned.sort();
    expected.sort();
    assert_eq!(
        pruned, expected,
        "the closed case's originals, not the open one's"
    );
    let freed: u64 = originals.iter().map(|o| o.len() as u64).sum();
    assert_eq!(report.bytes_freed, freed);

    for (evidence, bytes) in pruned_later.iter().zip(&originals) {
        assert!(!original_on_device(dir.path(), evidence));
        assert!(phone.blob_path(evidence.sha256.clone()).is_err());
        let held = std::fs::read(centre.blob_file(&evidence.sha256)).unwrap();
        assert_eq!(&held, bytes, "the centre holds the original byte for byte");
        let listed = phone.get_evidence(evidence.id.clone()).unwrap();
        assert_eq!(listed.sha256, evidence.sha256, "the hash stays");
        assert!(listed.original_archived_at_ms.is_some());
        for copy in [&listed.display, &listed.thumbnail].into_iter().flatten() {
            assert!(Path::new(&phone.blob_path(copy.sha256.clone()).unwrap()).exists());
        }
        let verified = phone.verify_evidence(evidence.id.clone()).unwrap();
        assert!(verified.intact, "{verified:?}");
        assert!(
            verified
                .checks
                .iter()
                .any(|c| c.code == "original.blob.archived")
        );
    }
    assert!(original_on_device(dir.path(), &kept));
    assert!(
        pruned_later[0].thumbnail.is_some(),
        "a photo keeps its thumbnail"
    );

    // Again: nothing left to prune. A rebuild of the projections keeps what was pruned.
    nothing_pruned(&phone);
    phone.rebuild_projections().unwrap();
    let listed = phone.case_evidence(closed.id.clone()).unwrap();
    assert!(listed.iter().all(|e| e.original_archived_at_ms.is_some()));
    assert!(phone.verify_chain().unwrap().intact);

    // The prunes travel like any event; no blob is sent again.
    let after = phone.clone().sync(None, None).await.unwrap();
    assert_eq!(after.blobs_sent, 0);
    assert!(after.events_pushed >= 2, "{after:?}");
    assert_eq!(centre.log_of(&phone).await, device_log(dir.path()));
}

on_both_backends!(originals_go_only_once_confirmed_and_retained_and_the_centre_keeps_them);

/// An iPhone's HEIC reaches the centre with the JPEG rendition the app made of it (issue 18):
/// the centre holds both byte for byte, and the device's verifier finds the piece whole.
async fn a_heic_reaches_the_centre_with_its_rendition(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    let case = phone.open_case(complaint_from("王芳")).unwrap();
    let (heic, jpeg) = (
        dir.path().join("IMG_0001.HEIC"),
        dir.path().join("IMG_0001.jpg"),
    );
    let exif = field_files::tiff(vec![field_files::short(0x0112, 1)], vec![], vec![], [0; 3]);
    std::fs::write(&heic, field_files::heif_with_exif(&exif)).unwrap();
    photo(&jpeg, 7);
    let evidence = phone
        .add_evidence(NewEvidence {
            case_id: case.id.clone(),
            path: heic.display().to_string(),
            kind: EvidenceKind::Goods,
            note: None,
            caption: false,
            place: None,
            place_time_ms: None,
            rendition: Some(jpeg.display().to_string()),
        })
        .unwrap();
    let rendition = evidence
        .rendition
        .clone()
        .expect("the rendition is recorded");

    enrol(&centre, &phone).await;
    let report = phone.clone().sync(None, None).await.unwrap();
    assert!(report.blobs_sent >= 2, "{report:?}");
    for (sha, file) in [(&evidence.sha256, &heic), (&rendition.sha256, &jpeg)] {
        let held = std::fs::read(centre.blob_file(sha)).unwrap();
        assert_eq!(held, std::fs::read(file).unwrap(), "{}", file.display());
    }
    assert!(phone.verify_evidence(evidence.id.clone()).unwrap().intact);
}

on_both_backends!(a_heic_reaches_the_centre_with_its_rendition);
