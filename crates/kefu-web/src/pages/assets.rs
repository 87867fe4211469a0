//! The workbench's own script, style sheet and htmx, compiled into the
//! binary: no CDN, nothing to install beside kefu.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::Fault;

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "kefu.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/kefu.css"),
    ),
    (
        "kefu.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/kefu.js"),
    ),
    (
        "vendor/htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/vendor/htmx.min.js"),
    ),
];

pub async fn file(Path(name): Path<String>) -> Response {
    let Some((_, kind, body)) = FILES.iter().find(|(n, _, _)| *n == name) else {
        return Fault::NotFound.status().into_response();
    };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ),
    ];
    (headers, *body).into_response()
}
