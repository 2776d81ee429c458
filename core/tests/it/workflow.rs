//! Moving cases through the statutory workflow on a real store: every step an event with who,
//! when, where; wrong steps refused with the state named and nothing recorded.

use redshield_core::cases::departments::Department;
use redshield_core::cases::{CaseKind, CaseState, DeclineReason, Outcome, SatisfactionWord, Step};
use redshield_core::position::GeoPoint;
use redshield_core::{Device, Error};
use redshield_testkit::{complaint, device_in, projections};

fn take(device: &mut Device, case: &str, step: Step) -> CaseState {
    device.take_step(case, &step, None, None).unwrap()
}

fn events(device: &Device) -> i64 {
    device
        .connection()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_complaint_from_acceptance_to_follow_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let id = device.open_case(&complaint(1)).unwrap().id;
    let here = GeoPoint::from_degrees("place", 28.19, 112.98, Some(8.0)).unwrap();

    let state = device
        .take_step(&id, &Step::Accept, Some("材料齐全"), Some(here))
        .unwrap();
    assert_eq!(state, CaseState::Accepted);
    take(&mut device, &id, Step::StartMediation);
    take(&mut device, &id, Step::EndMediation { agreement: true });
    take(
        &mut device,
        &id,
        Step::Close {
            outcome: Outcome::Agreement,
        },
    );
    let last = take(
        &mut device,
        &id,
        Step::FollowUp {
            score: Some(5),
            word: Some(SatisfactionWord::VerySatisfied),
        },
    );
    assert_eq!(last, CaseState::FollowedUp);

    let case = device.case(&id).unwrap();
    assert_eq!(case.state, CaseState::FollowedUp);
    let states: Vec<CaseState> = case.history.iter().map(|s| s.state_after).collect();
    assert_eq!(
        states,
        [
            CaseState::Accepted,
            CaseState::Mediating,
            CaseState::Agreed,
            CaseState::Closed,
            CaseState::FollowedUp
        ]
    );
    let accepted = &case.history[0];
    assert_eq!(accepted.note.as_deref(), Some("材料齐全"));
    assert_eq!(accepted.by.enforcement_id, "HN-12315-0042");
    assert_eq!(accepted.place.unwrap().latitude, 28.19);
    assert!(accepted.at_ms >= case.opened_at_ms);

    // The history is a projection: replaying the log gives it back exactly.
    let before = projections(&device);
    device.rebuild_projections().unwrap();
    assert_eq!(projections(&device), before);
    assert!(device.verify_chain().unwrap().is_intact());
}

#[test]
fn a_complaint_declined_with_a_statutory_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let id = device.open_case(&complaint(1)).unwrap().id;
    let other = Step::Decline {
        reason: DeclineReason::OtherLegalGround,
    };
    let err = device.take_step(&id, &other, None, None).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "note"),
        "{err}"
    );

    let time_barred = Step::Decline {
        reason: DeclineReason::TimeBarred,
    };
    assert_eq!(
        take(&mut device, &id, time_barred.clone()),
        CaseState::Declined
    );
    assert_eq!(device.case(&id).unwrap().history[0].step, time_barred);
}

#[test]
fn wrong_steps_name_the_state_and_record_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let id = device.open_case(&complaint(1)).unwrap().id;
    take(
        &mut device,
        &id,
        Step::Decline {
            reason: DeclineReason::OutsideRemit,
        },
    );
    let before = events(&device);
    for step in [
        Step::Accept,
        Step::StartMediation,
        Step::StartVerification,
        Step::Close {
            outcome: Outcome::Withdrawn,
        },
    ] {
        let err = device.take_step(&id, &step, Some("x"), None).unwrap_err();
        assert!(
            matches!(
                err,
                Error::WrongState {
                    state: "declined",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("declined"), "{err}");
    }
    assert_eq!(events(&device), before);

    let mut consultation = complaint(2);
    consultation.kind = CaseKind::Consultation;
    let c = device.open_case(&consultation).unwrap().id;
    let err = device.take_step(&c, &Step::Accept, None, None).unwrap_err();
    assert!(
        matches!(
            err,
            Error::WrongState {
                kind: "consultation",
                ..
            }
        ),
        "{err}"
    );
    let closed = take(
        &mut device,
        &c,
        Step::Close {
            outcome: Outcome::Answered,
        },
    );
    assert_eq!(closed, CaseState::Closed);
}

#[test]
fn a_report_is_verified_and_a_case_filed() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut report = complaint(1);
    report.kind = CaseKind::Report;
    report.complainants.clear();
    let id = device.open_case(&report).unwrap().id;
    take(&mut device, &id, Step::StartVerification);
    assert_eq!(
        take(&mut device, &id, Step::DecideReport { file_case: true }),
        CaseState::Filed
    );
    let err = device
        .take_step(
            &id,
            &Step::Close {
                outcome: Outcome::NoCaseFiled,
            },
            None,
            None,
        )
        .unwrap_err();
    assert!(matches!(err, Error::WrongState { .. }), "{err}");
    take(
        &mut device,
        &id,
        Step::Close {
            outcome: Outcome::CaseFiled,
        },
    );
    assert_eq!(device.case(&id).unwrap().state, CaseState::Closed);
}

