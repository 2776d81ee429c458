//! Taking cases: what each kind requires, every field read back, split submissions, the rule
//! set, refusals that store nothing, lists.

mod common;

use common::{complaint, device_in, matter, person, shop};
use redshield_core::Error;
use redshield_core::cases::{
    Agent, CaseKind, CaseQuery, CaseState, Channel, DemandKind, IdDocument, IdKind, NewCase,
    OnlineShop, RuleSet, limits,
};
use redshield_core::clock::beijing_date;
use redshield_core::position::GeoPosition;

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
