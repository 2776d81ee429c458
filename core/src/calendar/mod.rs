//! The mainland working-day calendar: weekends, statutory holidays and the adjusted working
//! days (调休) that fall on weekends — State Council notices, so data, not a formula.
//!
//! Built in: the `chinese_holiday` crate, 2004-01-01 to 2026-12-25 (it panics outside that
//! range, which `built_in` guards; the last days of 2026 may belong to the 2027 New Year
//! holiday, which no data set has yet). A year can be loaded as reference data (`YearData`,
//! validated), and then replaces the built-in days of that year and settles the last days of
//! the December before it (`years`). A date no data covers is never guessed: `day` answers
//! `Error::NoCalendar`, and deadlines across it are counted on the weekends and the fixed
//! holidays of the holidays measures (`provisional`) and marked provisional (`deadline`).

pub mod deadline;
pub mod festivals;
pub mod provisional;
pub mod years;

use std::collections::BTreeMap;

use chinese_holiday::{Ymd, chinese_holiday};
use chrono::{Datelike, NaiveDate, Weekday};

use crate::error::{Error, Result};
pub use deadline::{Deadline, add_working_days, deadline, working_days_between};
pub use years::{Year, YearData};

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["calendar_years"],
    kept: &[],
};

/// What kind of day a date is on the mainland.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    Working,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A statutory holiday (including the weekend days inside a holiday period).
    Holiday,
}

impl Day {
    pub fn is_working(self) -> bool {
        self == Day::Working
    }
}

/// The calendar in force: the loaded years over the built-in data.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    loaded: BTreeMap<i32, Year>,
}

/// The first and last dates the built-in data covers.
pub const BUILT_IN_FIRST: (i32, u32, u32) = (2004, 1, 1);
pub const BUILT_IN_LAST: (i32, u32, u32) = (2026, 12, 25);

impl Calendar {
    pub fn with_years(years: impl IntoIterator<Item = Year>) -> Calendar {
        Calendar {
            loaded: years.into_iter().map(|y| (y.data.year, y)).collect(),
        }
    }

    /// The calendar a store holds: the built-in data and the years loaded into it.
    pub fn of_store(conn: &rusqlite::Connection) -> Result<Calendar> {
        Ok(Calendar::with_years(years::load_all(conn)?))
    }

    /// The kind of day `date` is, or `Error::NoCalendar` for a date no data covers.
    pub fn day(&self, date: NaiveDate) -> Result<Day> {
        match self.notice_for(date) {
            Some(year) => Ok(year.day(date)),
            None => built_in(date).ok_or(Error::NoCalendar { date }),
        }
    }

    /// The loaded notice that decides `date`: the next year's where it names the date (its New
    /// Year holiday reaching back into December), else the date's own year's, else the next
    /// year's where it settles the date (late December it leaves ordinary). The later notice
    /// is the one that arranged the New Year holiday, so it wins over the built-in data too.
    fn notice_for(&self, date: NaiveDate) -> Option<&Year> {
        let next = self
            .loaded
            .get(&(date.year() + 1))
            .filter(|next| next.settles(date));
        next.filter(|next| next.names(date))
            .or_else(|| self.loaded.get(&date.year()))
            .or(next)
    }

    /// The kind of day, and whether it is only assumed (no data for the date: the weekends and
    /// the fixed holidays of the holidays measures, `provisional`).
    pub fn day_or_assumed(&self, date: NaiveDate) -> (Day, bool) {
        match self.day(date) {
            Ok(day) => (day, false),
            Err(_) => (provisional::day(date), true),
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool> {
        Ok(self.day(date)?.is_working())
    }

    /// The years loaded as reference data.
    pub fn loaded_years(&self) -> Vec<i32> {
        self.loaded.keys().copied().collect()
    }
}

/// The built-in answer, inside the range the crate covers.
fn built_in(date: NaiveDate) -> Option<Day> {
    let ymd = |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d);
    let (first, last) = (ymd(BUILT_IN_FIRST)?, ymd(BUILT_IN_LAST)?);
    if date < first || date > last {
        return None;
    }
    let kind = chinese_holiday(Ymd::new(
        date.year() as u16,
        date.month() as u8,
        date.day() as u8,
    ));
    Some(match kind {
        _ if kind.is_workday() => Day::Working,
        // The crate's "normal holiday" is a Saturday or Sunday with nothing special about it.
        chinese_holiday::DayKind::NormalHoliday => Day::Weekend,
        _ => Day::Holiday,
    })
}

/// A `YYYY-MM-DD` date as the API and the CLI take it.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a YYYY-MM-DD date")))
}

pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}
