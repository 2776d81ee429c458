//! Each order's own rules on a real store whose clock the test sets: Order No. 20's mediation
//! period pausing for testing (Art. 20), its grounds and reasons (Arts. 15, 21), its reporter
//! notice (Art. 31); "the period ran out" only once it has (Order No. 121 Art. 23(5), Order
//! No. 20 Art. 21(5)).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::common::documents::{reason, someone};
use chrono::{NaiveDateTime, TimeZone};
use redshield_core::Device;
use redshield_core::api::{DocumentAct, MediationMode, NewMediation, ParticipantRole};
use redshield_core::cases::{CaseKind, DeclineReason, RuleSet, Step};
use redshield_core::clocks::events::PauseReason;
use redshield_core::clocks::{Clock, ClockKind, ClockState};
use redshield_core::mediation::terms::EndReason;
use redshield_core::time::BEIJING;
use redshield_testkit::{TestPlatform, complaint, officer};

/// A store whose wall clock the test moves.
struct Phone {
    device: Device,
    platform: Arc<TestPlatform>,
    _dir: tempfile::TempDir,
}

fn beijing(at: &str) -> i64 {
    let naive = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap();
    BEIJING
        .from_local_datetime(&naive)
        .unwrap()
        .timestamp_millis()
}

impl Phone {
    fn new(at: &str) -> Phone {
        let dir = tempfile::tempdir().unwrap();
        let platform = TestPlatform::new();
        let mut phone = Phone {
            device: Device::open(dir.path(), platform.clone()).unwrap(),
            platform,
            _dir: dir,
        };
        phone.at(at).sign_in(officer()).unwrap();
        phone
    }

    /// Sets the phone's clock to `at` (Beijing, `YYYY-MM-DD HH:MM`).
    fn at(&mut self, at: &str) -> &mut Device {
        let shift = beijing(at) - chrono::Utc::now().timestamp_millis();
        self.platform.wall_shift_ms.store(shift, Ordering::SeqCst);
        &mut self.device
    }

    fn clock(&self, case: &str, kind: ClockKind) -> Option<Clock> {
        self.device
            .case_clocks(case)
            .unwrap()
            .into_iter()
            .find(|c| c.kind == kind)
    }

    /// An accepted complaint received and accepted at `at`.
    fn accepted(&mut self, at: &str) -> String {
        let case = self.at(at).open_case(&complaint(1)).unwrap().id;
        self.device
            .take_step(&case, &Step::Accept, None, None)
            .unwrap();
        case
    }

    /// A mediation by telephone on the accepted complaint.
    fn mediation(&mut self, at: &str, case: &str) -> String {
        self.at(at)
            .start_mediation(&NewMediation {
                case_id: case.into(),
                mode: MediationMode::Phone,
                consumer_consents: true,
                merchant_consents: true,
                notice: None,
                place_text: None,
                enforcement: false,
                participants: vec![
                    someone(ParticipantRole::Consumer, "王芳", None),
                    someone(
                        ParticipantRole::MerchantRepresentative,
                        "赵店长",
                        Some("店长"),
                    ),
                ],
                position: None,
            })
            .unwrap()
            .id
    }
}

/// Order No. 20 Art. 20: "检定、检验、检测、鉴定所需时间不计算在调解期限内". A complaint received
/// on 12 February 2026 and accepted on 27 February, tested from 10 March to 10 April: 45
/// working days from acceptance end on 6 May; with the month of testing left out, on 4 June.
#[test]
fn order_20_mediation_pauses_for_testing_art_20() {
    let mut phone = Phone::new("2026-02-12 09:00");
    let case = phone
        .at("2026-02-12 10:00")
        .open_case(&complaint(1))
        .unwrap()
        .id;
    phone
        .at("2026-02-27 10:00")
        .take_step(&case, &Step::Accept, None, None)
        .unwrap();
    let mediation = phone.clock(&case, ClockKind::Mediation).unwrap();
    assert_eq!(mediation.rule_set, RuleSet::SamrOrder20);
    assert_eq!(mediation.due_date, "2026-05-06");
    assert_eq!(
        mediation.article,
        "《投诉举报处理暂行办法》第二十条、第二十一条第一款第（五）项"
    );

    phone
        .at("2026-03-10 10:00")
        .pause_clock(&case, ClockKind::Mediation, PauseReason::Testing)
        .unwrap();
    phone
        .at("2026-04-10 10:00")
        .resume_clock(&case, ClockKind::Mediation)
        .unwrap();
    let mediation = phone.clock(&case, ClockKind::Mediation).unwrap();
    assert_eq!(
        (mediation.due_date.as_str(), mediation.state),
        ("2026-06-04", ClockState::Running)
    );
}

/// Order No. 121 Art. 23(5): "自投诉受理之日起六十日内 … 未能达成调解协议" ends mediation — once
/// sixty days have passed, the time of testing left out (Art. 22), and not before.
#[test]
fn the_period_ran_out_only_once_it_has_order_121_art_23_5() {
    let mut phone = Phone::new("2026-10-10 09:00");
    let case = phone.accepted("2026-10-10 10:00");
    let doc = phone.mediation("2026-10-12 10:00", &case);
    let due = phone.clock(&case, ClockKind::Mediation).unwrap().due_date;
    assert_eq!(due, "2026-12-09");
    let ran_out = || DocumentAct::End {
        reason: EndReason::TimeRanOut,
        note: None,
    };
    let early = phone
        .at("2026-11-02 10:00")
        .act_on_document(&doc, ran_out(), None);
    let why = reason(early);
    assert!(why.contains("2026-12-09"), "{why}");
    // Tested for a week: the period runs a week longer, and ending on its old last day is
    // still too early.
    let paused = DocumentAct::Pause {
        reason: PauseReason::Testing,
    };
    phone
        .at("2026-11-03 10:00")
        .act_on_document(&doc, paused, None)
        .unwrap();
    phone
        .at("2026-11-10 10:00")
        .act_on_document(&doc, DocumentAct::Resume, None)
        .unwrap();
    assert_eq!(
        phone.clock(&case, ClockKind::Mediation).unwrap().due_date,
        "2026-12-16"
    );
    reason(
        phone
            .at("2026-12-10 10:00")
            .act_on_document(&doc, ran_out(), None),
    );
    let ended = phone
        .at("2026-12-17 09:00")
        .act_on_document(&doc, ran_out(), None)
        .unwrap();
    assert_eq!(ended.end_reason, Some(EndReason::TimeRanOut));
    assert_eq!(
        phone.clock(&case, ClockKind::Mediation).unwrap().state,
        ClockState::Breached,
        "ended after its last day: the period was missed, as the record says"
    );
}

