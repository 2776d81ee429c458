//! Taking cases: what each kind requires, every field read back, split submissions, the rule
//! set, refusals that store nothing, lists.

use redshield_core::Error;
use redshield_core::cases::{
    Agent, CaseKind, CaseQuery, CaseState, Channel, DemandKind, IdDocument, IdKind, NewCase,
    OnlineShop, RuleSet, Step, limits,
};
use redshield_core::position::GeoPosition;
use redshield_core::time::beijing_date;
use redshield_testkit::{complaint, device_in, matter, person, shop};

fn invalid_field(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn count(device: &redshield_core::Device, table: &str) -> i64 {
    device
        .connection()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// 2026-03-01T10:00 in Beijing, ms.
const MARCH_2026: i64 = 1_772_330_400_000;

#[test]
fn a_complaint_is_opened_with_every_field_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut new = complaint(1);
    new.channel = Some(Channel::NationalPlatform);
    new.platform_ticket = Some("12315-2026-000123".into());
    new.complainants[0].id_document = Some(IdDocument {
        kind: IdKind::ResidentId,
        number: "11010519491231002x".into(),
    });
    new.complainants[0].agent = Some(Agent {
        name: "张律师".into(),
        id_document: IdDocument {
            kind: IdKind::ResidentId,
            number: "430102199003070012".into(),
        },
        power_of_attorney: true,
    });
    let respondent = new.respondent.as_mut().unwrap();
    respondent.credit_code = Some("9144030071526726xg".into());
    respondent.legal_representative = Some("赵某".into());
    respondent.online = Some(OnlineShop {
        platform: "拼多多".into(),
        shop_name: Some("某某旗舰店".into()),
        shop_address: Some("深圳市南山区科技园".into()),
    });
    new.matter.occurred_on = Some("2026-11-20".into());
    new.matter.place = Some(GeoPosition {
        latitude: 28.1942,
        longitude: 112.9823,
        accuracy_m: Some(5.0),
    });
    new.matter.evidence = vec!["发票 No. 00123".into()];
    let case = device.open_case(&new).unwrap();

    let today = beijing_date(case.opened_at_ms).unwrap().format("%Y%m%d");
    assert_eq!(
        case.number,
        format!("{}-{today}-001", device.device_prefix())
    );
    assert_eq!(case.state, CaseState::Received);
    assert_eq!(case.channel, Channel::NationalPlatform);
    assert_eq!(case.rule_set, RuleSet::SamrOrder121);
    assert_eq!(case.received_at_ms, case.opened_at_ms);
    let who = &case.complainants[0];
    assert_eq!(who.phone, "13812345678", "normalised");
    assert_eq!(
        who.id_document.as_ref().unwrap().number,
        "11010519491231002X",
        "upper-cased"
    );
    assert!(who.agent.as_ref().unwrap().power_of_attorney);
    let business = case.respondent.as_ref().unwrap();
    assert_eq!(business.credit_code.as_deref(), Some("9144030071526726XG"));
    assert_eq!(business.online.as_ref().unwrap().platform, "拼多多");
    assert_eq!(case.matter.place, new.matter.place);
    assert_eq!(case.matter.amount_paid_fen, Some(5980));
    assert_eq!(
        case.matter.demands,
        [DemandKind::Refund, DemandKind::Compensation]
    );
    assert_eq!(case.opened_by.enforcement_id, "HN-12315-0042");
    assert!(case.history.is_empty());
    assert_eq!(device.case(&case.id).unwrap(), case);
    assert_eq!(device.case(&case.number).unwrap(), case);
}

#[test]
fn numbers_count_up_within_the_day() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let numbers: Vec<String> = (0..12)
        .map(|n| device.open_case(&complaint(n)).unwrap().number)
        .collect();
    for (i, number) in numbers.iter().enumerate() {
        assert!(number.ends_with(&format!("-{:03}", i + 1)), "{number}");
    }
}

