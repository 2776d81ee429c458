//! A reassigned case reaches its new owner whole: the earlier holder's signed events and the
//! personal data they refer to travel with the centre's `CaseAssigned`, and the new owner
//! reads the case, its clocks, its 督办 and its evidence exactly as the holder did, then
//! carries on — over loopback HTTP, on both ledgers.

use std::sync::Arc;

use redshield_core::api::{
    Case, CaseKind, CaseQuery, ClockKind, EvidenceKind, FieldCore, NewCase, Outcome, Step,
};
use redshield_testkit::centre::{Centre, device_uuid, enrol};
use redshield_testkit::postgres::Backend;
use redshield_testkit::{
    add_evidence, blob_names, complaint_from, device, on_both_backends, photo,
};
use uuid::Uuid;

async fn enrolled(centre: &Centre, dir: &std::path::Path, officer: &str) -> Arc<FieldCore> {
    let phone = device(dir, officer);
    enrol(centre, &phone).await;
    phone
}

/// A report, with its informant's name and phone.
fn report(informant: &str) -> NewCase {
    let mut report = complaint_from(informant);
    report.kind = CaseKind::Report;
    report
}

/// What must read the same on every device holding the case (clocks without the running
/// figures, which depend on the moment they are read).
fn clocks(phone: &FieldCore, case: &str) -> Vec<(ClockKind, i64, i64, String)> {
    phone
        .case_clocks(case.to_string())
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.kind,
                c.started_at_ms,
                c.due_at_ms,
                format!("{:?}", c.state),
            )
        })
        .collect()
}

/// A centre, two enrolled vehicles, and a report from an informant taken by the first.
struct Scene {
    centre: Centre,
    first_dir: tempfile::TempDir,
    _second_dir: tempfile::TempDir,
    first: Arc<FieldCore>,
    second: Arc<FieldCore>,
    case: String,
    case_id: Uuid,
}

impl Scene {
    async fn new(backend: Backend) -> Scene {
        let centre = Centre::on(backend).await;
        let (first_dir, second_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let first = enrolled(&centre, first_dir.path(), "李明").await;
        let second = enrolled(&centre, second_dir.path(), "张伟").await;
        let case = first.open_case(report("王芳")).unwrap().id;
        let case_id = Uuid::parse_str(&case).unwrap();
        Scene {
            centre,
            first_dir,
            _second_dir: second_dir,
            first,
            second,
            case,
            case_id,
        }
    }

    async fn assign_to(&self, phone: &FieldCore) {
        let device = device_uuid(phone);
        self.centre
            .running()
            .assign_case(self.case_id, device)
            .await
            .unwrap();
    }

    fn case_on(&self, phone: &FieldCore) -> Case {
        phone.get_case(self.case.clone()).unwrap()
    }

    fn step(&self, phone: &FieldCore, step: Step) -> Result<(), String> {
        phone
            .take_step(self.case.clone(), step, None, None)
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

async fn a_reassigned_case_reaches_its_new_owner_whole(backend: Backend) {
    let scene = Scene::new(backend).await;
    let Scene {
        centre,
        first,
        second,
        case,
        case_id,
        ..
    } = &scene;

    // The first vehicle photographs the goods, starts verifying, is supervised, asks for
    // more time to decide and is granted it.
    let jpeg = scene.first_dir.path().join("goods.jpg");
    photo(&jpeg, 1);
    let evidence = add_evidence(first, case, &jpeg, EvidenceKind::Goods);
    scene.step(first, Step::StartVerification).unwrap();
    let reason = "样品送检，需等待检测报告";
    first
        .request_clock_extension(case.clone(), ClockKind::ReportDecision, reason.into())
        .unwrap();
    first.clone().sync(None, None).await.unwrap();
    let decisions = centre.running();
    decisions
        .decide_extension(*case_id, ClockKind::ReportDecision, true)
        .await
        .unwrap();
    let note = "请于 12 月 5 日前报告核查结果";
    decisions
        .supervise(*case_id, "2026-12-05", note)
        .await
        .unwrap();
    first.clone().sync(None, None).await.unwrap();
    first.clone().sync(None, None).await.unwrap();
    let as_held = scene.case_on(first);
    let clocks_held = clocks(first, case);
    assert!(clocks_held.iter().any(|c| c.0 == ClockKind::ReportDecision));

    scene.assign_to(second).await;
    let report = second.clone().sync(None, None).await.unwrap();
    assert!(report.server_events_applied >= 1);

    // The new owner reads the case as its holder did: intake with personal data, history,
    // clocks with the granted extension, the 督办 note, the evidence record.
    assert_eq!(scene.case_on(second), as_held);
    assert_eq!(clocks(second, case), clocks_held);
    let supervisions = second.case_supervisions(case.clone()).unwrap();
    assert_eq!(supervisions.len(), 1);
    assert_eq!(supervisions[0].note.as_deref(), Some(note));
    let requests = second.clock_extension_requests(case.clone()).unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].approved, Some(true));
    assert_eq!(requests[0].reason.as_deref(), Some(reason));
    let received = second.case_evidence(case.clone()).unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].sha256, evidence.sha256);
    // Its signature is checked against the device that captured it; the photo is at the
    // centre, not sent to every phone the case passes through.
    let verdict = second.verify_evidence(received[0].id.clone()).unwrap();
    assert!(verdict.intact, "{verdict:?}");
    let codes: Vec<&str> = verdict.checks.iter().map(|c| c.code.as_str()).collect();
    assert!(codes.contains(&"event.signature.valid"), "{codes:?}");
    assert!(codes.contains(&"original.blob.at_centre"), "{codes:?}");
    // Found by the informant's phone, as a case taken here is (the blind index).
    assert_eq!(found_by_phone(second), 1);

    // It carries on; the centre's replica of it reads the case, and nothing is a conflict.
    scene
        .step(second, Step::DecideReport { file_case: false })
        .unwrap();
    let pushed = second.clone().sync(None, None).await.unwrap();
    assert_eq!(pushed.conflicts_flagged, 0);
    assert_eq!(pushed.blobs_sent, 0, "the received photo is not sent again");
    // With its record of the case at the centre, the new owner fetches the photo's display
    // copy and thumbnail (not the original: the centre is its archive), checked by name.
    let copies = blob_names(&evidence).len() as u32 - 1;
    assert!(copies >= 1, "the photo has at least its thumbnail");
    assert_eq!(pushed.blobs_received, copies);
    let verdict = second.verify_evidence(received[0].id.clone()).unwrap();
    let codes: Vec<&str> = verdict.checks.iter().map(|c| c.code.as_str()).collect();
    assert!(codes.contains(&"thumbnail.hash.match"), "{codes:?}");
    assert!(codes.contains(&"original.blob.at_centre"), "{codes:?}");
    assert!(verdict.intact);
    let again = second.clone().sync(None, None).await.unwrap();
    assert_eq!(again.blobs_received, 0, "fetched once");
    let at_centre = centre.case_as_held(second, case).await;
    assert_eq!(at_centre, scene.case_on(second));
    assert_eq!(at_centre.history.len(), as_held.history.len() + 1);

    // A replay reads the same; the earlier holder takes no more work on it.
    let before = (scene.case_on(second), clocks(second, case));
    second.rebuild_projections().unwrap();
    assert_eq!((scene.case_on(second), clocks(second, case)), before);
    first.clone().sync(None, None).await.unwrap();
    let refused = scene.step(first, Step::DecideReport { file_case: true });
    let words = refused.unwrap_err();
    assert!(words.contains(&device_uuid(second).to_string()), "{words}");

    // The case goes on to a third vehicle with both holders' events.
    let third_dir = tempfile::tempdir().unwrap();
    let third = enrolled(centre, third_dir.path(), "赵强").await;
    scene.assign_to(&third).await;
    third.clone().sync(None, None).await.unwrap();
    assert_eq!(scene.case_on(&third), scene.case_on(second));
}

