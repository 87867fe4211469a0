//! Business calendars (工作日历): admins create and change them, everyone
//! reads them, and the SLA clocks load them (ENGINEERING §3). One calendar is
//! the default, made on first start, for every dealer and department that
//! names none.

mod notices;
mod preview;

pub use notices::import_notice;
pub use preview::{DayKind, DaySource, DayView, MAX_PREVIEW_MINUTES, MonthView, deadline, month};

use kefu_core::FieldError;
use kefu_core::calendar::{Calendar, CalendarSpec, WeeklySpec};
use kefu_core::org::Permission;
use kefu_core::text;
use kefu_store::calendars::{self, CalendarRecord};
use kefu_store::{Conn, Page, PageRequest, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::work::Work;
use crate::{Actor, App, AppError, Result, patched};

/// The name of the calendar made on first start.
pub const DEFAULT_NAME: &str = "默认日历";

/// The time zone of a calendar that names none, and of the default calendar.
const DEFAULT_TIMEZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

/// A calendar as the API accepts it. For an update, send any subset of the
/// fields. The fields of the spec are listed here rather than flattened,
/// because serde cannot refuse unknown fields next to a flattened struct.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarInput {
    #[schema(example = "上海门店日历")]
    pub name: String,
    /// An IANA time zone; default `Asia/Shanghai`. Hours are local to it.
    #[serde(default)]
    #[schema(example = "Asia/Shanghai")]
    pub timezone: Option<String>,
    /// Working hours per weekday; at least one day must have some.
    pub weekly: WeeklySpec,
    /// `CN` to follow China's official holidays and make-up workdays
    /// (known from 2004 to 2026-12-25), or null.
    #[serde(default)]
    #[schema(example = "CN")]
    pub public_holidays: Option<String>,
    /// Extra days off, `YYYY-MM-DD`; they win over official make-up workdays.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Extra make-up workdays (调休), worked with Monday's hours; they win
    /// over official holidays.
    #[serde(default)]
    pub workdays: Vec<String>,
    /// Years whose official arrangement was entered into `holidays` and
    /// `workdays` (`kefu calendar import-holidays`); they count as known.
    #[serde(default)]
    pub official_years: Vec<i32>,
}

/// A calendar input that passed every rule: the name, and the spec as
/// kefu-core writes it back (dates as `YYYY-MM-DD`, sorted, once each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCalendar {
    pub name: String,
    pub spec: CalendarSpec,
}

impl CalendarInput {
    pub fn validate(self) -> Result<ValidCalendar, FieldError> {
        let name = text::text("name", &self.name, 100)?;
        let timezone = self
            .timezone
            .map(|tz| tz.trim().to_owned())
            .filter(|tz| !tz.is_empty())
            .unwrap_or_else(|| DEFAULT_TIMEZONE.name().to_owned());
        let calendar = CalendarSpec {
            timezone,
            weekly: self.weekly,
            public_holidays: self.public_holidays,
            holidays: self.holidays,
            workdays: self.workdays,
            official_years: self.official_years,
        }
        .build()?;
        // A calendar that never works would leave every clock on it without
        // a due instant.
        if !calendar.has_working_time() {
            return Err(FieldError::new(
                "weekly",
                "no_working_time",
                "weekly must give at least one day working hours",
            ));
        }
        Ok(ValidCalendar {
            name,
            spec: calendar.to_spec(),
        })
    }

    fn from_record(c: &CalendarRecord) -> Self {
        let s = &c.spec;
        CalendarInput {
            name: c.name.clone(),
            timezone: Some(s.timezone.clone()),
            weekly: s.weekly.clone(),
            public_holidays: s.public_holidays.clone(),
            holidays: s.holidays.clone(),
            workdays: s.workdays.clone(),
            official_years: s.official_years.clone(),
        }
    }
}

pub async fn create(app: &App, who: &Actor, input: CalendarInput) -> Result<CalendarRecord> {
    who.require(Permission::ManageSla)?;
    let valid = input.validate()?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let cal = calendars::insert(&mut tx, &valid.name, &valid.spec, false, now).await?;
    tx.created(who, now, "calendar", cal.id, &cal).await?;
    tx.commit(app).await?;
    Ok(cal)
}

