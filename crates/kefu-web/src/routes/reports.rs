//! Reports: the overtime analysis.

use axum::Json as JsonOut;
use axum::extract::State;
use kefu_app::App;
use kefu_app::reports::{OvertimeParams, OvertimeReport};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, Query};

/// Each path's handlers, served and described by their `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(overtime))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OvertimeQuery {
    /// Required: an RFC 3339 instant, or a date `YYYY-MM-DD` from the start
    /// of that day in the group's time zone (`/api/v1/settings/group`,
    /// `Asia/Shanghai` unless changed). Included.
    from: Option<String>,
    /// Required, after `from` and at most 366 days later: an RFC 3339
    /// instant (excluded), or a date `YYYY-MM-DD` through the end of that
    /// day in the group's time zone.
    to: Option<String>,
    /// `department` (default), `dealer` or `step`.
    group_by: Option<String>,
}

/// Overtime analysis (超时分析): the SLA clocks that came due in `[from, to)`,
/// how many were breached, and how late, by department, dealer or step.
/// Admins, managers and VPs see the whole group; a department head sees only
/// their department.
#[utoipa::path(get, path = "/api/v1/reports/overtime", tag = "reports", params(OvertimeQuery),
    responses((status = 200, body = OvertimeReport), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn overtime(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<OvertimeQuery>,
) -> ApiResult<JsonOut<OvertimeReport>> {
    let params = OvertimeParams {
        from: q.from,
        to: q.to,
        group_by: q.group_by,
    };
    Ok(JsonOut(
        kefu_app::reports::overtime(&app, &who, &params).await?,
    ))
}
