//! Art. 37: what the business may see never reveals a report or its reporter.

mod common;

use common::{complaint, device_in, person};
use redshield_core::Error;
use redshield_core::cases::{CaseKind, Step};

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
