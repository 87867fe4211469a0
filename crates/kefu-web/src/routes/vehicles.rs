//! Vehicles and their lookups by VIN, VIN's last six, and plate.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use kefu_app::vehicles::{self, Lookup, VehicleInput};
use kefu_app::{App, Page};
use kefu_core::vehicles::Vehicle;
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

#[utoipa::path(post, path = "/api/v1/vehicles", tag = "vehicles", request_body = VehicleInput,
    responses((status = 201, body = Vehicle), (status = 409, description = "VIN or plate taken", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<App>,
    Caller(who): Caller,
    Json(input): Json<VehicleInput>,
) -> ApiResult<(StatusCode, JsonOut<Vehicle>)> {
    Ok((
        StatusCode::CREATED,
        JsonOut(vehicles::create(&app, &who, input).await?),
    ))
}

/// Change a vehicle: send any subset of the fields; `null` clears one.
#[utoipa::path(patch, path = "/api/v1/vehicles/{id}", tag = "vehicles", request_body = VehicleInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = Vehicle), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Json(patch): Json<serde_json::Value>,
) -> ApiResult<JsonOut<Vehicle>> {
    Ok(JsonOut(vehicles::update(&app, &who, id, patch).await?))
}

#[utoipa::path(get, path = "/api/v1/vehicles/{id}", tag = "vehicles", params(("id" = i64, Path)),
    responses((status = 200, body = Vehicle), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn one(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
) -> ApiResult<JsonOut<Vehicle>> {
    Ok(JsonOut(vehicles::get(&app, &who, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VehicleQuery {
    /// A full VIN, or its last six characters.
    vin: Option<String>,
    plate: Option<String>,
    customer_id: Option<i64>,
    dealer_id: Option<i64>,
    limit: Option<i64>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/vehicles", tag = "vehicles", params(VehicleQuery),
    responses((status = 200, body = Page<Vehicle>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<VehicleQuery>,
) -> ApiResult<JsonOut<Page<Vehicle>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    let lookup = Lookup {
        vin: q.vin,
        plate: q.plate,
        customer_id: q.customer_id,
        dealer_id: q.dealer_id,
    };
    Ok(JsonOut(vehicles::list(&app, &who, &lookup, p).await?))
}
