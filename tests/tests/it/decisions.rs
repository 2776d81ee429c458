//! The centre's decisions reach the device that owns the case and are carried out there by
//! its own events: a case the centre received, dispatched with it to a vehicle; 督办; an
//! answer to an extension request; a closure — over loopback HTTP, on both ledgers.

use std::sync::Arc;

use redshield_core::api::{CaseKind, CaseState, Channel, ClockKind, FieldCore, Outcome, Step};
use redshield_core::sync::protocol::{CASE_DISPATCHED, ServerEventBody};
use redshield_server::Ledger;
use redshield_server::decisions::{DispatchOrder, Site};
use redshield_testkit::centre::{Centre, device_uuid, enrol};
use redshield_testkit::postgres::Backend;
use redshield_testkit::{complaint_from, device, device_log, on_both_backends};
use uuid::Uuid;

const VEHICLE: &str = "湘A·12315";

fn order(device: &FieldCore, case_id: Option<Uuid>) -> DispatchOrder {
    DispatchOrder {
        device: device_uuid(device),
        vehicle: VEHICLE.into(),
        case_id,
        case: None,
        site: Some(Site {
            lat: 28.1942,
            lon: 112.9823,
        }),
        site_text: Some("芙蓉区五一大道 1 号".into()),
    }
}

/// The device's records of the centre's decisions, as stored (canonical JSON text).
fn decision_records(dir: &std::path::Path) -> Vec<String> {
    device_log(dir)
        .into_iter()
        .map(|(_, canonical, _)| String::from_utf8(canonical).unwrap())
        .filter(|text| text.contains("\"ServerEventApplied\""))
        .collect()
}

async fn enrolled(centre: &Centre, dir: &std::path::Path, officer: &str) -> Arc<FieldCore> {
    let phone = device(dir, officer);
    enrol(centre, &phone).await;
    phone
}

async fn a_case_the_centre_received_is_dispatched_with_it_to_a_vehicle(backend: Backend) {
    let centre = Centre::on(backend).await;
    let (dir, other_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let phone = enrolled(&centre, dir.path(), "李明").await;
    let other = enrolled(&centre, other_dir.path(), "张伟").await;
    let mut hotline = complaint_from("王芳");
    hotline.channel = Some(Channel::Hotline);

    // A case the device would refuse is never sent.
    let mut bad = hotline.clone();
    bad.complainants[0].phone = "12345".into();
    let refused = centre
        .running()
        .dispatch(DispatchOrder {
            case: Some(bad),
            ..order(&phone, None)
        })
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("phone"), "{refused}");
    assert!(centre.server_seqs_for(&phone).await.is_empty());

    let decided = centre
        .running()
        .dispatch(DispatchOrder {
            case: Some(hotline),
            ..order(&phone, None)
        })
        .await
        .unwrap();
    let report = phone.clone().sync(None, None).await.unwrap();
    assert_eq!(report.server_events_applied, 1);

    let case = phone.get_case(decided.case_id.to_string()).unwrap();
    assert_eq!(case.channel, Channel::Hotline);
    assert_eq!(case.complainants[0].name, "王芳");
    assert_eq!(case.state, CaseState::Received);
    let dispatches = phone.case_dispatches(case.id.clone()).unwrap();
    assert_eq!(dispatches.len(), 1);
    assert_eq!(dispatches[0].vehicle, VEHICLE);
    assert_eq!(
        dispatches[0].site_text.as_deref(),
        Some("芙蓉区五一大道 1 号")
    );
    // The on-scene clock runs from the centre's dispatch, not from the device's sync.
    let sent = centre
        .running()
        .ledger()
        .server_events(device_uuid(&phone), 0, 10)
        .await
        .unwrap();
    let body: ServerEventBody = serde_json::from_str(&sent[0].canonical).unwrap();
    assert_eq!(body.event_type, CASE_DISPATCHED);
    assert_eq!(dispatches[0].dispatched_at_ms, body.time_ms);
    // The personal data travelled beside the signed decision: the device's record of it
    // holds none, so a purge leaves nothing behind.
    let records = decision_records(dir.path());
    assert_eq!(records.len(), 1);
    assert!(!records[0].contains("王芳") && !records[0].contains("13812345678"));

    // The device's own events bring the case to the centre, its owner's: no conflict.
    let again = phone.clone().sync(None, None).await.unwrap();
    assert_eq!(again.conflicts_flagged, 0);
    let held = centre.case_as_held(&phone, &case.id).await;
    assert_eq!(held.complainants[0].name, "王芳");

    // Another device gets it only once it is reassigned; its owner can be sent again.
    let elsewhere = centre
        .running()
        .dispatch(order(&other, Some(decided.case_id)))
        .await
        .unwrap_err();
    assert!(elsewhere.to_string().contains("assign it"), "{elsewhere}");
    centre
        .running()
        .dispatch(order(&phone, Some(decided.case_id)))
        .await
        .unwrap();
    phone.clone().sync(None, None).await.unwrap();
    assert_eq!(phone.case_dispatches(case.id).unwrap().len(), 2);
}

on_both_backends!(a_case_the_centre_received_is_dispatched_with_it_to_a_vehicle);

