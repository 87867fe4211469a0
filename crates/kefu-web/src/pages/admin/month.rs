//! A calendar's month as a grid, Monday first: each day worked or off, and
//! marked 休 or 班 where it differs from its weekday (a holiday, a make-up
//! workday). On the calendar's page, and alone for htmx.

use askama::Template;
use axum::response::Response;
use chrono::{Datelike, Months, NaiveDate};
use kefu_app::App;
use kefu_app::calendars::{self, DayKind, DaySource, MonthView};
use kefu_store::calendars::CalendarRecord;
use serde::Deserialize;

use crate::pages::i18n::Tr;
use crate::pages::{PageError, Viewer, html};

/// The weekdays as the API names them, Monday first.
pub(super) const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Template)]
#[template(path = "admin/month.html")]
struct MonthPart {
    t: Tr,
    id: i64,
    month: MonthGrid,
}

/// The month alone, for htmx.
pub(super) fn part(t: Tr, id: i64, month: MonthGrid) -> Response {
    html(&MonthPart { t, id, month })
}

/// A month as a grid, Monday first.
pub(super) struct MonthGrid {
    /// `2026-10`.
    pub(super) label: String,
    pub(super) prev: String,
    pub(super) next: String,
    /// Empty cells before the 1st.
    pub(super) blanks: usize,
    pub(super) weekdays: Vec<String>,
    pub(super) days: Vec<DayCell>,
    pub(super) official_missing: bool,
}

pub(super) struct DayCell {
    pub(super) date: String,
    pub(super) day: u32,
    pub(super) off: bool,
    /// `regular`, `holiday`, `workday`, `out_of_range`.
    pub(super) kind: &'static str,
    /// `official`, `admin` or empty.
    pub(super) source: &'static str,
    /// 休 or 班: why the day differs from its weekday.
    pub(super) mark: String,
    pub(super) hours: String,
}

#[derive(Deserialize, Default)]
pub struct MonthQuery {
    /// `YYYY-MM`; by default the current month in the calendar's time zone.
    pub(super) month: Option<String>,
}

/// The month asked for (`YYYY-MM`), or the calendar's current month.
pub(super) async fn month(
    app: &App,
    v: &Viewer,
    c: &CalendarRecord,
    raw: Option<&str>,
) -> Result<MonthGrid, PageError> {
    let first = match raw.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").map_err(|_| {
            PageError::invalid("month", "invalid_month", "month is written YYYY-MM")
        })?,
        None => {
            let tz = match c.spec.timezone.parse::<chrono_tz::Tz>() {
                Ok(tz) => tz,
                Err(_) => kefu_app::org::group::settings(app).await?.timezone,
            };
            let today = app.now().with_timezone(&tz).date_naive();
            today.with_day(1).unwrap_or(today)
        }
    };
    let view = calendars::month(app, &v.actor, c.id, first.year(), first.month()).await?;
    Ok(grid(v.t, first, &view))
}

fn grid(t: Tr, first: NaiveDate, view: &MonthView) -> MonthGrid {
    let ym = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m").to_string()).unwrap_or_default();
    let days = view
        .days
        .iter()
        .map(|d| {
            let (kind, mark) = match d.status {
                DayKind::Regular => ("regular", String::new()),
                DayKind::Holiday => ("holiday", t.t("admin.cal.mark_off").to_owned()),
                DayKind::Workday => ("workday", t.t("admin.cal.mark_work").to_owned()),
                DayKind::OutOfRange => ("out_of_range", String::new()),
            };
            DayCell {
                date: d.date.format("%Y-%m-%d").to_string(),
                day: d.date.day(),
                off: !d.working,
                kind,
                source: match d.source {
                    Some(DaySource::Official) => "official",
                    Some(DaySource::Admin) => "admin",
                    None => "",
                },
                mark,
                hours: if d.working {
                    d.hours
                        .iter()
                        .map(|[a, b]| format!("{a}–{b}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                } else {
                    t.t("admin.cal.off").to_owned()
                },
            }
        })
        .collect();
    MonthGrid {
        label: ym(Some(first)),
        prev: ym(first.checked_sub_months(Months::new(1))),
        next: ym(first.checked_add_months(Months::new(1))),
        blanks: first.weekday().num_days_from_monday() as usize,
        weekdays: DAYS.iter().map(|d| t.word("weekday", d)).collect(),
        days,
        official_missing: view.official_dates_missing,
    }
}
