//! Table tests over real Chinese holiday seasons, as the `chinese_holiday`
//! crate (2026.0.1) records them.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Asia::Shanghai;
use serde_json::json;

use super::*;

/// Local time in Shanghai (no DST, so never ambiguous).
fn sh(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Shanghai
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn office() -> Calendar {
    Calendar::china_office(Shanghai)
}

/// The office calendar with admin dates on top.
fn office_with(holidays: &[&str], workdays: &[&str]) -> Calendar {
    let mut spec = office().to_spec();
    spec.holidays = holidays.iter().map(|s| s.to_string()).collect();
    spec.workdays = workdays.iter().map(|s| s.to_string()).collect();
    spec.build().unwrap()
}

#[test]
fn official_dates_are_what_the_crate_says() {
    let cal = office();
    let holidays = [
        // Spring Festival 2024: 02-10 to 02-17.
        (date(2024, 2, 10), date(2024, 2, 17)),
        // National Day 2024: 10-01 to 10-07.
        (date(2024, 10, 1), date(2024, 10, 7)),
        // Spring Festival 2025: 01-28 (除夕) to 02-04.
        (date(2025, 1, 28), date(2025, 2, 4)),
        // National Day and Mid-Autumn 2025: 10-01 to 10-08.
        (date(2025, 10, 1), date(2025, 10, 8)),
        // New Year 2026: 01-01 to 01-03.
        (date(2026, 1, 1), date(2026, 1, 3)),
        // Spring Festival 2026: 02-15 to 02-23.
        (date(2026, 2, 15), date(2026, 2, 23)),
    ];
    for (first, last) in holidays {
        for d in first.iter_days().take_while(|d| *d <= last) {
            assert_eq!(
                cal.day_status(d),
                DayStatus::Holiday(DateSource::Official),
                "{d}"
            );
            assert!(!cal.is_workday(d), "{d}");
        }
    }
    // Make-up workdays, all on weekends.
    for d in [
        date(2024, 2, 4),
        date(2024, 2, 18),
        date(2024, 9, 29),
        date(2024, 10, 12),
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
    ] {
        assert_eq!(
            cal.day_status(d),
            DayStatus::MakeUpWorkday(DateSource::Official),
            "{d}"
        );
        assert_eq!(cal.working_ranges(d), cal.weekly(Weekday::Mon), "{d}");
    }
    // Ordinary days follow the weekly hours.
    assert_eq!(cal.day_status(date(2025, 3, 8)), DayStatus::Regular);
    assert!(!cal.is_workday(date(2025, 3, 8)));
    assert!(cal.is_workday(date(2025, 3, 10)));
}

#[test]
fn office_hours_across_holiday_seasons() {
    let cal = office();
    let cases = [
        // Lunch break: 30 minutes before 12:00, 30 after 13:00.
        ("lunch", sh(2025, 3, 4, 11, 30), 60, sh(2025, 3, 4, 13, 30)),
        // Due exactly at the end of the day, not at 09:00 the next day.
        (
            "end of day",
            sh(2025, 3, 4, 17, 0),
            60,
            sh(2025, 3, 4, 18, 0),
        ),
        (
            "weekend",
            sh(2025, 3, 7, 17, 0),
            120,
            sh(2025, 3, 10, 10, 0),
        ),
        ("full day", sh(2025, 3, 4, 9, 0), 480, sh(2025, 3, 4, 18, 0)),
        (
            "after hours",
            sh(2025, 3, 4, 20, 0),
            30,
            sh(2025, 3, 5, 9, 30),
        ),
        (
            "in lunch",
            sh(2025, 3, 4, 12, 15),
            30,
            sh(2025, 3, 4, 13, 30),
        ),
        // Spring Festival 2025: Sun 01-26 is worked with Monday's hours.
        (
            "SF25 make-up Sun",
            sh(2025, 1, 24, 17, 0),
            120,
            sh(2025, 1, 26, 10, 0),
        ),
        (
            "SF25 holidays",
            sh(2025, 1, 27, 16, 0),
            180,
            sh(2025, 2, 5, 10, 0),
        ),
        (
            "SF25 start inside",
            sh(2025, 1, 30, 10, 0),
            60,
            sh(2025, 2, 5, 10, 0),
        ),
        (
            "SF25 make-up Sat",
            sh(2025, 2, 7, 17, 30),
            60,
            sh(2025, 2, 8, 9, 30),
        ),
        // Spring Festival 2024: Sat 02-10 to Sat 02-17 off, Sun 02-18 worked.
        ("SF24", sh(2024, 2, 9, 17, 0), 120, sh(2024, 2, 18, 10, 0)),
        // National Day 2024: Sun 09-29 and Sat 10-12 worked, 10-01..07 off.
        (
            "ND24 make-up Sun",
            sh(2024, 9, 27, 17, 0),
            120,
            sh(2024, 9, 29, 10, 0),
        ),
        (
            "ND24 holidays",
            sh(2024, 9, 30, 17, 0),
            480,
            sh(2024, 10, 8, 17, 0),
        ),
        (
            "ND24 make-up Sat",
            sh(2024, 10, 11, 17, 0),
            120,
            sh(2024, 10, 12, 10, 0),
        ),
        // New Year 2026: 01-01..03 off, Sun 01-04 worked.
        ("NY26", sh(2025, 12, 31, 17, 0), 120, sh(2026, 1, 4, 10, 0)),
        // 30 days of business time: 90 eight-hour workdays.
        (
            "90 workdays",
            sh(2025, 1, 2, 9, 0),
            43_200,
            sh(2025, 5, 16, 18, 0),
        ),
    ];
    for (name, start, minutes, due) in cases {
        assert_eq!(cal.add_business(start, minutes), Some(due), "{name}");
        assert_eq!(cal.business_minutes_between(start, due), minutes, "{name}");
    }
    assert_eq!(
        cal.business_minutes_between(sh(2025, 1, 27, 9, 0), sh(2025, 2, 5, 9, 0)),
        480
    );
}

#[test]
fn admin_dates_override_official_ones() {
    // An admin workday on an official holiday (Wed 2025-10-08) is worked.
    let start = sh(2025, 9, 30, 17, 0);
    assert_eq!(
        office().add_business(start, 120),
        Some(sh(2025, 10, 9, 10, 0))
    );
    let cal = office_with(&[], &["2025-10-08"]);
    assert_eq!(
        cal.day_status(date(2025, 10, 8)),
        DayStatus::MakeUpWorkday(DateSource::Admin)
    );
    assert_eq!(cal.add_business(start, 120), Some(sh(2025, 10, 8, 10, 0)));
    // An admin holiday on an official make-up workday (Sat 2025-10-11) is off.
    let start = sh(2025, 10, 10, 17, 0);
    assert_eq!(
        office().add_business(start, 120),
        Some(sh(2025, 10, 11, 10, 0))
    );
    let cal = office_with(&["2025-10-11"], &[]);
    assert_eq!(
        cal.day_status(date(2025, 10, 11)),
        DayStatus::Holiday(DateSource::Admin)
    );
    assert_eq!(cal.add_business(start, 120), Some(sh(2025, 10, 13, 10, 0)));
}

#[test]
fn make_up_workdays_use_monday_hours() {
    let spec = CalendarSpec {
        timezone: "Asia/Shanghai".into(),
        weekly: serde_json::from_value(json!({
            "mon": [["08:00", "12:00"]],
            "tue": [["10:00", "16:00"]],
            "sat": [["10:00", "15:00"]],
        }))
        .unwrap(),
        public_holidays: Some("CN".into()),
        holidays: vec![],
        workdays: vec!["2025-03-11".into()],
        official_years: Vec::new(),
    };
    let cal = spec.build().unwrap();
    let monday = cal.weekly(Weekday::Mon);
    assert_eq!(cal.working_ranges(date(2025, 1, 26)), monday); // official, Sunday
    assert_eq!(cal.working_ranges(date(2025, 2, 8)), monday); // official, Saturday
    assert_eq!(cal.working_ranges(date(2025, 3, 11)), monday); // admin, Tuesday
    assert_eq!(
        cal.working_ranges(date(2025, 3, 8)),
        cal.weekly(Weekday::Sat)
    );
    assert_eq!(
        cal.add_business(sh(2025, 1, 26, 7, 0), 30),
        Some(sh(2025, 1, 26, 8, 30))
    );
}

#[test]
fn years_beyond_the_official_data_use_weekly_hours_and_admin_dates() {
    let cal = office();
    assert!(cal.official_dates_missing(2027));
    assert!(cal.official_dates_missing(2026)); // known only to 12-25
    assert!(!cal.official_dates_missing(2025));
    assert!(!cal.official_dates_missing(2004));
    assert!(cal.official_dates_missing(2003));
    assert!(!Calendar::round_the_clock(Shanghai).official_dates_missing(2027));
    assert!(cal.is_workday(date(2027, 1, 4)));
    // Fri 2027-01-01 is unknown to the crate, so it is an ordinary Friday.
    assert_eq!(cal.day_status(date(2027, 1, 1)), DayStatus::Regular);
    let start = sh(2026, 12, 31, 17, 0);
    assert_eq!(cal.add_business(start, 120), Some(sh(2027, 1, 1, 10, 0)));
    let cal = office_with(&["2027-01-01"], &["2027-01-09"]);
    assert_eq!(cal.add_business(start, 120), Some(sh(2027, 1, 4, 10, 0)));
    assert!(cal.is_workday(date(2027, 1, 9)));
    // Dates before 2004 too.
    assert_eq!(
        office().add_business(sh(2003, 1, 1, 9, 0), 60),
        Some(sh(2003, 1, 1, 10, 0))
    );
}

#[test]
fn is_working_includes_starts_and_excludes_ends() {
    let cal = office();
    for (at, working) in [
        (sh(2025, 3, 4, 8, 59), false),
        (sh(2025, 3, 4, 9, 0), true),
        (sh(2025, 3, 4, 11, 59), true),
        (sh(2025, 3, 4, 12, 0), false),
        (sh(2025, 3, 4, 13, 0), true),
        (sh(2025, 3, 4, 18, 0), false),
        (sh(2025, 1, 26, 10, 0), true),
        (sh(2025, 1, 28, 10, 0), false),
    ] {
        assert_eq!(cal.is_working(at), working, "{at}");
    }
    let outside = sh(2025, 3, 4, 12, 10);
    assert_eq!(
        cal.next_working_instant(outside),
        Some(sh(2025, 3, 4, 13, 0))
    );
    let inside = sh(2025, 3, 4, 10, 10);
    assert_eq!(cal.next_working_instant(inside), Some(inside));
}

#[test]
fn zero_negative_and_huge_durations() {
    let cal = office();
    let lunch = sh(2025, 3, 4, 12, 30);
    // Nothing owed is due at once, even outside working time.
    assert_eq!(cal.add_business(lunch, 0), Some(lunch));
    assert_eq!(cal.add_business(lunch, -5), Some(lunch));
    assert_eq!(cal.add_business(lunch, i64::MIN), Some(lunch));
    assert_eq!(cal.add_business(lunch, i64::MAX), None);
    // More than 100 years of office hours.
    assert_eq!(cal.add_business(lunch, 101 * 366 * 24 * 60), None);
    assert_eq!(
        cal.business_between(lunch, sh(2025, 3, 4, 9, 0)),
        TimeDelta::zero()
    );
    let closed = CalendarSpec {
        timezone: "UTC".into(),
        weekly: WeeklySpec::default(),
        public_holidays: None,
        holidays: vec![],
        workdays: vec!["2025-03-08".into()],
        official_years: Vec::new(),
    }
    .build()
    .unwrap();
    assert_eq!(closed.add_business(lunch, 1), None);
    assert_eq!(closed.add_business(lunch, 0), Some(lunch));
    assert_eq!(closed.next_working_instant(lunch), None);
}

#[test]
fn round_the_clock_is_plain_time() {
    for tz in [
        Shanghai,
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
    ] {
        let cal = Calendar::round_the_clock(tz);
        for start in [
            sh(2025, 3, 30, 0, 17),
            sh(2025, 10, 26, 7, 0),
            sh(2024, 2, 29, 23, 59),
        ] {
            for minutes in [1, 59, 60, 61, 1440, 43_200, 525_600] {
                let plain = start + TimeDelta::minutes(minutes);
                assert_eq!(
                    cal.add_business(start, minutes),
                    Some(plain),
                    "{tz} {start}"
                );
                assert_eq!(cal.business_minutes_between(start, plain), minutes);
            }
        }
    }
}

#[test]
fn month_view() {
    let cal = office();
    let january = cal.month(2025, 1);
    assert_eq!(january.len(), 31);
    assert_eq!(january.iter().filter(|(_, working)| *working).count(), 19);
    assert_eq!(january.first(), Some(&(date(2025, 1, 1), false)));
    assert!(january.contains(&(date(2025, 1, 26), true)));
    assert_eq!(cal.month(2024, 2).len(), 29);
    assert!(cal.month(2025, 13).is_empty());
    assert!(cal.month(2025, 0).is_empty());
    assert!(cal.month(i32::MAX, 12).is_empty());
}

#[test]
fn far_past_and_future_never_fail() {
    let cal = office();
    // 1900-01-01 was a Monday; Shanghai then kept local mean time.
    let start = sh(1900, 1, 1, 9, 0);
    assert_eq!(cal.add_business(start, 60), Some(sh(1900, 1, 1, 10, 0)));
    assert_eq!(
        cal.add_business(sh(2100, 1, 1, 9, 0), 60),
        Some(sh(2100, 1, 1, 10, 0))
    );
    // Before FIRST_YEAR nothing works: counting starts on 1900-01-01.
    for early in [sh(1899, 6, 1, 9, 0), DateTime::<Utc>::MIN_UTC] {
        assert!(!cal.is_working(early));
        assert_eq!(cal.add_business(early, 60), Some(sh(1900, 1, 1, 10, 0)));
    }
    // After LAST_YEAR nothing works.
    for late in [sh(3000, 1, 1, 10, 0), DateTime::<Utc>::MAX_UTC] {
        assert!(!cal.is_working(late));
        assert_eq!(cal.add_business(late, 60), None);
        assert_eq!(cal.add_business(late, 0), Some(late));
    }
    let all = cal.business_between(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    // About 2,000 office hours a year for 1,100 years.
    assert!(all > TimeDelta::hours(1_000 * 2_000) && all < TimeDelta::hours(1_100 * 2_100));
    assert!(!cal.is_workday(NaiveDate::MIN) && !cal.is_workday(NaiveDate::MAX));
}
