//! The calendar against the State Council's notices for 2025 and 2026, deadlines across the
//! holidays that catch people out, pauses, both rule sets, years without data, and properties.

use crate::common::notices::{d, expected, notice_2025, notice_2026, span};
use chrono::Days;
use proptest::prelude::*;
use redshield_core::Error;
use redshield_core::calendar::deadline::{Counting, Pause, Unit, deadline};
use redshield_core::calendar::{Calendar, Year, YearData, add_working_days, working_days_between};
use redshield_core::cases::RuleSet;
use redshield_core::clocks::{ClockKind, due_date};

#[test]
fn the_built_in_calendar_agrees_with_the_notices_for_2025_and_2026() {
    let calendar = Calendar::default();
    for (notice, from, to) in [
        (notice_2025(), "2025-01-01", "2025-12-31"),
        (notice_2026(), "2026-01-01", "2026-12-25"),
    ] {
        for date in span(from, to) {
            assert_eq!(
                calendar.day(date).unwrap(),
                expected(&notice, date),
                "{date}"
            );
        }
    }
}

#[test]
fn a_date_without_data_is_an_error_never_a_guess_and_never_a_panic() {
    let calendar = Calendar::default();
    for date in [
        "2026-12-26",
        "2026-12-31",
        "2027-01-04",
        "2003-12-31",
        "1900-01-01",
    ] {
        match calendar.day(d(date)) {
            Err(Error::NoCalendar { date: missing }) => assert_eq!(missing, d(date)),
            other => panic!("{date}: {other:?}"),
        }
    }
    assert!(calendar.is_working_day(d("2004-01-02")).unwrap());
}

fn accept_due(calendar: &Calendar, rule_set: RuleSet, received: &str) -> (String, bool) {
    let due = due_date(
        calendar,
        rule_set,
        ClockKind::Accept,
        d(received),
        false,
        &[],
    )
    .unwrap();
    (due.date, due.provisional)
}

#[test]
fn seven_working_days_across_spring_festival_national_day_and_new_year() {
    let calendar = Calendar::default();
    let due = |received| accept_due(&calendar, RuleSet::SamrOrder121, received).0;
    // Spring Festival 2026: Fri 13th, the worked Saturday 14th, the holiday, then Tue 24th to
    // the worked Saturday 28th.
    assert_eq!(due("2026-02-12"), "2026-02-28");
    // National Day 2025 with its worked Sunday 28 September and Saturday 11 October.
    assert_eq!(due("2025-09-26"), "2025-10-13");
    // New Year across the year boundary, with the worked Sunday 4 January 2026.
    assert_eq!(due("2025-12-29"), "2026-01-08");
    // The day of receipt never counts: received on a working day, due 7 working days on.
    assert_eq!(due("2026-11-02"), "2026-11-11");
}

#[test]
fn a_calendar_day_period_ending_on_a_holiday_or_a_weekend_moves_on() {
    let calendar = Calendar::default();
    // Mediation (Order No. 121): 60 days from acceptance on 2 August 2026 end on 1 October,
    // National Day: the first working day after it is 8 October.
    let mediation = |accepted| {
        due_date(
            &calendar,
            RuleSet::SamrOrder121,
            ClockKind::Mediation,
            d(accepted),
            false,
            &[],
        )
        .unwrap()
        .date
    };
    assert_eq!(mediation("2026-08-02"), "2026-10-08");
    // A penalty case: 90 days from 9 March 2026 end on Sunday 7 June. The documented switch
    // moves a weekend last day to Monday; without it, only holidays move.
    let ninety = |counting| {
        deadline(
            &calendar,
            d("2026-03-09"),
            90,
            Unit::CalendarDays,
            counting,
            &[],
        )
        .unwrap()
        .date
    };
    assert_eq!(
        ninety(Counting {
            weekend_moves_last_day: true
        }),
        d("2026-06-08")
    );
    assert_eq!(
        ninety(Counting {
            weekend_moves_last_day: false
        }),
        d("2026-06-07")
    );
}

#[test]
fn a_pause_spanning_a_holiday_is_not_counted() {
    let calendar = Calendar::default();
    // A report received Thursday 24 September 2026: Mid-Autumn 25–27, Monday 28th counts;
    // testing from the 29th, through National Day, resumed Monday 12 October.
    let pause = [Pause {
        from: d("2026-09-29"),
        to: d("2026-10-12"),
    }];
    let report = |pauses: &[Pause], extended| {
        due_date(
            &calendar,
            RuleSet::SamrOrder121,
            ClockKind::ReportDecision,
            d("2026-09-24"),
            extended,
            pauses,
        )
        .unwrap()
        .date
    };
    assert_eq!(report(&[], false), "2026-10-22");
    assert_eq!(report(&pause, false), "2026-10-29");
    // With the approved extension: 15 more working days.
    assert_eq!(report(&pause, true), "2026-11-19");
    // Mediation counts calendar days: 8 days before a month of testing, 52 after.
    let mediation_pause = [Pause {
        from: d("2026-09-10"),
        to: d("2026-10-10"),
    }];
    let mediation = due_date(
        &calendar,
        RuleSet::SamrOrder121,
        ClockKind::Mediation,
        d("2026-09-01"),
        false,
        &mediation_pause,
    )
    .unwrap();
    assert_eq!(mediation.date, "2026-11-30");
    // The acceptance clock does not pause: a pause given to it is ignored (Sep 28–30, Oct 8,
    // 9, the worked Saturday 10th, Monday 12th).
    let accept = due_date(
        &calendar,
        RuleSet::SamrOrder121,
        ClockKind::Accept,
        d("2026-09-24"),
        false,
        &pause,
    );
    assert_eq!(accept.unwrap().date, "2026-10-12");
}

