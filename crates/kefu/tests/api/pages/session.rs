//! Logging in and out of the workbench, the language, CSRF and the headers
//! every page carries.

use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{Browser, form, plain_client, set_cookie};
use crate::both;
use crate::helpers::{ADMIN_PASSWORD, TestApp};

both!(a_visitor_is_sent_to_the_login_page);
async fn a_visitor_is_sent_to_the_login_page(t: TestApp) {
    let c = plain_client();
    let res = c.get(t.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/login");
    let res = c.get(t.url("/tickets/7")).send().await.unwrap();
    assert_eq!(res.headers()[LOCATION], "/login?next=%2Ftickets%2F7");
    // An htmx request is told where to go rather than given the login page.
    let res = c
        .get(t.url("/tickets/7"))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["hx-redirect"], "/login");
    // The live stream too is closed to visitors.
    let res = c.get(t.url("/events")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

both!(a_session_lives_in_a_strict_cookie_and_ends_on_logout);
async fn a_session_lives_in_a_strict_cookie_and_ends_on_logout(t: TestApp) {
    let b = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    let (status, home) = b.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("data-testid=\"home-title\""), "{home}");
    assert!(home.contains("工作台"), "Chinese by default");
    assert!(home.contains("<html lang=\"zh-CN\">"));

    // The cookie's flags, and Secure when the page came over TLS.
    let c = plain_client();
    let page = c
        .get(t.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let set = set_cookie(&page, "kefu_login").unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Secure"),
        "{set}"
    );
    let csrf = super::field(&page.text().await.unwrap(), "csrf").unwrap();
    let res = c
        .post(t.url("/login"))
        .header(COOKIE, format!("kefu_login={csrf}"))
        .header("x-forwarded-proto", "https")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&[
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
            ("csrf", &csrf),
        ]))
        .send()
        .await
        .unwrap();
    let session = set_cookie(&res, "kefu_session").unwrap();
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(session.contains("Secure"), "{session}");
    assert!(session.contains("Max-Age=43200"), "twelve hours: {session}");

    // Logging out ends the session on the server, not only in the browser.
    let (status, _) = b
        .send(Method::POST, "/logout", &[("csrf", &b.csrf)], None, false)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let res = plain_client()
        .get(t.url("/"))
        .header(COOKIE, &b.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
}