on_both_backends!(a_reassigned_case_reaches_its_new_owner_whole);

async fn a_case_comes_back_to_a_vehicle_that_held_it(backend: Backend) {
    let scene = Scene::new(backend).await;
    let Scene {
        first,
        second,
        case,
        ..
    } = &scene;
    scene.step(first, Step::StartVerification).unwrap();
    first.clone().sync(None, None).await.unwrap();
    scene.assign_to(second).await;
    second.clone().sync(None, None).await.unwrap();
    scene
        .step(second, Step::DecideReport { file_case: false })
        .unwrap();
    second.clone().sync(None, None).await.unwrap();
    first.clone().sync(None, None).await.unwrap();

    // Back on the first vehicle: its own earlier steps and the second's, in one order.
    scene.assign_to(first).await;
    first.clone().sync(None, None).await.unwrap();
    let back = scene.case_on(first);
    assert_eq!(back, scene.case_on(second));
    assert_eq!(back.history.len(), 2, "{:?}", back.history);
    assert_eq!(found_by_phone(first), 1, "one case, not two copies");
    let close = Step::Close {
        outcome: Outcome::NoCaseFiled,
    };
    scene.step(first, close).unwrap();
    let pushed = first.clone().sync(None, None).await.unwrap();
    assert_eq!(pushed.conflicts_flagged, 0);
    assert_eq!(
        scene.centre.case_as_held(first, case).await,
        scene.case_on(first)
    );
    let before = (scene.case_on(first), clocks(first, case));
    first.rebuild_projections().unwrap();
    assert_eq!((scene.case_on(first), clocks(first, case)), before);
    assert_eq!(before.0.history.len(), 3);
}

on_both_backends!(a_case_comes_back_to_a_vehicle_that_held_it);

async fn an_open_extension_request_goes_with_the_case(backend: Backend) {
    let scene = Scene::new(backend).await;
    let Scene {
        centre,
        first,
        second,
        case,
        case_id,
        ..
    } = &scene;
    first
        .request_clock_extension(
            case.clone(),
            ClockKind::ReportDecision,
            "等待检测报告".into(),
        )
        .unwrap();
    first.clone().sync(None, None).await.unwrap();
    scene.assign_to(second).await;
    // Listed for the owner only, once the centre holds its record of taking the case (its
    // next push); never twice.
    second.clone().sync(None, None).await.unwrap();
    let pending = || async { centre.running().pending_extensions().await.unwrap() };
    assert!(pending().await.is_empty());
    second.clone().sync(None, None).await.unwrap();
    let listed = pending().await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].device, device_uuid(second));
    let due_before = clocks(second, case);
    centre
        .running()
        .decide_extension(*case_id, ClockKind::ReportDecision, true)
        .await
        .unwrap();
    second.clone().sync(None, None).await.unwrap();
    assert_ne!(clocks(second, case), due_before);
    let requests = second.clock_extension_requests(case.clone()).unwrap();
    assert_eq!(requests[0].approved, Some(true));
    first.clone().sync(None, None).await.unwrap();
    second.clone().sync(None, None).await.unwrap();
    assert!(pending().await.is_empty());
}

on_both_backends!(an_open_extension_request_goes_with_the_case);

/// The cases the phone finds by the informant's mobile number.
fn found_by_phone(phone: &FieldCore) -> usize {
    let query = CaseQuery {
        phone: Some("13812345678".into()),
        ..CaseQuery::default()
    };
    phone.list_cases(query).unwrap().cases.len()
}
