//! The logged-in user's notifications: clock warnings, breaches, escalations.

use axum::Json as JsonOut;
use axum::extract::State;
use kefu_app::{App, Page};
use kefu_store::notifications::Notification;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::page;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, Id, Json, Query};

/// Each path's handlers, served and described by their `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(mark))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// Only unread ones.
    unread: Option<bool>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(NotificationQuery),
    responses((status = 200, body = Page<Notification>)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<NotificationQuery>,
) -> ApiResult<JsonOut<Page<Notification>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    Ok(JsonOut(
        kefu_app::notifications::list(&app, &who, q.unread.unwrap_or(false), p).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkBody {
    /// true marks it read, false unread.
    read: bool,
}

/// Mark one of the caller's notifications read or unread.
#[utoipa::path(patch, path = "/api/v1/notifications/{id}", tag = "notifications", request_body = MarkBody,
    params(("id" = i64, Path)),
    responses((status = 200, body = Notification), (status = 404, body = ErrorBody),
        (status = 422, description = "names the field that does not fit", body = ErrorBody)), security(("bearer" = [])))]
pub async fn mark(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Json(body): Json<MarkBody>,
) -> ApiResult<JsonOut<Notification>> {
    Ok(JsonOut(
        kefu_app::notifications::mark(&app, &who, id, body.read).await?,
    ))
}
