//! Uploading a CSV or Excel file of customers or vehicles.

use axum::Json as JsonOut;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::header;
use kefu_app::imports::{self, Format, ImportKind, ImportReport};
use kefu_app::{App, AppError};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, Query, body_error};

/// Each path's handlers, served and described by their `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(create))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `customers` or `vehicles`.
    kind: String,
    /// `csv` or `xlsx`; by default taken from the Content-Type, then the file itself.
    format: Option<String>,
}

/// Import customers or vehicles. The body is the file itself (CSV in UTF-8,
/// or `.xlsx`), with Chinese or English column headers. Every row is
/// validated; rejected rows are listed with their line and reason, the
/// accepted ones are written in one transaction.
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "the file: CSV or xlsx"),
    responses((status = 200, body = ImportReport), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<ImportQuery>,
    req: Request,
) -> ApiResult<JsonOut<ImportReport>> {
    let kind = ImportKind::parse(&q.kind).map_err(AppError::Invalid)?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = Bytes::from_request(req, &()).await.map_err(body_error)?;
    let format = match q.format.as_deref() {
        Some(raw) => Format::parse(raw).map_err(AppError::Invalid)?,
        None if content_type.contains("spreadsheetml") => Format::Xlsx,
        None if content_type.starts_with("text/csv") => Format::Csv,
        None => Format::sniff(&body),
    };
    let report = imports::import(&app, Some(&who), kind, format, &body, &|_, _| {}).await?;
    Ok(JsonOut(report))
}
