//! Time on the device: Beijing dates and day boundaries (a fixed UTC+08:00 with no daylight
//! saving, whatever zone the phone is set to), and trusted time (`trusted`: anchored on the
//! server's time or GNSS time, carried forward on the monotonic clock). What an event records
//! of it is `events::EventTime`.

mod trusted;

// Trusted time is this module's other half: its names are the module's.
pub use trusted::*;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::error::{Error, Result};

pub const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+08:00 is a valid offset"),
};

/// The Beijing calendar date of an instant given in ms since the epoch.
pub fn beijing_date(ms: i64) -> Result<NaiveDate> {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&BEIJING).date_naive())
        .ok_or_else(|| Error::invalid("time", format!("{ms} ms is outside the calendar")))
}

/// A month (`YYYY-MM`, Beijing): its first instant and the next month's, ms.
pub fn beijing_month(month: &str) -> Result<(i64, i64)> {
    let (first, next) = month_days(month)?;
    Ok((beijing_day_start_ms(first)?, beijing_day_start_ms(next)?))
}

/// A month (`YYYY-MM`): its first day and the next month's.
pub fn month_days(month: &str) -> Result<(NaiveDate, NaiveDate)> {
    let bad = || Error::invalid("month", format!("{month:?} is not a month (YYYY-MM)"));
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d")
        .map_err(|_| bad())?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(bad)?;
    Ok((first, next))
}

/// The first instant of a Beijing day, ms since the epoch.
pub fn beijing_day_start_ms(day: NaiveDate) -> Result<i64> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(BEIJING).single())
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| Error::invalid("date", format!("{day} is outside the calendar")))
}

/// Today in Beijing, by the system clock.
pub fn beijing_today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&BEIJING).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_runs_from_midnight_to_midnight_in_beijing() {
        let (from, to) = beijing_month("2026-12").unwrap();
        // 2026-11-30T16:00Z and 2026-12-31T16:00Z.
        assert_eq!((from, to), (1_796_054_400_000, 1_798_732_800_000));
        assert!(beijing_month("2026-13").is_err());
        assert!(beijing_month("December").is_err());
    }

    #[test]
    fn the_beijing_day_starts_at_16_00_utc() {
        // 2026-11-27T15:59:59.999Z is still the 27th in Beijing; one ms later it is the 28th.
        let before = 1_795_795_199_999;
        assert_eq!(beijing_date(before).unwrap().to_string(), "2026-11-27");
        assert_eq!(beijing_date(before + 1).unwrap().to_string(), "2026-11-28");
    }
}
