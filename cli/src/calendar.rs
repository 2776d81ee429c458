//! `redshield calendar …`: the mainland working-day calendar and statutory due dates.

use std::path::PathBuf;

use clap::Subcommand;
use redshield_core::api::{ClockKind, ExtensionRequest, FieldCore, PauseReason, RuleSet, YearData};
use serde_json::json;

use crate::output::Output;
use crate::{Failure, arg_enum, invalid};

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// The N-th working day after DATE (DATE itself never counts, Art. 45); provisional past
    /// the calendar data, as a deadline is.
    AddWorkingDays {
        #[arg(long)]
        from: String,
        #[arg(long)]
        days: u32,
    },
    /// Whether DATE is a working day; exit 1 if not. A year without data is an error.
    IsWorkingDay { date: String },
    /// The due date of a statutory clock started on DATE.
    Deadline {
        /// 121 (SAMR Order No. 121, from 2026-04-15) or 20 (Order No. 20, before).
        #[arg(long, value_parser = ["121", "20"])]
        rule_set: String,
        #[arg(long, value_enum)]
        clock: ClockArg,
        /// The day the clock started (receipt, acceptance, …): YYYY-MM-DD.
        #[arg(long, alias = "from")]
        received: String,
        /// With the extension an approval grants.
        #[arg(long)]
        extended: bool,
    },
    /// Load a year's holidays and adjusted working days from a JSON file
    /// (`{"year", "holidays": [...], "working_days": [...], "source"}`).
    Load { file: PathBuf },
}

#[derive(Subcommand)]
pub enum ClockCommand {
    /// A case's clocks, or (without --case) every running clock due within --due-within
    /// hours, breached ones included, soonest first.
    List {
        #[arg(long)]
        case: Option<String>,
        #[arg(long, default_value_t = 24)]
        due_within: u32,
        /// Every breached clock instead, running or stopped late.
        #[arg(long, conflicts_with = "case")]
        breached: bool,
    },
    /// Pause a case's clock while goods are tested or appraised (the time is excluded).
    Pause {
        case: String,
        #[arg(long, value_enum)]
        clock: ClockArg,
        #[arg(long, value_enum)]
        reason: PauseArg,
    },
    /// Start a clock no case step starts (violation_check, penalty_case, jurisdiction,
    /// evidence_preservation).
    Start {
        case: String,
        #[arg(long, value_enum)]
        clock: ClockArg,
    },
    /// Stop such a clock: its act is done.
    Stop {
        case: String,
        #[arg(long, value_enum)]
        clock: ClockArg,
    },
    /// Resume a paused clock.
    Resume {
        case: String,
        #[arg(long, value_enum)]
        clock: ClockArg,
    },
    /// The month's figures: share of clocks met per kind, on-scene median and P90 per area.
    Report {
        /// YYYY-MM, Beijing time.
        #[arg(long)]
        month: String,
    },
    /// Approve a clock's statutory extension (signed in as a supervisor).
    Extend {
        case: String,
        #[arg(long, value_enum)]
        clock: ClockArg,
    },
    /// Ask the centre to extend a clock; its answer comes with a sync.
    AskExtension {
        case: String,
        #[arg(long, value_enum)]
        clock: ClockArg,
        #[arg(long)]
        reason: String,
    },
    /// A case's extension requests and the centre's answers.
    Requests { case: String },
}

arg_enum!(PauseArg => PauseReason { Testing, Appraisal });

