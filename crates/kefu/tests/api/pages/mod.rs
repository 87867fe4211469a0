//! The workbench's pages over HTTP, as a browser without JavaScript sees
//! them: sessions, CSRF, headers, escaping, queues and moves. (The pages'
//! behaviour in a real browser is tested in `e2e/`.)

mod admin;
mod customers_input;
mod group;
mod notices;
mod orders;
mod pop;
mod search;
mod session;

use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};

use crate::helpers::TestApp;

/// A browser's view of one logged-in person: the session cookie and the
/// page's CSRF token.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
    pub cookie: String,
    pub csrf: String,
}

/// A client that shows redirects instead of following them.
pub fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of a cookie the response sets.
pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn cookie_value(set: &str) -> String {
    set.split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default()
}

/// The value of the first `name="…" value="…"` field on a page.
pub fn field(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let v = rest.find("value=\"")?;
    let rest = &rest[v + 7..];
    Some(rest[..rest.find('"')?].to_owned())
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

impl Browser {
    /// Log in through the login form, as a person would.
    pub async fn login(t: &TestApp, username: &str, password: &str) -> Browser {
        Self::login_with(t, username, password, "").await
    }

    pub async fn login_with(t: &TestApp, username: &str, password: &str, lang: &str) -> Browser {
        let client = plain_client();
        let lang_cookie = if lang.is_empty() {
            String::new()
        } else {
            format!("kefu_lang={lang}; ")
        };
        let page = client
            .get(t.url("/login"))
            .header(COOKIE, lang_cookie.clone())
            .send()
            .await
            .unwrap();
        let login_cookie = cookie_value(&set_cookie(&page, "kefu_login").expect("a login cookie"));
        let html = page.text().await.unwrap();
        let csrf = field(&html, "csrf").expect("a csrf field on the login form");
        assert_eq!(csrf, login_cookie, "the form's token is the cookie's");
        let res = client
            .post(t.url("/login"))
            .header(COOKIE, format!("{lang_cookie}kefu_login={login_cookie}"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[
                ("username", username),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login {username}");
        let session = cookie_value(&set_cookie(&res, "kefu_session").expect("a session cookie"));
        let mut b = Browser {
            client,
            base: t.base.clone(),
            cookie: format!("{lang_cookie}kefu_session={session}"),
            csrf: String::new(),
        };
        let (_, home) = b.get("/").await;
        b.csrf = meta_csrf(&home).expect("a csrf-token meta on the home page");
        b
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// A form post as htmx sends it: the token in the header.
    pub async fn htmx(&self, path: &str, pairs: &[(&str, &str)]) -> (StatusCode, String) {
        self.send(Method::POST, path, pairs, Some(&self.csrf), true)
            .await
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        pairs: &[(&str, &str)],
        token: Option<&str>,
        htmx: bool,
    ) -> (StatusCode, String) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(pairs));
        if let Some(token) = token {
            req = req.header("x-csrf-token", token);
        }
        if htmx {
            req = req.header("hx-request", "true");
        }
        let res = req.send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }
}

pub fn meta_csrf(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf-token\" content=\"")?;
    let rest = &html[at + 27..];
    Some(rest[..rest.find('"')?].to_owned())
}
