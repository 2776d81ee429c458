//! Clocks derived from a case's own steps on a real store, against the real clock: a complaint
//! received a month ago is overdue, one received now runs; steps stop them.

use redshield_core::cases::{CaseKind, Step};
use redshield_core::clocks::{ClockKind, ClockState};
use redshield_testkit::{complaint, device_in};

const DAY_MS: i64 = 86_400_000;

/// The case's clock of a kind.
fn clock_of(
    device: &redshield_core::Device,
    case: &str,
    kind: ClockKind,
) -> Option<redshield_core::clocks::Clock> {
    device
        .case_clocks(case)
        .unwrap()
        .into_iter()
        .find(|c| c.kind == kind)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[test]
fn clocks_start_and_stop_on_the_case_steps() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());

    let mut late = complaint(1);
    late.received_at_ms = Some(now_ms() - 30 * DAY_MS);
    let late = device.open_case(&late).unwrap();
    let fresh = device.open_case(&complaint(2)).unwrap();

    let clocks = device.case_clocks(&late.number).unwrap();
    assert_eq!(clocks.len(), 1);
    let accept = &clocks[0];
    assert_eq!(
        (accept.kind, accept.state),
        (ClockKind::Accept, ClockState::Breached)
    );
    assert!(accept.remaining_ms < 0 && accept.warning_percent == 100);
    assert_eq!(accept.article, "《投诉举报处理办法》第十五条");

    let running = &device.case_clocks(&fresh.id).unwrap()[0];
    assert_eq!(running.state, ClockState::Running);
    assert!(running.remaining_ms > 0 && running.warning_percent == 0);

    // The due list: within a day only the breached one; within a month both, soonest first.
    let today = device.due_clocks(DAY_MS).unwrap();
    assert_eq!(today.len(), 1);
    assert_eq!(today[0].case_id, late.id);
    let month = device.due_clocks(31 * DAY_MS).unwrap();
    assert_eq!(
        month.iter().map(|c| c.case_id.as_str()).collect::<Vec<_>>(),
        [&late.id, &fresh.id]
    );

    // Accepting stops the acceptance clock (late: breached; on time: met) and starts mediation.
    device
        .take_step(&late.id, &Step::Accept, None, None)
        .unwrap();
    device
        .take_step(&fresh.id, &Step::Accept, None, None)
        .unwrap();
    let late_clocks = device.case_clocks(&late.id).unwrap();
    assert_eq!(late_clocks[0].state, ClockState::Breached);
    let breached = device.breached_clocks().unwrap();
    assert_eq!(
        breached.len(),
        1,
        "stopped late, still listed: {breached:?}"
    );
    assert_eq!(
        (breached[0].case_id.as_str(), breached[0].kind),
        (late.id.as_str(), ClockKind::Accept)
    );
    assert!(late_clocks[0].stopped_at_ms.is_some());
    let fresh_clocks = device.case_clocks(&fresh.id).unwrap();
    assert_eq!(fresh_clocks[0].state, ClockState::Met);
    assert_eq!(
        (fresh_clocks[1].kind, fresh_clocks[1].state),
        (ClockKind::Mediation, ClockState::Running)
    );
    assert_eq!(
        fresh_clocks[1].article,
        "《投诉举报处理办法》第二十二条、第二十三条第一款第（五）项"
    );

    // Mediation ends without agreement: the end-notice clock starts; closing stops it.
    device
        .take_step(&fresh.id, &Step::StartMediation, None, None)
        .unwrap();
    device
        .take_step(
            &fresh.id,
            &Step::EndMediation { agreement: false },
            None,
            None,
        )
        .unwrap();
    let ended = device.case_clocks(&fresh.id).unwrap();
    assert_eq!(ended[1].state, ClockState::Met);
    assert_eq!(
        (ended[2].kind, ended[2].state),
        (ClockKind::EndNotice, ClockState::Running)
    );
}

#[test]
fn a_report_runs_its_decision_clock_and_a_consultation_none() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut report = complaint(3);
    report.kind = CaseKind::Report;
    report.complainants.clear();
    let report = device.open_case(&report).unwrap();
    let clocks = device.case_clocks(&report.id).unwrap();
    assert_eq!(clocks[0].kind, ClockKind::ReportDecision);
    device
        .take_step(&report.id, &Step::StartVerification, None, None)
        .unwrap();
    device
        .take_step(
            &report.id,
            &Step::DecideReport { file_case: true },
            None,
            None,
        )
        .unwrap();
    assert_eq!(
        device.case_clocks(&report.id).unwrap()[0].state,
        ClockState::Met
    );

    let mut consultation = complaint(4);
    consultation.kind = CaseKind::Consultation;
    consultation.respondent = None;
    let consultation = device.open_case(&consultation).unwrap();
    assert!(device.case_clocks(&consultation.id).unwrap().is_empty());
}