#[test]
fn the_rule_set_follows_the_date_of_receipt_and_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut letter = complaint(1);
    letter.channel = Some(Channel::Letter);
    letter.received_at_ms = Some(MARCH_2026);
    let case = device.open_case(&letter).unwrap();
    assert_eq!(case.rule_set, RuleSet::SamrOrder20);
    assert_eq!(case.received_at_ms, MARCH_2026);
    device.rebuild_projections().unwrap();
    assert_eq!(
        device.case(&case.id).unwrap().rule_set,
        RuleSet::SamrOrder20
    );

    letter.received_at_ms = Some(case.opened_at_ms + 24 * 3600 * 1000);
    assert_eq!(
        invalid_field(device.open_case(&letter)),
        "received_at_ms",
        "received tomorrow"
    );
}

#[test]
fn what_each_kind_requires() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());

    // A consultation: one person, no business needed, no demands.
    let mut consultation = complaint(1);
    consultation.kind = CaseKind::Consultation;
    consultation.respondent = None;
    consultation.matter.demands.clear();
    consultation.complainants[0].address = None;
    device.open_case(&consultation).unwrap();

    // A report may be anonymous; it names the business.
    let mut report = complaint(2);
    report.kind = CaseKind::Report;
    report.complainants.clear();
    report.matter.demands.clear();
    let anonymous = device.open_case(&report).unwrap();
    assert!(anonymous.complainants.is_empty());
    report.respondent = None;
    assert_eq!(invalid_field(device.open_case(&report)), "respondent");

    // A complaint: the consumer's address, the business's address, a demand (Art. 10).
    let mut c = complaint(3);
    c.complainants[0].address = None;
    assert_eq!(
        invalid_field(device.open_case(&c)),
        "complainants[0].address"
    );
    let mut c = complaint(3);
    c.respondent.as_mut().unwrap().address = None;
    assert_eq!(invalid_field(device.open_case(&c)), "respondent.address");
    let mut c = complaint(3);
    c.matter.demands.clear();
    assert_eq!(invalid_field(device.open_case(&c)), "matter.demands");
    let mut c = complaint(3);
    c.matter.demands = vec![DemandKind::Other];
    c.matter.demands_text = None;
    assert_eq!(invalid_field(device.open_case(&c)), "matter.demands_text");
    let mut c = complaint(3);
    c.complainants.clear();
    assert_eq!(invalid_field(device.open_case(&c)), "complainants");
}

#[test]
fn a_joint_complaint_names_one_or_two_representatives() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut joint = complaint(1);
    joint.joint_complainants = Some(23);
    joint.complainants.push(person("李华"));
    let case = device.open_case(&joint).unwrap();
    assert_eq!(case.joint_complainants, Some(23));
    assert_eq!(case.complainants.len(), 2);

    joint.complainants.push(person("周强"));
    assert_eq!(invalid_field(device.open_case(&joint)), "complainants");
    let mut two = complaint(1);
    two.complainants.push(person("李华"));
    assert_eq!(
        invalid_field(device.open_case(&two)),
        "complainants",
        "two people without a joint count"
    );
    let mut one = complaint(1);
    one.joint_complainants = Some(1);
    assert_eq!(invalid_field(device.open_case(&one)), "joint_complainants");
}

#[test]
fn a_complaint_that_also_reports_becomes_two_linked_cases() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut new = complaint(1);
    new.also_report = Some("该超市长期销售过期食品".into());
    let complaint_case = device.open_case(&new).unwrap();
    let report_id = complaint_case.linked_case.clone().expect("linked");
    let report = device.case(&report_id).unwrap();

    assert_eq!(report.kind, CaseKind::Report);
    assert_eq!(report.linked_case.as_deref(), Some(&*complaint_case.id));
    assert_eq!(
        report.matter.facts.as_deref(),
        Some("该超市长期销售过期食品")
    );
    assert!(report.matter.demands.is_empty());
    assert_eq!(report.complainants, complaint_case.complainants);
    assert_ne!(report.number, complaint_case.number);

    // Each half has its own vault rows: purging the complaint leaves the report whole.
    device.purge_personal_data(&complaint_case.id).unwrap();
    assert_eq!(device.case(&report_id).unwrap(), report);
    assert!(device.verify_chain().unwrap().is_intact());

    let mut consultation = complaint(2);
    consultation.kind = CaseKind::Consultation;
    consultation.also_report = Some("线索".into());
    assert_eq!(
        invalid_field(device.open_case(&consultation)),
        "also_report"
    );
}

