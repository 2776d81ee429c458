//! Opening, reading and listing cases.

mod common;

use common::{complaint, device_in};
use redshield_core::Error;
use redshield_core::cases::{CaseFilter, CaseKind, CaseState, NewCase, limits};
use redshield_core::clock::beijing_date;
use redshield_core::position::GeoPoint;

fn invalid_field(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[test]
fn a_complaint_is_opened_with_its_number_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut new = complaint(1);
    new.place = Some(GeoPoint::from_degrees("place", 28.1942, 112.9823, Some(5.0)).unwrap());
    let case = device.open_case(&new).unwrap();

    let today = beijing_date(case.opened_at_ms).unwrap().format("%Y%m%d");
    assert_eq!(
        case.number,
        format!("{}-{today}-001", device.device_prefix())
    );
    assert_eq!(case.state, CaseState::Received);
    assert_eq!(
        case.complainant_phone.as_deref(),
        Some("13812345678"),
        "normalised"
    );
    assert_eq!(case.respondent_name.as_deref(), Some("长沙市某某超市"));
    assert_eq!(case.place, new.place);
    assert_eq!(case.opened_by.enforcement_id, "HN-12315-0042");
    assert_eq!(device.case(&case.id.to_string()).unwrap(), case);
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
fn what_each_kind_requires() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let bare = |kind| NewCase {
        kind,
        respondent_name: None,
        respondent_address: None,
        demands: None,
        ..complaint(0)
    };
    device.open_case(&bare(CaseKind::Consultation)).unwrap();
    assert_eq!(
        invalid_field(device.open_case(&bare(CaseKind::Report))),
        "respondent_name"
    );
    assert_eq!(
        invalid_field(device.open_case(&bare(CaseKind::Complaint))),
        "respondent_name"
    );
    let mut report = bare(CaseKind::Report);
    report.respondent_name = Some("某药店".into());
    device.open_case(&report).unwrap();

    let mut c = complaint(0);
    c.respondent_address = None;
    assert_eq!(invalid_field(device.open_case(&c)), "respondent_address");
    let mut c = complaint(0);
    c.demands = Some("   ".into());
    assert_eq!(
        invalid_field(device.open_case(&c)),
        "demands",
        "blank is absent"
    );
}

#[test]
fn bad_text_is_refused_with_the_field_named_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let kept = device.open_case(&complaint(0)).unwrap();
    let head = device.head();
    let cases: Vec<(NewCase, &str)> = vec![
        (
            NewCase {
                complainant_name: "".into(),
                ..complaint(1)
            },
            "complainant_name",
        ),
        (
            NewCase {
                complainant_name: "名".repeat(limits::NAME + 1),
                ..complaint(1)
            },
            "complainant_name",
        ),
        (
            NewCase {
                complainant_phone: "1381234567".into(),
                ..complaint(1)
            },
            "complainant_phone",
        ),
        (
            NewCase {
                complainant_phone: "".into(),
                ..complaint(1)
            },
            "complainant_phone",
        ),
        (
            NewCase {
                facts: "\n\t ".into(),
                ..complaint(1)
            },
            "facts",
        ),
        (
            NewCase {
                facts: "事".repeat(limits::FACTS + 1),
                ..complaint(1)
            },
            "facts",
        ),
        (
            NewCase {
                respondent_address: Some("址".repeat(limits::ADDRESS + 1)),
                ..complaint(1)
            },
            "respondent_address",
        ),
        (
            NewCase {
                demands: Some("退款\u{7}".into()),
                ..complaint(1)
            },
            "demands",
        ),
    ];
    for (new, field) in cases {
        assert_eq!(invalid_field(device.open_case(&new)), field);
    }
    assert_eq!(device.head(), head, "no event was appended");
    let vault_rows: i64 = device
        .connection()
        .query_row("SELECT count(*) FROM vault", [], |r| r.get(0))
        .unwrap();
    assert_eq!(vault_rows, 6, "no vault row was left behind");
    assert_eq!(device.case(&kept.number).unwrap(), kept);
}

#[test]
fn the_longest_allowed_text_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let new = NewCase {
        complainant_name: "名".repeat(limits::NAME),
        facts: "事".repeat(limits::FACTS),
        ..complaint(1)
    };
    let case = device.open_case(&new).unwrap();
    assert_eq!(case.facts.unwrap().chars().count(), limits::FACTS);
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
    let all = CaseFilter::default();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = device.cases(&all, 3, after.as_deref()).unwrap();
        assert!(page.cases.len() <= 3);
        seen.extend(page.cases.into_iter().map(|c| c.number));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    opened.reverse();
    assert_eq!(seen, opened);

    let consultations = CaseFilter {
        kind: Some(CaseKind::Consultation),
        ..Default::default()
    };
    assert_eq!(
        device.cases(&consultations, 50, None).unwrap().cases.len(),
        3
    );
    let received = CaseFilter {
        state: Some(CaseState::Received),
        ..Default::default()
    };
    assert_eq!(device.cases(&received, 50, None).unwrap().cases.len(), 7);

    assert_eq!(invalid_field(device.cases(&all, 0, None)), "limit");
    assert_eq!(invalid_field(device.cases(&all, 501, None)), "limit");
    assert_eq!(
        invalid_field(device.cases(&all, 5, Some("yesterday"))),
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