#[test]
fn pausing_resuming_and_extending_follow_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut report = complaint(5);
    report.kind = CaseKind::Report;
    report.complainants.clear();
    let report = device.open_case(&report).unwrap();
    let complaint = device.open_case(&complaint(6)).unwrap();
    use redshield_core::clocks::events::PauseReason::Testing;

    // The acceptance clock does not pause; a report's decision clock does, once at a time.
    let refused = device.pause_clock(&complaint.id, ClockKind::Accept, Testing);
    assert!(refused.unwrap_err().to_string().contains("does not pause"));
    device
        .pause_clock(&report.id, ClockKind::ReportDecision, Testing)
        .unwrap();
    assert_eq!(
        device.case_clocks(&report.id).unwrap()[0].state,
        ClockState::Paused
    );
    assert!(
        device
            .pause_clock(&report.id, ClockKind::ReportDecision, Testing)
            .is_err()
    );
    device
        .resume_clock(&report.id, ClockKind::ReportDecision)
        .unwrap();
    assert_eq!(
        device.case_clocks(&report.id).unwrap()[0].state,
        ClockState::Running
    );
    assert!(
        device
            .resume_clock(&report.id, ClockKind::ReportDecision)
            .is_err()
    );

    // An extension needs a supervisor, a clock that has one, and only once.
    let before = device.case_clocks(&report.id).unwrap()[0].due_at_ms;
    let officer = device.extend_clock(&report.id, ClockKind::ReportDecision);
    assert!(officer.unwrap_err().to_string().contains("supervisor"));
    device
        .sign_in_as(
            redshield_testkit::officer(),
            redshield_core::officer::Role::Supervisor,
        )
        .unwrap();
    assert!(
        device
            .extend_clock(&complaint.id, ClockKind::Accept)
            .is_err()
    );
    device
        .extend_clock(&report.id, ClockKind::ReportDecision)
        .unwrap();
    let after = device.case_clocks(&report.id).unwrap()[0].due_at_ms;
    assert!(after - before >= 15 * DAY_MS, "15 more working days");
    assert!(
        device
            .extend_clock(&report.id, ClockKind::ReportDecision)
            .is_err()
    );

    // The log replays to the same clocks.
    device.rebuild_projections().unwrap();
    assert_eq!(device.case_clocks(&report.id).unwrap()[0].due_at_ms, after);
    assert!(device.verify_chain().unwrap().is_intact());
}

