//! A year of the calendar as reference data: its statutory holidays and its adjusted working
//! days, from the State Council's notice. The centre sends a new year before it starts (its
//! `CalendarYearPublished`), or an officer loads one; here it is checked and stored.
//!
//! A year's notice also settles the last days of the December before it: the New Year holiday
//! may begin there, and a weekend day before it be worked (the 2019 notice made Saturday
//! 2018-12-29 a working day and 30–31 December holidays). So a notice may name days from
//! 25 December of the year before, and from that day to its own 31 December it is the
//! calendar: the days it does not name are ordinary (weekends off, weekdays worked).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::calendar::{Day, is_weekend};
use crate::error::{Error, Result};
use crate::events::{EventBody, Projection};
use crate::store::to_json;

/// One year's notice, as the centre sends it. Dates are `YYYY-MM-DD`, Beijing dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct YearData {
    pub year: i32,
    /// Every day off of the holiday periods, weekend days inside them included.
    pub holidays: Vec<String>,
    /// The weekend days that are worked (调休).
    pub working_days: Vec<String>,
    /// Where it comes from: the notice's title and number.
    pub source: String,
}

/// A checked year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Year {
    pub data: YearData,
    holidays: BTreeSet<NaiveDate>,
    working_days: BTreeSet<NaiveDate>,
}

/// Days every year's notice has off: New Year's Day, Labour Day, National Day.
const FIXED_HOLIDAYS: [(u32, u32); 3] = [(1, 1), (5, 1), (10, 1)];

/// The first day of the year before's December that a notice may name. No notice since 2004
/// has reached back further than the 29th (2007-12-29 and 2018-12-29 worked); Art. 7 of the holidays measures keeps a run of
/// work next to a holiday to about six days, so a week is room enough — and the built-in data
/// stops on the 25th for the same reason, so a notice for 2027 settles all that it left open.
pub const PREVIOUS_DECEMBER_FROM: u32 = 25;

impl Year {
    /// Checks a notice: its dates are real dates of its year or of 25–31 December before it,
    /// no day is both off and worked, worked days are weekend days, the fixed holidays are
    /// there and the count is plausible — what catches a file for the wrong year or a slip.
    pub fn check(data: YearData) -> Result<Year> {
        if !(2000..=2200).contains(&data.year) {
            return Err(Error::invalid(
                "year",
                format!("{} is not a year we plan for", data.year),
            ));
        }
        let holidays = dates(&data, "holidays", &data.holidays)?;
        let working_days = dates(&data, "working_days", &data.working_days)?;
        if let Some(both) = holidays.intersection(&working_days).next() {
            return Err(Error::invalid(
                "working_days",
                format!("{both} is also a holiday"),
            ));
        }
        if let Some(weekday) = working_days.iter().find(|d| !is_weekend(**d)) {
            return Err(Error::invalid(
                "working_days",
                format!("{weekday} is a weekday: adjusted working days fall on weekends"),
            ));
        }
        for (month, day) in FIXED_HOLIDAYS {
            let fixed = NaiveDate::from_ymd_opt(data.year, month, day).unwrap_or_default();
            if !holidays.contains(&fixed) {
                return Err(Error::invalid("holidays", format!("{fixed} is missing")));
            }
        }
        if !(11..=40).contains(&holidays.len()) || working_days.len() > 12 {
            return Err(Error::invalid(
                "holidays",
                format!(
                    "{} days off and {} worked weekend days is not a year's notice",
                    holidays.len(),
                    working_days.len()
                ),
            ));
        }
        Ok(Year {
            data,
            holidays,
            working_days,
        })
    }

    /// The first day this notice settles: 25 December of the year before.
    pub fn first_day(&self) -> NaiveDate {
        first_day(self.data.year).unwrap_or(NaiveDate::MIN)
    }

    /// Whether the notice settles `date`: from late December of the year before to its end.
    pub fn settles(&self, date: NaiveDate) -> bool {
        date >= self.first_day() && date.year() <= self.data.year
    }

    /// Whether the notice names `date`, as a holiday or as a worked weekend day.
    pub fn names(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date) || self.working_days.contains(&date)
    }

    /// The kind of day `date` is by this notice (meant for a day it settles).
    pub fn day(&self, date: NaiveDate) -> Day {
        if self.holidays.contains(&date) {
            Day::Holiday
        } else if self.working_days.contains(&date) || !is_weekend(date) {
            Day::Working
        } else {
            Day::Weekend
        }
    }
}

fn dates(data: &YearData, field: &str, texts: &[String]) -> Result<BTreeSet<NaiveDate>> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let field = format!("{field}[{i}]");
            let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                Error::invalid(&field, format!("{text:?} is not a YYYY-MM-DD date"))
            })?;
            let settled = first_day(data.year).is_some_and(|first| date >= first);
            if !settled || date.year() > data.year {
                return Err(Error::invalid(
                    &field,
                    format!(
                        "{date} is not in {} or in {PREVIOUS_DECEMBER_FROM}–31 December {}",
                        data.year,
                        data.year - 1
                    ),
                ));
            }
            Ok(date)
        })
        .collect()
}

/// 25 December of the year before `year`.
fn first_day(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year.checked_sub(1)?, 12, PREVIOUS_DECEMBER_FROM)
}

/// Stores a checked year, replacing what was loaded for it before.
pub fn store(conn: &Connection, year: &Year, loaded_at_ms: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO calendar_years (year, data, loaded_at_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT (year) DO UPDATE SET data = excluded.data, loaded_at_ms = excluded.loaded_at_ms",
    )?
    .execute(params![year.data.year, to_json(&year.data)?, loaded_at_ms])?;
    Ok(())
}

/// Every loaded year, checked again (a stored year that no longer checks is damage).
pub fn load_all(conn: &Connection) -> Result<Vec<Year>> {
    let mut stmt = conn.prepare_cached("SELECT data FROM calendar_years ORDER BY year")?;
    let texts = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    texts
        .iter()
        .map(|text| {
            let data: YearData = serde_json::from_str(text)
                .map_err(|e| Error::damaged("calendar_years", e.to_string()))?;
            Year::check(data)
        })
        .collect()
}

/// A year loaded on the device itself (the centre's arrive as its `CalendarYearPublished`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarYearLoaded {
    pub year: YearData,
}

impl EventBody for CalendarYearLoaded {
    const TOPICS: &'static [crate::events::Topic] = &[
        crate::events::Topic::Reference,
        crate::events::Topic::Clocks,
    ];
    const TYPE: &'static str = "CalendarYearLoaded";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        let year = Year::check(self.year.clone())?;
        store(at.conn, &year, at.event.time.trusted_ms)
    }
}
