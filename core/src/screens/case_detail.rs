//! A case (案件详情): who and what, its clocks, its history, its evidence and documents, and
//! the steps it can take now with what each asks for. The officer's own screen: a report's
//! informant is shown here, and never on the merchant's copy (`merchant_view`).

use crate::cases::{Case, CaseKind, Person, StepRecord, workflow};
use crate::device::Device;
use crate::error::Result;

use super::deadlines::ClockLine;
use super::words;

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseDetail {
    pub case_id: String,
    pub number: String,
    /// "投诉 · 已受理".
    pub kind_and_state: String,
    /// "今日 09:12 收到 · 流动维权车现场".
    pub received: String,
    /// "依照《市场监督管理投诉举报处理办法》".
    pub rules: String,
    /// Said when the personal data was purged: the names and numbers are gone for good.
    pub purged: Option<String>,
    pub parties: Vec<KeyValue>,
    pub matter: Vec<KeyValue>,
    pub clocks: Vec<ClockLine>,
    /// Oldest first.
    pub history: Vec<HistoryLine>,
    pub evidence: Vec<EvidenceThumb>,
    /// Each document's title and where it stands.
    pub documents: Vec<KeyValue>,
    /// The steps the case can take now.
    pub actions: Vec<CaseAction>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HistoryLine {
    /// "受理".
    pub label: String,
    /// "今日 09:30 · 李明".
    pub when_and_who: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct EvidenceThumb {
    pub evidence_id: String,
    /// "商品 · 今日 09:12".
    pub label: String,
    /// The thumbnail's blob, for `blobPath`; `None` for a recording or a file without one.
    pub thumbnail_sha256: Option<String>,
}

/// A step the case can take, as its button, and what it asks before it is taken.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseAction {
    /// The step's name, as `Step` spells it (`accept`, `decline`, …).
    pub step: String,
    /// "受理".
    pub label: String,
    /// What the officer gives with it: "选择不予受理的理由", …; `None` when nothing.
    pub asks: Option<String>,
}

pub fn case_detail(device: &Device, id_or_number: &str) -> Result<CaseDetail> {
    let now = device.now_ms()?;
    let case = device.case(id_or_number)?;
    let calendar = device.calendar()?;
    let clocks = device
        .case_clocks(&case.id)?
        .iter()
        .map(|c| ClockLine::of(c, &calendar, now))
        .collect::<Result<Vec<_>>>()?;
    let evidence = device
        .evidence_of_case(&case.id)?
        .into_iter()
        .map(|e| EvidenceThumb {
            label: format!(
                "{} · {}",
                words::evidence_kind(e.kind),
                words::day_and_time(e.captured_at_ms, now)
            ),
            thumbnail_sha256: e.thumbnail.map(|t| t.sha256),
            evidence_id: e.id,
        })
        .collect();
    let documents = device
        .case_documents(&case.id)?
        .into_iter()
        .map(|d| KeyValue {
            key: d.title,
            value: words::document_status(d.status).into(),
        })
        .collect();
    Ok(CaseDetail {
        received: format!(
            "{} 收到 · {}",
            words::day_and_time(case.received_at_ms, now),
            words::channel(case.channel)
        ),
        rules: format!("依照{}", crate::rulebook::book(case.rule_set).short),
        purged: case
            .personal_data_purged
            .then(|| "当事人个人信息已按规定清除".to_string()),
        parties: parties(&case),
        matter: matter(&case),
        history: case.history.iter().map(|s| history(s, now)).collect(),
        actions: workflow::steps_allowed(case.kind, case.state)
            .into_iter()
            .map(action)
            .collect(),
        kind_and_state: format!(
            "{} · {}",
            words::case_kind(case.kind),
            words::case_state(case.state)
        ),
        case_id: case.id,
        number: case.number,
        clocks,
        evidence,
        documents,
    })
}

fn parties(case: &Case) -> Vec<KeyValue> {
    let role = match case.kind {
        CaseKind::Complaint => "投诉人",
        CaseKind::Report => "举报人",
        CaseKind::Consultation => "咨询人",
    };
    let mut lines: Vec<KeyValue> = case
        .complainants
        .iter()
        .map(|p| KeyValue {
            key: role.into(),
            value: person(p),
        })
        .collect();
    if lines.is_empty() && !case.personal_data_purged {
        lines.push(KeyValue {
            key: role.into(),
            value: "匿名".into(),
        });
    }
    if let Some(b) = &case.respondent {
        let address = b
            .address
            .as_deref()
            .map(|a| format!(" · {a}"))
            .unwrap_or_default();
        lines.push(KeyValue {
            key: "被投诉（举报）经营者".into(),
            value: format!("{}{address}", b.name),
        });
    }
    lines
}

fn person(p: &Person) -> String {
    let mut parts = vec![p.name.clone(), p.phone.clone()];
    parts.extend(p.address.clone());
    parts.join(" · ")
}

fn matter(case: &Case) -> Vec<KeyValue> {
    let m = &case.matter;
    let line = |key: &str, value: Option<String>| {
        value.map(|value| KeyValue {
            key: key.into(),
            value,
        })
    };
    let demands: Vec<&str> = m.demands.iter().map(|d| words::demand(*d)).collect();
    [
        line("发生日期", m.occurred_on.clone()),
        line("发生地点", m.place_text.clone()),
        line("商品或服务", m.goods.clone()),
        line("金额", m.amount_paid_fen.map(words::money)),
        line("数量", m.quantity.map(|q| q.to_string())),
        line("事实与理由", m.facts.clone()),
        line("诉求", (!demands.is_empty()).then(|| demands.join("、"))),
        line("诉求说明", m.demands_text.clone()),
        line(
            "购买凭证",
            m.proof.as_ref().map(|p| words::proof(p.kind).to_string()),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn history(s: &StepRecord, now: i64) -> HistoryLine {
    HistoryLine {
        label: words::step(workflow::step_name(&s.step)).into(),
        when_and_who: format!("{} · {}", words::day_and_time(s.at_ms, now), s.by.name),
        note: s.note.clone(),
    }
}

fn action(step: &'static str) -> CaseAction {
    let asks = match step {
        "decline" => Some("选择不予受理的理由（附条款），必要时说明"),
        "forward" => Some("写明有管辖权的市场监管部门"),
        "refer" => Some("选择移送的部门，并说明理由"),
        "end_mediation" => Some("调解是否达成协议"),
        "decide_report" => Some("是否立案"),
        "close" => Some("选择办结结果"),
        "follow_up" => Some("回访满意度"),
        "mark_repeated" | "merge_into" => Some("选择先前的举报"),
        _ => None,
    };
    CaseAction {
        step: step.into(),
        label: words::step(step).into(),
        asks: asks.map(Into::into),
    }
}
