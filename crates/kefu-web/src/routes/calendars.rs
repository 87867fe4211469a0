//! Business calendars: working hours, holidays and make-up workdays, with a
//! deadline preview and a month view.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use kefu_app::calendars::{self, CalendarInput, MonthView};
use kefu_app::{App, Page};
use kefu_store::calendars::CalendarRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::page;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, Id, Json, Query};

/// Each path's handlers, served and described by their `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(one, update))
        .routes(routes!(deadline))
        .routes(routes!(month))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// At most 200; default 50.
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Create a calendar (admin).
#[utoipa::path(post, path = "/api/v1/calendars", tag = "calendars", request_body = CalendarInput,
    responses((status = 201, body = CalendarRecord), (status = 403, body = ErrorBody),
        (status = 422, description = "names the field: `timezone`, `weekly.mon[0]`, `holidays[3]`...",
            body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<App>,
    Caller(who): Caller,
    Json(input): Json<CalendarInput>,
) -> ApiResult<(StatusCode, JsonOut<CalendarRecord>)> {
    Ok((
        StatusCode::CREATED,
        JsonOut(calendars::create(&app, &who, input).await?),
    ))
}

/// Change a calendar (admin): send any subset of the fields.
#[utoipa::path(patch, path = "/api/v1/calendars/{id}", tag = "calendars", request_body = CalendarInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = CalendarRecord), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Json(patch): Json<serde_json::Value>,
) -> ApiResult<JsonOut<CalendarRecord>> {
    Ok(JsonOut(calendars::update(&app, &who, id, patch).await?))
}

#[utoipa::path(get, path = "/api/v1/calendars/{id}", tag = "calendars", params(("id" = i64, Path)),
    responses((status = 200, body = CalendarRecord), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn one(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
) -> ApiResult<JsonOut<CalendarRecord>> {
    Ok(JsonOut(calendars::get(&app, &who, id).await?))
}

/// Every calendar; the one made on first start has `is_default: true`.
#[utoipa::path(get, path = "/api/v1/calendars", tag = "calendars", params(ListQuery),
    responses((status = 200, body = Page<CalendarRecord>)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<JsonOut<Page<CalendarRecord>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    Ok(JsonOut(calendars::list(&app, &who, p).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeadlineQuery {
    /// An RFC 3339 instant, e.g. `2025-01-24T17:00:00+08:00`.
    start: String,
    /// Business minutes, 0 to 525600.
    minutes: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Due {
    /// When the business minutes have elapsed (UTC).
    due: DateTime<Utc>,
    /// The calendar follows official dates that are not known for a year the
    /// deadline runs through: it may fall on a holiday not yet entered
    /// (`kefu calendar import-holidays`).
    official_dates_missing: bool,
}

/// When an SLA of `minutes` business minutes started at `start` falls due on
/// this calendar.
#[utoipa::path(get, path = "/api/v1/calendars/{id}/deadline", tag = "calendars",
    params(("id" = i64, Path), DeadlineQuery),
    responses((status = 200, body = Due), (status = 404, body = ErrorBody),
        (status = 422, description = "`start` or `minutes` (`no_working_time`: never due)",
            body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn deadline(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Query(q): Query<DeadlineQuery>,
) -> ApiResult<JsonOut<Due>> {
    let (due, official_dates_missing) =
        calendars::deadline(&app, &who, id, &q.start, q.minutes).await?;
    Ok(JsonOut(Due {
        due,
        official_dates_missing,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MonthQuery {
    #[param(example = 2025)]
    year: i32,
    /// 1 to 12.
    #[param(example = 1)]
    month: u32,
}

/// The days of a month: worked or not, and why.
#[utoipa::path(get, path = "/api/v1/calendars/{id}/month", tag = "calendars",
    params(("id" = i64, Path), MonthQuery),
    responses((status = 200, body = MonthView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn month(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Query(q): Query<MonthQuery>,
) -> ApiResult<JsonOut<MonthView>> {
    Ok(JsonOut(
        calendars::month(&app, &who, id, q.year, q.month).await?,
    ))
}
