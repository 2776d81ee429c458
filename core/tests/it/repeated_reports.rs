//! Repeated reports, from the words of Order No. 121 Art. 35: "对于同一举报人就同一涉嫌违法事实
//! 重复举报同一被举报人的，不再另行处理；对于同一举报人以补充新的事实为由再次举报同一被举报人的，可以
//! 合并处理，并自收到最后一次举报之日起重新计算处理期限". Order No. 20 (Art. 31) has no such rule.
//! A report never reaches a complaint's documents (Art. 37).

use redshield_core::Device;
use redshield_core::cases::{Case, CaseKind, CaseState, NewCase, Step};
use redshield_core::clocks::{ClockKind, ClockState};
use redshield_testkit::{complaint, device_in, person, projections};

/// 2026-03-01T10:00 in Beijing, ms: received under Order No. 20.
const MARCH_2026: i64 = 1_772_330_400_000;
const DAY_MS: i64 = 24 * 3600 * 1000;

fn report(name: &str, facts: &str) -> NewCase {
    let mut r = complaint(0);
    r.kind = CaseKind::Report;
    r.complainants = vec![person(name)];
    r.matter.demands.clear();
    r.matter.demands_text = None;
    r.matter.facts = facts.into();
    r
}

fn steps(case: &Case) -> Vec<Step> {
    case.history.iter().map(|s| s.step.clone()).collect()
}

fn report_decision(device: &Device, id: &str) -> Option<redshield_core::clocks::Clock> {
    device
        .case_clocks(id)
        .unwrap()
        .into_iter()
        .find(|c| c.kind == ClockKind::ReportDecision)
}

const FACTS: &str = "该超市销售过期牛奶，货架上有多盒已超过保质期。";

/// "同一举报人就同一涉嫌违法事实重复举报同一被举报人的，不再另行处理": the repeat is recorded,
/// marked at intake and linked to the first, with no period of its own; the same facts from
/// another reporter, or about another business, are a report of their own.
#[test]
fn art_35_the_same_facts_again_are_not_handled_again_and_linked() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let first = device.open_case(&report("赵敏", FACTS)).unwrap();
    let mut again = report("赵敏", "该超市销售过期牛奶 货架上有多盒已超过保质期");
    again.complainants[0].phone = "+86 138-1234-5678".into();
    let again = device.open_case(&again).unwrap();
    assert_eq!(again.state, CaseState::NotHandledAgain);
    assert_eq!(
        steps(&again),
        [Step::MarkRepeated {
            first: first.id.clone()
        }]
    );
    assert_eq!(report_decision(&device, &again.id), None);
    let first_now = device.case(&first.id).unwrap();
    assert_eq!(first_now.state, CaseState::Received);
    assert!(first_now.history.is_empty(), "the first is not touched");
    assert_eq!(
        report_decision(&device, &first.id).unwrap().started_at_ms,
        first.received_at_ms
    );

    let other_reporter = device.open_case(&report("钱七", FACTS)).unwrap();
    assert_eq!(other_reporter.state, CaseState::Received);
    let mut other_shop = report("赵敏", FACTS);
    other_shop.respondent.as_mut().unwrap().name = "另一家超市".into();
    assert_eq!(
        device.open_case(&other_shop).unwrap().state,
        CaseState::Received
    );
    // A complaint is never a repeated report.
    let mut c = complaint(0);
    c.complainants = vec![person("赵敏")];
    c.matter.facts = FACTS.into();
    assert_eq!(device.open_case(&c).unwrap().state, CaseState::Received);
    // The repeat is linked, never handled: no step but the link is allowed.
    assert!(
        device
            .take_step(&again.id, &Step::StartVerification, None, None)
            .is_err()
    );
}