#[test]
fn bad_input_is_refused_with_the_field_named_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let kept = device.open_case(&complaint(0)).unwrap();
    let (events, vault) = (count(&device, "events"), count(&device, "vault"));

    let mut cases: Vec<(NewCase, &str)> = Vec::new();
    let mut add = |field, change: &dyn Fn(&mut NewCase)| {
        let mut c = complaint(1);
        change(&mut c);
        cases.push((c, field));
    };
    add("complainants[0].name", &|c| {
        c.complainants[0].name = "".into()
    });
    add("complainants[0].name", &|c| {
        c.complainants[0].name = "名".repeat(limits::NAME + 1)
    });
    add("complainants[0].phone", &|c| {
        c.complainants[0].phone = "1381234567".into()
    });
    add("complainants[0].id_document.number", &|c| {
        c.complainants[0].id_document = Some(IdDocument {
            kind: IdKind::ResidentId,
            number: "110105194912310021".into(),
        })
    });
    add("respondent.credit_code", &|c| {
        c.respondent.as_mut().unwrap().credit_code = Some("91440300715267260G".into())
    });
    add("respondent.name", &|c| {
        c.respondent.as_mut().unwrap().name = "店\u{7}".into()
    });
    add("matter.facts", &|c| c.matter.facts = "  ".into());
    add("matter.facts", &|c| {
        c.matter.facts = "事".repeat(limits::FACTS + 1)
    });
    add("matter.amount_paid_fen", &|c| {
        c.matter.amount_paid_fen = Some(-1)
    });
    add("matter.quantity", &|c| c.matter.quantity = Some(0));
    add("matter.occurred_on", &|c| {
        c.matter.occurred_on = Some("2026-02-30".into())
    });
    add("matter.occurred_on", &|c| {
        c.matter.occurred_on = Some("2999-01-01".into())
    });
    add("matter.place", &|c| {
        c.matter.place = Some(GeoPosition {
            latitude: f64::NAN,
            longitude: 112.0,
            accuracy_m: None,
        })
    });
    add("matter.evidence[0]", &|c| {
        c.matter.evidence = vec!["".into()]
    });
    add("platform_ticket", &|c| {
        c.platform_ticket = Some("x".repeat(limits::REFERENCE + 1))
    });
    for (new, field) in cases {
        assert_eq!(invalid_field(device.open_case(&new)), field);
    }
    assert_eq!(count(&device, "events"), events, "no event was recorded");
    assert_eq!(
        count(&device, "vault"),
        vault,
        "no vault row was left behind"
    );
    assert_eq!(device.case(&kept.number).unwrap(), kept);
}

#[test]
fn the_longest_allowed_text_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut new = complaint(1);
    new.complainants[0].name = "名".repeat(limits::NAME);
    new.matter = matter(&"事".repeat(limits::FACTS));
    let case = device.open_case(&new).unwrap();
    assert_eq!(case.matter.facts.unwrap().chars().count(), limits::FACTS);
}

#[test]
fn lists_are_newest_first_paged_and_filtered() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut opened = Vec::new();
    for n in 0..7 {
        let mut new = complaint(n);
        if n % 3 == 0 {
            new.kind = CaseKind::Consultation;
        }
        opened.push(device.open_case(&new).unwrap().number);
        // Distinct opening times, so "newest first" is a real order.
        std::thread::sleep(std::time::Duration::from_millis(3));
    }
    let page_of = |limit, after: Option<String>| CaseQuery {
        limit: Some(limit),
        after,
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = device.cases(&page_of(3, after)).unwrap();
        assert!(page.cases.len() <= 3);
        seen.extend(page.cases.into_iter().map(|c| c.number));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    opened.reverse();
    assert_eq!(seen, opened);

    let first = &device.cases(&CaseQuery::default()).unwrap().cases[0];
    assert_eq!(first.complainant_name.as_deref(), Some("王芳6"));
    assert_eq!(first.respondent_name.as_deref(), Some(&*shop().name));

    let consultations = CaseQuery {
        kind: Some(CaseKind::Consultation),
        ..Default::default()
    };
    assert_eq!(device.cases(&consultations).unwrap().cases.len(), 3);
    let received = CaseQuery {
        state: Some(CaseState::Received),
        ..Default::default()
    };
    assert_eq!(device.cases(&received).unwrap().cases.len(), 7);

    assert_eq!(invalid_field(device.cases(&page_of(0, None))), "limit");
    assert_eq!(invalid_field(device.cases(&page_of(501, None))), "limit");
    assert_eq!(
        invalid_field(device.cases(&page_of(5, Some("yesterday".into())))),
        "after"
    );
}

