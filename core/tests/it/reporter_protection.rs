//! Art. 37: what the business may see never reveals a report or its reporter.

use redshield_core::Error;
use redshield_core::cases::{CaseKind, Step};
use redshield_testkit::{complaint, device_in, person};

#[test]
fn the_merchant_view_of_a_complaint_hides_the_linked_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut new = complaint(1);
    new.also_report = Some("该超市长期销售过期食品，仓库另有大量临期商品".into());
    let case = device.open_case(&new).unwrap();
    device
        .take_step(
            &case.id,
            &Step::Accept,
            Some("消费者同时举报了该超市"),
            None,
        )
        .unwrap();
    let report = device.case(case.linked_case.as_deref().unwrap()).unwrap();

    let view = device.merchant_view(&case.number).unwrap();
    assert_eq!(
        view.complainants[0].name, "王芳1",
        "the 调解书 names the complainant"
    );
    let shown = serde_json::to_string(&view).unwrap();
    for secret in [
        report.id.as_str(),
        report.number.as_str(),
        "仓库另有大量临期商品",
        "举报",
        "report",
    ] {
        assert!(
            !shown.contains(secret),
            "{secret:?} reached the merchant: {shown}"
        );
    }
}

#[test]
fn a_report_has_no_merchant_view_and_its_reporter_appears_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut report = complaint(1);
    report.kind = CaseKind::Report;
    report.complainants = vec![person("李四举报人")];
    report.matter.demands.clear();
    let report = device.open_case(&report).unwrap();
    let complaint = device.open_case(&complaint(2)).unwrap();

    let not_found = |r: Result<_, Error>| match r {
        Err(Error::NotFound { what, .. }) => what,
        other => panic!("expected not found, got {other:?}"),
    };
    // The same answer as for a case that does not exist.
    assert_eq!(not_found(device.merchant_view(&report.id)), "complaint");
    assert_eq!(
        not_found(device.merchant_view("NOPE-20260101-001")),
        "complaint"
    );

    let shown = serde_json::to_string(&device.merchant_view(&complaint.id).unwrap()).unwrap();
    assert!(!shown.contains("李四举报人"));
    assert!(!shown.contains(&report.number));
}

/// Art. 37 (举报人信息 … 举报处理情况不得泄露给被举报人): a complaint's number must not show that
/// a report was taken beside it. Reports count in their own series (`J`), so the complaints of
/// a day number 001, 002 … with no gap where a report was taken.
#[test]
fn a_report_takes_no_number_from_the_complaints_series() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut first = complaint(1);
    first.also_report = Some("该超市长期销售过期食品".into());
    let first = device.open_case(&first).unwrap();
    let second = device.open_case(&complaint(2)).unwrap();
    let report = device.case(first.linked_case.as_deref().unwrap()).unwrap();
    let counter = |number: &str| number.rsplit_once('-').unwrap().1.to_string();
    assert_eq!(counter(&first.number), "001");
    assert_eq!(counter(&second.number), "002", "no gap for the report");
    assert_eq!(counter(&report.number), "J001");
    // Replayed, the series count on from where they were.
    device.rebuild_projections().unwrap();
    let mut another = complaint(3);
    another.kind = CaseKind::Report;
    another.matter.demands.clear();
    let another = device.open_case(&another).unwrap();
    assert_eq!(counter(&another.number), "J002");
    assert_eq!(
        counter(&device.open_case(&complaint(4)).unwrap().number),
        "003"
    );
}
