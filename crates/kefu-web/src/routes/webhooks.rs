//! Webhooks (admin): where clock warnings, breaches and escalations are sent.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use kefu_app::webhooks::{self, CreatedWebhook, WebhookInput};
use kefu_app::{App, Page};
use kefu_store::webhooks::{Delivery, Webhook};
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
        .routes(routes!(list, create))
        .routes(routes!(update))
        .routes(routes!(deliveries))
}

/// Register a webhook (admin). Each delivery is a POST of JSON with
/// `X-Kefu-Event`, `X-Kefu-Delivery` and `X-Kefu-Signature: sha256=<hex>`,
/// the HMAC-SHA256 of the body under the webhook's secret; failures are
/// retried after 1, 5, 15, 60, 180 and 360 minutes.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = WebhookInput,
    responses((status = 201, body = CreatedWebhook), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<App>,
    Caller(who): Caller,
    Json(input): Json<WebhookInput>,
) -> ApiResult<(StatusCode, JsonOut<CreatedWebhook>)> {
    Ok((
        StatusCode::CREATED,
        JsonOut(webhooks::create(&app, &who, input).await?),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    active: bool,
}

/// Turn a webhook on or off (admin).
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks", request_body = WebhookPatch,
    params(("id" = i64, Path)),
    responses((status = 200, body = Webhook), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "names the field that does not fit", body = ErrorBody)), security(("bearer" = [])))]
pub async fn update(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Json(body): Json<WebhookPatch>,
) -> ApiResult<JsonOut<Webhook>> {
    Ok(JsonOut(
        webhooks::set_active(&app, &who, id, body.active).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", params(PageQuery),
    responses((status = 200, body = Page<Webhook>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<JsonOut<Page<Webhook>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    Ok(JsonOut(webhooks::list(&app, &who, p).await?))
}

/// A webhook's deliveries, newest first: attempts, errors, next try.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = Page<Delivery>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn deliveries(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Query(q): Query<PageQuery>,
) -> ApiResult<JsonOut<Page<Delivery>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    Ok(JsonOut(webhooks::deliveries(&app, &who, id, p).await?))
}
