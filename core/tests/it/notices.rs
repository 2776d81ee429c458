//! The notices the law requires, made from the case and issued as signed events: the
//! 不予受理告知书 (Order No. 121 Art. 15; Order No. 20 Art. 14) and the 终止调解告知书 (Art. 23
//! last paragraph and Art. 25; Order No. 20 Art. 21).

use crate::common::documents::{act, someone};
use redshield_core::Device;
use redshield_core::api::{
    DocumentAct, MediationMode, NewMediation, NoticeKind, ParticipantRole, RenderFormat,
};
use redshield_core::cases::{DeclineReason, Step};
use redshield_core::clocks::{ClockKind, ClockState};
use redshield_core::mediation::terms::EndReason;
use redshield_testkit::{TestPlatform, complaint, device_in, officer};

const DAY_MS: i64 = 86_400_000;

fn declined(device: &mut Device, reason: DeclineReason, note: Option<&str>) -> String {
    let case = device.open_case(&complaint(1)).unwrap().id;
    device
        .take_step(&case, &Step::Decline { reason }, note, None)
        .unwrap();
    case
}

/// Order No. 121 Art. 15: "对投诉作出不予受理决定的，还应当告知投诉人不予受理的理由和《中华人民共和国
/// 消费者权益保护法》第三十九条规定的其他解决消费者权益争议的途径".
#[test]
fn a_decline_notice_gives_the_reasons_and_the_other_ways_art_15() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = declined(
        &mut device,
        DeclineReason::NotConsumerDispute,
        Some("所购商品用于经营转售"),
    );
    let notice = device.issue_notice(&case, NoticeKind::Declined).unwrap();
    assert!(notice.as_issued);
    assert_eq!(notice.sha256, notice.issued_sha256);
    let text = &notice.text;
    for words in [
        "不予受理告知书",
        "王芳1：",
        "不是为生活消费需要购买、使用商品或者接受服务",
        "（《投诉举报处理办法》第十六条第（三）项）",
        "具体情况：所购商品用于经营转售",
        "依据《投诉举报处理办法》第十五条",
        "（一）与经营者协商和解；",
        "（四）根据与经营者达成的仲裁协议提请仲裁机构仲裁；",
        "（五）向人民法院提起诉讼。",
    ] {
        assert!(text.contains(words), "{words:?} missing:\n{text}");
    }
    // The printed copy: the agency's seal and the hash signed when it was issued.
    let html = device
        .render_notice(&case, NoticeKind::Declined, RenderFormat::Html)
        .unwrap();
    assert!(html.contains("<h1>不予受理告知书</h1>"));
    assert!(html.contains("（印章）") && html.contains(&notice.issued_sha256));

    // A case not declined has no such notice.
    let open = device.open_case(&complaint(2)).unwrap().id;
    assert!(device.issue_notice(&open, NoticeKind::Declined).is_err());
}

/// Order No. 20 (Arts. 14, 15): its own ground and article in the notice of a case received
/// under it.
#[test]
fn a_decline_notice_cites_the_cases_own_order() {
    let dir = tempfile::tempdir().unwrap();
    let platform = TestPlatform::new();
    let mut device = Device::open(dir.path(), platform.clone()).unwrap();
    device.sign_in(officer()).unwrap();
    let mut old = complaint(1);
    old.received_at_ms = Some(chrono::Utc::now().timestamp_millis() - 300 * DAY_MS);
    let case = device.open_case(&old).unwrap().id;
    let step = Step::Decline {
        reason: DeclineReason::MaterialsMissing,
    };
    device.take_step(&case, &step, None, None).unwrap();
    let text = device
        .issue_notice(&case, NoticeKind::Declined)
        .unwrap()
        .text;
    assert!(
        text.contains("（《投诉举报处理暂行办法》第十五条第（五）项）"),
        "{text}"
    );
    assert!(
        text.contains("依据《投诉举报处理暂行办法》第十四条"),
        "{text}"
    );
}

fn ended_mediation(device: &mut Device, also_report: bool) -> String {
    let mut new = complaint(3);
    if also_report {
        new.also_report = Some("该超市长期销售过期食品".into());
    }
    let case = device.open_case(&new).unwrap().id;
    device.take_step(&case, &Step::Accept, None, None).unwrap();
    let doc = device
        .start_mediation(&NewMediation {
            case_id: case.clone(),
            mode: MediationMode::Phone,
            consumer_consents: true,
            merchant_consents: true,
            notice: None,
            place_text: None,
            enforcement: false,
            participants: vec![
                someone(ParticipantRole::Consumer, "王芳3", None),
                someone(
                    ParticipantRole::MerchantRepresentative,
                    "赵强",
                    Some("店长"),
                ),
            ],
            position: None,
        })
        .unwrap()
        .id;
    act(
        device,
        &doc,
        DocumentAct::End {
            reason: EndReason::NoAgreementPossible,
            note: Some("被投诉人坚持只换不退".into()),
        },
    );
    case
}

/// Art. 23: "市场监督管理部门终止调解的，应当自作出终止调解决定之日起七个工作日内告知投诉人和被投诉人"
/// — the notice is that telling, and stops the clock; Art. 25: the parties' further ways. It
/// goes to the business, so it never shows the report the complainant also filed (Art. 37).
#[test]
fn the_end_notice_tells_both_parties_and_stops_the_clock_arts_23_25() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = ended_mediation(&mut device, true);
    let clock = |device: &Device| {
        device
            .case_clocks(&case)
            .unwrap()
            .into_iter()
            .find(|c| c.kind == ClockKind::EndNotice)
            .unwrap()
    };
    assert_eq!(clock(&device).state, ClockState::Running);
    let notice = device
        .issue_notice(&case, NoticeKind::MediationEnded)
        .unwrap();
    assert_eq!(clock(&device).state, ClockState::Met, "both parties told");
    let text = &notice.text;
    for words in [
        "终止调解告知书",
        "王芳3、长沙市某某超市：",
        "因经组织调解，投诉人或者被投诉人明确表示无法达成调解协议，依据《投诉举报处理办法》第二十三条第一款第（三）项",
        "说明：被投诉人坚持只换不退",
        "依据《投诉举报处理办法》第二十三条第二款，现予告知。",
        "（《投诉举报处理办法》第二十五条）",
    ] {
        assert!(text.contains(words), "{words:?} missing:\n{text}");
    }
    let report = device.case(&case).unwrap().linked_case.unwrap();
    let report = device.case(&report).unwrap();
    assert!(!text.contains(&report.number));
    assert!(!text.contains("长期销售过期食品"));
    assert!(!text.replace("投诉举报处理", "").contains("举报"));

    // The same after a replay; once the names are purged the words are no longer those issued.
    device.rebuild_projections().unwrap();
    assert_eq!(device.case_notices(&case).unwrap(), vec![notice.clone()]);
    assert_eq!(clock(&device).state, ClockState::Met);
    device.purge_personal_data(&case).unwrap();
    let purged = device.case_notices(&case).unwrap().remove(0);
    assert!(!purged.as_issued);
    assert_eq!(purged.issued_sha256, notice.issued_sha256);
}

/// No notice before its decision: a mediation still going has no end to tell.
#[test]
fn there_is_no_end_notice_before_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = device.open_case(&complaint(4)).unwrap().id;
    device.take_step(&case, &Step::Accept, None, None).unwrap();
    let refused = device.issue_notice(&case, NoticeKind::MediationEnded);
    assert!(refused.is_err());
    assert!(device.case_notices(&case).unwrap().is_empty());
}
