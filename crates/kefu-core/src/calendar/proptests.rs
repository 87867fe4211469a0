//! Properties of business-time arithmetic over random calendars, including
//! zones with daylight saving, clock changes at midnight and a skipped day.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use proptest::prelude::*;

use super::*;

/// Shanghai (the usual case), zones whose clocks change at 02:00, at
/// midnight (São Paulo until 2019), by 30 minutes (Lord Howe), and Apia,
/// which skipped 2011-12-30 entirely.
const ZONES: &[&str] = &[
    "Asia/Shanghai",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "Australia/Lord_Howe",
    "Pacific/Apia",
    "UTC",
];

/// One day's ranges from sorted distinct cut points, paired up: any valid
/// day, from closed to round the clock, lunch breaks included.
fn day() -> impl Strategy<Value = Vec<[String; 2]>> {
    let cuts = proptest::collection::btree_set(0u16..=DAY_MINUTES, 0..7);
    prop_oneof![
        1 => Just(vec![]),
        1 => Just(vec![["00:00".to_string(), "24:00".to_string()]]),
        6 => cuts.prop_map(|cuts| {
            let cuts: Vec<u16> = cuts.into_iter().collect();
            cuts.chunks_exact(2)
                .filter_map(|pair| WorkRange::new(*pair.first()?, *pair.get(1)?))
                .map(WorkRange::to_strings)
                .collect()
        }),
    ]
}

fn dates() -> impl Strategy<Value = Vec<String>> {
    let day =
        (2004i32..2031, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    proptest::collection::vec(day, 0..25)
}

/// A valid calendar with at least two working hours a week, so that
/// 100,000 minutes always fit in the 100-year horizon.
fn calendar() -> impl Strategy<Value = Calendar> {
    (
        proptest::sample::select(ZONES),
        [day(), day(), day(), day(), day(), day(), day()],
        any::<bool>(),
        dates(),
        dates(),
    )
        .prop_map(
            |(tz, [mon, tue, wed, thu, fri, sat, sun], cn, holidays, workdays)| {
                let workdays = workdays
                    .into_iter()
                    .filter(|d| !holidays.contains(d))
                    .collect();
                let spec = CalendarSpec {
                    timezone: tz.to_string(),
                    weekly: WeeklySpec {
                        mon,
                        tue,
                        wed,
                        thu,
                        fri,
                        sat,
                        sun,
                    },
                    public_holidays: cn.then(|| "CN".to_string()),
                    holidays,
                    workdays,
                    official_years: Vec::new(),
                };
                spec.build()
            },
        )
        .prop_filter_map("invalid spec", Result::ok)
        .prop_filter("under two hours a week", |cal| {
            let week: u32 = WEEK
                .iter()
                .flat_map(|d| cal.weekly(*d))
                .map(|r| u32::from(r.minutes()))
                .sum();
            week >= 120
        })
}

/// An instant from 2004 to 2030, to the nanosecond.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (1_072_915_200i64..1_924_991_999, 0u32..1_000_000_000)
        .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap())
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

const NS: TimeDelta = TimeDelta::nanoseconds(1);

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// For every start `s` (working time or not) and `m >= 0`, the working
    /// time in `[s, add(s, m))` is exactly `m` minutes, and for `m > 0` the
    /// instant just before the answer is working time: the answer is inside
    /// a range or exactly at its end, never in the gap after it.
    #[test]
    fn add_then_measure_gives_back_the_minutes(
        cal in calendar(),
        s in instant(),
        m in 0i64..100_000,
    ) {
        let due = cal.add_business(s, m).unwrap();
        prop_assert_eq!(cal.business_between(s, due), TimeDelta::minutes(m));
        prop_assert_eq!(cal.business_minutes_between(s, due), m);
        if m > 0 {
            prop_assert!(cal.is_working(due - NS));
            prop_assert_eq!(cal.business_between(s, due - NS), TimeDelta::minutes(m) - NS);
            // Counting starts at the next working instant.
            let next = cal.next_working_instant(s).unwrap();
            prop_assert_eq!(cal.business_between(s, next), TimeDelta::zero());
            prop_assert_eq!(cal.add_business(next, m), Some(due));
        } else {
            prop_assert_eq!(due, s);
        }
    }

    #[test]
    fn longer_durations_end_no_earlier_and_compose(
        cal in calendar(),
        s in instant(),
        m1 in 0i64..50_000,
        m2 in 0i64..50_000,
    ) {
        let first = cal.add_business(s, m1).unwrap();
        let both = cal.add_business(s, m1 + m2).unwrap();
        prop_assert!(first <= both);
        prop_assert!(cal.add_business(s, m1.max(m2)).unwrap() >= cal.add_business(s, m1.min(m2)).unwrap());
        prop_assert_eq!(cal.add_business(first, m2), Some(both));
    }

    /// `is_working` and the arithmetic agree on every instant, DST or not.
    #[test]
    fn is_working_agrees_with_business_between(cal in calendar(), t in instant()) {
        let expected = if cal.is_working(t) { NS } else { TimeDelta::zero() };
        prop_assert_eq!(cal.business_between(t, t + NS), expected);
        let date = t.with_timezone(&cal.timezone()).date_naive();
        prop_assert_eq!(cal.is_workday(date), !cal.working_ranges(date).is_empty());
    }

    /// Any minutes, any instant chrono can hold, any date: no panic, and
    /// zero or negative minutes give the start back.
    #[test]
    fn never_panics(
        cal in calendar(),
        secs in prop_oneof![
            Just(DateTime::<Utc>::MIN_UTC.timestamp()),
            Just(DateTime::<Utc>::MAX_UTC.timestamp()),
            -2_208_988_800i64..4_102_444_800, // 1900 to 2100
            DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp(),
        ],
        minutes in prop_oneof![Just(i64::MAX), Just(i64::MIN), any::<i64>(), -10i64..200_000],
        days in any::<i32>(),
    ) {
        let s = DateTime::from_timestamp(secs, 0).unwrap();
        let due = cal.add_business(s, minutes);
        if minutes <= 0 {
            prop_assert_eq!(due, Some(s));
        }
        let _ = cal.is_working(s);
        let _ = cal.next_working_instant(s);
        if let Some(due) = due {
            prop_assert!(due >= s);
        }
        let later = s.checked_add_signed(TimeDelta::days(i64::from(days % 1_000))).unwrap_or(s);
        let _ = cal.business_between(s, later);
        let date = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MIN);
        let _ = (cal.is_workday(date), cal.day_status(date), cal.month(date.year(), date.month()));
    }
}
