//! How cases read: as the core returns them with their times in Beijing time (JSON), and in
//! lines for people.

use std::process::ExitCode;

use redshield_core::api::{
    AbuseFlag, Case, CasePage, CaseSummary, EarlierReport, OfferedGround, Supervision,
};
use redshield_core::cases::workflow::step_name;
use serde_json::{Value, json};

use crate::output::{Output, beijing, lines_or, to_json};

/// A case as the core returns it, plus its times in Beijing time for people.
pub fn case_json(c: &Case) -> Value {
    let mut value = to_json(c);
    value["opened_at"] = beijing(c.opened_at_ms).into();
    value["received_at"] = beijing(c.received_at_ms).into();
    value
}

fn summary_json(c: &CaseSummary) -> Value {
    let mut value = to_json(c);
    value["opened_at"] = beijing(c.opened_at_ms).into();
    value
}

pub fn case(case: &Case, out: &Output) -> ExitCode {
    out.print(case_json(case), || case_text(case))
}

/// A page of the list, newest first, and how to ask for the next.
pub fn page(page: &CasePage, out: &Output) -> ExitCode {
    let value = json!({
        "cases": page.cases.iter().map(summary_json).collect::<Vec<_>>(),
        "next": page.next,
    });
    out.print(value, || {
        let rows = page.cases.iter().map(|c| {
            format!(
                "{}  {:<12} {:<11} {}  {}  {}",
                c.number,
                c.kind.as_str(),
                c.state.as_str(),
                beijing(c.opened_at_ms),
                c.complainant_name.as_deref().unwrap_or("—"),
                c.respondent_name.as_deref().unwrap_or("—")
            )
        });
        let mut text = lines_or(rows, "no cases");
        if let Some(next) = &page.next {
            text.push_str(&format!("\nmore: --after {next}"));
        }
        text
    })
}

/// The signs that a complaint may not be genuine consumption (Art. 17), each with its reason.
pub fn abuse_flags(flags: &[AbuseFlag], out: &Output) -> ExitCode {
    out.print(json!({ "flags": to_json(&flags) }), || {
        let lines = flags.iter().map(|f| {
            format!(
                "{}: {} ({})",
                f.kind.as_str(),
                f.reason,
                f.related_cases.join(", ")
            )
        });
        lines_or(lines, "no flags")
    })
}

/// The grounds offered, in the article's order: `*` before a suggested one, `!` before a
/// warned one, with why.
pub fn grounds(grounds: &[OfferedGround], out: &Output) -> ExitCode {
    out.print(json!({ "grounds": to_json(&grounds) }), || {
        grounds
            .iter()
            .map(ground_line)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn ground_line(g: &OfferedGround) -> String {
    let mark = match (g.suggested, &g.warning) {
        (true, _) => "*",
        (false, Some(_)) => "!",
        _ => " ",
    };
    let mut line = format!("{mark} {} {}：{}", g.reason.as_str(), g.article, g.words);
    for said in [&g.why, &g.warning].into_iter().flatten() {
        line.push_str(&format!("\n    {said}"));
    }
    if g.needs_note {
        line.push_str("\n    (--note required)");
    }
    line
}

/// Earlier reports by the same reporter about the same business, and what to do with each.
pub fn earlier_reports(reports: &[EarlierReport], out: &Output) -> ExitCode {
    out.print(json!({ "earlier_reports": to_json(&reports) }), || {
        let lines = reports.iter().map(|r| {
            let how = match (r.same_facts, r.open) {
                (true, _) => "same facts: mark-repeated --first",
                (false, true) => "new facts: merge --into",
                (false, false) => "its handling has ended",
            };
            format!("{} {} ({how} {})", r.number, r.state.as_str(), r.number)
        });
        lines_or(
            lines,
            "no earlier report by this reporter about this business",
        )
    })
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

/// One line per supervision note (督办), for people.
pub fn supervision_lines(notes: &[Supervision]) -> String {
    let lines = notes.iter().map(|n| {
        format!(
            "due {}{}  {}",
            n.due_on,
            if n.overdue { " OVERDUE" } else { "" },
            n.note.as_deref().unwrap_or("(purged)")
        )
    });
    lines_or(lines, "no supervision note")
}
