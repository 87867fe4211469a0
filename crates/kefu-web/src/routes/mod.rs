//! The API's routes, one module per resource.

pub mod audit;
pub mod auth;
pub mod calendars;
pub mod calls;
pub mod customers;
pub mod health;
pub mod imports;
pub mod notifications;
pub mod org;
pub mod reports;
pub mod settings;
pub mod sla;
pub mod tickets;
pub mod vehicles;
pub mod webhooks;

use kefu_app::{App, PageRequest};
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;

/// The API's routes, each module's registered with its description; the
/// imports (which allow larger bodies) are added by the caller.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .merge(auth::router())
        .merge(org::router())
        .merge(calendars::router())
        .merge(customers::router())
        .merge(vehicles::router())
        .merge(tickets::router())
        .merge(sla::router())
        .merge(settings::router())
        .merge(notifications::router())
        .merge(webhooks::router())
        .merge(audit::router())
        .merge(reports::router())
        .merge(calls::router())
}

/// `?limit=` (default 50, at most 200) and `?cursor=` (the previous page's
/// `next_cursor`).
pub(crate) fn page(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let limit = match limit {
        None => PageRequest::DEFAULT_LIMIT,
        Some(n) if n >= 1 => n.min(PageRequest::MAX_LIMIT),
        Some(_) => return Err(ApiError::bad_request("limit must be at least 1").field("limit")),
    };
    let after = cursor
        .filter(|c| !c.is_empty())
        .map(|c| c.parse::<i64>())
        .transpose()
        .map_err(|_| {
            ApiError::bad_request("cursor is not one this API gave out").field("cursor")
        })?;
    Ok(PageRequest { limit, after })
}
