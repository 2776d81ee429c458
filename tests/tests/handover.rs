//! A reassigned case reaches its new owner whole: the earlier holder's signed events and the
//! personal data they refer to travel with the centre's `CaseAssigned`, and the new owner
//! reads the case, its clocks, its 督办 and its evidence exactly as the holder did, then
//! carries on — over loopback HTTP, on both ledgers.

use std::sync::Arc;

use redshield_core::api::{CaseKind, CaseQuery, ClockKind, EvidenceKind, FieldCore, NewCase, Step};
use redshield_e2e::centre::{Centre, device_uuid, enrol};
use redshield_e2e::postgres::Backend;
use redshield_e2e::{add_evidence, complaint, device, on_both_backends, photo};
use uuid::Uuid;

async fn enrolled(centre: &Centre, dir: &std::path::Path, officer: &str) -> Arc<FieldCore> {
    let phone = device(dir, officer);
    enrol(centre, &phone).await;
    phone
}

/// A report, with its informant's name and phone.
fn report(informant: &str) -> NewCase {
    let mut report = complaint(informant);
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

async fn a_reassigned_case_reaches_its_new_owner_whole(backend: Backend) {
    let centre = Centre::on(backend).await;
    let (first_dir, second_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = enrolled(&centre, first_dir.path(), "李明").await;
    let second = enrolled(&centre, second_dir.path(), "张伟").await;

    // The first vehicle takes a report from an informant, photographs the goods, starts
    // verifying, is supervised, asks for more time to decide and is granted it.
    let case = first.open_case(report("王芳")).unwrap();
    let case_id = Uuid::parse_str(&case.id).unwrap();
    let jpeg = first_dir.path().join("goods.jpg");
    photo(&jpeg, 1);
    let evidence = add_evidence(&first, &case.id, &jpeg, EvidenceKind::Goods);
    first
        .take_step(case.id.clone(), Step::StartVerification, None, None)
        .unwrap();
    let reason = "样品送检，需等待检测报告";
    first
        .request_clock_extension(case.id.clone(), ClockKind::ReportDecision, reason.into())
        .unwrap();
    first.clone().sync(None, None).await.unwrap();
    centre
        .running()
        .decide_extension(case_id, ClockKind::ReportDecision, true)
        .await
        .unwrap();
    let note = "请于 12 月 5 日前调解完毕";
    centre
        .running()
        .supervise(case_id, "2026-12-05", note)
        .await
        .unwrap();
    first.clone().sync(None, None).await.unwrap();
    first.clone().sync(None, None).await.unwrap();
    let as_held = first.get_case(case.id.clone()).unwrap();
    let clocks_held = clocks(&first, &case.id);
    assert!(clocks_held.iter().any(|c| c.0 == ClockKind::ReportDecision));

    // A vehicle the case never left cannot be given it back… the first one can give it on.
    centre
        .running()
        .assign_case(case_id, device_uuid(&second))
        .await
        .unwrap();
    let report = second.clone().sync(None, None).await.unwrap();
    assert!(report.server_events_applied >= 1);

    // The new owner reads the case as its holder did: intake with personal data, history,
    // clocks with the granted extension, the 督办 note, the evidence record.
    assert_eq!(second.get_case(case.id.clone()).unwrap(), as_held);
    assert_eq!(clocks(&second, &case.id), clocks_held);
    let supervisions = second.case_supervisions(case.id.clone()).unwrap();
    assert_eq!(supervisions.len(), 1);
    assert_eq!(supervisions[0].note.as_deref(), Some(note));
    let requests = second.clock_extension_requests(case.id.clone()).unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].approved, Some(true));
    assert_eq!(requests[0].reason.as_deref(), Some(reason));
    let received = second.case_evidence(case.id.clone()).unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].sha256, evidence.sha256);
    // Its signature is checked against the device that captured it; the photo is at the
    // centre, not sent to every phone the case passes through.
    let verdict = second.verify_evidence(received[0].id.clone()).unwrap();
    assert!(verdict.intact, "{verdict:?}");
    let codes: Vec<&str> = verdict.checks.iter().map(|c| c.code.as_str()).collect();
    assert!(codes.contains(&"event.signature.valid"), "{codes:?}");
    assert!(codes.contains(&"original.blob.at_centre"), "{codes:?}");
    // Found by the complainant's phone, as a case taken here is (the blind index).
    let by_phone = second
        .list_cases(CaseQuery {
            phone: Some("13812345678".into()),
            ..CaseQuery::default()
        })
        .unwrap();
    assert_eq!(by_phone.cases.len(), 1, "{by_phone:?}");

    // It carries on; the centre's replica of it reads the case, and nothing is a conflict.
    let decide = Step::DecideReport { file_case: false };
    second
        .take_step(case.id.clone(), decide, None, None)
        .unwrap();
    let pushed = second.clone().sync(None, None).await.unwrap();
    assert_eq!(pushed.conflicts_flagged, 0);
    assert_eq!(pushed.blobs_sent, 0, "the received photo is not sent again");
    let at_centre = centre.case_as_held(&second, &case.id).await;
    assert_eq!(at_centre, second.get_case(case.id.clone()).unwrap());
    assert_eq!(at_centre.history.len(), as_held.history.len() + 1);

    // A replay reads the same; the earlier holder takes no more work on it.
    let before = (
        second.get_case(case.id.clone()).unwrap(),
        clocks(&second, &case.id),
    );
    second.rebuild_projections().unwrap();
    assert_eq!(
        (
            second.get_case(case.id.clone()).unwrap(),
            clocks(&second, &case.id)
        ),
        before
    );
    first.clone().sync(None, None).await.unwrap();
    let decide = Step::DecideReport { file_case: true };
    let refused = first.take_step(case.id.clone(), decide, None, None);
    let words = refused.unwrap_err().to_string();
    assert!(words.contains(&device_uuid(&second).to_string()), "{words}");

    // The case goes on to a third vehicle with both holders' events, and never back.
    let third_dir = tempfile::tempdir().unwrap();
    let third = enrolled(&centre, third_dir.path(), "赵强").await;
    let back = centre
        .running()
        .assign_case(case_id, device_uuid(&first))
        .await;
    assert!(back.unwrap_err().to_string().contains("held case"));
    centre
        .running()
        .assign_case(case_id, device_uuid(&third))
        .await
        .unwrap();
    third.clone().sync(None, None).await.unwrap();
    assert_eq!(
        third.get_case(case.id.clone()).unwrap(),
        second.get_case(case.id.clone()).unwrap()
    );
}

