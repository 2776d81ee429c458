//! The year's end and the years no notice covers yet, from the texts: what 《全国年节及纪念日
//! 放假办法》 Art. 2 fixes (1 January, the Spring Festival, the lunar festivals — computed),
//! its Art. 6 make-up days, and a year's notice settling the late December before it, all
//! counted as Order No. 121 Art. 45 counts.

use crate::common::notices::{
    Notice, d, expected, notice_2025, notice_2026, notice_2027_fixture, span, year_data,
};
use chrono::{Datelike, Days, NaiveDate};
use redshield_core::Error;
use redshield_core::calendar::deadline::Unit;
use redshield_core::calendar::{Calendar, Day, Year, add_working_days, festivals, provisional};
use redshield_core::cases::RuleSet;
use redshield_core::cases::intake::rule_set_for;
use redshield_core::clocks::{ClockKind, Period, due_date, rule};
use redshield_testkit::device_in;

const FIXTURE: &str = "TEST FIXTURE, not the 2027 notice (unpublished)";

fn with_2027() -> Calendar {
    let year = year_data(2027, &notice_2027_fixture(), FIXTURE);
    Calendar::with_years([Year::check(year).unwrap()])
}

fn accept_due(calendar: &Calendar, received: &str) -> (String, bool) {
    let due = due_date(
        calendar,
        RuleSet::SamrOrder121,
        ClockKind::Accept,
        d(received),
        false,
        &[],
    )
    .unwrap();
    (due.date, due.provisional)
}

/// 春节 (正月初一), 清明, 端午 and 中秋 as published: in the notices for 2025 and 2026, and in
/// the almanacs (the Purple Mountain Observatory's 中国天文年历) for 2027–2030.
const PUBLISHED: [(i32, &str, &str, &str, &str); 6] = [
    (2025, "2025-01-29", "2025-04-04", "2025-05-31", "2025-10-06"),
    (2026, "2026-02-17", "2026-04-05", "2026-06-19", "2026-09-25"),
    (2027, "2027-02-06", "2027-04-05", "2027-06-09", "2027-09-15"),
    (2028, "2028-01-26", "2028-04-04", "2028-05-28", "2028-10-03"),
    (2029, "2029-02-13", "2029-04-04", "2029-06-16", "2029-09-22"),
    (2030, "2030-02-03", "2030-04-05", "2030-06-05", "2030-09-12"),
];

#[test]
fn the_computed_festivals_are_the_published_dates() {
    for (year, new_year, qingming, dragon_boat, mid_autumn) in PUBLISHED {
        assert_eq!(festivals::lunar_new_year(year), Some(d(new_year)), "{year}");
        assert_eq!(festivals::qingming(year), Some(d(qingming)), "{year}");
        assert_eq!(festivals::dragon_boat(year), Some(d(dragon_boat)), "{year}");
        assert_eq!(festivals::mid_autumn(year), Some(d(mid_autumn)), "{year}");
        // Art. 2(2): 除夕, the day before 正月初一, is the first of the four days.
        let eve = d(new_year).pred_opt().unwrap();
        assert!(festivals::fixed_holidays(year).contains(&eve), "{year}");
    }
}

/// Every notice since 2008 gave 清明, 端午 and 中秋 off, and 正月初一 to 初三; since the 2024
/// revision of Art. 2 (in force 2025), 除夕 too. The built-in data is those notices.
#[test]
fn the_computed_festivals_are_holidays_in_every_notice_from_2008_to_2026() {
    let calendar = Calendar::default();
    for year in 2008..=2026 {
        let new_year = festivals::lunar_new_year(year).unwrap();
        let mut days = span(
            &new_year.to_string(),
            &(new_year + Days::new(2)).to_string(),
        );
        days.extend([
            festivals::qingming(year).unwrap(),
            festivals::dragon_boat(year).unwrap(),
            festivals::mid_autumn(year).unwrap(),
        ]);
        if year >= 2025 {
            days.push(new_year.pred_opt().unwrap());
        }
        for day in days {
            assert_eq!(calendar.day(day).unwrap(), Day::Holiday, "{year}: {day}");
        }
    }
}

/// The provisional rule (Art. 2's holidays, Art. 6's make-up day on the first weekday after a
/// holiday on a weekend) never gives a day off that the notices of 2025 and 2026 did not —
/// make-up days included — so a provisional deadline is never later for a day wrongly off.
#[test]
fn the_provisional_days_off_are_days_off_in_the_notices_of_2025_and_2026() {
    let notices = [(2025, notice_2025()), (2026, notice_2026())];
    for (year, notice) in &notices {
        for day in provisional::days_off(*year) {
            assert!(notice.holidays.contains(&day), "{day}");
        }
    }
    // Art. 6 at work: 端午 2025 on a Saturday, 清明 2026 on a Sunday, 2 May 2026 a Saturday,
    // 3 October 2026 a Saturday — each notice gave the next Monday.
    for make_up in ["2025-06-02", "2026-04-06", "2026-05-04", "2026-10-05"] {
        let year = d(make_up).year();
        assert!(
            provisional::days_off(year).contains(&d(make_up)),
            "{make_up}"
        );
    }
}

