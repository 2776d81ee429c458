//! A year of the calendar as reference data: its statutory holidays and its adjusted working
//! days, from the State Council's notice. The centre sends a new year before it starts (the
//! sync issue delivers it); here it is checked and stored.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::calendar::{Day, is_weekend};
use crate::error::{Error, Result};
use crate::wire::to_json;

/// One year's notice, as the centre sends it. Dates are `YYYY-MM-DD`, Beijing dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
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

impl Year {
    /// Checks a notice: its dates are real dates of its year, no day is both off and worked,
    /// worked days are weekend days, the fixed holidays are there and the count is plausible —
    /// what catches a file for the wrong year or a typing slip.
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
            if date.year() != data.year {
                return Err(Error::invalid(
                    &field,
                    format!("{date} is not in {}", data.year),
                ));
            }
            Ok(date)
        })
        .collect()
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
            let data: YearData = serde_json::from_str(text).map_err(|e| Error::Corrupt {
                seq: 0,
                reason: format!("calendar year: {e}"),
            })?;
            Year::check(data)
        })
        .collect()
}
