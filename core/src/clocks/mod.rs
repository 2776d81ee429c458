//! Statutory clocks: every time limit of regulations.md's table, per rule set, and the due
//! dates they give on the mainland calendar.

pub mod events;
pub mod extension;
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

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["clock_marks", "extension_requests"],
    kept: &[],
};

/// A clock's due date, as the apps show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DueDate {
    /// `YYYY-MM-DD`, Beijing date: the last day of the period.
    pub date: String,
    /// A day on the way had no calendar data and was taken as the holidays measures' fixed
    /// rules give it (weekends and fixed holidays): shown as provisional until that year's
    /// notice is loaded.
    pub provisional: bool,
    /// Where the limit comes from, cited as documents cite it.
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
    let rule = rule(rule_set, kind)?;
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

/// Pauses a running clock for testing or appraisal; only clocks whose time limit excludes that
/// time can be paused.
pub fn pause(
    w: &mut crate::events::log::Writer,
    calendar: &Calendar,
    case_id: uuid::Uuid,
    kind: ClockKind,
    reason: events::PauseReason,
) -> Result<()> {
    let clock = running(w, calendar, case_id, kind)?;
    if !rule(clock.rule_set, kind)?.pausable {
        return Err(Error::invalid(
            "clock",
            format!("the {kind} clock does not pause"),
        ));
    }
    if clock.state == ClockState::Paused {
        return Err(Error::invalid(
            "clock",
            format!("the {kind} clock is already paused"),
        ));
    }
    w.append(events::ClockPaused {
        case_id,
        clock: kind,
        reason,
    })?;
    Ok(())
}

/// Resumes a paused clock.
pub fn resume(
    w: &mut crate::events::log::Writer,
    calendar: &Calendar,
    case_id: uuid::Uuid,
    kind: ClockKind,
) -> Result<()> {
    if running(w, calendar, case_id, kind)?.state != ClockState::Paused {
        return Err(Error::invalid(
            "clock",
            format!("the {kind} clock is not paused"),
        ));
    }
    w.append(events::ClockResumed {
        case_id,
        clock: kind,
    })?;
    Ok(())
}

/// Extends a running clock by its statutory extension; approved by a supervisor, once.
pub fn extend(
    w: &mut crate::events::log::Writer,
    calendar: &Calendar,
    case_id: uuid::Uuid,
    kind: ClockKind,
    role: crate::officer::Role,
) -> Result<()> {
    if role != crate::officer::Role::Supervisor {
        return Err(Error::invalid(
            "role",
            "an extension is approved by a supervisor: sign in as one, or ask the centre",
        ));
    }
    approve(w, calendar, case_id, kind)
}

/// Extends the clock, approved by a supervisor on the device or by the centre.
fn approve(
    w: &mut crate::events::log::Writer,
    calendar: &Calendar,
    case_id: uuid::Uuid,
    kind: ClockKind,
) -> Result<()> {
    extendable(w, calendar, case_id, kind)?;
    w.append(events::ClockExtended {
        case_id,
        clock: kind,
    })?;
    Ok(())
}

/// Whether the case's `kind` clock runs, has a statutory extension, and has not had it yet in
/// this run.
fn extendable(
    w: &crate::events::log::Writer,
    calendar: &Calendar,
    case_id: uuid::Uuid,
    kind: ClockKind,
) -> Result<()> {
    let clock = running(w, calendar, case_id, kind)?;
    if rule(clock.rule_set, kind)?.extension.is_none() {
        return Err(Error::invalid(
            "clock",
            format!("the {kind} clock has no extension"),
        ));
    }
    if clock.extended {
        return Err(Error::invalid(
            "clock",
            format!("the {kind} clock was already extended"),
        ));
    }
    Ok(())
}

/// The case's clock of this kind, if it has one that has not stopped.
fn running(
    w: &crate::events::log::Writer,
    calendar: &Calendar,
    case_id: uuid::Uuid,
    kind: ClockKind,
) -> Result<Clock> {
    let now = w.time.trusted_ms;
    state::of_case(w.conn(), calendar, &case_id.to_string(), now)?
        .into_iter()
        .find(|c| c.kind == kind && c.stopped_at_ms.is_none())
        .ok_or_else(|| Error::invalid("clock", format!("the case has no running {kind} clock")))
}

/// Starts a clock that no workflow step starts; one of a kind runs at a time.
pub fn start(
    w: &mut crate::events::log::Writer,
    calendar: &Calendar,
    case_id: uuid::Uuid,
    kind: ClockKind,
) -> Result<()> {
    by_hand(kind)?;
    if running(w, calendar, case_id, kind).is_ok() {
        return Err(Error::invalid(
            "clock",
            format!("the {kind} clock is already running"),
        ));
    }
    w.append(events::ClockStarted {
        case_id,
        clock: kind,
    })?;
    Ok(())
}

/// Stops such a clock: the act it counted down to is done.
pub fn stop(
    w: &mut crate::events::log::Writer,
    calendar: &Calendar,
    case_id: uuid::Uuid,
    kind: ClockKind,
) -> Result<()> {
    by_hand(kind)?;
    running(w, calendar, case_id, kind)?;
    w.append(events::ClockStopped {
        case_id,
        clock: kind,
    })?;
    Ok(())
}

fn by_hand(kind: ClockKind) -> Result<()> {
    if events::STARTED_BY_HAND.contains(&kind) {
        return Ok(());
    }
    Err(Error::invalid(
        "clock",
        format!("the {kind} clock starts and stops with the case's own steps"),
    ))
}
