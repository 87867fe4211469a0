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

use crate::error::{Failure, Fault};

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
            (Fault::Internal.status(), "internal error").into_response()
        }
    }
}

/// Whether the request came from htmx (then it wants a part, not a page).
pub(crate) fn is_htmx(headers: &axum::http::HeaderMap) -> bool {
    headers.contains_key("hx-request")
}

/// Something a page could not do. It leaves the handler as a bare status and
/// is rendered by [`error_pages`], which knows the viewer's language. Its
/// status comes from the same table as the API's ([`Fault::status`]).
#[derive(Debug, Clone)]
pub(crate) struct PageError(Failure);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e.into())
    }
}

impl From<Failure> for PageError {
    fn from(f: Failure) -> Self {
        PageError(f)
    }
}

impl PageError {
    pub fn not_found() -> Self {
        PageError(Failure::new(Fault::NotFound, "not found"))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        PageError(Failure::new(Fault::Forbidden, message))
    }

    /// A field the rules refuse (422).
    pub fn invalid(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        PageError(Failure::invalid(field, code, message))
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        PageError(Failure::new(Fault::Conflict, message))
    }

    pub fn internal() -> Self {
        PageError(Failure::new(Fault::Internal, "internal error"))
    }

    fn status(&self) -> StatusCode {
        self.0.status()
    }

    /// What to tell the person, in their language where kefu has the words.
    pub fn message(&self, t: Tr) -> String {
        let f = &self.0;
        match f.fault {
            Fault::NotFound => t.t("error.not_found").to_owned(),
            Fault::Internal => t.t("error.internal").to_owned(),
            Fault::Unauthenticated => t.t("error.unauthenticated").to_owned(),
            Fault::RateLimited => t.n("login.rate_limited", f.retry_after.unwrap_or_default()),
            Fault::Invalid => match t.get(&format!("error.{}", f.code)) {
                Some(words) => {
                    let field = f.field.as_deref().unwrap_or_default();
                    format!("{}: {words}", t.word("field", field))
                }
                None => f.message.clone(),
            },
            Fault::BadRequest
            | Fault::Forbidden
            | Fault::Conflict
            | Fault::TooLarge
            | Fault::UnsupportedMediaType => f.message.clone(),
        }
    }

    /// Render now, when the handler already knows the language.
    pub fn with(self, t: Tr) -> ErrorPage {
        ErrorPage {
            t,
            status: self.status().as_u16(),
            message: self.message(t),
            failure: self.0,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut res = self.status().into_response();
        self.0.add_headers(&mut res);
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
    failure: Failure,
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        let mut res = (self.failure.status(), html(&self)).into_response();
        self.failure.add_headers(&mut res);
        res
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
        let mut res = (err.status(), Html(escaped)).into_response();
        err.0.add_headers(&mut res);
        return res;
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