#[test]
fn an_unknown_case_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let device = device_in(dir.path());
    let err = device.case("XXXXXX-20260101-001").unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "case", .. }), "{err}");
}

/// Order No. 121 Art. 44 (No. 20 Art. 39): a consultation is outside the measures; PIPL Art. 6:
/// collect the minimum. It may be anonymous and asks only the question; an ID document is
/// refused.
#[test]
fn art_44_a_consultation_needs_no_identity() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let consultation = NewCase {
        kind: CaseKind::Consultation,
        channel: None,
        received_at_ms: None,
        platform_ticket: None,
        complainants: Vec::new(),
        joint_complainants: None,
        respondent: None,
        matter: redshield_core::cases::NewMatter {
            facts: "网购的衣服七天内能不能无理由退货？".into(),
            ..matter("")
        },
        also_report: None,
    };
    let mut bare = consultation.clone();
    bare.matter.goods = None;
    bare.matter.amount_paid_fen = None;
    bare.matter.quantity = None;
    bare.matter.demands.clear();
    bare.matter.demands_text = None;
    let case = device.open_case(&bare).unwrap();
    assert!(case.complainants.is_empty());
    assert_eq!(case.kind, CaseKind::Consultation);
    // Under Order No. 20 likewise.
    let mut old = bare.clone();
    old.received_at_ms = Some(MARCH_2026);
    assert_eq!(
        device.open_case(&old).unwrap().rule_set,
        RuleSet::SamrOrder20
    );

    let (events, vault) = (count(&device, "events"), count(&device, "vault"));
    let mut with_id = bare.clone();
    let mut asker = person("问询人");
    asker.id_document = Some(IdDocument {
        kind: IdKind::Passport,
        number: "E12345678".into(),
    });
    with_id.complainants = vec![asker];
    assert_eq!(
        invalid_field(device.open_case(&with_id)),
        "complainants[0].id_document"
    );
    let mut two = bare.clone();
    two.complainants = vec![person("甲"), person("乙")];
    assert_eq!(invalid_field(device.open_case(&two)), "complainants");
    assert_eq!(
        (count(&device, "events"), count(&device, "vault")),
        (events, vault)
    );
    // A complaint still names its complainant (Art. 10).
    let mut c = complaint(1);
    c.complainants.clear();
    assert_eq!(invalid_field(device.open_case(&c)), "complainants");
}

/// Art. 10 (No. 20 Art. 9): 电话号码. A landline with its area code and a number abroad are
/// phone numbers; stored one way, found by phone search however typed; mobiles keep their
/// check.
#[test]
fn art_10_a_landline_or_a_number_abroad_is_a_phone_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut landline = complaint(1);
    landline.complainants[0].phone = "(0731) 8456 1234 转 8012".into();
    let landline = device.open_case(&landline).unwrap();
    assert_eq!(landline.complainants[0].phone, "0731-84561234转8012");
    let mut abroad = complaint(2);
    abroad.complainants[0].phone = "00852 9123 4567".into();
    abroad.received_at_ms = Some(MARCH_2026);
    let abroad = device.open_case(&abroad).unwrap();
    assert_eq!(abroad.complainants[0].phone, "+85291234567");
    assert_eq!(abroad.rule_set, RuleSet::SamrOrder20);
    let found = |phone: &str| -> Vec<String> {
        let query = CaseQuery {
            phone: Some(phone.into()),
            ..CaseQuery::default()
        };
        let page = device.cases(&query).unwrap();
        page.cases.into_iter().map(|c| c.number).collect()
    };
    assert_eq!(found("0731-84561234-8012"), vec![landline.number.clone()]);
    assert_eq!(
        found("+86 731 84561234 ext 8012"),
        vec![landline.number.clone()]
    );
    assert_eq!(found("+852 91234567"), vec![abroad.number.clone()]);
    let mut bad = complaint(3);
    bad.complainants[0].phone = "12812345678".into();
    assert_eq!(
        invalid_field(device.open_case(&bad)),
        "complainants[0].phone"
    );
    bad.complainants[0].phone = "84561234".into();
    assert_eq!(
        invalid_field(device.open_case(&bad)),
        "complainants[0].phone"
    );
}

