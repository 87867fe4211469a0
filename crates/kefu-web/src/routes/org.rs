//! Dealers, departments and users.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use kefu_app::App;
use kefu_app::org::dealers::DealerInput;
use kefu_app::org::departments::DepartmentInput;
use kefu_app::org::users::UserInput;
use kefu_app::{Page, org};
use kefu_core::org::{Dealer, Department, Role, User};
use kefu_store::org::users::UserFilter;
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
        .routes(routes!(list_dealers, create_dealer))
        .routes(routes!(get_dealer, update_dealer))
        .routes(routes!(list_departments, create_department))
        .routes(routes!(get_department, update_department))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// At most 200; default 50.
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Only active (`true`) or inactive (`false`) records.
    active: Option<bool>,
}

/// Create a dealer (admin).
#[utoipa::path(post, path = "/api/v1/dealers", tag = "organisation", request_body = DealerInput,
    responses((status = 201, body = Dealer), (status = 403, body = ErrorBody),
        (status = 409, description = "code taken", body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_dealer(
    State(app): State<App>,
    Caller(who): Caller,
    Json(input): Json<DealerInput>,
) -> ApiResult<(StatusCode, JsonOut<Dealer>)> {
    Ok((
        StatusCode::CREATED,
        JsonOut(org::dealers::create(&app, &who, input).await?),
    ))
}

/// Change a dealer (admin): send any subset of the fields.
#[utoipa::path(patch, path = "/api/v1/dealers/{id}", tag = "organisation", request_body = DealerInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = Dealer), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the code is another dealer's", body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_dealer(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Json(patch): Json<serde_json::Value>,
) -> ApiResult<JsonOut<Dealer>> {
    Ok(JsonOut(org::dealers::update(&app, &who, id, patch).await?))
}

#[utoipa::path(get, path = "/api/v1/dealers/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Dealer), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_dealer(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
) -> ApiResult<JsonOut<Dealer>> {
    Ok(JsonOut(org::dealers::get(&app, &who, id).await?))
}

#[utoipa::path(get, path = "/api/v1/dealers", tag = "organisation", params(PageQuery),
    responses((status = 200, body = Page<Dealer>)), security(("bearer" = [])))]
pub async fn list_dealers(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<JsonOut<Page<Dealer>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    Ok(JsonOut(org::dealers::list(&app, &who, q.active, p).await?))
}

/// Create a department (admin, manager).
#[utoipa::path(post, path = "/api/v1/departments", tag = "organisation", request_body = DepartmentInput,
    responses((status = 201, body = Department), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_department(
    State(app): State<App>,
    Caller(who): Caller,
    Json(input): Json<DepartmentInput>,
) -> ApiResult<(StatusCode, JsonOut<Department>)> {
    Ok((
        StatusCode::CREATED,
        JsonOut(org::departments::create(&app, &who, input).await?),
    ))
}

#[utoipa::path(patch, path = "/api/v1/departments/{id}", tag = "organisation", request_body = DepartmentInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = Department), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the code is another department's", body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_department(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Json(patch): Json<serde_json::Value>,
) -> ApiResult<JsonOut<Department>> {
    Ok(JsonOut(
        org::departments::update(&app, &who, id, patch).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Department), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_department(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
) -> ApiResult<JsonOut<Department>> {
    Ok(JsonOut(org::departments::get(&app, &who, id).await?))
}

#[utoipa::path(get, path = "/api/v1/departments", tag = "organisation", params(PageQuery),
    responses((status = 200, body = Page<Department>)), security(("bearer" = [])))]
pub async fn list_departments(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<JsonOut<Page<Department>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    Ok(JsonOut(org::departments::list(&app, &who, p).await?))
}

/// Create a user (admin; a manager for roles other than admin and manager).
#[utoipa::path(post, path = "/api/v1/users", tag = "organisation", request_body = UserInput,
    responses((status = 201, body = User), (status = 403, body = ErrorBody),
        (status = 409, description = "username taken", body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_user(
    State(app): State<App>,
    Caller(who): Caller,
    Json(input): Json<UserInput>,
) -> ApiResult<(StatusCode, JsonOut<User>)> {
    Ok((
        StatusCode::CREATED,
        JsonOut(org::users::create(&app, &who, input).await?),
    ))
}

/// Change a user; `"active": false` disables them and ends their tokens,
/// `"password"` sets a new password.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "organisation", request_body = UserInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_user(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Json(patch): Json<serde_json::Value>,
) -> ApiResult<JsonOut<User>> {
    Ok(JsonOut(org::users::update(&app, &who, id, patch).await?))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_user(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
) -> ApiResult<JsonOut<User>> {
    Ok(JsonOut(org::users::get(&app, &who, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    limit: Option<i64>,
    cursor: Option<String>,
    role: Option<String>,
    dealer_id: Option<i64>,
    department_id: Option<i64>,
    active: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "organisation", params(UserQuery),
    responses((status = 200, body = Page<User>), (status = 403, body = ErrorBody),
        (status = 422, description = "names the field: `role` is not a role", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_users(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<UserQuery>,
) -> ApiResult<JsonOut<Page<User>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    let role = q
        .role
        .as_deref()
        .map(Role::parse)
        .transpose()
        .map_err(kefu_app::AppError::Invalid)?;
    let filter = UserFilter {
        role,
        dealer_id: q.dealer_id,
        department_id: q.department_id,
        active: q.active,
    };
    Ok(JsonOut(org::users::list(&app, &who, &filter, p).await?))
}