pub async fn update(
    app: &App,
    who: &Actor,
    id: i64,
    patch: serde_json::Value,
) -> Result<CalendarRecord> {
    who.require(Permission::ManageSla)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = calendars::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let valid = patched(&CalendarInput::from_record(&before), patch)?.validate()?;
    calendars::update(&mut tx, id, &valid.name, &valid.spec, now).await?;
    let after = CalendarRecord {
        name: valid.name,
        spec: valid.spec,
        updated_at: now,
        ..before.clone()
    };
    tx.updated(who, now, "calendar", id, &before, &after)
        .await?;
    tx.commit(app).await?;
    Ok(after)
}

/// Every logged-in role reads calendars: agents quote deadlines from them.
pub async fn get(app: &App, _who: &Actor, id: i64) -> Result<CalendarRecord> {
    let mut conn = app.store.read().await?;
    calendars::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn list(app: &App, _who: &Actor, page: PageRequest) -> Result<Page<CalendarRecord>> {
    let mut conn = app.store.read().await?;
    Ok(calendars::list(&mut conn, page).await?)
}

/// Make the default calendar unless one exists (a Chinese office in
/// Asia/Shanghai: Monday to Friday 09:00–12:00 and 13:00–18:00 with the
/// official holidays); its id. Called on every start, by several processes
/// at once on a shared PostgreSQL database: the partial unique index on
/// `is_default` lets one of them win, and the others read its calendar back.
pub async fn ensure_default(app: &App) -> Result<i64> {
    {
        let mut conn = app.store.read().await?;
        if let Some(c) = calendars::default(&mut conn).await? {
            return Ok(c.id);
        }
    }
    match create_default(app).await {
        Ok(id) => Ok(id),
        Err(AppError::Conflict { .. }) => {
            let mut conn = app.store.read().await?;
            calendars::default(&mut conn)
                .await?
                .map(|c| c.id)
                .ok_or_else(|| no_calendar(None))
        }
        Err(e) => Err(e),
    }
}

async fn create_default(app: &App) -> Result<i64> {
    let now = app.now();
    let spec = Calendar::china_office(DEFAULT_TIMEZONE).to_spec();
    let mut tx = Work::begin(app).await?;
    // On SQLite this transaction holds the write lock, so a default made since
    // the read above is seen here; on PostgreSQL the unique index decides.
    if let Some(c) = calendars::default(&mut tx).await? {
        return Ok(c.id);
    }
    let cal = calendars::insert(&mut tx, DEFAULT_NAME, &spec, true, now).await?;
    tx.created(None::<&Actor>, now, "calendar", cal.id, &cal)
        .await?;
    tx.commit(app).await?;
    Ok(cal.id)
}

/// The calendar `id`, or the default calendar when `id` is `None`, with the
/// id it has, ready for business-time arithmetic. For the SLA clocks: a
/// missing calendar is a `Conflict` on `calendar_id` (the default is made on
/// start, and rows name calendars through foreign keys).
pub async fn load(conn: &mut Conn, id: Option<i64>) -> Result<(i64, Calendar)> {
    let found = match id {
        Some(id) => calendars::get(conn, id).await?,
        None => calendars::default(conn).await?,
    };
    let rec = found.ok_or_else(|| no_calendar(id))?;
    Ok((rec.id, built(&rec)?))
}

/// A stored spec is one `validate` admitted; if it no longer builds, the
/// data is wrong, not the caller's input.
pub(crate) fn built(rec: &CalendarRecord) -> Result<Calendar> {
    rec.spec.build().map_err(|e| {
        AppError::Internal(StoreError::Corrupt(format!(
            "calendar {} does not build: {e}",
            rec.id
        )))
    })
}

fn no_calendar(id: Option<i64>) -> AppError {
    AppError::Conflict {
        field: Some("calendar_id".to_owned()),
        message: match id {
            Some(id) => format!("there is no calendar {id}"),
            None => "there is no default calendar; restart kefu to make one".to_owned(),
        },
    }
}

/// A dealer or department may name only an existing calendar (422 on
/// `calendar_id` otherwise); `None` means the default.
pub(crate) async fn check_exists(conn: &mut Conn, id: Option<i64>) -> Result<()> {
    let Some(id) = id else {
        return Ok(());
    };
    if calendars::get(conn, id).await?.is_none() {
        return Err(AppError::invalid(
            "calendar_id",
            "unknown_calendar",
            format!("there is no calendar {id}"),
        ));
    }
    Ok(())
}
