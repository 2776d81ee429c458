//! The case list's screen model over a real store: rows worded, filters, search by words and
//! by phone, a phone that is not one told on the screen, pages.

use redshield_core::api::{CaseKind, CaseQuery, CaseState, Choice, Step};
use redshield_testkit::{complaint, device};

fn selected(choices: &[Choice]) -> Vec<&str> {
    choices
        .iter()
        .filter(|c| c.selected)
        .map(|c| c.label.as_str())
        .collect()
}

#[test]
fn an_empty_store_says_how_to_begin() {
    let dir = tempfile::tempdir().unwrap();
    let core = device(dir.path(), "李明");
    let screen = core.case_list_screen(CaseQuery::default()).unwrap();
    assert!(screen.rows.is_empty() && screen.next.is_none() && screen.problem.is_none());
    assert_eq!(screen.empty, "还没有案件：点“登记”记下第一件");
    assert_eq!(selected(&screen.kinds), ["全部"]);
    assert_eq!(screen.kinds.len(), CaseKind::ALL.len() + 1);
    assert_eq!(screen.states.len(), CaseState::ALL.len() + 1);
}

#[test]
fn rows_filters_search_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let core = device(dir.path(), "李明");
    let cases: Vec<_> = (1..=3)
        .map(|n| core.open_case(complaint(n)).unwrap())
        .collect();
    core.take_step(cases[0].id.clone(), Step::Accept, None, None)
        .unwrap();

    let all = core.case_list_screen(CaseQuery::default()).unwrap();
    let numbers: Vec<&str> = all.rows.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(
        numbers,
        [&cases[2].number, &cases[1].number, &cases[0].number]
    );
    let oldest = &all.rows[2];
    assert_eq!(oldest.kind_and_state, "投诉 · 已受理");
    assert_eq!(oldest.title, "王芳1 — 长沙市某某超市");
    assert_eq!(oldest.subject.as_deref(), Some("纯牛奶"));
    assert!(oldest.received.starts_with("今日 "), "{}", oldest.received);

    let accepted = core
        .case_list_screen(CaseQuery {
            state: Some(CaseState::Accepted),
            ..CaseQuery::default()
        })
        .unwrap();
    assert_eq!(accepted.rows.len(), 1);
    assert_eq!(selected(&accepted.states), ["已受理"]);

    let found = core
        .case_list_screen(CaseQuery {
            text: Some("王芳2".into()),
            ..CaseQuery::default()
        })
        .unwrap();
    assert_eq!(found.rows.len(), 1);
    assert_eq!(found.rows[0].number, cases[1].number);

    let by_phone = core
        .case_list_screen(CaseQuery {
            phone: Some("12345".into()),
            ..CaseQuery::default()
        })
        .unwrap();
    assert!(by_phone.rows.is_empty());
    assert_eq!(
        by_phone.problem.as_deref(),
        Some("手机号码应为 11 位数字，现有 5 位"),
        "a phone that is not one is said so, in the officer's words"
    );
    assert_eq!(by_phone.empty, "没有符合条件的案件");

    let first = core
        .case_list_screen(CaseQuery {
            limit: Some(2),
            ..CaseQuery::default()
        })
        .unwrap();
    assert_eq!(first.rows.len(), 2);
    let rest = core
        .case_list_screen(CaseQuery {
            limit: Some(2),
            after: first.next,
            ..CaseQuery::default()
        })
        .unwrap();
    assert_eq!(rest.rows.len(), 1);
    assert_eq!(rest.rows[0].number, cases[0].number);
    assert!(rest.next.is_none());
}
