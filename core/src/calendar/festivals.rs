//! The days off that 《全国年节及纪念日放假办法》 Art. 2 (as revised in 2024) gives every citizen,
//! for a year no notice covers yet: 元旦 1 January; 春节 four days, 农历除夕 and 正月初一 to 初三;
//! 清明 the day of the solar term; 劳动节 1–2 May; 端午 (农历五月初五); 中秋 (农历八月十五);
//! 国庆 1–3 October.
//!
//! The lunar dates come from ICU4X's Chinese calendar (`icu_calendar`), whose years 1900–2100
//! agree with the Purple Mountain and Hong Kong observatories' tables. 清明 is the Beijing day
//! on which the Sun's apparent longitude reaches 15°, computed here with Meeus' low-accuracy
//! solar theory (no maintained crate publishes the solar terms: ICU4X keeps its astronomy
//! private). Both are tested against the notices of 2008–2026 and published dates to 2030.

use chrono::{Datelike, NaiveDate};
use icu_calendar::Date;
use icu_calendar::types::Month;

/// The years whose lunar festivals and 清明 are computed: those the lunar data is checked for.
/// Outside them only the solar-calendar holidays are known (no deadline that far off matters).
pub const COMPUTED_YEARS: std::ops::RangeInclusive<i32> = 1901..=2100;

/// Every day off Art. 2 gives in `year`, in date order.
pub fn fixed_holidays(year: i32) -> Vec<NaiveDate> {
    let solar = [(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)];
    let mut days: Vec<NaiveDate> = solar
        .iter()
        .filter_map(|&(month, day)| NaiveDate::from_ymd_opt(year, month, day))
        .collect();
    if COMPUTED_YEARS.contains(&year) {
        days.extend(spring_festival_days(year));
        days.extend(
            [qingming(year), dragon_boat(year), mid_autumn(year)]
                .into_iter()
                .flatten(),
        );
    }
    days.sort_unstable();
    days.dedup();
    days
}

/// 正月初一 of the lunar year that begins in `year`.
pub fn lunar_new_year(year: i32) -> Option<NaiveDate> {
    lunar_date(year, 1, 1)
}

/// 春节 as Art. 2(2) has it: 除夕 (the eve, the lunar year's last day, whether its twelfth
/// month has 29 days or 30) and 初一 to 初三.
fn spring_festival_days(year: i32) -> Vec<NaiveDate> {
    let eve = lunar_new_year(year).and_then(|first| first.pred_opt());
    eve.map(|eve| eve.iter_days().take(4).collect())
        .unwrap_or_default()
}

/// 端午: the fifth day of the fifth lunar month.
pub fn dragon_boat(year: i32) -> Option<NaiveDate> {
    lunar_date(year, 5, 5)
}

/// 中秋: the fifteenth day of the eighth lunar month.
pub fn mid_autumn(year: i32) -> Option<NaiveDate> {
    lunar_date(year, 8, 15)
}

/// A day of a (non-leap) month of the lunar year that begins in Gregorian `year`.
fn lunar_date(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    if !COMPUTED_YEARS.contains(&year) {
        return None;
    }
    let date = Date::try_new_chinese_traditional(year, Month::new(month), day).ok()?;
    // A rata die counts days from 1 January of year 1, as chrono's days from the common era.
    let rata_die = i32::try_from(date.to_rata_die().to_i64_date()).ok()?;
    NaiveDate::from_num_days_from_ce_opt(rata_die)
}

/// 清明: the Beijing date on which the Sun's apparent longitude reaches 15° (always 3–6 April).
pub fn qingming(year: i32) -> Option<NaiveDate> {
    if !COMPUTED_YEARS.contains(&year) {
        return None;
    }
    let first = NaiveDate::from_ymd_opt(year, 4, 2)?;
    first.iter_days().take(6).find(|day| {
        let next = day.succ_opt().unwrap_or(*day);
        solar_longitude(beijing_midnight(*day)) < 15.0
            && solar_longitude(beijing_midnight(next)) >= 15.0
    })
}

/// The Julian day (UT) of 00:00 Beijing time (UTC+8) on `date`.
fn beijing_midnight(date: NaiveDate) -> f64 {
    // 2000-01-01 is day 730 120 of the common era and JD 2 451 544.5 at 0h UT.
    f64::from(date.num_days_from_ce() - 730_120) + 2_451_544.5 - 8.0 / 24.0
}

/// The Sun's apparent longitude in degrees at Julian day `jd_ut` (Meeus, Astronomical
/// Algorithms, ch. 25, accurate to about 0.01°, a quarter of an hour of the Sun's motion).
fn solar_longitude(jd_ut: f64) -> f64 {
    // Dynamical time runs ahead of UT by ΔT: about 69 s in 2025, a few minutes by 2100
    // (Espenak & Meeus' polynomial for 2005–2050, close enough beyond for a day's date).
    let years = (jd_ut - 2451545.0) / 365.25;
    let delta_t = 62.92 + 0.32217 * years + 0.005589 * years * years;
    let t = (jd_ut + delta_t / 86400.0 - 2451545.0) / 36525.0;
    let mean = 280.46646 + 36000.76983 * t + 0.0003032 * t * t;
    let anomaly = (357.52911 + 35999.05029 * t - 0.0001537 * t * t).to_radians();
    let centre = (1.914602 - 0.004817 * t - 0.000014 * t * t) * anomaly.sin()
        + (0.019993 - 0.000101 * t) * (2.0 * anomaly).sin()
        + 0.000289 * (3.0 * anomaly).sin();
    let node = (125.04 - 1934.136 * t).to_radians();
    (mean + centre - 0.00569 - 0.00478 * node.sin()).rem_euclid(360.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn qingming_is_the_day_the_sun_reaches_fifteen_degrees() {
        // The instant of 清明 2025 was 4 April 03:48 Beijing time: the longitude crosses 15°
        // between that day's midnight and the next.
        assert!(solar_longitude(beijing_midnight(d("2025-04-04"))) < 15.0);
        assert!(solar_longitude(beijing_midnight(d("2025-04-05"))) > 15.0);
        assert_eq!(qingming(2025), Some(d("2025-04-04")));
    }

    #[test]
    fn outside_the_lunar_years_only_the_solar_holidays_are_known() {
        assert_eq!(lunar_new_year(2101), None);
        assert_eq!(qingming(1900), None);
        assert_eq!(fixed_holidays(2200).len(), 6);
        assert_eq!(fixed_holidays(2027).len(), 13);
    }
}
