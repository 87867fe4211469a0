//! Business-time arithmetic on instants, exact to the nanosecond.
//!
//! Working time is a sorted list of UTC intervals ("spans"), one per working
//! range of each date, found day by day: a 30-day SLA looks at a few dozen
//! dates, never at minutes. Every function here uses the same spans, so they
//! agree with each other even across daylight-saving changes.
//!
//! A local wall-clock time becomes the first instant at which the local clock
//! reads that time or later: an ambiguous time (clocks set back) is its first
//! occurrence, a time that does not exist (clocks set forward) is the instant
//! of the change. So a range `01:00`–`03:00` on the night clocks go forward
//! in Berlin is one hour long, and a range that lies wholly inside the
//! skipped hour is empty.

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc,
};

use super::{Calendar, FIRST_YEAR, LAST_YEAR};

/// `add_business` looks at most this many days ahead (100 years): a duration
/// the calendar cannot provide by then is not an SLA but a typo.
const HORIZON_DAYS: u64 = 100 * 366;

/// Working time `[start, end)`, `start < end`.
type Span = (DateTime<Utc>, DateTime<Utc>);

impl Calendar {
    /// Whether `at` is working time: inside a working range of its local
    /// date, start included, end excluded.
    pub fn is_working(&self, at: DateTime<Utc>) -> bool {
        let Some(date) = self.local_date(at) else {
            return false;
        };
        // A clock set back over midnight can show yesterday's date during
        // today's spans, hence the neighbours.
        [date.pred_opt(), Some(date), date.succ_opt()]
            .into_iter()
            .flatten()
            .any(|d| self.spans(d).any(|(s, e)| s <= at && at < e))
    }

    /// The first working instant at or after `at` (where `add_business`
    /// starts counting), or `None` when there is none within 100 years or
    /// before the end of [`LAST_YEAR`] (a calendar without working hours).
    pub fn next_working_instant(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !self.has_working_time() {
            return None;
        }
        self.spans_from(at, self.horizon_end(at)?)
            .next()
            .map(|(s, _)| s)
    }

    /// The instant at which `minutes` working minutes have elapsed after
    /// `start`; see [`Calendar::add_business_duration`]. Zero or negative
    /// minutes give `start` back; `None` also for minutes too large for a
    /// `TimeDelta` (over 290 million years).
    pub fn add_business(&self, start: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        if minutes <= 0 {
            return Some(start);
        }
        self.add_business_duration(start, TimeDelta::try_minutes(minutes)?)
    }

    /// The instant at which `amount` of working time has elapsed after
    /// `start`. Counting starts at `start` if it is working time, else at the
    /// next working instant.
    ///
    /// - `amount <= 0` returns `start` unchanged, working time or not: no time
    ///   is owed, so nothing is due later than now.
    /// - Otherwise the answer `r` always ends some working time: the instant
    ///   just before `r` is working time, and `r` is either working time or
    ///   the end of a range (due at 18:00, not at 09:00 the next workday).
    /// - `None` when the calendar has no weekly working hours at all, or the
    ///   amount is not used up within 100 years of `start` or by the end of
    ///   [`LAST_YEAR`] (only absurd durations).
    pub fn add_business_duration(
        &self,
        start: DateTime<Utc>,
        amount: TimeDelta,
    ) -> Option<DateTime<Utc>> {
        if amount <= TimeDelta::zero() {
            return Some(start);
        }
        if !self.has_working_time() {
            return None;
        }
        let mut remaining = amount;
        for (s, e) in self.spans_from(start, self.horizon_end(start)?) {
            let length = e - s;
            if length >= remaining {
                return s.checked_add_signed(remaining);
            }
            remaining = remaining.checked_sub(&length)?;
        }
        None
    }