/// Art. 2(1): 元旦, 1 January, is a day off — in every year without a notice too.
#[test]
fn new_years_day_is_never_a_working_day_art_2_1() {
    let calendar = Calendar::default();
    for year in 2027..=2100 {
        let new_year = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        assert_eq!(
            calendar.day_or_assumed(new_year),
            (Day::Holiday, true),
            "{year}"
        );
    }
    // Thursday 31 December 2026 plus one working day: Friday 1 January is skipped, and the
    // weekend after it.
    let next = add_working_days(&calendar, d("2026-12-31"), 1).unwrap();
    assert_eq!((next.date, next.provisional), (d("2027-01-04"), true));
}

/// Art. 2(2): 春节, 除夕 and 正月初一 to 初三, four days off: a count of working days never
/// goes through them, in any year without a notice.
#[test]
fn the_spring_festival_is_never_worked_through_art_2_2() {
    let calendar = Calendar::default();
    for year in 2027..=2100 {
        let new_year = festivals::lunar_new_year(year).unwrap();
        let eve = new_year.pred_opt().unwrap();
        let third = new_year + Days::new(2);
        for day in eve.iter_days().take_while(|x| *x <= third) {
            assert_eq!(calendar.day_or_assumed(day), (Day::Holiday, true), "{day}");
        }
        // The first working day after the day before the eve comes after the third day.
        let next = add_working_days(&calendar, eve.pred_opt().unwrap(), 1).unwrap();
        assert!(
            next.date > third && next.provisional,
            "{year}: {}",
            next.date
        );
    }
}

/// Art. 45: a period whose last day is a holiday ends on the first day after the holiday —
/// provisionally on the computed Spring Festival, then on the notice's.
#[test]
fn a_period_ending_on_the_spring_festival_moves_past_it_art_45() {
    let mediation = |calendar: &Calendar| {
        let due = due_date(
            calendar,
            RuleSet::SamrOrder121,
            ClockKind::Mediation,
            d("2026-12-07"),
            false,
            &[],
        )
        .unwrap();
        (due.date, due.provisional)
    };
    // 60 days from 7 December 2026 end on Friday 5 February 2027, 除夕: off to 初三 (Monday
    // 8th), and Art. 6 gives Tuesday and Wednesday for 初一 and 初二 on the weekend.
    assert_eq!(
        mediation(&Calendar::default()),
        ("2027-02-11".to_string(), true)
    );
    // The (test) notice has 5–11 February off: Friday 12th.
    assert_eq!(mediation(&with_2027()), ("2027-02-12".to_string(), false));
}

/// Computed in December 2026, a deadline across 26–31 December is provisional; once a 2027
/// notice naming days of that December is loaded it is exact — without reloading 2026.
#[test]
fn a_deadline_computed_in_december_2026_settles_once_2027_is_loaded() {
    let before = Calendar::default();
    // Received Sunday 27 December: provisionally 28–31 December and 4–6 January count.
    assert_eq!(
        accept_due(&before, "2026-12-27"),
        ("2027-01-06".into(), true)
    );
    assert!(matches!(
        before.day(d("2026-12-26")),
        Err(Error::NoCalendar { .. })
    ));
    let after = with_2027();
    // The fixture gives 31 December off: 28, 29, 30 December and 4–7 January.
    assert_eq!(
        accept_due(&after, "2026-12-27"),
        ("2027-01-07".into(), false)
    );
    assert_eq!(
        after.day(d("2026-12-26")).unwrap(),
        Day::Working,
        "worked Saturday"
    );
    assert_eq!(after.day(d("2026-12-31")).unwrap(), Day::Holiday);
    // Days the notice does not name are ordinary.
    assert_eq!(after.day(d("2026-12-28")).unwrap(), Day::Working);
    assert_eq!(after.day(d("2026-12-27")).unwrap(), Day::Weekend);
    // Received on the worked Saturday itself, which does not count (Art. 45): the same day.
    assert_eq!(
        accept_due(&after, "2026-12-26"),
        ("2027-01-07".into(), false)
    );
    // Received Friday 25th: the worked Saturday counts, 31 December does not.
    assert_eq!(
        accept_due(&before, "2026-12-25"),
        ("2027-01-06".into(), true)
    );
    assert_eq!(
        accept_due(&after, "2026-12-25"),
        ("2027-01-06".into(), false)
    );
}