#[test]
fn forwarding_and_referring_say_where_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let a = device.open_case(&complaint(1)).unwrap().id;
    let forward = Step::Forward {
        office: "  岳麓区市场监督管理局 ".into(),
    };
    let err = device.take_step(&a, &forward, None, None).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "note"),
        "{err}"
    );
    device
        .take_step(&a, &forward, Some("经营者住所地在岳麓区"), None)
        .unwrap();
    assert_eq!(
        device.case(&a).unwrap().history[0].step,
        Step::Forward {
            office: "岳麓区市场监督管理局".into()
        },
        "trimmed"
    );

    let b = device.open_case(&complaint(2)).unwrap().id;
    let unknown = Step::Refer {
        department: "weather".into(),
    };
    let err = device
        .take_step(&b, &unknown, Some("理由"), None)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "department"),
        "{err}"
    );
    let tobacco = Step::Refer {
        department: "tobacco".into(),
    };
    let state = device
        .take_step(&b, &tobacco, Some("涉及假冒卷烟"), None)
        .unwrap();
    assert_eq!(state, CaseState::Referred);
}

#[test]
fn the_departments_directory_is_replaced_only_by_a_valid_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    assert!(
        device
            .departments()
            .unwrap()
            .iter()
            .any(|d| d.code == "drugs")
    );
    let dept = |code: &str, name: &str| Department {
        code: code.into(),
        name: name.into(),
    };
    for bad in [
        vec![],
        vec![dept("Drugs", "药监")],
        vec![dept("drugs", "药监"), dept("drugs", "药监局")],
        vec![dept("drugs", "")],
    ] {
        assert!(device.load_departments(&bad).is_err(), "{bad:?}");
    }
    assert!(device.departments().unwrap().len() > 10, "unchanged");
    device
        .load_departments(&[dept("market_hn", "湖南省市场监管局"), dept("drugs", "药监")])
        .unwrap();
    let codes: Vec<String> = device
        .departments()
        .unwrap()
        .into_iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["market_hn", "drugs"]);
}

#[test]
fn a_follow_up_needs_a_score_on_one_of_the_scales() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut consultation = complaint(1);
    consultation.kind = CaseKind::Consultation;
    let id = device.open_case(&consultation).unwrap().id;
    take(
        &mut device,
        &id,
        Step::Close {
            outcome: Outcome::Answered,
        },
    );
    for bad in [
        Step::FollowUp {
            score: None,
            word: None,
        },
        Step::FollowUp {
            score: Some(6),
            word: None,
        },
        Step::FollowUp {
            score: Some(0),
            word: None,
        },
    ] {
        let err = device.take_step(&id, &bad, None, None).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "score"),
            "{err}"
        );
    }
    let word = Step::FollowUp {
        score: None,
        word: Some(SatisfactionWord::FairlySatisfied),
    };
    assert_eq!(take(&mut device, &id, word), CaseState::FollowedUp);
}

#[test]
fn purging_removes_step_notes_and_keeps_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let id = device.open_case(&complaint(1)).unwrap().id;
    device
        .take_step(&id, &Step::Accept, Some("消费者王芳电话确认"), None)
        .unwrap();
    device.purge_personal_data(&id).unwrap();
    let case = device.case(&id).unwrap();
    assert!(case.personal_data_purged);
    assert!(case.complainants.is_empty());
    assert_eq!(case.history.len(), 1);
    assert_eq!(case.history[0].note, None);
    assert_eq!(case.state, CaseState::Accepted);
    assert!(device.verify_chain().unwrap().is_intact());
}