    /// Working time in `[a, b)`; zero when `b <= a`. Exact to the
    /// nanosecond; the work is proportional to the days between `a` and `b`.
    pub fn business_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        let mut total = TimeDelta::zero();
        if b <= a {
            return total;
        }
        // The day after `b`'s local date: a clock set back over midnight.
        let Some(last) = self.local_date(clamp(b)).and_then(|d| d.succ_opt()) else {
            return total;
        };
        for (s, e) in self.spans_from(a, last) {
            if s >= b {
                break;
            }
            // Cannot overflow: all working time until LAST_YEAR is ~1,100
            // years, a TimeDelta holds 292 million.
            total = total.checked_add(&(e.min(b) - s)).unwrap_or(total);
        }
        total
    }

    /// [`Calendar::business_between`] in whole minutes, rounded down.
    pub fn business_minutes_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        self.business_between(a, b).num_minutes()
    }

    /// The spans of dates from just before `at`'s local date to `last` (and
    /// no later than [`LAST_YEAR`]), cut to start no earlier than `at`.
    fn spans_from(&self, at: DateTime<Utc>, last: NaiveDate) -> impl Iterator<Item = Span> + '_ {
        let first = self.first_date(at);
        let last = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).map_or(last, |end| last.min(end));
        std::iter::successors(first, |d| d.succ_opt())
            .take_while(move |d| *d <= last)
            .flat_map(move |d| self.spans(d))
            .filter(move |(_, e)| *e > at)
            .map(move |(s, e)| (s.max(at), e))
    }

    /// The date `add_business` stops looking at.
    fn horizon_end(&self, start: DateTime<Utc>) -> Option<NaiveDate> {
        self.first_date(start)?
            .checked_add_days(chrono::Days::new(HORIZON_DAYS))
    }

    /// The first date whose spans can end after `at`: the day before its
    /// local date (a clock set back over midnight), never before the first
    /// year with working time.
    fn first_date(&self, at: DateTime<Utc>) -> Option<NaiveDate> {
        let date = self.local_date(clamp(at))?;
        let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1)?;
        Some(date.pred_opt().unwrap_or(date).max(first))
    }

    /// The working time of `date` as UTC spans, in order.
    fn spans(&self, date: NaiveDate) -> impl Iterator<Item = Span> + '_ {
        let midnight = date.and_time(NaiveTime::MIN);
        self.working_ranges(date).iter().filter_map(move |r| {
            let at = |minutes: u16| {
                let local = midnight.checked_add_signed(TimeDelta::try_minutes(minutes.into())?)?;
                self.instant(local)
            };
            let (s, e) = (at(r.start())?, at(r.end())?);
            (s < e).then_some((s, e))
        })
    }

    /// The first instant at which the local clock reads `local` or later.
    fn instant(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        let utc = |offset: <chrono_tz::Tz as TimeZone>::Offset| {
            let seconds = i64::from(offset.fix().local_minus_utc());
            local
                .checked_sub_signed(TimeDelta::try_seconds(seconds)?)
                .map(|n| n.and_utc())
        };
        match self.tz.offset_from_local_datetime(&local) {
            LocalResult::Single(offset) => utc(offset),
            LocalResult::Ambiguous(a, b) => Some(utc(a)?.min(utc(b)?)),
            LocalResult::None => self.gap_end(local),
        }
    }

    /// For a local time skipped by a clock change: the instant of the
    /// change, found by bisection over the 4 days around it (no offset
    /// exceeds a day), in at most ~20 steps.
    fn gap_end(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        const TWO_DAYS: i64 = 2 * 86_400;
        let centre = local.and_utc().timestamp();
        let (mut before, mut after) =
            (centre.checked_sub(TWO_DAYS)?, centre.checked_add(TWO_DAYS)?);
        while after - before > 1 {
            let mid = before + (after - before) / 2;
            if self.local(DateTime::from_timestamp(mid, 0)?)? >= local {
                after = mid;
            } else {
                before = mid;
            }
        }
        DateTime::from_timestamp(after, 0)
    }

    /// The local wall-clock time of `at`; `None` only at the very ends of
    /// chrono's range.
    fn local(&self, at: DateTime<Utc>) -> Option<NaiveDateTime> {
        let offset = self.tz.offset_from_utc_datetime(&at.naive_utc()).fix();
        let seconds = i64::from(offset.local_minus_utc());
        at.naive_utc()
            .checked_add_signed(TimeDelta::try_seconds(seconds)?)
    }

    fn local_date(&self, at: DateTime<Utc>) -> Option<NaiveDate> {
        self.local(at).map(|l| l.date())
    }
}