#[test]
fn the_month_report_gives_on_time_shares_and_on_scene_percentiles() {
    use redshield_core::dispatch::{AreaType, NewDispatch};
    use redshield_core::position::GeoPosition;
    use redshield_core::trips::{Fix, NewTrip, Purpose};

    let dir = tempfile::tempdir().unwrap();
    let platform = redshield_testkit::TestPlatform::new();
    let mut device = redshield_core::Device::open(dir.path(), platform.clone()).unwrap();
    device.sign_in(redshield_testkit::officer()).unwrap();
    let mut late = complaint(7);
    late.received_at_ms = Some(now_ms() - 30 * DAY_MS);
    let late = device.open_case(&late).unwrap();
    let fresh = device.open_case(&complaint(8)).unwrap();
    device
        .take_step(&late.id, &Step::Accept, None, None)
        .unwrap();
    device
        .take_step(&fresh.id, &Step::Accept, None, None)
        .unwrap();

    // Three vehicles sent 80 minutes ago (the clock set back for the test) to sites without
    // polygons loaded (area type unknown, regulations.md; the urban 30 minutes), proved on
    // scene by fixes taken 10, 20 and 70 minutes after.
    use std::sync::atomic::Ordering;
    platform.wall_shift_ms.store(-80 * 60_000, Ordering::SeqCst);
    let t = now_ms() - 80 * 60_000;
    for (i, minutes) in [10, 20, 70].into_iter().enumerate() {
        let vehicle = format!("湘A·1231{i}");
        let (lat, lon) = (28.1 + i as f64 * 0.01, 113.0);
        device
            .dispatch(&NewDispatch {
                case_id: fresh.id.clone(),
                vehicle: vehicle.clone(),
                site: Some(GeoPosition {
                    latitude: lat,
                    longitude: lon,
                    accuracy_m: None,
                }),
                site_text: None,
            })
            .unwrap();
        let trip = device
            .start_trip(&NewTrip {
                vehicle,
                crew: vec![],
                crew_count: Some(2),
                purpose: Purpose::Dispatch,
                case_id: Some(fresh.id.clone()),
                odometer_km: None,
                odometer_photo: None,
                started_at_ms: None,
            })
            .unwrap();
        let mut fix = Fix::at(lat, lon, t + minutes * 60_000);
        fix.accuracy_m = Some(5.0);
        platform.wall_shift_ms.store(0, Ordering::SeqCst);
        device.record_fixes(&trip.id, &[fix]).unwrap();
        platform.wall_shift_ms.store(-80 * 60_000, Ordering::SeqCst);
    }
    platform.wall_shift_ms.store(0, Ordering::SeqCst);

    let month_of = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .unwrap()
            .with_timezone(&redshield_core::time::BEIJING)
            .format("%Y-%m")
            .to_string()
    };
    let report = device.clock_report(&month_of(now_ms())).unwrap();
    let accept = report
        .on_time
        .iter()
        .find(|r| r.kind == ClockKind::Accept)
        .unwrap();
    assert_eq!(
        (accept.ended, accept.met, accept.share_met),
        (2, 1, Some(0.5))
    );
    // The dispatches were made in the month of `t` (80 minutes ago).
    let report = device.clock_report(&month_of(t)).unwrap();
    let remote = report
        .on_scene
        .iter()
        .find(|r| r.area == AreaType::Unknown)
        .unwrap();
    assert_eq!((remote.dispatches, remote.arrived, remote.met), (3, 3, 2));
    let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 0.1;
    assert!(close(remote.median_minutes, 20.0), "{remote:?}");
    assert!(close(remote.p90_minutes, 70.0), "{remote:?}");
    assert!(device.clock_report("2026-13").is_err());
}

#[test]
fn clocks_started_by_hand_and_the_limitation_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut old = complaint(9);
    let four_years_ago = chrono::Utc::now().date_naive() - chrono::Days::new(4 * 366);
    old.matter.occurred_on = Some(four_years_ago.format("%Y-%m-%d").to_string());
    let old = device.open_case(&old).unwrap();
    let recent = device.open_case(&complaint(10)).unwrap();

    // Four years after the harm: the limitation clock is breached at receipt (Art. 16(4)).
    let limitation = clock_of(&device, &old.id, ClockKind::Limitation).unwrap();
    assert_eq!(limitation.state, ClockState::Breached);
    assert_eq!(limitation.article, "《投诉举报处理办法》第十六条第（四）项");
    assert!(
        device
            .case_clocks(&recent.id)
            .unwrap()
            .iter()
            .all(|c| c.kind != ClockKind::Limitation),
        "no date of harm, no check"
    );

    // A violation found during mediation: 15 working days, started and stopped by hand.
    assert!(
        device.start_clock(&recent.id, ClockKind::Accept).is_err(),
        "steps start it"
    );
    device
        .start_clock(&recent.id, ClockKind::ViolationCheck)
        .unwrap();
    assert!(
        device
            .start_clock(&recent.id, ClockKind::ViolationCheck)
            .is_err()
    );
    let running = clock_of(&device, &recent.id, ClockKind::ViolationCheck).unwrap();
    assert_eq!(
        (running.state, running.article.as_str()),
        (ClockState::Running, "《投诉举报处理办法》第二十七条")
    );
    assert!(
        running.remaining_ms > 14 * DAY_MS,
        "15 working days: {running:?}"
    );
    device
        .stop_clock(&recent.id, ClockKind::ViolationCheck)
        .unwrap();
    assert!(
        device
            .stop_clock(&recent.id, ClockKind::ViolationCheck)
            .is_err()
    );
    let stopped = clock_of(&device, &recent.id, ClockKind::ViolationCheck).unwrap();
    assert_eq!(stopped.state, ClockState::Met);
    device.rebuild_projections().unwrap();
    assert_eq!(device.case_clocks(&recent.id).unwrap().len(), 2);
}
