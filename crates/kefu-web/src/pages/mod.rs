//! The workbench: server-rendered pages with htmx, in 简体中文 or English.
//! Thin like the API: read the session, call the same use cases, render.
//! A full load gets the page (the layout around a part); an htmx request
//! gets just the part.

mod admin;
mod assets;
mod customers;
mod form;
mod home;
pub(crate) mod i18n;
mod login;
mod notices;
mod pop;
mod search;
mod session;
mod tickets;
mod views;

use askama::Template;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use kefu_app::{App, AppError};
use kefu_core::org::Permission;

use i18n::Tr;
pub(crate) use session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/", get(home::page))
        .route("/login", get(login::page).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang/{code}", get(login::language))
        .route("/events", get(pop::events))
        .route("/calls/{id}/card", get(pop::card))
        .route("/pop/customers", post(pop::create_customer))
        .route("/search", get(search::page))
        .route("/notifications", get(notices::page))
        .route("/notifications/{id}/read", post(notices::read))
        .route(
            "/customers/{id}",
            get(customers::page).post(customers::save),
        )
        .route("/tickets/new", get(tickets::new_page).post(tickets::create))
        .route("/tickets/{id}", get(tickets::page))
        .route("/tickets/{id}/{move}", post(tickets::act))
        .route("/assets/{*file}", get(assets::file))
        .merge(admin::router())
        .layer(from_fn(error_pages))
        .layer(from_fn(session::csrf))
        .layer(from_fn(security_headers))
}

/// What every page's frame shows: who is logged in, the language switch, the
/// CSRF token for htmx, the bell.
pub(crate) struct Chrome {
    pub username: String,
    pub role: String,
    pub csrf: String,
    pub unread: i64,
    /// Whether the page shows the screen pop of ringing calls.
    pub takes_calls: bool,
    /// Whether the header links to the admin pages.
    pub admin: bool,
}

impl Chrome {
    pub async fn new(app: &App, v: &Viewer) -> Result<Chrome, PageError> {
        let unread = kefu_app::notifications::unread_count(app, &v.actor).await?;
        Ok(Chrome {
            username: v.actor.username.clone(),
            role: v.t.word("role", v.actor.role.as_str()),
            csrf: v.csrf.clone(),
            unread,
            takes_calls: v.actor.may(Permission::TakeCalls),
            admin: v.actor.may(Permission::ManageUsers),
        })
    }

    /// `hx-headers`: htmx sends the CSRF token with every request.
    pub fn hx_headers(&self) -> String {
        serde_json::json!({ "X-CSRF-Token": self.csrf }).to_string()
    }
}

/// Render a template, or a plain 500 if it cannot be (a bug, logged).
pub(crate) fn html<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Whether the request came from htmx (then it wants a part, not a page).
pub(crate) fn is_htmx(headers: &axum::http::HeaderMap) -> bool {
    headers.contains_key("hx-request")
}

/// Something a page could not do. It leaves the handler as a bare status and
/// is rendered by [`error_pages`], which knows the viewer's language.
#[derive(Debug, Clone)]
pub(crate) enum PageError {
    NotFound,
    Forbidden(String),
    Invalid {
        field: String,
        code: &'static str,
        message: String,
    },
    Conflict(String),
    Internal,
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(f) => PageError::Invalid {
                field: f.field,
                code: f.code,
                message: f.message,
            },
            AppError::NotFound | AppError::Unauthenticated => PageError::NotFound,
            AppError::Forbidden(m) => PageError::Forbidden(m),
            AppError::Conflict { message, .. } => PageError::Conflict(message),
            AppError::RateLimited { .. } => PageError::Forbidden(e.to_string()),
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "a page failed");
                PageError::Internal
            }
        }
    }
}

impl PageError {
    fn status(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Forbidden(_) => StatusCode::FORBIDDEN,
            PageError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            PageError::Conflict(_) => StatusCode::CONFLICT,
            PageError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What to tell the person, in their language where kefu has the words.
    pub fn message(&self, t: Tr) -> String {
        match self {
            PageError::NotFound => t.t("error.not_found").to_owned(),
            PageError::Forbidden(m) | PageError::Conflict(m) => m.clone(),
            PageError::Invalid {
                field,
                code,
                message,
            } => match t.get(&format!("error.{code}")) {
                Some(words) => format!("{}: {words}", t.word("field", field)),
                None => message.clone(),
            },
            PageError::Internal => t.t("error.internal").to_owned(),
        }
    }

    /// Render now, when the handler already knows the language.
    pub fn with(self, t: Tr) -> ErrorPage {
        ErrorPage {
            t,
            status: self.status().as_u16(),
            message: self.message(t),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut res = self.status().into_response();
        res.extensions_mut().insert(self);
        res
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    t: Tr,
    status: u16,
    message: String,
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, html(&self)).into_response()
    }
}

/// A page error becomes a page in the viewer's language; for htmx, just the
/// sentence, which the page shows where the request came from.
async fn error_pages(req: Request, next: Next) -> Response {
    let t = session::words(req.headers());
    let htmx = is_htmx(req.headers());
    let mut res = next.run(req).await;
    let Some(err) = res.extensions_mut().remove::<PageError>() else {
        return res;
    };
    if htmx {
        let mut escaped = String::new();
        for c in err.message(t).chars() {
            match c {
                '<' => escaped.push_str("&lt;"),
                '>' => escaped.push_str("&gt;"),
                '&' => escaped.push_str("&amp;"),
                '"' => escaped.push_str("&quot;"),
                c => escaped.push(c),
            }
        }
        return (err.status(), Html(escaped)).into_response();
    }
    err.with(t).into_response()
}

/// No inline script anywhere: a stored `<script>` could not run even if it
/// slipped through escaping.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                   frame-ancestors 'none'";

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