/// Art. 13 (No. 20 Art. 12): for a seller inside an online platform, the shop's published
/// address, or where it published none the platform, stands in for the business address; the
/// merchant view says which.
#[test]
fn art_13_the_platform_stands_in_for_an_online_sellers_missing_address() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    for received in [None, Some(MARCH_2026)] {
        let mut c = complaint(1);
        c.received_at_ms = received;
        let shop = c.respondent.as_mut().unwrap();
        shop.address = None;
        shop.online = Some(OnlineShop {
            platform: "拼多多".into(),
            shop_name: Some("某某旗舰店".into()),
            shop_address: None,
        });
        let case = device.open_case(&c).unwrap();
        let view = device.merchant_view(&case.id).unwrap();
        assert_eq!(
            view.respondent_address.as_deref(),
            Some("未在平台公示地址，以拼多多平台经营者住所地为准")
        );
        c.respondent
            .as_mut()
            .unwrap()
            .online
            .as_mut()
            .unwrap()
            .shop_address = Some("广州市白云区某路 8 号".into());
        let case = device.open_case(&c).unwrap();
        let view = device.merchant_view(&case.id).unwrap();
        assert_eq!(
            view.respondent_address.as_deref(),
            Some("广州市白云区某路 8 号（拼多多平台公示地址）")
        );
    }
    // An offline shop still needs its address.
    let mut c = complaint(2);
    c.respondent.as_mut().unwrap().address = None;
    assert_eq!(invalid_field(device.open_case(&c)), "respondent.address");
}

/// Art. 11 and 16(5) (No. 20 Arts. 10 and 15(5)): an agent without a power of attorney is
/// taken, and the materials ground is offered as suggested — under each order its own list,
/// in its own order.
#[test]
fn art_16_5_an_agent_without_a_power_of_attorney_suggests_the_materials_ground() {
    use redshield_core::cases::DeclineReason;
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    for (received, count, article) in [
        (None, 7, "《投诉举报处理办法》第十六条第（五）项"),
        (
            Some(MARCH_2026),
            6,
            "《投诉举报处理暂行办法》第十五条第（五）项",
        ),
    ] {
        let mut c = complaint(1);
        c.received_at_ms = received;
        c.complainants[0].agent = Some(Agent {
            name: "代理人".into(),
            id_document: IdDocument {
                kind: IdKind::Passport,
                number: "E12345678".into(),
            },
            power_of_attorney: false,
        });
        let case = device.open_case(&c).unwrap();
        assert_eq!(case.state, CaseState::Received);
        let offer = device.decline_grounds(&case.id).unwrap();
        assert_eq!(offer.len(), count);
        let suggested: Vec<_> = offer.iter().filter(|g| g.suggested).collect();
        assert_eq!(suggested.len(), 1, "{offer:?}");
        assert_eq!(suggested[0].reason, DeclineReason::MaterialsMissing);
        assert_eq!(suggested[0].article, article);
        assert_eq!(offer[0].reason, DeclineReason::OutsideRemit);

        c.complainants[0].agent.as_mut().unwrap().power_of_attorney = true;
        let with = device.open_case(&c).unwrap();
        let offer = device.decline_grounds(&with.id).unwrap();
        assert!(offer.iter().all(|g| !g.suggested), "{offer:?}");
        device
            .take_step(&with.id, &Step::Accept, None, None)
            .unwrap();
        assert!(matches!(
            device.decline_grounds(&with.id),
            Err(Error::WrongState { .. })
        ));
    }
}

