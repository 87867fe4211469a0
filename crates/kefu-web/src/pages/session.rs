//! Who is looking at the page: the session cookie, the language cookie, and
//! the CSRF check every form and htmx request passes.
//!
//! The session cookie holds a secret whose digest is a `session` token row,
//! so logging out or disabling the user ends it at once. The CSRF token is
//! derived from the secret (see `kefu_app::auth::csrf_token`); the login form,
//! before any session exists, uses a double-submit cookie instead.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::{Actor, App};

use super::i18n::{Lang, Tr};
use crate::error::Fault;

pub const SESSION_COOKIE: &str = "kefu_session";
pub const LANG_COOKIE: &str = "kefu_lang";
pub const LOGIN_COOKIE: &str = "kefu_login";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// Whether the browser reached us over TLS (through a proxy that says so):
/// then cookies are `Secure`.
pub fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value; `max_age` none ends the cookie now.
pub fn set_cookie(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> HeaderValue {
    let age = max_age.unwrap_or(0);
    let secure = if secure { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("kefu=; Max-Age=0"))
}

/// The page's language, from its cookie.
pub struct Words(pub Tr);

impl<S: Send + Sync> FromRequestParts<S> for Words {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Words(words(&parts.headers)))
    }
}

pub fn words(headers: &HeaderMap) -> Tr {
    Tr::new(Lang::from_code(
        cookie(headers, LANG_COOKIE).unwrap_or("zh"),
    ))
}

/// The logged-in person looking at the page.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub csrf: String,
    pub t: Tr,
}

impl FromRequestParts<App> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let t = words(&parts.headers);
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE).filter(|s| s.len() <= 200) else {
            return Err(to_login(parts));
        };
        match kefu_app::auth::session(app, secret).await {
            Ok(actor) => Ok(Viewer {
                actor,
                csrf: kefu_app::auth::csrf_token(secret),
                t,
            }),
            Err(kefu_app::AppError::Unauthenticated) => Err(to_login(parts)),
            Err(e) => Err(super::PageError::from(e).with(t).into_response()),
        }
    }
}

/// Send a visitor without a live session to the login page; an htmx request
/// is told to go there instead of swapping the login page into a fragment.
fn to_login(parts: &Parts) -> Response {
    if parts.headers.contains_key("hx-request") {
        return (
            Fault::Unauthenticated.status(),
            [("hx-redirect", HeaderValue::from_static("/login"))],
        )
            .into_response();
    }
    if parts.uri.path() == "/events" {
        return Fault::Unauthenticated.status().into_response();
    }
    let back = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .filter(|p| *p != "/")
        .unwrap_or_default();
    if back.is_empty() {
        Redirect::to("/login").into_response()
    } else {
        let next: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
        Redirect::to(&format!("/login?next={next}")).into_response()
    }
}

/// Every request that changes something carries the CSRF token: as the
/// `X-CSRF-Token` header (htmx sends it on every request) or as the form
/// field `csrf`. Without it: 403, and nothing happens.
pub async fn csrf(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let expected = if req.uri().path() == "/login" {
        cookie(req.headers(), LOGIN_COOKIE).map(str::to_owned)
    } else {
        cookie(req.headers(), SESSION_COOKIE).map(kefu_app::auth::csrf_token)
    };
    let t = words(req.headers());
    let Some(expected) = expected.filter(|e| !e.is_empty()) else {
        return refused(t);
    };
    let header_token = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(sent) = header_token {
        return if same(&sent, &expected) {
            next.run(req).await
        } else {
            refused(t)
        };
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, crate::BODY_LIMIT).await else {
        return refused(t);
    };
    let sent = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned());
    match sent {
        Some(sent) if same(&sent, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refused(t),
    }
}

fn refused(t: Tr) -> Response {
    super::PageError::forbidden(t.t("error.csrf"))
        .with(t)
        .into_response()
}

/// Compare without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
