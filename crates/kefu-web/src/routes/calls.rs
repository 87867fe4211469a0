//! `POST /api/v1/calls`: the telephony system reports a ringing call and the
//! agent's page pops the caller's card; `GET` lists the stored calls.
//! Integration keys for such systems live at `/api/v1/integration-keys`.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use kefu_app::calls::keys::NewKey;
use kefu_app::calls::{self, CallInput};
use kefu_app::{App, Page};
use kefu_store::calls::{Call, CallFilter, IntegrationKey};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::page;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{CallReporter, Caller, Id, Json, Query};

/// Each path's handlers, served and described by their `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list, report))
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
}

/// Report a ringing call (integration key, or the agent's own token). The
/// agent's open workbench shows the caller's card within a second. A second
/// report of the same `call_id` answers 200 with the stored call.
#[utoipa::path(post, path = "/api/v1/calls", tag = "calls", request_body = CallInput,
    responses(
        (status = 201, body = Call), (status = 200, description = "already reported", body = Call),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn report(
    State(app): State<App>,
    CallReporter(by): CallReporter,
    Json(input): Json<CallInput>,
) -> ApiResult<(StatusCode, JsonOut<Call>)> {
    let (call, new) = calls::report(&app, &by, input).await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, JsonOut(call)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CallQuery {
    agent_id: Option<i64>,
    customer_id: Option<i64>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// The stored calls, newest first.
#[utoipa::path(get, path = "/api/v1/calls", tag = "calls", params(CallQuery),
    responses((status = 200, body = Page<Call>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<CallQuery>,
) -> ApiResult<JsonOut<Page<Call>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    let filter = CallFilter {
        agent_id: q.agent_id,
        customer_id: q.customer_id,
    };
    Ok(JsonOut(calls::list(&app, &who, &filter, p).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyInput {
    /// What the key is for, e.g. the telephony system's name.
    name: String,
}

/// Create an integration key (admin); its secret `key` is shown only now.
#[utoipa::path(post, path = "/api/v1/integration-keys", tag = "calls", request_body = KeyInput,
    responses((status = 201, body = NewKey), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_key(
    State(app): State<App>,
    Caller(who): Caller,
    Json(input): Json<KeyInput>,
) -> ApiResult<(StatusCode, JsonOut<NewKey>)> {
    let key = calls::keys::create(&app, &who, &input.name).await?;
    Ok((StatusCode::CREATED, JsonOut(key)))
}

/// The integration keys, without their secrets.
#[utoipa::path(get, path = "/api/v1/integration-keys", tag = "calls",
    responses((status = 200, body = Vec<IntegrationKey>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list_keys(
    State(app): State<App>,
    Caller(who): Caller,
) -> ApiResult<JsonOut<Vec<IntegrationKey>>> {
    Ok(JsonOut(calls::keys::list(&app, &who).await?))
}

/// Revoke an integration key; calls reported with it stay.
#[utoipa::path(delete, path = "/api/v1/integration-keys/{id}", tag = "calls", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn revoke_key(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    calls::keys::revoke(&app, &who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
