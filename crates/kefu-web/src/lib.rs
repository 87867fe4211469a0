//! kefu-web: the HTTP face of kefu. Thin: parse, call a use case in
//! kefu-app, render JSON. Status codes live only in [`error`].

mod error;
mod extract;
mod observe;
mod openapi;
mod pages;
mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use kefu_app::App;
use tokio::net::TcpListener;

pub use error::{ApiError, ErrorBody};
pub use observe::Metrics;

/// Request bodies above this are refused with 413 (imports allow more).
pub const BODY_LIMIT: usize = 1024 * 1024;
pub const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// The whole application as one router.
pub fn router(app: App) -> Router {
    let metrics = Arc::new(Metrics::default());
    let system = routes::health::router().with_state(metrics.clone());
    let pages = pages::router().with_state(app.clone());
    let api = routes::api()
        .merge(routes::imports::router().layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)))
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app);
    // What is served is what is described: both come out of the same routers.
    let (served, paths) = system.merge(api).split_for_parts();
    Router::new()
        .merge(served)
        .merge(openapi::router(paths))
        .merge(pages)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            observe::middleware,
        ))
}

async fn fallback() -> ApiError {
    ApiError::not_found()
}

/// Serve until `shutdown` completes; requests in flight are finished first.
pub async fn serve(
    listener: TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let live = app.live.clone();
    // On PostgreSQL, pops reported to another instance reach this one's pages.
    let relay = tokio::spawn(kefu_app::live::relay(app.clone()));
    let shutdown = async move {
        shutdown.await;
        // Live streams to open pages would hold the shutdown forever.
        live.close();
    };
    let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await;
    relay.abort();
    served
}
