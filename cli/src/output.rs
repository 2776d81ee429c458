//! What the CLI prints: text for people, or with `--json` one JSON document on stdout. Errors go
//! to stderr, as text or as `{"error": {...}}`.

use std::process::ExitCode;

use chrono::DateTime;
use redshield_core::api::{
    AbuseFlag, Case, CasePage, CaseSummary, ChainReport, CodeVerdict, CoreError, Department,
    FieldCore, MerchantView, Officer,
};
use redshield_core::cases::workflow::step_name;
use redshield_core::clock::BEIJING;
use serde_json::{Value, json};

pub struct Output {
    pub json: bool,
}

/// Beijing time, as officers read it.
fn beijing(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&BEIJING)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
        })
        .unwrap_or_else(|| format!("{ms} ms"))
}

fn officer_json(o: &Officer) -> Value {
    json!({ "name": o.name, "enforcement_id": o.enforcement_id })
}

/// A case as the core returns it, plus its times in Beijing time for people.
pub fn case_json(c: &Case) -> Value {
    let mut value = serde_json::to_value(c).unwrap_or(Value::Null);
    value["opened_at"] = beijing(c.opened_at_ms).into();
    value["received_at"] = beijing(c.received_at_ms).into();
    value
}

fn summary_json(c: &CaseSummary) -> Value {
    let mut value = serde_json::to_value(c).unwrap_or(Value::Null);
    value["opened_at"] = beijing(c.opened_at_ms).into();
    value
}

impl Output {
    fn print(&self, value: Value, text: impl FnOnce() -> String) {
        if self.json {
            println!("{value}");
        } else {
            println!("{}", text());
        }
    }

    pub fn device(&self, core: &FieldCore, officer: Option<&Officer>) {
        let value = json!({
            "device_id": core.device_id(),
            "device_prefix": core.device_prefix(),
            "officer": officer.map(officer_json),
        });
        self.print(value, || {
            let who = officer.map_or("nobody signed in".to_string(), |o| {
                format!("signed in: {} ({})", o.name, o.enforcement_id)
            });
            format!(
                "device {} (prefix {})\n{who}",
                core.device_id(),
                core.device_prefix()
            )
        });
    }

    pub fn case(&self, case: &Case) {
        self.print(case_json(case), || case_text(case));
    }

    pub fn case_page(&self, page: &CasePage) {
        let value = json!({
            "cases": page.cases.iter().map(summary_json).collect::<Vec<_>>(),
            "next": page.next,
        });
        self.print(value, || {
            let mut lines: Vec<String> = page
                .cases
                .iter()
                .map(|c| {
                    format!(
                        "{}  {:<12} {:<11} {}  {}  {}",
                        c.number,
                        c.kind.as_str(),
                        c.state.as_str(),
                        beijing(c.opened_at_ms),
                        c.complainant_name.as_deref().unwrap_or("—"),
                        c.respondent_name.as_deref().unwrap_or("—")
                    )
                })
                .collect();
            if lines.is_empty() {
                lines.push("no cases".into());
            }
            if let Some(next) = &page.next {
                lines.push(format!("more: --after {next}"));
            }
            lines.join("\n")
        });
    }