/// Art. 16(4) (No. 20 Art. 15(4)): "超过三年". `time_barred` agrees with the limitation clock:
/// suggested once it is breached; warned when the harm is recent, and declining on it then
/// refused without a note that overrides the clock (recorded with the step).
#[test]
fn art_16_4_time_barred_agrees_with_the_limitation_clock() {
    use redshield_core::cases::DeclineReason;
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let time_barred = |device: &redshield_core::Device, id: &str| {
        device
            .decline_grounds(id)
            .unwrap()
            .into_iter()
            .find(|g| g.reason == DeclineReason::TimeBarred)
            .unwrap()
    };
    let decline = Step::Decline {
        reason: DeclineReason::TimeBarred,
    };
    for received in [None, Some(MARCH_2026)] {
        let mut old = complaint(1);
        old.received_at_ms = received;
        old.matter.occurred_on = Some("2021-06-01".into());
        let old = device.open_case(&old).unwrap();
        let g = time_barred(&device, &old.id);
        assert!(g.suggested && !g.needs_note, "{g:?}");
        device.take_step(&old.id, &decline, None, None).unwrap();

        let mut recent = complaint(2);
        recent.received_at_ms = received;
        recent.matter.occurred_on = Some("2025-12-01".into());
        let recent = device.open_case(&recent).unwrap();
        let g = time_barred(&device, &recent.id);
        assert!(!g.suggested && g.needs_note, "{g:?}");
        assert!(g.warning.as_deref().unwrap().contains("2025年12月1日"));
        let events = count(&device, "events");
        assert_eq!(
            invalid_field(device.take_step(&recent.id, &decline, None, None)),
            "note"
        );
        assert_eq!(count(&device, "events"), events, "nothing recorded");
        let note = "投诉人此前已就同一事项起诉，实际知道侵害之日早于所述日期";
        device
            .take_step(&recent.id, &decline, Some(note), None)
            .unwrap();
        let after = device.case(&recent.id).unwrap();
        assert_eq!(after.state, CaseState::Declined);
        assert_eq!(after.history[0].note.as_deref(), Some(note));

        // No day given: a warning to check it, no note required.
        let unknown = device.open_case(&complaint(3)).unwrap();
        let g = time_barred(&device, &unknown.id);
        assert!(
            !g.suggested && !g.needs_note && g.warning.is_some(),
            "{g:?}"
        );
    }
}

/// The intake form shows every problem at once, each under its field in the officer's words;
/// opening refuses with the first of them, as it always did.
#[test]
fn every_problem_of_an_intake_is_found_at_once_in_field_order() {
    let mut new = complaint(1);
    new.complainants[0].phone = "1380731223".into();
    new.complainants[0].address = None;
    new.respondent.as_mut().unwrap().credit_code = Some("91350100M000100Y44".into());
    new.matter.facts = "  ".into();
    new.matter.demands.clear();
    let now = chrono::Utc::now().timestamp_millis();
    let found: Vec<(String, Option<String>)> = redshield_core::cases::intake::problems(&new, now)
        .unwrap()
        .into_iter()
        .map(|e| match e {
            Error::Invalid { field, zh, .. } => (field, zh),
            other => panic!("not an input problem: {other:?}"),
        })
        .collect();
    let expect = |field: &str, zh: &str| (field.to_string(), Some(zh.to_string()));
    assert_eq!(
        found,
        [
            expect(
                "complainants[0].phone",
                "手机号码应为 11 位数字，现有 10 位"
            ),
            expect("complainants[0].address", "必填"),
            expect("respondent.credit_code", "校验位应为 3，不是 4：请核对代码"),
            expect("matter.demands", "必填"),
            expect("matter.facts", "必填"),
        ]
    );
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    match device.open_case(&new) {
        Err(Error::Invalid { field, .. }) => assert_eq!(field, "complainants[0].phone"),
        other => panic!("expected the first problem, got {other:?}"),
    }
}
