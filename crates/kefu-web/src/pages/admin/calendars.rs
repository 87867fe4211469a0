//! `/admin/calendars`: the business calendars clocks count on (admins only).
//! The weekly hours, the holidays and the make-up workdays (调休) as a form,
//! and a month that shows which days are off (`?month=2026-10`); htmx moves
//! from month to month without reloading the form.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::App;
use kefu_app::calendars::{self, CalendarInput};
use kefu_core::org::Permission;
use kefu_store::calendars::CalendarRecord;
use serde_json::{Value, json};

use super::form::{Fields, FormError};
use super::month::{self, DAYS, MonthGrid, MonthQuery};
use super::{Tab, again, all_calendars, allow, id, input, tabs};
use crate::pages::form::Query;
use crate::pages::i18n::Tr;
use crate::pages::views::Choice;
use crate::pages::{Chrome, PageError, Viewer, html, is_htmx};

const ON_FORM: &[&str] = &[
    "name",
    "timezone",
    "public_holidays",
    "weekly",
    "weekly.mon",
    "weekly.tue",
    "weekly.wed",
    "weekly.thu",
    "weekly.fri",
    "weekly.sat",
    "weekly.sun",
    "holidays",
    "workdays",
];

#[derive(Template)]
#[template(path = "admin/calendars.html")]
struct CalendarsPage {
    chrome: Chrome,
    t: Tr,
    tabs: Vec<Tab>,
    csrf: String,
    rows: Vec<CalendarRow>,
    form: Fields,
    days: Vec<Day>,
    official: Vec<Choice>,
    error: FormError,
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    t: Tr,
    tabs: Vec<Tab>,
    csrf: String,
    id: i64,
    is_default: bool,
    form: Fields,
    days: Vec<Day>,
    official: Vec<Choice>,
    error: FormError,
    month: MonthGrid,
}

struct CalendarRow {
    id: i64,
    name: String,
    timezone: String,
    official: String,
    holidays: usize,
    workdays: usize,
    is_default: bool,
}

/// A weekday's input: its name on the form and its label.
struct Day {
    field: String,
    label: String,
}

fn days(t: Tr) -> Vec<Day> {
    DAYS.iter()
        .map(|d| Day {
            field: format!("weekly.{d}"),
            label: t.word("weekday", d),
        })
        .collect()
}

fn official(t: Tr, chosen: &str) -> Vec<Choice> {
    vec![
        Choice::new("", t.t("admin.cal.no_official"), chosen.is_empty()),
        Choice::new("CN", t.t("admin.cal.official_cn"), chosen == "CN"),
    ]
}

