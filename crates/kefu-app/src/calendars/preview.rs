//! Looking at a calendar before a clock runs on it: when would an SLA of so
//! many business minutes fall due, and which days of a month are worked.

use chrono::{DateTime, NaiveDate, Utc};
use kefu_core::calendar::{Calendar, DateSource, DayStatus, FIRST_YEAR, LAST_YEAR};
use kefu_store::calendars;
use serde::Serialize;
use utoipa::ToSchema;

use super::built;
use crate::{Actor, App, AppError, Result};

/// The longest deadline a preview computes: a year of business minutes, far
/// beyond any SLA.
pub const MAX_PREVIEW_MINUTES: i64 = 365 * 24 * 60;

/// When `minutes` business minutes on calendar `id` have elapsed after
/// `start` (RFC 3339, any offset). `start` and `minutes` are checked before
/// the calendar is looked up. With it, whether official dates are missing
/// for a year the deadline runs through (it may then ignore a holiday).
pub async fn deadline(
    app: &App,
    _who: &Actor,
    id: i64,
    start: &str,
    minutes: i64,
) -> Result<(DateTime<Utc>, bool)> {
    let start = DateTime::parse_from_rfc3339(start.trim())
        .map_err(|_| {
            AppError::invalid(
                "start",
                "invalid_instant",
                "start must be an RFC 3339 instant, e.g. 2025-01-24T17:00:00+08:00",
            )
        })?
        .with_timezone(&Utc);
    if !(0..=MAX_PREVIEW_MINUTES).contains(&minutes) {
        return Err(AppError::invalid(
            "minutes",
            "out_of_range",
            format!("minutes must be from 0 to {MAX_PREVIEW_MINUTES}"),
        ));
    }
    let calendar = fetch(app, id).await?;
    let due = calendar.add_business(start, minutes).ok_or_else(|| {
        AppError::invalid(
            "minutes",
            "no_working_time",
            "the calendar does not have this much working time after start",
        )
    })?;
    Ok((due, calendar.official_dates_missing_between(start, due)))
}

/// A month of a calendar, day by day.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MonthView {
    pub calendar_id: i64,
    pub year: i32,
    pub month: u32,
    /// The calendar follows official dates that are not known for all of
    /// this year (for `CN`: from 2026 on): days follow the weekly hours and
    /// the admin's dates only, so an admin should enter the holidays.
    pub official_dates_missing: bool,
    pub days: Vec<DayView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DayView {
    #[schema(value_type = String, format = Date, example = "2025-01-26")]
    pub date: NaiveDate,
    /// Whether the day has any working hours.
    pub working: bool,
    pub status: DayKind,
    /// Who made the day a holiday or a make-up workday; null for a regular day.
    pub source: Option<DaySource>,
    /// The day's working hours, local time, in order.
    #[schema(example = json!([["09:00", "12:00"], ["13:00", "18:00"]]))]
    pub hours: Vec<[String; 2]>,
}

/// Why a day has the hours it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// The weekly hours of its weekday (possibly none, e.g. a weekend).
    Regular,
    /// No working time.
    Holiday,
    /// A make-up workday (调休), worked with Monday's hours.
    Workday,
    /// Outside the years calendars cover: never worked.
    OutOfRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DaySource {
    /// The official arrangement the calendar follows (`public_holidays`).
    Official,
    /// The calendar's own `holidays` or `workdays`.
    Admin,
}

impl From<DateSource> for DaySource {
    fn from(s: DateSource) -> Self {
        match s {
            DateSource::Official => DaySource::Official,
            DateSource::Admin => DaySource::Admin,
        }
    }
}

/// Every day of `year`-`month` on calendar `id`.
pub async fn month(app: &App, _who: &Actor, id: i64, year: i32, month: u32) -> Result<MonthView> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(AppError::invalid(
            "year",
            "out_of_range",
            format!("year must be from {FIRST_YEAR} to {LAST_YEAR}"),
        ));
    }
    if !(1..=12).contains(&month) {
        return Err(AppError::invalid(
            "month",
            "out_of_range",
            "month must be from 1 to 12",
        ));
    }
    let calendar = fetch(app, id).await?;
    let days = calendar
        .month(year, month)
        .into_iter()
        .map(|(date, working)| day(&calendar, date, working))
        .collect();
    Ok(MonthView {
        calendar_id: id,
        year,
        month,
        official_dates_missing: calendar.official_dates_missing(year),
        days,
    })
}

fn day(calendar: &Calendar, date: NaiveDate, working: bool) -> DayView {
    let (status, source) = match calendar.day_status(date) {
        DayStatus::Regular => (DayKind::Regular, None),
        DayStatus::Holiday(s) => (DayKind::Holiday, Some(s.into())),
        DayStatus::MakeUpWorkday(s) => (DayKind::Workday, Some(s.into())),
        DayStatus::OutOfRange => (DayKind::OutOfRange, None),
    };
    DayView {
        date,
        working,
        status,
        source,
        hours: calendar
            .working_ranges(date)
            .iter()
            .map(|r| r.to_strings())
            .collect(),
    }
}

/// Calendar `id`, built; 404 when there is none.
async fn fetch(app: &App, id: i64) -> Result<Calendar> {
    let mut conn = app.store.read().await?;
    let rec = calendars::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    built(&rec)
}
