//! What the CLI prints: text for people, or with `--json` one JSON document on stdout. Errors go
//! to stderr, as text or as `{"error": {...}}`.

use std::process::ExitCode;

use chrono::DateTime;
use redshield_core::api::{Case, CasePage, ChainReport, CoreError, FieldCore, Officer};
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

pub fn case_json(c: &Case) -> Value {
    json!({
        "id": c.id,
        "number": c.number,
        "kind": c.kind.as_str(),
        "state": c.state.as_str(),
        "channel": c.channel.as_str(),
        "opened_at": beijing(c.opened_at_ms),
        "opened_at_ms": c.opened_at_ms,
        "opened_by": officer_json(&c.opened_by),
        "complainant_name": c.complainant_name,
        "complainant_phone": c.complainant_phone,
        "respondent_name": c.respondent_name,
        "respondent_address": c.respondent_address,
        "facts": c.facts,
        "demands": c.demands,
        "place": c.place.as_ref().map(|p| json!({
            "latitude": p.latitude, "longitude": p.longitude, "accuracy_m": p.accuracy_m,
        })),
        "personal_data_purged": c.personal_data_purged,
    })
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
            "cases": page.cases.iter().map(case_json).collect::<Vec<_>>(),
            "next": page.next,
        });
        self.print(value, || {
            let mut lines: Vec<String> = page
                .cases
                .iter()
                .map(|c| {
                    format!(
                        "{}  {:<12} {:<8} {}  {}",
                        c.number,
                        c.kind.as_str(),
                        c.state.as_str(),
                        beijing(c.opened_at_ms),
                        c.complainant_name.as_deref().unwrap_or("(purged)")
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
    let field = |label: &str, value: &Option<String>| {
        let shown = match (value, c.personal_data_purged) {
            (Some(v), _) => v.clone(),
            (None, true) => "(purged)".into(),
            (None, false) => "—".into(),
        };
        format!("{label:<20}{shown}")
    };
    let place = c.place.as_ref().map_or("—".to_string(), |p| {
        format!("{:.7}, {:.7}", p.latitude, p.longitude)
    });
    [
        format!("{:<20}{}", "number", c.number),
        format!("{:<20}{}", "id", c.id),
        format!(
            "{:<20}{} / {} / {}",
            "kind/state/channel",
            c.kind.as_str(),
            c.state.as_str(),
            c.channel.as_str()
        ),
        format!("{:<20}{}", "opened", beijing(c.opened_at_ms)),
        format!(
            "{:<20}{} ({})",
            "opened by", c.opened_by.name, c.opened_by.enforcement_id
        ),
        field("complainant", &c.complainant_name),
        field("phone", &c.complainant_phone),
        field("respondent", &c.respondent_name),
        field("address", &c.respondent_address),
        field("facts", &c.facts),
        field("demands", &c.demands),
        format!("{:<20}{place}", "place"),
    ]
    .join("\n")
}
