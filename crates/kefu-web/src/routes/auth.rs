//! `POST /api/v1/auth/token` logs in; `DELETE` logs out.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use kefu_app::App;
use kefu_app::auth::Login;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, ClientAddress, Json};

/// Each path's handlers, served and described by their `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(login, logout))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    username: String,
    password: String,
}

/// Log in with a username and password; the token lasts 12 hours by default.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = Credentials,
    responses(
        (status = 200, body = Login),
        (status = 401, description = "wrong username or password, or user disabled", body = ErrorBody),
        (status = 429, description = "too many failures; see Retry-After", body = ErrorBody)))]
pub async fn login(
    State(app): State<App>,
    ClientAddress(client): ClientAddress,
    Json(c): Json<Credentials>,
) -> ApiResult<JsonOut<Login>> {
    if c.username.len() > 64 || c.password.len() > 1024 {
        return Err(kefu_app::AppError::Unauthenticated.into());
    }
    let login = kefu_app::auth::login(&app, &c.username, &c.password, &client.to_string()).await?;
    Ok(JsonOut(login))
}

/// Revoke the token this request carries.
#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn logout(State(app): State<App>, Caller(who): Caller) -> ApiResult<StatusCode> {
    kefu_app::auth::logout(&app, &who).await?;
    Ok(StatusCode::NO_CONTENT)
}