/// Hours as people type them: `09:00-12:00, 13:00-18:00`.
fn ranges_text(ranges: &[[String; 2]]) -> String {
    ranges
        .iter()
        .map(|[a, b]| format!("{a}-{b}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Typed hours as the API's ranges. A piece without a `-` is passed on
/// whole, so the calendar refuses it naming the day and the range.
fn ranges(raw: &str) -> Value {
    let pieces = raw
        .split([',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once(['-', '–', '~', '～']) {
            Some((a, b)) => json!([a.trim(), b.trim()]),
            None => json!([p, ""]),
        });
    Value::Array(pieces.collect())
}

/// Dates one per line (or separated by commas or spaces).
fn dates(raw: &str) -> Value {
    raw.split(|c: char| c.is_whitespace() || c == ',' || c == '，')
        .filter(|d| !d.is_empty())
        .map(|d| json!(d))
        .collect()
}

fn sent(f: &Fields) -> Value {
    let mut weekly = serde_json::Map::new();
    for d in DAYS {
        weekly.insert(d.to_owned(), ranges(&f.text(&format!("weekly.{d}"))));
    }
    json!({
        "name": f.text("name"),
        "timezone": f.opt("timezone"),
        "public_holidays": f.opt("public_holidays"),
        "weekly": weekly,
        "holidays": dates(&f.text("holidays")),
        "workdays": dates(&f.text("workdays")),
    })
}

fn filled(c: &CalendarRecord) -> Fields {
    let s = &c.spec;
    let w = &s.weekly;
    Fields::of([
        ("name", c.name.clone()),
        ("timezone", s.timezone.clone()),
        (
            "public_holidays",
            s.public_holidays.clone().unwrap_or_default(),
        ),
        ("weekly.mon", ranges_text(&w.mon)),
        ("weekly.tue", ranges_text(&w.tue)),
        ("weekly.wed", ranges_text(&w.wed)),
        ("weekly.thu", ranges_text(&w.thu)),
        ("weekly.fri", ranges_text(&w.fri)),
        ("weekly.sat", ranges_text(&w.sat)),
        ("weekly.sun", ranges_text(&w.sun)),
        ("holidays", s.holidays.join("\n")),
        ("workdays", s.workdays.join("\n")),
    ])
}

/// A new calendar's form: a Chinese office week with the official holidays.
fn fresh() -> Fields {
    let office = "09:00-12:00, 13:00-18:00".to_owned();
    Fields::of([
        ("timezone", "Asia/Shanghai".to_owned()),
        ("public_holidays", "CN".to_owned()),
        ("weekly.mon", office.clone()),
        ("weekly.tue", office.clone()),
        ("weekly.wed", office.clone()),
        ("weekly.thu", office.clone()),
        ("weekly.fri", office),
    ])
}

pub async fn page(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    allow(&v, Permission::ManageSla)?;
    Ok(html(
        &list_page(&app, &v, fresh(), FormError::default()).await?,
    ))
}

async fn list_page(
    app: &App,
    v: &Viewer,
    form: Fields,
    error: FormError,
) -> Result<CalendarsPage, PageError> {
    let t = v.t;
    let rows = all_calendars(app, v)
        .await?
        .into_iter()
        .map(|c| CalendarRow {
            id: c.id,
            official: match c.spec.public_holidays.as_deref() {
                Some("CN") => t.t("admin.cal.official_cn").to_owned(),
                Some(other) => other.to_owned(),
                None => t.t("admin.cal.no_official").to_owned(),
            },
            holidays: c.spec.holidays.len(),
            workdays: c.spec.workdays.len(),
            timezone: c.spec.timezone,
            name: c.name,
            is_default: c.is_default,
        })
        .collect();
    Ok(CalendarsPage {
        tabs: tabs(v, "calendars"),
        csrf: v.csrf.clone(),
        rows,
        days: days(t),
        official: official(t, &form.text("public_holidays")),
        form,
        error,
        t,
        chrome: Chrome::new(app, v).await?,
    })
}

pub async fn create(State(app): State<App>, v: Viewer, f: Fields) -> Result<Response, PageError> {
    allow(&v, Permission::ManageSla)?;
    let made =
        async { calendars::create(&app, &v.actor, input::<CalendarInput>(sent(&f))?).await }.await;
    match made {
        Ok(c) => Ok(Redirect::to(&format!("/admin/calendars/{}", c.id)).into_response()),
        Err(e) => {
            let error = FormError::from_app(e, v.t, ON_FORM)?;
            Ok(again(&list_page(&app, &v, f, error.clone()).await?, &error))
        }
    }
}

/// The calendar's form and a month of it; for htmx, the month alone.
pub async fn edit(
    State(app): State<App>,
    v: Viewer,
    Path(raw): Path<String>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    allow(&v, Permission::ManageSla)?;
    let c = calendars::get(&app, &v.actor, id(&raw)?).await?;
    let month = month::month(&app, &v, &c, q.month.as_deref()).await?;
    if is_htmx(&headers) && q.month.is_some() {
        return Ok(month::part(v.t, c.id, month));
    }
    let page = edit_page(&app, &v, &c, filled(&c), FormError::default(), month).await?;
    Ok(html(&page))
}

pub async fn update(
    State(app): State<App>,
    v: Viewer,
    Path(raw): Path<String>,
    f: Fields,
) -> Result<Response, PageError> {
    allow(&v, Permission::ManageSla)?;
    let id = id(&raw)?;
    match calendars::update(&app, &v.actor, id, sent(&f)).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/calendars/{id}")).into_response()),
        Err(e) => {
            let error = FormError::from_app(e, v.t, ON_FORM)?;
            let c = calendars::get(&app, &v.actor, id).await?;
            let month = month::month(&app, &v, &c, None).await?;
            let page = edit_page(&app, &v, &c, f, error.clone(), month).await?;
            Ok(again(&page, &error))
        }
    }
}

async fn edit_page(
    app: &App,
    v: &Viewer,
    c: &CalendarRecord,
    form: Fields,
    error: FormError,
    month: MonthGrid,
) -> Result<CalendarPage, PageError> {
    Ok(CalendarPage {
        tabs: tabs(v, "calendars"),
        csrf: v.csrf.clone(),
        id: c.id,
        is_default: c.is_default,
        days: days(v.t),
        official: official(v.t, &form.text("public_holidays")),
        form,
        error,
        month,
        t: v.t,
        chrome: Chrome::new(app, v).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_hours_become_ranges() {
        assert_eq!(
            ranges("09:00-12:00， 13:00 – 18:00"),
            json!([["09:00", "12:00"], ["13:00", "18:00"]])
        );
        assert_eq!(ranges("  "), json!([]));
        assert_eq!(ranges("9点"), json!([["9点", ""]]));
        assert_eq!(
            dates("2026-10-01\n2026-10-02, 2026-10-03"),
            json!(["2026-10-01", "2026-10-02", "2026-10-03"])
        );
    }
}