/// "以补充新的事实为由再次举报…可以合并处理，并自收到最后一次举报之日起重新计算处理期限": new facts
/// are offered to merge (the officer's choice), merged into the first, whose period restarts
/// from the last report's receipt; a replay of the log gives the same state.
#[test]
fn art_35_new_facts_are_merged_and_the_period_restarts_from_the_last_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut first = report("赵敏", FACTS);
    first.received_at_ms = Some(chrono::Utc::now().timestamp_millis() - 10 * DAY_MS);
    let first = device.open_case(&first).unwrap();
    device
        .take_step(&first.id, &Step::StartVerification, None, None)
        .unwrap();
    let before = report_decision(&device, &first.id).unwrap();
    assert_eq!(before.started_at_ms, first.received_at_ms);

    let more = device
        .open_case(&report(
            "赵敏",
            "补充：该超市还在销售无中文标签的进口奶粉。",
        ))
        .unwrap();
    assert_eq!(
        more.state,
        CaseState::Received,
        "merging is the officer's choice"
    );
    let offered = device.earlier_reports(&more.id).unwrap();
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[0].case_id, first.id);
    assert!(!offered[0].same_facts && offered[0].open);

    let merge = Step::MergeInto {
        first: first.number.clone(),
    };
    assert_eq!(
        device.take_step(&more.id, &merge, None, None).unwrap(),
        CaseState::Merged
    );
    let more = device.case(&more.id).unwrap();
    assert_eq!(
        steps(&more),
        [Step::MergeInto {
            first: first.id.clone()
        }]
    );
    let first_now = device.case(&first.id).unwrap();
    assert_eq!(first_now.state, CaseState::Verifying);
    assert_eq!(
        steps(&first_now)[1],
        Step::ReportMerged {
            report: more.id.clone(),
            received_at_ms: more.received_at_ms,
        }
    );
    let after = report_decision(&device, &first.id).unwrap();
    assert_eq!(after.started_at_ms, more.received_at_ms);
    assert!(after.due_at_ms > before.due_at_ms);
    assert_eq!(after.state, ClockState::Running);
    assert_eq!(report_decision(&device, &more.id), None);

    let state = projections(&device);
    device.rebuild_projections().unwrap();
    assert_eq!(projections(&device), state);

    // Once the first is decided, new facts are a report of their own.
    device
        .take_step(
            &first.id,
            &Step::DecideReport { file_case: true },
            None,
            None,
        )
        .unwrap();
    let late = device
        .open_case(&report("赵敏", "又发现该超市销售假冒白酒。"))
        .unwrap();
    let refused = device.take_step(
        &late.id,
        &Step::MergeInto {
            first: first.id.clone(),
        },
        None,
        None,
    );
    assert!(
        matches!(&refused, Err(redshield_core::Error::Invalid { field, .. }) if field == "first"),
        "{refused:?}"
    );
    // The merge step on the first is never taken by hand.
    let direct = Step::ReportMerged {
        report: late.id.clone(),
        received_at_ms: 0,
    };
    assert!(device.take_step(&first.id, &direct, None, None).is_err());
}

/// Another reporter's report cannot be linked; Order No. 20 has no Art. 35: its reports are
/// never marked at intake, and linking is refused.
#[test]
fn art_35_needs_the_same_reporter_and_does_not_apply_under_order_20() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let first = device.open_case(&report("赵敏", FACTS)).unwrap();
    let other = device.open_case(&report("钱七", "另一件事")).unwrap();
    let link = Step::MarkRepeated {
        first: first.id.clone(),
    };
    assert!(device.take_step(&other.id, &link, None, None).is_err());
    assert_eq!(device.earlier_reports(&other.id).unwrap(), Vec::new());

    let mut old = report("孙悦", FACTS);
    old.received_at_ms = Some(MARCH_2026);
    let old_first = device.open_case(&old).unwrap();
    old.received_at_ms = Some(MARCH_2026 + DAY_MS);
    let old_again = device.open_case(&old).unwrap();
    assert_eq!(
        old_again.state,
        CaseState::Received,
        "Order No. 20: handled"
    );
    let refused = device.take_step(
        &old_again.id,
        &Step::MarkRepeated {
            first: old_first.id.clone(),
        },
        None,
        None,
    );
    assert!(
        matches!(&refused, Err(redshield_core::Error::Invalid { reason, .. }) if reason.contains("暂行办法")),
        "{refused:?}"
    );
}

/// Art. 37: a report — repeated, merged or first — never appears in a complaint's merchant
/// view, and a complaint's view carries no link to one.
#[test]
fn art_37_a_linked_report_never_reaches_the_merchant() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut c = complaint(0);
    c.complainants = vec![person("赵敏")];
    c.also_report = Some(FACTS.into());
    let complaint = device.open_case(&c).unwrap();
    let report_id = complaint.linked_case.clone().unwrap();
    let again = device.open_case(&report("赵敏", FACTS)).unwrap();
    assert_eq!(
        steps(&again),
        [Step::MarkRepeated {
            first: report_id.clone()
        }]
    );
    let view = serde_json::to_string(&device.merchant_view(&complaint.id).unwrap()).unwrap();
    for hidden in [&report_id, &again.id, &again.number] {
        assert!(!view.contains(hidden.as_str()), "{hidden} in {view}");
    }
    assert!(device.merchant_view(&again.id).is_err());
}