both!(a_wrong_password_or_a_disabled_user_gets_no_session);
async fn a_wrong_password_or_a_disabled_user_gets_no_session(t: TestApp) {
    let (id, _) = t.user("li_agent", "agent", None, None).await;
    let c = plain_client();
    let page = c.get(t.url("/login")).send().await.unwrap();
    let csrf = super::field(&page.text().await.unwrap(), "csrf").unwrap();
    let res = c
        .post(t.url("/login"))
        .header(COOKIE, format!("kefu_login={csrf}"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&[
            ("username", "li_agent"),
            ("password", "wrong-one"),
            ("csrf", &csrf),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(set_cookie(&res, "kefu_session").is_none());
    let html = res.text().await.unwrap();
    assert!(html.contains("data-testid=\"login-error\""), "{html}");
    assert!(
        html.contains("value=\"li_agent\""),
        "the username stays filled in"
    );

    // A live session ends the moment its user is disabled.
    let b = Browser::login(&t, "li_agent", "password-123").await;
    assert_eq!(b.get("/").await.0, StatusCode::OK);
    let (status, _) = t
        .patch(
            &t.admin,
            &format!("/api/v1/users/{id}"),
            json!({"active": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(b.get("/").await.0, StatusCode::SEE_OTHER);
}

both!(forms_without_the_csrf_token_are_refused);
async fn forms_without_the_csrf_token_are_refused(t: TestApp) {
    // The login form: its token must match its cookie.
    let c = plain_client();
    let res = c
        .post(t.url("/login"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&[("username", "admin"), ("password", ADMIN_PASSWORD)]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&res, "kefu_session").is_none());
    let res = c
        .post(t.url("/login"))
        .header(COOKIE, "kefu_login=aaaa")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&[
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
            ("csrf", "bbbb"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A move: without the token nothing is written; with it, it is.
    let agent = t.user("zhang", "agent", None, None).await.1;
    let customer = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "王芳", "phone": "13800001111"}),
        )
        .await;
    let order = t
        .create(
            &agent,
            "/api/v1/tickets",
            json!({"customer_id": customer, "channel": "phone", "category": "inquiry", "subject": "保养预约"}),
        )
        .await;
    let b = Browser::login(&t, "zhang", "password-123").await;
    let path = format!("/tickets/{order}/note");
    let note = [("body", "客户改约周六")];
    let (status, _) = b.send(Method::POST, &path, &note, None, true).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = b
        .send(Method::POST, &path, &note, Some("not-the-token"), true)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let events = |v: serde_json::Value| v["items"].as_array().unwrap().len();
    let (_, before) = t
        .get(&agent, &format!("/api/v1/tickets/{order}/events"))
        .await;
    assert_eq!(events(before), 1, "only its creation");
    let (status, part) = b.htmx(&path, &note).await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert!(
        part.contains("客户改约周六"),
        "the updated order comes back: {part}"
    );
    let (_, after) = t
        .get(&agent, &format!("/api/v1/tickets/{order}/events"))
        .await;
    assert_eq!(events(after), 2);
    // The token may also come as the form field.
    let mut with_field = note.to_vec();
    with_field.push(("csrf", &b.csrf));
    let (status, _) = b.send(Method::POST, &path, &with_field, None, false).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

both!(the_language_is_chosen_and_remembered);
async fn the_language_is_chosen_and_remembered(t: TestApp) {
    let c = plain_client();
    let res = c
        .get(t.url("/lang/en"))
        .header("referer", format!("{}/login", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[LOCATION],
        "/login",
        "back where the switch was pressed"
    );
    let set = set_cookie(&res, "kefu_lang").unwrap();
    assert!(
        set.starts_with("kefu_lang=en;") && set.contains("Max-Age=31536000"),
        "{set}"
    );
    // A referer on another site does not send the person there.
    let res = c
        .get(t.url("/lang/zh"))
        .header("referer", "https://evil.example/x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[LOCATION], "/");

    let b = Browser::login_with(&t, "admin", ADMIN_PASSWORD, "en").await;
    let (_, home) = b.get("/").await;
    assert!(home.contains("<html lang=\"en\">"), "{home}");
    assert!(home.contains(">Workbench</h1>"), "{home}");
    assert!(!home.contains("工作台"));
}

both!(every_page_forbids_inline_script);
async fn every_page_forbids_inline_script(t: TestApp) {
    let c = plain_client();
    for path in ["/login", "/", "/assets/kefu.js"] {
        let res = c.get(t.url(path)).send().await.unwrap();
        let csp = res.headers()[CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    }
    let b = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    let (_, home) = b.get("/").await;
    assert!(!home.contains("<script>"), "no inline script on the page");
    let res = c
        .get(t.url("/assets/vendor/htmx.min.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(
        c.get(t.url("/assets/nothing.js"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

both!(a_session_expires_after_its_lifetime);
async fn a_session_expires_after_its_lifetime(t: TestApp) {
    let b = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    t.app
        .clock
        .advance(std::time::Duration::from_secs(12 * 3600 - 60));
    assert_eq!(
        b.get("/").await.0,
        StatusCode::OK,
        "still within twelve hours"
    );
    t.app.clock.advance(std::time::Duration::from_secs(61));
    assert_eq!(
        b.get("/").await.0,
        StatusCode::SEE_OTHER,
        "sent to the login page"
    );
}

both!(only_a_path_of_this_site_follows_a_login);
async fn only_a_path_of_this_site_follows_a_login(t: TestApp) {
    let c = plain_client();
    let cases = [
        ("/\t/evil.example", "/"),
        ("/%09/evil.example", "/%09/evil.example"),
        ("/\r\nSet-Cookie: a=b", "/"),
        ("/\n/evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/customers?q=张伟", "/customers?q=%E5%BC%A0%E4%BC%9F"),
        ("/tickets/7", "/tickets/7"),
    ];
    for (next, to) in cases {
        // The login page keeps only a local `next` in its form.
        let page = c
            .get(t.url(&format!("/login?{}", form(&[("next", next)]))))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{next:?}");
        let csrf = super::field(&page.text().await.unwrap(), "csrf").unwrap();
        let res = c
            .post(t.url("/login"))
            .header(COOKIE, format!("kefu_login={csrf}"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("csrf", &csrf),
                ("next", next),
            ]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(res.headers()[LOCATION], to, "{next:?}");
    }
}
