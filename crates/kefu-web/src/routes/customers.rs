//! The customer record and its lookups.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use kefu_app::customers::{self, CustomerInput, Lookup};
use kefu_app::{App, Page};
use kefu_core::customers::Customer;
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
        .routes(routes!(one, update, delete))
}

#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = CustomerInput,
    responses((status = 201, body = Customer), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<App>,
    Caller(who): Caller,
    Json(input): Json<CustomerInput>,
) -> ApiResult<(StatusCode, JsonOut<Customer>)> {
    Ok((
        StatusCode::CREATED,
        JsonOut(customers::create(&app, &who, input).await?),
    ))
}

/// Change a customer: send any subset of the fields; `null` clears one.
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers", request_body = CustomerInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = Customer), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Json(patch): Json<serde_json::Value>,
) -> ApiResult<JsonOut<Customer>> {
    Ok(JsonOut(customers::update(&app, &who, id, patch).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteReason {
    /// Why the customer is removed; kept with the record.
    reason: String,
}

/// Soft-delete a customer (admin, manager): gone from lists and lookups, kept
/// in the database with the reason.
#[utoipa::path(delete, path = "/api/v1/customers/{id}", tag = "customers", request_body = DeleteReason,
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Json(body): Json<DeleteReason>,
) -> ApiResult<StatusCode> {
    customers::delete(&app, &who, id, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = Customer), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn one(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
) -> ApiResult<JsonOut<Customer>> {
    Ok(JsonOut(customers::get(&app, &who, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CustomerQuery {
    /// Exact phone, any common writing (`+86 138-1234-5678`); every customer
    /// sharing it is listed.
    phone: Option<String>,
    /// The start of a name or of a phone number.
    q: Option<String>,
    dealer_id: Option<i64>,
    owner_id: Option<i64>,
    tier: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// List and look up customers the caller may see.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(CustomerQuery),
    responses((status = 200, body = Page<Customer>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<CustomerQuery>,
) -> ApiResult<JsonOut<Page<Customer>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    let lookup = Lookup {
        phone: q.phone,
        q: q.q,
        dealer_id: q.dealer_id,
        owner_id: q.owner_id,
        tier: q.tier,
    };
    Ok(JsonOut(customers::list(&app, &who, &lookup, p).await?))
}
