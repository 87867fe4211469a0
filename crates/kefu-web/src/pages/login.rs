//! Logging in and out of the workbench, and the language switch.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::{App, AppError};
use serde::Deserialize;

use super::i18n::Tr;
use super::session::{
    LANG_COOKIE, LOGIN_COOKIE, SESSION_COOKIE, Viewer, Words, cookie, over_tls, set_cookie,
};
use super::{PageError, html};
use crate::error::Failure;
use crate::extract::ClientAddress;
use crate::pages::form::Query;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Only a path on this site may follow the login, never another site.
///
/// Browsers drop tabs and line breaks from a URL and read a backslash as `/`, so
/// `/\t/evil.example` would take them to `//evil.example`: a path with any
/// control character, white space or backslash is refused outright rather
/// than cleaned. Non-ASCII letters (a search for `张伟`) are percent-encoded,
/// so the path is always a valid `Location`.
fn local_path(next: Option<&str>) -> String {
    const LONGEST: usize = 2048;
    let local = |p: &str| {
        p.len() <= LONGEST
            && p.starts_with('/')
            && !p.starts_with("//")
            && !p
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    };
    match next {
        Some(p) if local(p) => {
            let mut out = String::with_capacity(p.len());
            for c in p.chars() {
                if c.is_ascii() {
                    out.push(c);
                } else {
                    let mut bytes = [0; 4];
                    for b in c.encode_utf8(&mut bytes).bytes() {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
            out
        }
        _ => "/".to_owned(),
    }
}

pub async fn page(
    Words(t): Words,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    // The double-submit token for this form; kept while the page is open.
    let token = match cookie(&headers, LOGIN_COOKIE) {
        Some(v) if v.len() == 64 => v.to_owned(),
        _ => kefu_app::auth::csrf_token(&kefu_app::auth::new_secret()?),
    };
    let page = LoginPage {
        t,
        csrf: token.clone(),
        next: local_path(q.next.as_deref()),
        username: String::new(),
        error: None,
    };
    let set = set_cookie(LOGIN_COOKIE, &token, Some(3600), over_tls(&headers));
    Ok(([(header::SET_COOKIE, set)], html(&page)).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: Option<String>,
    next: Option<String>,
}

pub async fn submit(
    State(app): State<App>,
    Words(t): Words,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    crate::pages::form::Form(form): crate::pages::form::Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = local_path(form.next.as_deref());
    let too_long = form.username.len() > 64 || form.password.len() > 1024;
    let outcome = if too_long {
        Err(AppError::Unauthenticated)
    } else {
        kefu_app::auth::start_session(
            &app,
            form.username.trim(),
            &form.password,
            &client.to_string(),
        )
        .await
    };
    match outcome {
        Ok(login) => {
            let ttl = app.config.token_ttl.as_secs();
            let secure = over_tls(&headers);
            let mut res = Redirect::to(&next).into_response();
            let h = res.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &login.token, Some(ttl), secure),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(LOGIN_COOKIE, "", None, secure),
            );
            Ok(res)
        }
        // Refused or locked: the form again, with the API's status for the
        // same fault (401, or 429 with Retry-After).
        Err(e @ (AppError::Unauthenticated | AppError::RateLimited { .. })) => {
            let error = match e {
                AppError::RateLimited { retry_after_secs } => {
                    t.n("login.rate_limited", retry_after_secs)
                }
                _ => t.t("login.failed").to_owned(),
            };
            let failure = Failure::from(e);
            let page = LoginPage {
                t,
                csrf: form.csrf.unwrap_or_default(),
                next,
                username: form.username,
                error: Some(error),
            };
            let mut res = (failure.status(), html(&page)).into_response();
            failure.add_headers(&mut res);
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(app): State<App>, v: Viewer, headers: HeaderMap) -> Response {
    if let Err(e) = kefu_app::auth::logout(&app, &v.actor).await {
        return PageError::from(e).into_response();
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", None, over_tls(&headers)),
    );
    res
}

/// `/lang/en`, `/lang/zh`: remembered for a year; back to the page the
/// switch was pressed on.
pub async fn language(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = super::i18n::Lang::from_code(&code);
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url_path(r, &headers))
        .unwrap_or_else(|| "/".to_owned());
    let mut res = Redirect::to(&back).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            lang.code(),
            Some(365 * 24 * 3600),
            over_tls(&headers),
        ),
    );
    res
}

/// The path of a referring URL on this same host.
fn url_path(referer: &str, headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path = rest.strip_prefix(host)?;
    Some(local_path(Some(path)))
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_follow_a_login() {
        assert_eq!(local_path(Some("/tickets/4")), "/tickets/4");
        assert_eq!(local_path(Some("//evil.example")), "/");
        assert_eq!(local_path(Some("https://evil.example")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
        for evil in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nLocation: //evil.example",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "/\u{0}",
        ] {
            assert_eq!(local_path(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(
            local_path(Some("/search?q=张伟")),
            "/search?q=%E5%BC%A0%E4%BC%9F"
        );
        assert_eq!(local_path(Some(&format!("/{}", "a".repeat(3000)))), "/");
    }
}