pub fn clocks(core: &FieldCore, command: ClockCommand, out: &Output) -> Result<(), Failure> {
    let clocks = match command {
        ClockCommand::Report { month } => {
            let report = core.clock_report(month)?;
            let value = serde_json::to_value(&report).unwrap_or_default();
            out.print(value.clone(), || {
                serde_json::to_string_pretty(&value).unwrap_or_default()
            });
            return Ok(());
        }
        ClockCommand::List {
            case: Some(case), ..
        } => core.case_clocks(case)?,
        ClockCommand::List { breached: true, .. } => core.breached_clocks()?,
        ClockCommand::List { due_within, .. } => core.due_clocks(due_within)?,
        ClockCommand::Pause {
            case,
            clock,
            reason,
        } => core.pause_clock(case, clock.into(), reason.into())?,
        ClockCommand::Resume { case, clock } => core.resume_clock(case, clock.into())?,
        ClockCommand::Start { case, clock } => core.start_clock(case, clock.into())?,
        ClockCommand::Stop { case, clock } => core.stop_clock(case, clock.into())?,
        ClockCommand::Extend { case, clock } => core.approve_clock_extension(case, clock.into())?,
        ClockCommand::AskExtension {
            case,
            clock,
            reason,
        } => {
            return extension_requests(
                core.request_clock_extension(case, clock.into(), reason)?,
                out,
            );
        }
        ClockCommand::Requests { case } => {
            return extension_requests(core.clock_extension_requests(case)?, out);
        }
    };
    let value = json!({ "clocks": serde_json::to_value(&clocks).unwrap_or_default() });
    out.print(value, || {
        if clocks.is_empty() {
            return "no clocks".into();
        }
        clocks
            .iter()
            .map(|c| {
                format!(
                    "{}  {:<16} due {}{}  {:<9} {}%  [{}]",
                    c.case_number,
                    c.kind.as_str(),
                    c.due_date,
                    if c.provisional { " (provisional)" } else { "" },
                    c.state.as_str(),
                    c.warning_percent,
                    c.article
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

arg_enum!(ClockArg => ClockKind {
    Accept, Mediation, EndNotice, ViolationCheck, ReportDecision, PenaltyCase, Jurisdiction,
    EvidencePreservation, Limitation, OnScene,
});

pub fn run(core: &FieldCore, command: CalendarCommand, out: &Output) -> Result<bool, Failure> {
    match command {
        CalendarCommand::AddWorkingDays { from, days } => {
            let counted = core.add_working_days(from, days)?;
            let value = serde_json::to_value(&counted).unwrap_or_default();
            out.print(value, || {
                format!("{}{}", counted.date, provisional_mark(counted.provisional))
            });
        }
        CalendarCommand::IsWorkingDay { date } => {
            let working = core.is_working_day(date.clone())?;
            out.print(json!({ "working_day": working }), || {
                format!(
                    "{date}: {}",
                    if working { "working day" } else { "day off" }
                )
            });
            return Ok(working);
        }
        CalendarCommand::Deadline {
            rule_set,
            clock,
            received,
            extended,
        } => {
            let rule_set = match rule_set.as_str() {
                "20" => RuleSet::SamrOrder20,
                _ => RuleSet::SamrOrder121,
            };
            let due = core.clock_due_date(rule_set, clock.into(), received, extended)?;
            let value = serde_json::to_value(&due).unwrap_or_default();
            out.print(value, || {
                let mark = provisional_mark(due.provisional);
                format!("{}{mark}  [{}]", due.date, due.article)
            });
        }
        CalendarCommand::Load { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure::Setup(format!("{}: {e}", file.display())))?;
            let year: YearData =
                serde_json::from_str(&text).map_err(|e| invalid("file", e.to_string()))?;
            let number = year.year;
            core.load_calendar_year(year)?;
            out.print(json!({ "loaded": number }), || format!("loaded {number}"));
        }
    }
    Ok(true)
}

/// What the text output adds to a date counted past the calendar data.
fn provisional_mark(provisional: bool) -> &'static str {
    if provisional {
        " (PROVISIONAL: no notice yet for a day on the way; counted on weekends and the fixed \
         holidays of the holidays measures, recomputed once the notice is loaded)"
    } else {
        ""
    }
}

fn extension_requests(requests: Vec<ExtensionRequest>, out: &Output) -> Result<(), Failure> {
    let value = json!({ "requests": serde_json::to_value(&requests).unwrap_or_default() });
    out.print(value, || {
        if requests.is_empty() {
            return "no extension requested".into();
        }
        let lines: Vec<String> = requests
            .iter()
            .map(|r| {
                let answer = match r.approved {
                    None => "waiting for the centre".to_string(),
                    Some(true) => "approved".to_string(),
                    Some(false) => "refused".to_string(),
                };
                format!(
                    "{:<16} asked {}  {}  {}",
                    r.clock.as_str(),
                    crate::output::beijing(r.requested_at_ms),
                    answer,
                    r.reason.as_deref().unwrap_or("(purged)")
                )
            })
            .collect();
        lines.join("\n")
    });
    Ok(())
}