async fn a_decision_the_device_cannot_carry_out_is_recorded_and_the_next_applies(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = enrolled(&centre, dir.path(), "李明").await;
    let case = phone.open_case(complaint_from("王芳")).unwrap();
    phone.clone().sync(None, None).await.unwrap();
    let case_id = Uuid::parse_str(&case.id).unwrap();
    // A dispatch naming an intake it does not carry (published raw, as a faulty centre
    // might), then a good one.
    let unknown = Uuid::now_v7();
    let digest = redshield_core::events::Digest::of(&[b"nothing"]);
    let body = serde_json::json!({"dispatch_id": Uuid::now_v7(), "case_id": unknown,
        "vehicle": VEHICLE, "intake_sha256": digest});
    centre
        .running()
        .publish(Some(device_uuid(&phone)), CASE_DISPATCHED, body)
        .await
        .unwrap();
    centre
        .running()
        .dispatch(order(&phone, Some(case_id)))
        .await
        .unwrap();
    let report = phone.clone().sync(None, None).await.unwrap();
    assert_eq!(report.server_events_applied, 2);
    assert!(phone.get_case(unknown.to_string()).is_err());
    assert_eq!(phone.case_dispatches(case.id).unwrap().len(), 1);
    let records = decision_records(dir.path());
    assert!(records[0].contains("not_carried_out") && records[0].contains("attachment"));
    assert!(!records[1].contains("not_carried_out"));
}

on_both_backends!(a_decision_the_device_cannot_carry_out_is_recorded_and_the_next_applies);

async fn supervision_extension_and_closure_are_carried_out_by_the_owner(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = enrolled(&centre, dir.path(), "李明").await;
    let mut report = complaint_from("匿名");
    report.kind = CaseKind::Report;
    report.complainants.clear();
    let report = phone.open_case(report).unwrap();
    let case = phone.open_case(complaint_from("王芳")).unwrap();
    let (report_id, case_id) = (
        Uuid::parse_str(&report.id).unwrap(),
        Uuid::parse_str(&case.id).unwrap(),
    );
    let due_before = decision_clock(&phone, &report.id).due_at_ms;

    // The officer asks; the centre sees the request with its reason, once synced.
    let reason = "样品送检，需等待检测报告";
    phone
        .request_clock_extension(report.id.clone(), ClockKind::ReportDecision, reason.into())
        .unwrap();
    let twice =
        phone.request_clock_extension(report.id.clone(), ClockKind::ReportDecision, reason.into());
    assert!(twice.unwrap_err().to_string().contains("already requested"));
    assert!(
        centre
            .running()
            .pending_extensions()
            .await
            .unwrap()
            .is_empty()
    );
    phone.clone().sync(None, None).await.unwrap();
    let pending = centre.running().pending_extensions().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].device, device_uuid(&phone));
    assert_eq!(pending[0].case_id, report.id);
    assert_eq!(pending[0].clock, ClockKind::ReportDecision);
    assert_eq!(pending[0].reason.as_deref(), Some(reason));

    let note = "请于 12 月 5 日前报告处理进展";
    let bad_day = centre.running().supervise(case_id, "12月5日", note).await;
    assert!(bad_day.unwrap_err().to_string().contains("due_on"));
    centre
        .running()
        .decide_extension(report_id, ClockKind::ReportDecision, true)
        .await
        .unwrap();
    centre
        .running()
        .supervise(case_id, "2026-12-05", note)
        .await
        .unwrap();
    let synced = phone.clone().sync(None, None).await.unwrap();
    assert_eq!(synced.server_events_applied, 2);

    let requests = phone.clock_extension_requests(report.id.clone()).unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].approved, Some(true));
    assert!(requests[0].decided_at_ms.is_some());
    assert!(decision_clock(&phone, &report.id).due_at_ms > due_before);
    let supervisions = phone.case_supervisions(case.id.clone()).unwrap();
    assert_eq!(supervisions.len(), 1);
    assert_eq!(supervisions[0].due_on, "2026-12-05");
    assert_eq!(supervisions[0].note.as_deref(), Some(note));
    assert!(
        decision_records(dir.path())
            .iter()
            .all(|r| !r.contains("12 月 5 日"))
    );
    phone.clone().sync(None, None).await.unwrap();
    assert!(
        centre
            .running()
            .pending_extensions()
            .await
            .unwrap()
            .is_empty()
    );

    // Closure: carried out by the owner, which may follow the case up afterwards without a
    // conflict; a closure its state does not allow is recorded, not carried out.
    phone
        .take_step(case.id.clone(), Step::Accept, None, None)
        .unwrap();
    phone.clone().sync(None, None).await.unwrap();
    centre
        .running()
        .close_case(case_id, Outcome::Withdrawn)
        .await
        .unwrap();
    centre
        .running()
        .close_case(report_id, Outcome::Agreement)
        .await
        .unwrap();
    phone.clone().sync(None, None).await.unwrap();
    assert_eq!(
        phone.get_case(case.id.clone()).unwrap().state,
        CaseState::Closed
    );
    assert_eq!(
        phone.get_case(report.id.clone()).unwrap().state,
        CaseState::Received
    );
    let follow_up = Step::FollowUp {
        score: Some(5),
        word: None,
    };
    phone
        .take_step(case.id.clone(), follow_up, None, None)
        .unwrap();
    let last = phone.clone().sync(None, None).await.unwrap();
    assert_eq!(last.conflicts_flagged, 0);
    let conflicts = centre
        .running()
        .ledger()
        .conflicts(device_uuid(&phone))
        .await
        .unwrap();
    assert!(conflicts.is_empty(), "{conflicts:?}");
    assert_eq!(
        centre.case_as_held(&phone, &case.id).await.state,
        CaseState::FollowedUp
    );
}

on_both_backends!(supervision_extension_and_closure_are_carried_out_by_the_owner);

fn decision_clock(phone: &FieldCore, case: &str) -> redshield_core::api::Clock {
    phone
        .case_clocks(case.to_string())
        .unwrap()
        .into_iter()
        .find(|c| c.kind == ClockKind::ReportDecision)
        .unwrap()
}
