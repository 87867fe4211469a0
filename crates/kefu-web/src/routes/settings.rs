//! The group's settings: its time zone and the prefix of its order numbers.

use axum::Json as JsonOut;
use axum::extract::State;
use kefu_app::App;
use kefu_app::org::group::{self, GroupInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, Json};

/// Each path's handlers, served and described by their `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(get_group, update_group))
}

/// The group's settings (admin): the time zone its days and hours are
/// counted in where no dealer's applies (order numbers, the centre's
/// workbench, report dates), and the prefix of new order numbers.
#[utoipa::path(get, path = "/api/v1/settings/group", tag = "settings",
    responses((status = 200, body = GroupInput), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_group(
    State(app): State<App>,
    Caller(who): Caller,
) -> ApiResult<JsonOut<GroupInput>> {
    Ok(JsonOut(group::get(&app, &who).await?))
}

/// Change the group's settings (admin): send any subset of the fields. New
/// orders are numbered by them from the next one on; orders already
/// numbered keep their numbers.
#[utoipa::path(patch, path = "/api/v1/settings/group", tag = "settings", request_body = GroupInput,
    responses((status = 200, body = GroupInput), (status = 403, body = ErrorBody),
        (status = 422, description = "names the field: `timezone` (not an IANA time zone) or \
            `number_prefix` (1 to 8 ASCII letters, digits or dashes)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_group(
    State(app): State<App>,
    Caller(who): Caller,
    Json(patch): Json<serde_json::Value>,
) -> ApiResult<JsonOut<GroupInput>> {
    Ok(JsonOut(group::update(&app, &who, patch).await?))
}
