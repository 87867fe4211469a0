//! Business calendars: when a dealer or a department is at work, and
//! business-time arithmetic for the work orders' SLA clocks (ENGINEERING §3).
//!
//! A [`Calendar`] has a time zone, weekly working hours (several ranges a day,
//! e.g. a lunch break), public holidays and make-up workdays (调休). What a
//! date is worked with, first rule that applies:
//!
//! 1. an admin-entered make-up workday: the calendar's Monday hours;
//! 2. an admin-entered holiday: no working time;
//! 3. with `public_holidays: CN`, China's official arrangement from the
//!    `chinese_holiday` crate (2004-01-01 to 2026-12-25): an official holiday
//!    has no working time, an official make-up workday has Monday's hours;
//! 4. otherwise the weekly hours of its weekday.
//!
//! So admin dates override official ones both ways. Outside the crate's range
//! only rules 1, 2 and 4 apply; [`Calendar::official_dates_missing`] lets an
//! admin page warn. Working time exists only on dates in the years
//! [`FIRST_YEAR`] to [`LAST_YEAR`], which bounds every loop; nothing here
//! panics or reads a clock.

mod hours;
mod notice;
mod official;
mod spec;
mod time;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;

pub use hours::{DAY_MINUTES, WorkRange};
pub use notice::{Notice, parse_notice};
pub use official::Official;
use official::OfficialDay;
pub use spec::{CalendarSpec, WeeklySpec};

/// Dates before this year have no working time (nor do instants before it).
pub const FIRST_YEAR: i32 = 1900;
/// Dates after this year have no working time.
pub const LAST_YEAR: i32 = 2999;

/// Where a holiday or make-up workday comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// The official arrangement the calendar follows (`public_holidays`).
    Official,
    /// Entered by an admin (`holidays`, `workdays`).
    Admin,
}

/// Why a date has the working hours it has (for a month view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayStatus {
    /// Worked with the weekly hours of its weekday (possibly none).
    Regular,
    /// No working time.
    Holiday(DateSource),
    /// Worked with Monday's hours, whatever its weekday.
    MakeUpWorkday(DateSource),
    /// Before [`FIRST_YEAR`] or after [`LAST_YEAR`]: no working time.
    OutOfRange,
}

/// Working time in one time zone. Built by [`CalendarSpec::build`] or the
/// default constructors; immutable afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    tz: Tz,
    /// Monday first, as `Weekday::num_days_from_monday`.
    weekly: [Vec<WorkRange>; 7],
    official: Option<Official>,
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    /// Years whose official dates an admin entered as holidays and workdays.
    entered: BTreeSet<i32>,
}

impl Calendar {
    /// Every minute of every day is working time: business time is plain time.
    pub fn round_the_clock(tz: Tz) -> Self {
        Self::from_parts(
            tz,
            std::array::from_fn(|_| vec![WorkRange::ALL_DAY]),
            None,
            BTreeSet::new(),
            BTreeSet::new(),
        )
    }

    /// A Chinese office: Monday to Friday 09:00–12:00 and 13:00–18:00, with
    /// the official holidays and make-up workdays.
    pub fn china_office(tz: Tz) -> Self {
        let office: Vec<WorkRange> = [(540, 720), (780, 1080)]
            .into_iter()
            .filter_map(|(start, end)| WorkRange::new(start, end))
            .collect();
        let weekly = std::array::from_fn(|day| if day < 5 { office.clone() } else { vec![] });
        Self::from_parts(
            tz,
            weekly,
            Some(Official::Cn),
            BTreeSet::new(),
            BTreeSet::new(),
        )
    }

    /// Parts already validated: ranges sorted, non-overlapping, non-empty.
    fn from_parts(
        tz: Tz,
        weekly: [Vec<WorkRange>; 7],
        official: Option<Official>,
        holidays: BTreeSet<NaiveDate>,
        workdays: BTreeSet<NaiveDate>,
    ) -> Self {
        Self {
            tz,
            weekly,
            official,
            holidays,
            workdays,
            entered: BTreeSet::new(),
        }
    }

    fn with_entered(self, entered: BTreeSet<i32>) -> Self {
        Self { entered, ..self }
    }

    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// The weekly hours of `day`, before holidays and make-up workdays.
    pub fn weekly(&self, day: Weekday) -> &[WorkRange] {
        self.weekday_ranges(day)
    }

    pub fn official(&self) -> Option<Official> {
        self.official
    }

    /// Admin-entered holidays.
    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// Admin-entered make-up workdays.
    pub fn workdays(&self) -> &BTreeSet<NaiveDate> {
        &self.workdays
    }

    /// Whether the weekly hours have any working time at all. Without it the
    /// calendar never works (make-up workdays use Monday's empty hours).
    pub fn has_working_time(&self) -> bool {
        self.weekly.iter().any(|day| !day.is_empty())
    }

    /// True when the calendar follows official dates that are not known for
    /// all of `year` (for CN: before 2004, and 2026 onwards since the data
    /// stops at 2026-12-25). Those dates then follow weekly hours and admin
    /// dates only. False for a calendar without official dates.
    pub fn official_dates_missing(&self, year: i32) -> bool {
        self.official.is_some_and(|o| o.missing(year)) && !self.entered.contains(&year)
    }

    /// Whether official dates are missing for any year from `start` to `end`
    /// in the calendar's zone: a deadline across them may ignore a holiday.
    pub fn official_dates_missing_between(
        &self,
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        use chrono::Datelike;
        let (a, b) = (
            start.with_timezone(&self.tz).year(),
            end.with_timezone(&self.tz).year(),
        );
        (a.min(b)..=a.max(b).min(a.min(b) + 10)).any(|y| self.official_dates_missing(y))
    }

    /// Why `date` is or is not worked; see the module docs for the rules.
    pub fn day_status(&self, date: NaiveDate) -> DayStatus {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
            DayStatus::OutOfRange
        } else if self.workdays.contains(&date) {
            DayStatus::MakeUpWorkday(DateSource::Admin)
        } else if self.holidays.contains(&date) {
            DayStatus::Holiday(DateSource::Admin)
        } else {
            match self.official.and_then(|o| o.day(date)) {
                Some(OfficialDay::Holiday) => DayStatus::Holiday(DateSource::Official),
                Some(OfficialDay::Workday) => DayStatus::MakeUpWorkday(DateSource::Official),
                None => DayStatus::Regular,
            }
        }
    }

    /// The working hours of `date` in local time, in order: empty on a
    /// holiday, Monday's on a make-up workday.
    pub fn working_ranges(&self, date: NaiveDate) -> &[WorkRange] {
        match self.day_status(date) {
            DayStatus::Regular => self.weekday_ranges(date.weekday()),
            DayStatus::MakeUpWorkday(_) => self.weekday_ranges(Weekday::Mon),
            DayStatus::Holiday(_) | DayStatus::OutOfRange => &[],
        }
    }

    /// Whether `date` has any working hours.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        !self.working_ranges(date).is_empty()
    }

    /// Every date of a month with whether it is a workday; empty for a month
    /// that does not exist.
    pub fn month(&self, year: i32, month: u32) -> Vec<(NaiveDate, bool)> {
        let first = NaiveDate::from_ymd_opt(year, month, 1);
        std::iter::successors(first, |d| d.succ_opt())
            .take(31)
            .take_while(|d| d.month() == month)
            .map(|d| (d, self.is_workday(d)))
            .collect()
    }

    fn weekday_ranges(&self, day: Weekday) -> &[WorkRange] {
        self.weekly
            .get(day.num_days_from_monday() as usize)
            .map_or(&[], Vec::as_slice)
    }
}
