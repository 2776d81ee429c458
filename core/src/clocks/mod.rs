//! Statutory clocks: every time limit of regulations.md's table, per rule set, and the due
//! dates they give on the mainland calendar.

pub mod rules;
pub mod state;

pub use rules::{ClockKind, ClockRule, Period, rule};
pub use state::{Clock, ClockState};

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::calendar::deadline::{self, Pause};
use crate::cases::RuleSet;
use crate::error::{Error, Result};

/// A clock's due date, as the apps show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct DueDate {
    /// `YYYY-MM-DD`, Beijing date: the last day of the period.
    pub date: String,
    /// A day on the way had no calendar data and was taken as weekends-only: shown as
    /// provisional until that year is loaded.
    pub provisional: bool,
    pub article: String,
}

/// The due date of a statutory clock started on `start` (a Beijing date; it does not count),
/// with its extension if approved, skipping paused spans.
pub fn due_date(
    calendar: &Calendar,
    rule_set: RuleSet,
    kind: ClockKind,
    start: NaiveDate,
    extended: bool,
    pauses: &[Pause],
) -> Result<DueDate> {
    let rule = rule(rule_set, kind);
    let Period::Days(n, unit) = rule.period else {
        return Err(Error::invalid(
            "clock",
            "the on-scene clock runs in minutes from the dispatch, not in days",
        ));
    };
    let extension = match (extended, rule.extension) {
        (false, _) => 0,
        (true, Some(more)) => more,
        (true, None) => {
            return Err(Error::invalid(
                "extended",
                format!("the {kind} clock has no extension"),
            ));
        }
    };
    let pauses = if rule.pausable { pauses } else { &[] };
    let due = deadline::deadline(calendar, start, n + extension, unit, rule.counting, pauses)?;
    Ok(DueDate {
        date: due.date.format("%Y-%m-%d").to_string(),
        provisional: due.provisional,
        article: rule.article.to_string(),
    })
}