/// `at` moved into the years that can have working time (with two days to
/// spare for the zone's offset), so local dates are always computable.
fn clamp(at: DateTime<Utc>) -> DateTime<Utc> {
    let edge = |year: i32, days: i64| {
        NaiveDate::from_ymd_opt(year, 1, 1)
            .map(|d| d.and_time(NaiveTime::MIN).and_utc())
            .and_then(|t| t.checked_add_signed(TimeDelta::try_days(days)?))
    };
    match (edge(FIRST_YEAR, -2), edge(LAST_YEAR + 1, 2)) {
        (Some(lo), Some(hi)) => at.clamp(lo, hi),
        _ => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use chrono_tz::Europe::Berlin;

    fn berlin(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Berlin
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn spring_forward_skips_the_missing_hour() {
        // 2025-03-30: 02:00 CET becomes 03:00 CEST.
        let cal = Calendar::round_the_clock(Berlin);
        let date = NaiveDate::from_ymd_opt(2025, 3, 30).unwrap();
        let spans: Vec<Span> = cal.spans(date).collect();
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].1 - spans[0].0, TimeDelta::hours(23));
        let start = berlin(2025, 3, 30, 1, 30);
        assert_eq!(
            cal.add_business(start, 60),
            Some(berlin(2025, 3, 30, 3, 30))
        );
        assert_eq!(
            cal.instant(date.and_hms_opt(2, 30, 0).unwrap()),
            Some(berlin(2025, 3, 30, 3, 0))
        );
    }

    #[test]
    fn fall_back_counts_the_repeated_hour() {
        // 2025-10-26: 03:00 CEST becomes 02:00 CET.
        let cal = Calendar::round_the_clock(Berlin);
        let date = NaiveDate::from_ymd_opt(2025, 10, 26).unwrap();
        let spans: Vec<Span> = cal.spans(date).collect();
        assert_eq!(spans[0].1 - spans[0].0, TimeDelta::hours(25));
        let start = berlin(2025, 10, 26, 1, 30);
        assert_eq!(
            cal.add_business(start, 120).map(|t| t - start),
            Some(TimeDelta::hours(2))
        );
    }

    fn with_day(tz: &str, ranges: serde_json::Value) -> Calendar {
        let weekly = serde_json::json!({
            "mon": ranges, "tue": ranges, "wed": ranges, "thu": ranges,
            "fri": ranges, "sat": ranges, "sun": ranges,
        });
        super::super::CalendarSpec {
            timezone: tz.into(),
            weekly: serde_json::from_value(weekly).unwrap(),
            public_holidays: None,
            holidays: vec![],
            workdays: vec![],
            official_years: Vec::new(),
        }
        .build()
        .unwrap()
    }

    #[test]
    fn ranges_touching_a_clock_change() {
        let spring = NaiveDate::from_ymd_opt(2025, 3, 30).unwrap();
        let across = with_day("Europe/Berlin", serde_json::json!([["01:30", "02:30"]]));
        let spans: Vec<Span> = across.spans(spring).collect();
        assert_eq!(
            spans,
            [(berlin(2025, 3, 30, 1, 30), berlin(2025, 3, 30, 3, 0))]
        );
        assert_eq!(spans[0].1 - spans[0].0, TimeDelta::minutes(30));
        let inside = with_day("Europe/Berlin", serde_json::json!([["02:00", "02:30"]]));
        assert_eq!(inside.spans(spring).count(), 0);
        // Still a workday by its hours, though they never happen.
        assert!(inside.is_workday(spring));
        // Clocks set back: from the first 02:30 to the (only) 03:00, which
        // includes the repeated hour.
        let autumn = NaiveDate::from_ymd_opt(2025, 10, 26).unwrap();
        let repeated = with_day("Europe/Berlin", serde_json::json!([["02:30", "03:00"]]));
        let spans: Vec<Span> = repeated.spans(autumn).collect();
        assert_eq!(spans[0].1 - spans[0].0, TimeDelta::minutes(90));
    }

    #[test]
    fn round_the_clock_across_odd_changes() {
        let day = TimeDelta::days(1);
        // Apia skipped 2011-12-30; São Paulo moved clocks at midnight.
        for (tz, start) in [
            ("Pacific/Apia", "2011-12-29T12:00:00Z"),
            ("Pacific/Apia", "2011-12-30T09:59:59Z"),
            ("America/Sao_Paulo", "2018-11-03T12:00:00Z"),
            ("America/Sao_Paulo", "2019-02-16T12:00:00Z"),
            ("Australia/Lord_Howe", "2025-04-05T12:00:00Z"),
        ] {
            let cal = with_day(tz, serde_json::json!([["00:00", "24:00"]]));
            let start: DateTime<Utc> = start.parse().unwrap();
            assert_eq!(cal.add_business(start, 1440), Some(start + day), "{tz}");
            assert_eq!(
                cal.business_between(start, start + day * 3),
                day * 3,
                "{tz}"
            );
        }
        let apia = with_day("Pacific/Apia", serde_json::json!([["09:00", "10:00"]]));
        let skipped = NaiveDate::from_ymd_opt(2011, 12, 30).unwrap();
        assert_eq!(apia.spans(skipped).count(), 0);
        // 02:00 on the 29th: one hour that day, none on the 30th.
        let start: DateTime<Utc> = "2011-12-29T12:00:00Z".parse().unwrap();
        let due = apia.add_business(start, 90).unwrap();
        assert_eq!(
            due.with_timezone(&chrono_tz::Pacific::Apia).to_string(),
            "2011-12-31 09:30:00 +14"
        );
    }

    #[test]
    fn clamp_keeps_ordinary_instants() {
        let t = berlin(2025, 1, 1, 0, 0);
        assert_eq!(clamp(t), t);
        assert_eq!(clamp(DateTime::<Utc>::MIN_UTC).year(), FIRST_YEAR - 1);
        assert_eq!(clamp(DateTime::<Utc>::MAX_UTC).year(), LAST_YEAR + 1);
    }
}