    pub fn departments(&self, list: &[Department]) {
        let value = serde_json::to_value(list).unwrap_or(Value::Null);
        self.print(json!({ "departments": value }), || {
            list.iter()
                .map(|d| format!("{:<22}{}", d.code, d.name))
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn verdict(&self, v: &CodeVerdict) {
        let value = serde_json::to_value(v).unwrap_or(Value::Null);
        self.print(value, || match (&v.normalized, &v.error) {
            (Some(code), _) => format!("valid: {code}"),
            (None, Some(error)) => format!("invalid: {error}"),
            (None, None) => "invalid".into(),
        });
    }

    pub fn flags(&self, flags: &[AbuseFlag]) {
        let value = serde_json::to_value(flags).unwrap_or(Value::Null);
        self.print(json!({ "flags": value }), || {
            if flags.is_empty() {
                return "no flags".into();
            }
            flags
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} ({})",
                        f.kind.as_str(),
                        f.reason,
                        f.related_cases.join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn merchant_view(&self, view: &MerchantView) {
        let value = serde_json::to_value(view).unwrap_or(Value::Null);
        self.print(value.clone(), || {
            serde_json::to_string_pretty(&value).unwrap_or_default()
        });
    }

    pub fn chain_report(&self, r: &ChainReport) {
        let value = json!({
            "intact": r.intact,
            "events": r.events,
            "personal_values": r.personal_values,
            "purged_values": r.purged_values,
            "first_broken_seq": r.first_broken_seq,
            "problem": r.problem,
        });
        self.print(value, || match (&r.first_broken_seq, &r.problem) {
            (Some(seq), Some(problem)) => format!("BROKEN at seq {seq}: {problem}"),
            _ => format!(
                "intact: {} events, {} personal values intact, {} purged",
                r.events, r.personal_values, r.purged_values
            ),
        });
    }

    pub fn count(&self, what: &str, n: u64) {
        let key = what.replace(' ', "_");
        self.print(json!({ key: n }), || format!("{n} {what}"));
    }

    pub fn core_error(&self, e: &CoreError) -> ExitCode {
        let (kind, code, field) = match e {
            CoreError::InvalidInput { field, .. } => ("invalid_input", 2, Some(field.as_str())),
            CoreError::NotFound { .. } => ("not_found", 4, None),
            CoreError::NotSignedIn => ("not_signed_in", 1, None),
            CoreError::WrongState { .. } => ("wrong_state", 1, None),
            CoreError::StoreUnavailable { .. } => ("store_unavailable", 1, None),
            CoreError::NotAStore { .. } => ("not_a_store", 1, None),
            CoreError::StoreTooNew { .. } => ("store_too_new", 1, None),
            CoreError::CorruptLog { .. } => ("corrupt_log", 3, None),
            CoreError::Platform { .. } => ("platform", 1, None),
            CoreError::Storage { .. } => ("storage", 1, None),
            CoreError::Internal { .. } => ("internal", 1, None),
        };
        self.error(kind, field, &e.to_string());
        ExitCode::from(code)
    }

    pub fn setup_error(&self, message: &str) -> ExitCode {
        self.error("setup", None, message);
        ExitCode::FAILURE
    }

    fn error(&self, kind: &str, field: Option<&str>, message: &str) {
        if self.json {
            eprintln!(
                "{}",
                json!({ "error": { "kind": kind, "field": field, "message": message } })
            );
        } else {
            eprintln!("error: {message}");
        }
    }
}

fn case_text(c: &Case) -> String {
    let row = |label: &str, value: String| format!("{label:<14}{value}");
    let text = |value: &Option<String>| match (value, c.personal_data_purged) {
        (Some(v), _) => v.clone(),
        (None, true) => "(purged)".into(),
        (None, false) => "—".into(),
    };
    let mut lines = vec![
        row("number", c.number.clone()),
        row("id", c.id.clone()),
        row(
            "kind / state",
            format!("{} / {}", c.kind.as_str(), c.state.as_str()),
        ),
        row(
            "received",
            format!(
                "{} via {} ({})",
                beijing(c.received_at_ms),
                c.channel.as_str(),
                c.rule_set.as_str()
            ),
        ),
        row(
            "opened by",
            format!("{} ({})", c.opened_by.name, c.opened_by.enforcement_id),
        ),
    ];
    for p in &c.complainants {
        lines.push(row("complainant", format!("{} {}", p.name, p.phone)));
    }
    if c.complainants.is_empty() {
        lines.push(row("complainant", text(&None)));
    }
    let business = c.respondent.as_ref();
    lines.push(row("respondent", text(&business.map(|b| b.name.clone()))));
    lines.push(row("goods", text(&c.matter.goods)));
    lines.push(row("facts", text(&c.matter.facts)));
    let demands: Vec<&str> = c.matter.demands.iter().map(|d| d.as_str()).collect();
    lines.push(row("demands", demands.join(", ")));
    if let Some(linked) = &c.linked_case {
        lines.push(row("linked case", linked.clone()));
    }
    for s in &c.history {
        lines.push(row(
            "step",
            format!(
                "{} → {} by {} at {}{}",
                step_name(&s.step),
                s.state_after.as_str(),
                s.by.name,
                beijing(s.at_ms),
                s.note.as_ref().map_or(String::new(), |n| format!(": {n}"))
            ),
        ));
    }
    lines.join("\n")
}
