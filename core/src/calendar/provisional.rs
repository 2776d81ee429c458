//! What a day is taken to be where no notice covers it yet, for a provisional deadline:
//! Saturdays and Sundays off, the fixed holidays of 《全国年节及纪念日放假办法》 Art. 2 off, and,
//! by its Art. 6 (a holiday on a Saturday or Sunday "应当在工作日补假"), the first weekday after
//! such a holiday off too. The notice chooses the make-up day; the first weekday after is the
//! one it chose every time it had to in 2025 and 2026 (端午 2025, 清明, 劳动节 and 国庆 2026),
//! and leaving it out would count a day that the law says is not worked. The weekend days
//! worked (调休) cannot be known before the notice: none is assumed.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use crate::calendar::{Day, festivals, is_weekend};

/// The kind of day `date` is taken to be without its year's notice.
pub fn day(date: NaiveDate) -> Day {
    if days_off(date.year()).contains(&date) {
        Day::Holiday
    } else if is_weekend(date) {
        Day::Weekend
    } else {
        Day::Working
    }
}

/// The holidays of `year` (Art. 2) and the make-up days for those on a weekend (Art. 6).
pub fn days_off(year: i32) -> BTreeSet<NaiveDate> {
    let fixed = festivals::fixed_holidays(year);
    let mut off: BTreeSet<NaiveDate> = fixed.iter().copied().collect();
    // In date order, so that two weekend days of one festival (春节 2027: 初一 and 初二) give
    // the two weekdays after it.
    for holiday in fixed.iter().filter(|d| is_weekend(**d)) {
        let make_up = holiday
            .iter_days()
            .skip(1)
            .find(|d| !is_weekend(*d) && !off.contains(d));
        off.extend(make_up);
    }
    off
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_holiday_on_a_weekend_gives_the_next_weekday_off_art_6() {
        // 2027: 春节 Fri 5 – Mon 8 February (初一 and 初二 on the weekend), 劳动节 Sat 1 –
        // Sun 2 May, 国庆 Fri 1 – Sun 3 October.
        let off = days_off(2027);
        for date in [
            "2027-02-09",
            "2027-02-10",
            "2027-05-03",
            "2027-05-04",
            "2027-10-04",
        ] {
            assert!(off.contains(&d(date)), "{date}");
            assert_eq!(day(d(date)), Day::Holiday, "{date}");
        }
        for date in ["2027-02-11", "2027-05-05", "2027-10-06"] {
            assert_eq!(day(d(date)), Day::Working, "{date}");
        }
        assert!(off.contains(&d("2027-10-05")));
        // 元旦 2027 is a Friday: no make-up day.
        assert_eq!(day(d("2027-01-04")), Day::Working);
        assert_eq!(day(d("2027-01-02")), Day::Weekend);
    }
}
