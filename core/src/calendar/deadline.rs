//! Counting periods as Art. 45 does: the start day is not counted; working days skip weekends
//! and holidays and include the adjusted working days; a calendar-day period whose last day is
//! a holiday moves to the first day after it — and, by the documented switch
//! (`Counting::weekend_moves_last_day`), one ending on a weekend moves to the next working day.
//! Paused spans (testing, appraisal) do not count. A day without calendar data is taken as the
//! holidays measures' fixed rules give it (`provisional`) and the result marked provisional:
//! never a silent guess.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, Day};
use crate::error::{Error, Result};

/// A due date, and whether a day on the way to it was assumed for lack of calendar data (then
/// it is recomputed once that year's data is loaded: deadlines are computed when read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub date: NaiveDate,
    pub provisional: bool,
}

/// What a period is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    WorkingDays,
    CalendarDays,
    Years,
}

/// How the last day of a calendar-day period is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counting {
    /// regulations.md: "Redshield treats a last day on a weekend or a public holiday as moving
    /// to the next working day". `false` moves it off statutory holidays only.
    pub weekend_moves_last_day: bool,
}

pub const ART_45: Counting = Counting {
    weekend_moves_last_day: true,
};

/// A span the clock stood still, in Beijing dates: from the day it paused (not counted) to the
/// day it resumed (counted again). A clock still paused is shown as if resumed today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn paused(date: NaiveDate, pauses: &[Pause]) -> bool {
    pauses.iter().any(|p| date >= p.from && date < p.to)
}

/// The `n`-th working day after `from` (`from` itself never counts), provisional where a day
/// on the way has no calendar data — as a working-day deadline is.
pub fn add_working_days(calendar: &Calendar, from: NaiveDate, n: u32) -> Result<Deadline> {
    deadline(calendar, from, n, Unit::WorkingDays, ART_45, &[])
}

/// Working days in (`from`, `to`]: the inverse of `add_working_days`. Strict: a day without
/// calendar data is `Error::NoCalendar`.
pub fn working_days_between(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> Result<u32> {
    let mut date = from;
    let mut counted = 0;
    while date < to {
        date = next(date)?;
        if calendar.day(date)?.is_working() {
            counted += 1;
        }
    }
    Ok(counted)
}

/// The last day of a period of `n` `unit`s starting after `start`, skipping paused days.
pub fn deadline(
    calendar: &Calendar,
    start: NaiveDate,
    n: u32,
    unit: Unit,
    counting: Counting,
    pauses: &[Pause],
) -> Result<Deadline> {
    let mut provisional = false;
    let mut date = start;
    let mut counted = 0;
    let counts = |date: NaiveDate, provisional: &mut bool| {
        if paused(date, pauses) {
            return false;
        }
        let (day, assumed) = calendar.day_or_assumed(date);
        *provisional |= assumed;
        unit != Unit::WorkingDays || day.is_working()
    };
    match unit {
        Unit::WorkingDays | Unit::CalendarDays => {
            while counted < n {
                date = next(date)?;
                if counts(date, &mut provisional) {
                    counted += 1;
                }
            }
        }
        Unit::Years => {
            // Paused days push a years-long period on by as many days.
            date = start
                .checked_add_months(Months::new(12 * n))
                .ok_or_else(|| out_of_range(start))?;
            let mut day = start;
            while day < date {
                day = next(day)?;
                if paused(day, pauses) {
                    date = next(date)?;
                }
            }
        }
    }
    if unit != Unit::WorkingDays {
        date = move_off_rest_day(calendar, date, counting, &mut provisional)?;
    }
    Ok(Deadline { date, provisional })
}

/// A last day on a holiday (or, by the switch, a weekend) moves on.
fn move_off_rest_day(
    calendar: &Calendar,
    mut date: NaiveDate,
    counting: Counting,
    provisional: &mut bool,
) -> Result<NaiveDate> {
    loop {
        let (day, assumed) = calendar.day_or_assumed(date);
        *provisional |= assumed;
        let rest = match day {
            Day::Working => false,
            Day::Holiday => true,
            Day::Weekend => counting.weekend_moves_last_day,
        };
        if !rest {
            return Ok(date);
        }
        date = next(date)?;
    }
}

fn next(date: NaiveDate) -> Result<NaiveDate> {
    date.checked_add_days(Days::new(1))
        .ok_or_else(|| out_of_range(date))
}

fn out_of_range(date: NaiveDate) -> Error {
    Error::invalid("date", format!("{} is beyond the calendar", date.year()))
}