/// Order No. 20 Art. 21(5): 45 working days from acceptance; the same rule on the older
/// order's own period.
#[test]
fn the_period_ran_out_only_once_it_has_order_20_art_21_5() {
    let mut phone = Phone::new("2026-03-02 09:00");
    let case = phone.accepted("2026-03-02 10:00");
    let doc = phone.mediation("2026-03-03 10:00", &case);
    let due = phone.clock(&case, ClockKind::Mediation).unwrap().due_date;
    // 45 working days after Monday 2 March 2026: 21 in March (from the 3rd), 21 in April
    // (Qingming 4–6 April off), then 6, 7 and 8 May (Labour Day 1–5 May off).
    assert_eq!(due, "2026-05-08");
    let ran_out = || DocumentAct::End {
        reason: EndReason::TimeRanOut,
        note: None,
    };
    reason(
        phone
            .at("2026-05-08 16:00")
            .act_on_document(&doc, ran_out(), None),
    );
    phone
        .at("2026-05-09 09:00")
        .act_on_document(&doc, ran_out(), None)
        .unwrap();
}

/// Order No. 20 Art. 15 has six grounds — no "冒用他人名义" — and Art. 21 seven reasons — no
/// "死亡或者主体资格灭失"; Order No. 121 Arts. 16 and 23 have both.
#[test]
fn each_order_offers_its_own_grounds_and_reasons() {
    let mut phone = Phone::new("2026-03-02 09:00");
    let old = phone
        .at("2026-03-02 10:00")
        .open_case(&complaint(1))
        .unwrap();
    assert_eq!(old.rule_set, RuleSet::SamrOrder20);
    let identity = Step::Decline {
        reason: DeclineReason::IdentityNotVerified,
    };
    let refused = phone.device.take_step(&old.id, &identity, None, None);
    assert!(
        refused.unwrap_err().to_string().contains("第十五条"),
        "names the article whose grounds apply"
    );
    let materials = Step::Decline {
        reason: DeclineReason::MaterialsMissing,
    };
    phone
        .device
        .take_step(&old.id, &materials, None, None)
        .unwrap();

    let case = phone.accepted("2026-03-02 11:00");
    let doc = phone.mediation("2026-03-03 10:00", &case);
    let gone = DocumentAct::End {
        reason: EndReason::PartyGone,
        note: None,
    };
    let why = reason(
        phone
            .at("2026-03-04 10:00")
            .act_on_document(&doc, gone, None),
    );
    assert!(why.contains("第二十一条"), "{why}");

    let mut phone = Phone::new("2026-10-10 09:00");
    let new = phone
        .at("2026-10-10 10:00")
        .open_case(&complaint(2))
        .unwrap();
    assert_eq!(new.rule_set, RuleSet::SamrOrder121);
    phone
        .device
        .take_step(&new.id, &identity, None, None)
        .unwrap();
}

/// Order No. 20 Art. 31(2): "举报人实名举报的 … 自作出是否立案决定之日起五个工作日内告知举报人".
/// Not an anonymous report's, and not under Order No. 121 (its Art. 36 leaves it to other
/// laws).
#[test]
fn a_named_reporter_is_told_within_five_working_days_order_20_art_31() {
    let mut phone = Phone::new("2026-03-02 09:00");
    let mut named = complaint(1);
    named.kind = CaseKind::Report;
    let mut anonymous = named.clone();
    anonymous.complainants.clear();
    for at in ["2026-03-02 10:00", "2026-10-12 10:00"] {
        let named = phone.at(at).open_case(&named).unwrap().id;
        let anonymous = phone.device.open_case(&anonymous).unwrap().id;
        for case in [&named, &anonymous] {
            for step in [
                Step::StartVerification,
                Step::DecideReport { file_case: false },
            ] {
                phone.device.take_step(case, &step, None, None).unwrap();
            }
        }
        let notice = phone.clock(&named, ClockKind::ReporterNotice);
        assert!(phone.clock(&anonymous, ClockKind::ReporterNotice).is_none());
        if at.starts_with("2026-10") {
            assert!(notice.is_none(), "Order No. 121 has no such clock");
            continue;
        }
        // Decided Monday 2 March: five working days, Monday 9 March.
        let notice = notice.unwrap();
        assert_eq!(
            (notice.due_date.as_str(), notice.state),
            ("2026-03-09", ClockState::Running)
        );
        assert_eq!(notice.article, "《投诉举报处理暂行办法》第三十一条第二款");
        let close = Step::Close {
            outcome: redshield_core::cases::Outcome::NoCaseFiled,
        };
        phone
            .at("2026-03-06 10:00")
            .take_step(&named, &close, None, None)
            .unwrap();
        assert_eq!(
            phone
                .clock(&named, ClockKind::ReporterNotice)
                .unwrap()
                .state,
            ClockState::Met
        );
    }
}
