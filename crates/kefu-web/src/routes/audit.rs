//! The audit trail, for admins and managers.

use axum::Json as JsonOut;
use axum::extract::State;
use kefu_app::{App, Page};
use kefu_store::{AuditEntry, AuditFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::page;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, Query};

/// Each path's handlers, served and described by their `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// `dealer`, `department`, `user`, `customer`, `vehicle`.
    entity: Option<String>,
    entity_id: Option<i64>,
    actor_id: Option<i64>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Who did what and when, newest first, with the record before and after.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<AuditQuery>,
) -> ApiResult<JsonOut<Page<AuditEntry>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    let filter = AuditFilter {
        entity: q.entity,
        entity_id: q.entity_id,
        actor_id: q.actor_id,
    };
    Ok(JsonOut(
        kefu_app::audit::list(&app, &who, &filter, p).await?,
    ))
}