#[test]
fn the_two_rule_sets_differ_where_the_rules_do() {
    let calendar = Calendar::default();
    let mediation = |rule_set| {
        due_date(
            &calendar,
            rule_set,
            ClockKind::Mediation,
            d("2026-03-02"),
            false,
            &[],
        )
        .unwrap()
    };
    // Order No. 20: 45 working days (Qingming 4–6 April, Labour Day 1–5 May, 9 May worked).
    assert_eq!(mediation(RuleSet::SamrOrder20).date, "2026-05-08");
    // Order No. 121: 60 calendar days, 1 May is a holiday: moves to 6 May.
    assert_eq!(mediation(RuleSet::SamrOrder121).date, "2026-05-06");
    let on_scene = due_date(
        &calendar,
        RuleSet::SamrOrder121,
        ClockKind::OnScene,
        d("2026-03-02"),
        false,
        &[],
    );
    assert!(matches!(on_scene, Err(Error::Invalid { .. })));
    let extension = due_date(
        &calendar,
        RuleSet::SamrOrder121,
        ClockKind::Accept,
        d("2026-03-02"),
        true,
        &[],
    );
    assert!(matches!(extension, Err(Error::Invalid { .. })));
}

/// A made-up 2027 for the test (no notice exists yet): New Year 1–3 January, a worked Saturday.
fn test_2027() -> YearData {
    let mut holidays: Vec<String> = [
        "2027-01-01",
        "2027-01-02",
        "2027-01-03",
        "2027-05-01",
        "2027-10-01",
    ]
    .map(String::from)
    .to_vec();
    holidays.extend(
        span("2027-02-06", "2027-02-12")
            .iter()
            .map(|x| x.to_string()),
    );
    holidays.extend(
        span("2027-10-02", "2027-10-07")
            .iter()
            .map(|x| x.to_string()),
    );
    YearData {
        year: 2027,
        holidays,
        working_days: vec!["2027-01-09".into()],
        source: "test data, not a notice".into(),
    }
}

#[test]
fn across_a_year_without_data_a_deadline_is_provisional_until_the_year_is_loaded() {
    let without = Calendar::default();
    // Received Thursday 24 December 2026: the last days of 2026 and all of 2027 lack data;
    // 1 January is a fixed holiday (holidays measures Art. 2(1)), so the count skips it.
    assert_eq!(
        accept_due(&without, RuleSet::SamrOrder121, "2026-12-24"),
        ("2027-01-05".to_string(), true)
    );
    let counted = add_working_days(&without, d("2026-12-24"), 7).unwrap();
    assert_eq!((counted.date, counted.provisional), (d("2027-01-05"), true));
    // The 2027 notice settles 26–31 December 2026 as well: nothing on the way is assumed.
    let with = Calendar::with_years([Year::check(test_2027()).unwrap()]);
    let (date, provisional) = accept_due(&with, RuleSet::SamrOrder121, "2026-12-24");
    assert_eq!((date.as_str(), provisional), ("2027-01-05", false));
    let (date, provisional) = accept_due(&with, RuleSet::SamrOrder121, "2027-01-04");
    assert_eq!((date.as_str(), provisional), ("2027-01-12", false));
}

#[test]
fn a_year_is_checked_before_it_is_loaded() {
    assert!(Year::check(test_2027()).is_ok());
    let broken = |edit: fn(&mut YearData)| {
        let mut year = test_2027();
        edit(&mut year);
        Year::check(year).unwrap_err().to_string()
    };
    assert!(broken(|y| y.holidays.push("2026-12-24".into())).contains("not in 2027"));
    assert!(broken(|y| y.holidays.push("2028-01-01".into())).contains("not in 2027"));
    assert!(broken(|y| y.working_days.push("2027-01-05".into())).contains("weekday"));
    assert!(broken(|y| y.working_days.push("2026-12-31".into())).contains("weekday"));
    assert!(broken(|y| y.holidays.retain(|h| h != "2027-10-01")).contains("2027-10-01"));
    assert!(broken(|y| y.working_days.push("2027-01-02".into())).contains("also a holiday"));
    assert!(broken(|y| y.holidays.push("2027-02-30".into())).contains("not a YYYY-MM-DD"));
    // The eve of the year: a notice may name 25–31 December of the year before.
    let mut eve = test_2027();
    eve.holidays.push("2026-12-31".into());
    eve.working_days.push("2026-12-26".into());
    eve.holidays.push("2026-12-25".into());
    assert!(Year::check(eve).is_ok());
}

proptest! {
    #[test]
    fn adding_n_working_days_then_counting_them_gives_n(offset in 0u64..2500, n in 0u32..80) {
        let calendar = Calendar::default();
        let from = d("2019-01-01").checked_add_days(Days::new(offset)).unwrap();
        let counted = add_working_days(&calendar, from, n).unwrap();
        prop_assert!(!counted.provisional);
        let to = counted.date;
        prop_assert_eq!(working_days_between(&calendar, from, to).unwrap(), n);
        prop_assert!(n == 0 || calendar.is_working_day(to).unwrap());
    }

    #[test]
    fn no_date_makes_the_calendar_panic(days in -200_000i64..200_000) {
        let date = d("2000-01-01") + chrono::Duration::days(days);
        let calendar = Calendar::default();
        let _ = calendar.day(date);
        let _ = deadline(&calendar, date, 30, Unit::WorkingDays, Counting { weekend_moves_last_day: true }, &[]);
    }
}