on_both_backends!(a_reassigned_case_reaches_its_new_owner_whole);

async fn an_open_extension_request_goes_with_the_case(backend: Backend) {
    let centre = Centre::on(backend).await;
    let (first_dir, second_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = enrolled(&centre, first_dir.path(), "李明").await;
    let second = enrolled(&centre, second_dir.path(), "张伟").await;
    let case = first.open_case(report("王芳")).unwrap();
    let case_id = Uuid::parse_str(&case.id).unwrap();
    first
        .request_clock_extension(
            case.id.clone(),
            ClockKind::ReportDecision,
            "等待检测报告".into(),
        )
        .unwrap();
    first.clone().sync(None, None).await.unwrap();
    centre
        .running()
        .assign_case(case_id, device_uuid(&second))
        .await
        .unwrap();
    // Listed for the owner only, once the centre holds its record of taking the case (its
    // next push); never twice.
    second.clone().sync(None, None).await.unwrap();
    assert!(
        centre
            .running()
            .pending_extensions()
            .await
            .unwrap()
            .is_empty()
    );
    second.clone().sync(None, None).await.unwrap();
    let pending = centre.running().pending_extensions().await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].device, device_uuid(&second));
    let due_before = clocks(&second, &case.id);
    centre
        .running()
        .decide_extension(case_id, ClockKind::ReportDecision, true)
        .await
        .unwrap();
    second.clone().sync(None, None).await.unwrap();
    assert_ne!(clocks(&second, &case.id), due_before);
    let requests = second.clock_extension_requests(case.id.clone()).unwrap();
    assert_eq!(requests[0].approved, Some(true));
    first.clone().sync(None, None).await.unwrap();
    second.clone().sync(None, None).await.unwrap();
    assert!(
        centre
            .running()
            .pending_extensions()
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_backends!(an_open_extension_request_goes_with_the_case);
