//! The app's list queries: by state and kind, by text, by phone; paged.

use redshield_core::Error;
use redshield_core::cases::{CaseQuery, CaseState, Step};
use redshield_testkit::{complaint, device_in};

fn numbers(device: &redshield_core::Device, query: CaseQuery) -> Vec<String> {
    let mut found: Vec<String> = device
        .cases(&query)
        .unwrap()
        .cases
        .into_iter()
        .map(|c| c.number)
        .collect();
    found.sort();
    found
}

fn text(t: &str) -> CaseQuery {
    CaseQuery {
        text: Some(t.into()),
        ..Default::default()
    }
}

#[test]
fn text_finds_chinese_words_inside_longer_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let milk = device.open_case(&complaint(1)).unwrap();
    let mut rice = complaint(2);
    rice.matter.goods = Some("电饭煲".into());
    rice.matter.facts = "电饭煲第三天不能加热".into();
    rice.respondent.as_mut().unwrap().name = "某某电器商行".into();
    let rice = device.open_case(&rice).unwrap();

    assert_eq!(numbers(&device, text("牛奶")), [milk.number.as_str()]);
    assert_eq!(numbers(&device, text("加热")), [rice.number.as_str()]);
    assert_eq!(numbers(&device, text("电器 加热")), [rice.number.as_str()]);
    assert!(
        numbers(&device, text("电器 牛奶")).is_empty(),
        "all parts must match"
    );
    assert_eq!(numbers(&device, text("王芳2")), [rice.number.as_str()]);
    assert_eq!(numbers(&device, text(&milk.number)), [milk.number.as_str()]);
    // A number typed in part: its last piece a beginning ("…-2026" of "…-20261207-001").
    assert_eq!(numbers(&device, text(&milk.number[..10])).len(), 2);
    assert_eq!(numbers(&device, text("五一大道")).len(), 2);

    let err = device.cases(&text(" ？！ ")).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "text"),
        "{err}"
    );

    // Purged: the personal words leave the index, the goods stay.
    device.purge_personal_data(&milk.id).unwrap();
    assert!(numbers(&device, text("王芳1")).is_empty());
    assert_eq!(numbers(&device, text("牛奶")), [milk.number.as_str()]);
    device.rebuild_projections().unwrap();
    assert!(numbers(&device, text("王芳1")).is_empty());
}

#[test]
fn a_phone_number_finds_its_cases_in_any_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let a = device.open_case(&complaint(1)).unwrap();
    let mut other = complaint(2);
    other.complainants[0].phone = "13900001111".into();
    device.open_case(&other).unwrap();
    let by_phone = |p: &str| CaseQuery {
        phone: Some(p.into()),
        ..Default::default()
    };
    assert_eq!(
        numbers(&device, by_phone("+86 138 1234 5678")),
        [a.number.as_str()]
    );
    assert!(numbers(&device, by_phone("13700000000")).is_empty());
    let err = device.cases(&by_phone("12345")).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "phone"),
        "{err}"
    );
}

#[test]
fn filters_combine() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let a = device.open_case(&complaint(1)).unwrap();
    device.open_case(&complaint(2)).unwrap();
    device.take_step(&a.id, &Step::Accept, None, None).unwrap();
    let accepted_milk = CaseQuery {
        state: Some(CaseState::Accepted),
        ..text("牛奶")
    };
    assert_eq!(numbers(&device, accepted_milk), [a.number.as_str()]);
}