#[test]
fn after_2027_is_loaded_no_date_up_to_its_end_is_provisional() {
    let calendar = with_2027();
    let notice = notice_2027_fixture();
    for day in span("2026-12-26", "2027-12-31") {
        assert_eq!(calendar.day(day).unwrap(), expected(&notice, day), "{day}");
    }
    assert!(matches!(
        calendar.day(d("2028-01-01")),
        Err(Error::NoCalendar { .. })
    ));
}

/// The notices as an oracle: 2025, 2026 to the 25th of December, then the 2027 fixture.
struct Oracle {
    notices: [Notice; 3],
}

impl Oracle {
    fn new() -> Oracle {
        Oracle {
            notices: [notice_2025(), notice_2026(), notice_2027_fixture()],
        }
    }

    fn day(&self, date: NaiveDate) -> Day {
        let notice = match date {
            _ if date.year() == 2025 => &self.notices[0],
            _ if date <= d("2026-12-25") => &self.notices[1],
            _ => &self.notices[2],
        };
        expected(notice, date)
    }

    fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut days = from
            .iter_days()
            .skip(1)
            .filter(|x| self.day(*x) == Day::Working);
        days.nth(n as usize - 1).unwrap()
    }
}

/// Every working-day clock of both rule sets, on every receipt day of 2025 and 2026, with
/// and without its extension: right by the notices; exact with 2027 loaded, and without it
/// unchanged and exact wherever it ends by 25 December 2026.
#[test]
fn every_working_day_deadline_of_2025_and_2026_is_right_before_and_after_2027_is_loaded() {
    let (oracle, before, after) = (Oracle::new(), Calendar::default(), with_2027());
    let mut checked = 0;
    for received in span("2025-01-01", "2026-12-31") {
        let by_date = rule_set_for(received);
        for rule_set in [RuleSet::SamrOrder20, RuleSet::SamrOrder121, by_date] {
            for &kind in ClockKind::ALL {
                // The reporter notice exists under Order No. 20 only.
                let Ok(rule) = rule(rule_set, kind) else {
                    continue;
                };
                let Period::Days(n, Unit::WorkingDays) = rule.period else {
                    continue;
                };
                let mut runs = vec![(false, n)];
                runs.extend(rule.extension.map(|more| (true, n + more)));
                for (extended, n) in runs {
                    let right = oracle.add_working_days(received, n).to_string();
                    let due =
                        |calendar| due_date(calendar, rule_set, kind, received, extended, &[]);
                    let exact = due(&after).unwrap();
                    assert_eq!(
                        (&exact.date, exact.provisional),
                        (&right, false),
                        "{received} {kind}"
                    );
                    let old = due(&before).unwrap();
                    if d(&right) <= d("2026-12-25") {
                        assert_eq!(
                            (&old.date, old.provisional),
                            (&right, false),
                            "{received} {kind}"
                        );
                    } else {
                        assert!(old.provisional, "{received} {kind}");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

/// Both notices loaded: the later one decides the December days it names, the earlier its
/// own year — whichever was loaded first.
#[test]
fn the_later_notice_decides_the_december_it_names() {
    let y2026 = Year::check(year_data(2026, &notice_2026(), "2026 notice")).unwrap();
    let y2027 = Year::check(year_data(2027, &notice_2027_fixture(), FIXTURE)).unwrap();
    for calendar in [
        Calendar::with_years([y2026.clone(), y2027.clone()]),
        Calendar::with_years([y2027, y2026]),
    ] {
        assert_eq!(calendar.day(d("2026-12-31")).unwrap(), Day::Holiday);
        assert_eq!(calendar.day(d("2026-12-26")).unwrap(), Day::Working);
        assert_eq!(calendar.day(d("2026-12-29")).unwrap(), Day::Working);
        assert_eq!(calendar.day(d("2026-10-07")).unwrap(), Day::Holiday);
        assert_eq!(calendar.day(d("2026-10-10")).unwrap(), Day::Working);
    }
}

/// On a real store: the notice loaded, the store closed and opened again, late December is
/// settled there, and the add-working-days answer is exact.
#[test]
fn a_notice_loaded_into_a_store_settles_late_december_there() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut device = device_in(dir.path());
        let counted = add_working_days(&device.calendar().unwrap(), d("2026-12-24"), 7).unwrap();
        assert!(counted.provisional);
        let year = year_data(2027, &notice_2027_fixture(), FIXTURE);
        device.load_calendar_year(year).unwrap();
    }
    let device = device_in(dir.path());
    let calendar = device.calendar().unwrap();
    assert_eq!(calendar.day(d("2026-12-26")).unwrap(), Day::Working);
    // 25, 26 (worked Saturday), 28, 29, 30 December; 31 December to 3 January off; 4, 5.
    let counted = add_working_days(&calendar, d("2026-12-24"), 7).unwrap();
    assert_eq!(
        (counted.date, counted.provisional),
        (d("2027-01-05"), false)
    );
}
