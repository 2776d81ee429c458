//! The State Council's notices as the calendar tests read them: the published ones for 2025 and
//! 2026, typed from the notices, and a made-up 2027 for the year's end (no 2027 notice exists
//! yet).

use chrono::{Datelike, NaiveDate};
use redshield_core::calendar::{Day, YearData};

pub fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub fn span(from: &str, to: &str) -> Vec<NaiveDate> {
    d(from).iter_days().take_while(|x| *x <= d(to)).collect()
}

/// A notice as published: holiday periods and the weekend days worked.
pub struct Notice {
    pub holidays: Vec<NaiveDate>,
    pub working: Vec<NaiveDate>,
}

/// 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号).
pub fn notice_2025() -> Notice {
    let periods = [
        ("2025-01-01", "2025-01-01"),
        ("2025-01-28", "2025-02-04"),
        ("2025-04-04", "2025-04-06"),
        ("2025-05-01", "2025-05-05"),
        ("2025-05-31", "2025-06-02"),
        ("2025-10-01", "2025-10-08"),
    ];
    Notice {
        holidays: periods.iter().flat_map(|(a, b)| span(a, b)).collect(),
        working: [
            "2025-01-26",
            "2025-02-08",
            "2025-04-27",
            "2025-09-28",
            "2025-10-11",
        ]
        .map(d)
        .to_vec(),
    }
}

/// 国务院办公厅关于2026年部分节假日安排的通知.
pub fn notice_2026() -> Notice {
    let periods = [
        ("2026-01-01", "2026-01-03"),
        ("2026-02-15", "2026-02-23"),
        ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"),
        ("2026-09-25", "2026-09-27"),
        ("2026-10-01", "2026-10-07"),
    ];
    Notice {
        holidays: periods.iter().flat_map(|(a, b)| span(a, b)).collect(),
        working: [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ]
        .map(d)
        .to_vec(),
    }
}

pub fn expected(notice: &Notice, date: NaiveDate) -> Day {
    if notice.holidays.contains(&date) {
        Day::Holiday
    } else if notice.working.contains(&date) || date.weekday().number_from_monday() <= 5 {
        Day::Working
    } else {
        Day::Weekend
    }
}

/// A TEST FIXTURE, not a notice: the 2027 notice is not published yet. Made up as one could
/// read: the New Year holiday from Thursday 31 December 2026 to Sunday 3 January, Saturday
/// 26 December 2026 worked; Spring Festival 5–11 February (20th worked), Qingming 3–5 April,
/// Labour Day 1–5 May (8th worked), Dragon Boat 9 June, Mid-Autumn 15 September, National
/// Day 1–7 October (9th worked).
pub fn notice_2027_fixture() -> Notice {
    let periods = [
        ("2026-12-31", "2027-01-03"),
        ("2027-02-05", "2027-02-11"),
        ("2027-04-03", "2027-04-05"),
        ("2027-05-01", "2027-05-05"),
        ("2027-06-09", "2027-06-09"),
        ("2027-09-15", "2027-09-15"),
        ("2027-10-01", "2027-10-07"),
    ];
    Notice {
        holidays: periods.iter().flat_map(|(a, b)| span(a, b)).collect(),
        working: ["2026-12-26", "2027-02-20", "2027-05-08", "2027-10-09"]
            .map(d)
            .to_vec(),
    }
}

/// The fixture as the centre would load it.
pub fn year_data(year: i32, notice: &Notice, source: &str) -> YearData {
    let text = |dates: &[NaiveDate]| dates.iter().map(|x| x.to_string()).collect();
    YearData {
        year,
        holidays: text(&notice.holidays),
        working_days: text(&notice.working),
        source: source.into(),
    }
}
