//! `redshield calendar …`: the mainland working-day calendar and statutory due dates.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use redshield_core::api::{ClockKind, FieldCore, RuleSet, YearData};
use serde_json::json;

use crate::device::clock::clocks;
use crate::failure::Failure;
use crate::files::read_json;
use crate::output::{Output, to_json};

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
        #[arg(long, value_parser = clocks())]
        clock: ClockKind,
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

/// Exit 1 when the day asked about is not a working day.
pub fn run(core: &FieldCore, command: CalendarCommand, out: &Output) -> Result<ExitCode, Failure> {
    match command {
        CalendarCommand::AddWorkingDays { from, days } => {
            let counted = core.add_working_days(from, days)?;
            Ok(out.print(to_json(&counted), || {
                format!("{}{}", counted.date, provisional_mark(counted.provisional))
            }))
        }
        CalendarCommand::IsWorkingDay { date } => {
            let working = core.is_working_day(date.clone())?;
            out.print(json!({ "working_day": working }), || {
                format!(
                    "{date}: {}",
                    if working { "working day" } else { "day off" }
                )
            });
            Ok(if working {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
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
            let due = core.clock_due_date(rule_set, clock, received, extended)?;
            Ok(out.print(to_json(&due), || {
                let mark = provisional_mark(due.provisional);
                format!("{}{mark}  [{}]", due.date, due.article)
            }))
        }
        CalendarCommand::Load { file } => {
            let year: YearData = read_json(&file, "file")?;
            let number = year.year;
            core.load_calendar_year(year)?;
            Ok(out.print(json!({ "loaded": number }), || format!("loaded {number}")))
        }
    }
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
