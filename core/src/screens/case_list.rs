//! The case list (案件): found by words or a phone number, filtered by kind and state, a page
//! at a time, newest first.

use crate::cases::{CaseKind, CaseQuery, CaseState, CaseSummary};
use crate::device::Device;
use crate::error::{Error, Result};

use super::form::{Choice, options};
use super::words;

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseListScreen {
    /// The kinds to filter by, "全部" first; the one in force is `selected`.
    pub kinds: Vec<Choice>,
    /// The states to filter by, "全部" first, in workflow order.
    pub states: Vec<Choice>,
    pub rows: Vec<CaseRow>,
    /// Pass back as the query's `after` for the next page; `None` on the last.
    pub next: Option<String>,
    /// Why the search cannot run as typed (a phone number that is not one), shown under the
    /// field; the rows are then empty.
    pub problem: Option<String>,
    /// What to say when there are no rows: none yet, or none that match.
    pub empty: String,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseRow {
    pub case_id: String,
    pub number: String,
    /// "投诉 · 已受理".
    pub kind_and_state: String,
    /// Who and against whom: "王芳 — 长沙市某某超市" (`words::parties`).
    pub title: String,
    /// The goods or service, when given.
    pub subject: Option<String>,
    /// "今日 09:12", when it was received.
    pub received: String,
}

pub fn case_list(device: &Device, query: &CaseQuery) -> Result<CaseListScreen> {
    let now = device.now_ms()?;
    let (page, problem) = match device.cases(query) {
        Ok(page) => (page, None),
        Err(Error::Invalid { reason, zh, .. }) => (Default::default(), Some(zh.unwrap_or(reason))),
        Err(e) => return Err(e),
    };
    let filtered = query.kind.is_some()
        || query.state.is_some()
        || query.text.as_deref().is_some_and(|t| !t.trim().is_empty())
        || query.phone.as_deref().is_some_and(|p| !p.trim().is_empty());
    Ok(CaseListScreen {
        kinds: choices(CaseKind::ALL, query.kind, |k| {
            (k.as_str(), words::case_kind(k))
        }),
        states: choices(CaseState::ALL, query.state, |s| {
            (s.as_str(), words::case_state(s))
        }),
        rows: page.cases.iter().map(|c| row(c, now)).collect(),
        next: page.next,
        problem,
        empty: if filtered {
            "没有符合条件的案件".into()
        } else {
            "还没有案件：点“登记”记下第一件".into()
        },
    })
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    chosen: Option<T>,
    named: impl Fn(T) -> (&'static str, &'static str),
) -> Vec<Choice> {
    let any = Choice {
        value: String::new(),
        label: "全部".into(),
        selected: chosen.is_none(),
    };
    std::iter::once(any)
        .chain(options(all, chosen.as_slice(), named))
        .collect()
}

fn row(c: &CaseSummary, now: i64) -> CaseRow {
    let title = words::parties(c.complainant_name.as_deref(), c.respondent_name.as_deref());
    CaseRow {
        case_id: c.id.clone(),
        number: c.number.clone(),
        kind_and_state: format!(
            "{} · {}",
            words::case_kind(c.kind),
            words::case_state(c.state)
        ),
        title,
        subject: c.goods.clone(),
        received: words::day_and_time(c.received_at_ms, now),
    }
}
