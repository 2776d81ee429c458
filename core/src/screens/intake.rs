//! The intake form (登记), per kind: its fields in sections, which are required, every problem
//! of what is typed so far under its field in the officer's words (the very checks opening the
//! case makes, `cases::intake::problems`), the demands and proofs to choose from, and the
//! place from the vehicle's latest fix.

use std::collections::HashMap;

use crate::cases::intake::problems;
use crate::cases::{CaseKind, Channel, DemandKind, NewCase, Person, ProofKind};
use crate::device::Device;
use crate::error::{Error, Result};
use crate::position::GeoPosition;

use super::form::{Choice, FormField, options, said};
use super::words;

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct IntakeForm {
    /// "登记投诉".
    pub title: String,
    pub kinds: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub sections: Vec<FormSection>,
    /// What the complainant asks for (complaints): at least one.
    pub demands: Vec<Choice>,
    /// What proves the purchase; "none" is an answer.
    pub proofs: Vec<Choice>,
    /// Where the vehicle last was, to fill the matter's place with one tap.
    pub place: Option<PlaceHint>,
    /// Problems not of one field (who may stand for the case, the demands), in Chinese.
    pub problems: Vec<String>,
    /// Required fields still empty, by label: "还需填写：手机号码、事实与理由".
    pub missing: Option<String>,
    pub can_submit: bool,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct FormSection {
    pub title: String,
    pub fields: Vec<FormField>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PlaceHint {
    pub position: GeoPosition,
    /// "车辆位置（09:05，精度 8 米）".
    pub label: String,
}

/// The form for `draft`, the case as typed so far.
pub fn intake_form(device: &Device, draft: &NewCase) -> Result<IntakeForm> {
    let now = device.now_ms()?;
    let mut found: Vec<(String, String)> = Vec::new();
    for problem in problems(draft, now)? {
        let field = match &problem {
            Error::Invalid { field, .. } => field.clone(),
            _ => String::new(),
        };
        found.push((field, said(problem)?));
    }
    // A field shows the first of its problems.
    let mut by_field: HashMap<String, String> = HashMap::new();
    for (field, words) in &found {
        by_field
            .entry(field.clone())
            .or_insert_with(|| words.clone());
    }
    let sections = sections(draft, &by_field);
    let shown: Vec<&FormField> = sections.iter().flat_map(|s| &s.fields).collect();
    let missing: Vec<&str> = shown
        .iter()
        .filter(|f| f.required && f.value.trim().is_empty())
        .map(|f| f.label.as_str())
        .collect();
    let field_problems = shown.iter().any(|f| f.error.is_some());
    // What no field shows: who may stand for the case, the demands, the proof's reference.
    let general: Vec<String> = found
        .iter()
        .filter(|(key, _)| !shown.iter().any(|f| &f.key == key))
        .filter_map(|(key, words)| general_label(key).map(|label| format!("{label}：{words}")))
        .collect();
    Ok(IntakeForm {
        title: format!("登记{}", words::case_kind(draft.kind)),
        kinds: options(CaseKind::ALL, &[draft.kind], |k| {
            (k.as_str(), words::case_kind(k))
        }),
        channels: options(
            Channel::ALL,
            &[draft.channel.unwrap_or(Channel::VehicleWalkIn)],
            |c| (c.as_str(), words::channel(c)),
        ),
        demands: if draft.kind == CaseKind::Complaint {
            options(DemandKind::ALL, &draft.matter.demands, |d| {
                (d.as_str(), words::demand(d))
            })
        } else {
            Vec::new()
        },
        proofs: options(
            ProofKind::ALL,
            draft.matter.proof.as_ref().map(|p| p.kind).as_slice(),
            |p| (p.as_str(), words::proof(p)),
        ),
        place: place(device, now)?,
        can_submit: missing.is_empty() && general.is_empty() && !field_problems,
        missing: (!missing.is_empty()).then(|| format!("还需填写：{}", missing.join("、"))),
        problems: general,
        sections,
    })
}

fn sections(draft: &NewCase, problems: &HashMap<String, String>) -> Vec<FormSection> {
    let kind = draft.kind;
    let mut sections: Vec<FormSection> = draft
        .complainants
        .iter()
        .enumerate()
        .map(|(i, p)| FormSection {
            title: party_title(kind, i, draft.complainants.len()),
            fields: person_fields(&format!("complainants[{i}]"), p, kind, problems),
        })
        .collect();
    if kind != CaseKind::Consultation || draft.respondent.is_some() {
        let b = draft.respondent.clone().unwrap_or_default();
        let required = kind != CaseKind::Consultation;
        let address_required = kind == CaseKind::Complaint && b.online.is_none();
        sections.push(FormSection {
            title: "被投诉（举报）经营者".into(),
            fields: vec![
                field(
                    problems,
                    "respondent.name",
                    "经营者名称",
                    &b.name,
                    required,
                    None,
                ),
                field(
                    problems,
                    "respondent.address",
                    "经营地址",
                    b.address.as_deref().unwrap_or(""),
                    address_required,
                    Some("网店可只写平台名称"),
                ),
                field(
                    problems,
                    "respondent.credit_code",
                    "统一社会信用代码",
                    b.credit_code.as_deref().unwrap_or(""),
                    false,
                    Some("18 位，见营业执照"),
                ),
            ],
        });
    }
    sections.push(matter_section(draft, problems));
    sections
}

/// The name of a problem's subject that has no field of its own on the form; `None` for one a
/// section's required fields already show (a missing respondent).
fn general_label(key: &str) -> Option<&'static str> {
    match key {
        "respondent" => None,
        "complainants" | "joint_complainants" => Some("当事人"),
        "matter.demands" => Some("诉求"),
        "matter.proof.reference" => Some("凭证号"),
        "received_at_ms" => Some("收到时间"),
        "matter.place" => Some("发生地点"),
        _ => Some("其他"),
    }
}

fn party_title(kind: CaseKind, i: usize, n: usize) -> String {
    let who = match kind {
        CaseKind::Complaint => "投诉人",
        CaseKind::Report => "举报人",
        CaseKind::Consultation => "咨询人",
    };
    if n > 1 {
        format!("{who}（代表 {}）", i + 1)
    } else {
        who.into()
    }
}

fn person_fields(
    at: &str,
    p: &Person,
    kind: CaseKind,
    problems: &HashMap<String, String>,
) -> Vec<FormField> {
    let key = |name: &str| format!("{at}.{name}");
    let mut fields = vec![
        field(problems, &key("name"), "姓名", &p.name, true, None),
        field(
            problems,
            &key("phone"),
            "联系电话",
            &p.phone,
            true,
            Some("手机 11 位，固定电话带区号"),
        ),
        field(
            problems,
            &key("address"),
            "住址",
            p.address.as_deref().unwrap_or(""),
            kind == CaseKind::Complaint,
            None,
        ),
    ];
    if kind != CaseKind::Consultation {
        let number = p.id_document.as_ref().map_or("", |d| d.number.as_str());
        fields.push(field(
            problems,
            &key("id_document.number"),
            "证件号码",
            number,
            false,
            Some("居民身份证 18 位"),
        ));
    }
    fields
}

fn matter_section(draft: &NewCase, problems: &HashMap<String, String>) -> FormSection {
    let m = &draft.matter;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let amount = m
        .amount_paid_fen
        .map(|f| format!("{}.{:02}", f / 100, f % 100));
    let mut fields = vec![
        field(
            problems,
            "matter.occurred_on",
            "发生日期",
            &text(&m.occurred_on),
            false,
            Some("如 2026-12-08"),
        ),
        field(
            problems,
            "matter.place_text",
            "发生地点",
            &text(&m.place_text),
            false,
            None,
        ),
        field(
            problems,
            "matter.goods",
            "商品或服务",
            &text(&m.goods),
            false,
            None,
        ),
        field(
            problems,
            "matter.amount_paid_fen",
            "金额（元）",
            &amount.unwrap_or_default(),
            false,
            None,
        ),
        field(problems, "matter.facts", "事实与理由", &m.facts, true, None),
    ];
    if draft.kind == CaseKind::Complaint {
        fields.push(field(
            problems,
            "matter.demands_text",
            "诉求说明",
            &text(&m.demands_text),
            m.demands.contains(&DemandKind::Other),
            None,
        ));
    }
    FormSection {
        title: "事由".into(),
        fields,
    }
}

fn field(
    problems: &HashMap<String, String>,
    key: &str,
    label: &str,
    value: &str,
    required: bool,
    hint: Option<&str>,
) -> FormField {
    FormField {
        key: key.into(),
        label: label.into(),
        value: value.into(),
        required,
        hint: hint.map(Into::into),
        // Not scolded before anything is typed: an empty required field is `missing`.
        error: if value.trim().is_empty() {
            None
        } else {
            problems.get(key).cloned()
        },
    }
}

fn place(device: &Device, now: i64) -> Result<Option<PlaceHint>> {
    let Some(fix) = crate::trips::projection::latest_fix(device.connection())? else {
        return Ok(None);
    };
    let accuracy = fix
        .accuracy_m
        .map(|a| format!("，精度 {} 米", a.round() as i64))
        .unwrap_or_default();
    Ok(Some(PlaceHint {
        position: GeoPosition {
            latitude: fix.latitude,
            longitude: fix.longitude,
            accuracy_m: fix.accuracy_m,
        },
        label: format!(
            "车辆位置（{}{accuracy}）",
            words::day_and_time(fix.time_ms, now)
        ),
    }))
}
