//! SLA policies: the targets and the escalation ladder orders run under.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use kefu_app::sla::{self, PolicyInput};
use kefu_app::{App, Page};
use kefu_core::sla::Policy;
use serde::Deserialize;
use utoipa::IntoParams;
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
}

/// Create a policy (admin). The matching policy of lowest `rank` applies to
/// an order when it reaches a dealer (`L2`) or a department (`L3`).
#[utoipa::path(post, path = "/api/v1/sla-policies", tag = "sla", request_body = PolicyInput,
    responses((status = 201, body = Policy), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<App>,
    Caller(who): Caller,
    Json(input): Json<PolicyInput>,
) -> ApiResult<(StatusCode, JsonOut<Policy>)> {
    Ok((
        StatusCode::CREATED,
        JsonOut(sla::create(&app, &who, input).await?),
    ))
}

/// Change a policy (admin): orders reaching a dealer or department from now
/// on get the new targets; running clocks keep theirs.
#[utoipa::path(patch, path = "/api/v1/sla-policies/{id}", tag = "sla", request_body = PolicyInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = Policy), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Json(patch): Json<serde_json::Value>,
) -> ApiResult<JsonOut<Policy>> {
    Ok(JsonOut(sla::update(&app, &who, id, patch).await?))
}

#[utoipa::path(get, path = "/api/v1/sla-policies/{id}", tag = "sla", params(("id" = i64, Path)),
    responses((status = 200, body = Policy), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn one(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
) -> ApiResult<JsonOut<Policy>> {
    Ok(JsonOut(sla::get(&app, &who, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/sla-policies", tag = "sla", params(PageQuery),
    responses((status = 200, body = Page<Policy>)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<JsonOut<Page<Policy>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    Ok(JsonOut(sla::list(&app, &who, p).await?))
}
