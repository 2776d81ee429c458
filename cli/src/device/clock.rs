//! `redshield clock …`: statutory clocks — a case's, those due soon, paused, started by hand,
//! extended — and the month's figures.

use std::process::ExitCode;

use clap::Subcommand;
use redshield_core::api::{ClockKind, ExtensionRequest, FieldCore, PauseReason};
use serde_json::json;

use crate::failure::Failure;
use crate::output::{Output, beijing, lines_or, to_json};
use crate::values::{CoreValues, every};

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
        #[arg(long, value_parser = clocks())]
        clock: ClockKind,
        #[arg(long, value_parser = every::<PauseReason>())]
        reason: PauseReason,
    },
    /// Start a clock no case step starts (violation_check, penalty_case, jurisdiction,
    /// evidence_preservation).
    Start {
        case: String,
        #[arg(long, value_parser = clocks())]
        clock: ClockKind,
    },
    /// Stop such a clock: its act is done.
    Stop {
        case: String,
        #[arg(long, value_parser = clocks())]
        clock: ClockKind,
    },
    /// Resume a paused clock.
    Resume {
        case: String,
        #[arg(long, value_parser = clocks())]
        clock: ClockKind,
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
        #[arg(long, value_parser = clocks())]
        clock: ClockKind,
    },
    /// Ask the centre to extend a clock; its answer comes with a sync.
    AskExtension {
        case: String,
        #[arg(long, value_parser = clocks())]
        clock: ClockKind,
        #[arg(long)]
        reason: String,
    },
    /// A case's extension requests and the centre's answers.
    Requests { case: String },
}

pub fn run(core: &FieldCore, command: ClockCommand, out: &Output) -> Result<ExitCode, Failure> {
    let clocks = match command {
        ClockCommand::Report { month } => {
            return Ok(out.print_pretty(to_json(&core.clock_report(month)?)));
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
        } => core.pause_clock(case, clock, reason)?,
        ClockCommand::Resume { case, clock } => core.resume_clock(case, clock)?,
        ClockCommand::Start { case, clock } => core.start_clock(case, clock)?,
        ClockCommand::Stop { case, clock } => core.stop_clock(case, clock)?,
        ClockCommand::Extend { case, clock } => core.approve_clock_extension(case, clock)?,
        ClockCommand::AskExtension {
            case,
            clock,
            reason,
        } => {
            let requests = core.request_clock_extension(case, clock, reason)?;
            return Ok(extension_requests(&requests, out));
        }
        ClockCommand::Requests { case } => {
            return Ok(extension_requests(
                &core.clock_extension_requests(case)?,
                out,
            ));
        }
    };
    Ok(out.print(json!({ "clocks": to_json(&clocks) }), || {
        let lines = clocks.iter().map(|c| {
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
        });
        lines_or(lines, "no clocks")
    }))
}

fn extension_requests(requests: &[ExtensionRequest], out: &Output) -> ExitCode {
    out.print(json!({ "requests": to_json(&requests) }), || {
        let lines = requests.iter().map(|r| {
            let answer = match r.approved {
                None => "waiting for the centre",
                Some(true) => "approved",
                Some(false) => "refused",
            };
            format!(
                "{:<16} asked {}  {}  {}",
                r.clock.as_str(),
                beijing(r.requested_at_ms),
                answer,
                r.reason.as_deref().unwrap_or("(purged)")
            )
        });
        lines_or(lines, "no extension requested")
    })
}

/// The clocks a command names: every one but Order No. 20's reporter notice, which the
/// command line has never taken.
pub fn clocks() -> CoreValues<ClockKind> {
    every::<ClockKind>().except(&[ClockKind::ReporterNotice])
}
