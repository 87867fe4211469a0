//! One fault, one status: the API and the workbench pages answer the same
//! fault with the same status code.

use reqwest::header::{CONTENT_TYPE, COOKIE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::helpers::{ADMIN_PASSWORD, TestApp};
use crate::pages::{Browser, field, form, plain_client};

/// Post the workbench's login form as a browser would.
async fn page_login(t: &TestApp, username: &str, password: &str) -> reqwest::Response {
    let c = plain_client();
    let page = c.get(t.url("/login")).send().await.unwrap();
    let csrf = field(&page.text().await.unwrap(), "csrf").unwrap();
    c.post(t.url("/login"))
        .header(COOKIE, format!("kefu_login={csrf}"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&[
            ("username", username),
            ("password", password),
            ("csrf", &csrf),
        ]))
        .send()
        .await
        .unwrap()
}

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

both!(a_locked_login_is_429_on_the_login_form_and_the_api);
async fn a_locked_login_is_429_on_the_login_form_and_the_api(t: TestApp) {
    for _ in 0..5 {
        let res = page_login(&t, "admin", "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    // Locked: even the right password waits, on the form as on the API.
    let res = page_login(&t, "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&res);
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    let html = res.text().await.unwrap();
    assert!(html.contains("data-testid=\"login-error\""), "{html}");
    assert!(html.contains(&format!("{wait}")), "says how long: {html}");

    let res = t
        .client
        .post(t.url("/api/v1/auth/token"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&res) > 0);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");

    // Locked from the API, the form waits too.
    t.user("li.agent", "agent", None, None).await;
    for _ in 0..5 {
        let (s, _) = t
            .call(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"username": "li.agent", "password": "wrong-password"})),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let res = page_login(&t, "li.agent", "password-123").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&res) > 0);
}

both!(a_bad_enum_value_in_a_query_is_422_naming_the_field);
async fn a_bad_enum_value_in_a_query_is_422_naming_the_field(t: TestApp) {
    for (query, field) in [
        ("/api/v1/tickets?status=bogus", "status"),
        ("/api/v1/tickets?level=L9", "level"),
        ("/api/v1/customers?tier=Z", "tier"),
        ("/api/v1/users?role=boss", "role"),
        (
            "/api/v1/reports/overtime?from=2026-01-01&to=2026-02-01&group_by=colour",
            "group_by",
        ),
    ] {
        let (s, body) = t.get(&t.admin, query).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}: {body}");
    }
    for query in ["kind=planets", "kind=customers&format=doc"] {
        let res = t
            .client
            .post(t.url(&format!("/api/v1/imports?{query}")))
            .bearer_auth(&t.admin)
            .header(CONTENT_TYPE, "text/csv")
            .body("name,phone\n")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        let body: serde_json::Value = res.json().await.unwrap();
        let field = query.rsplit('&').next().unwrap().split('=').next().unwrap();
        assert_eq!(body["error"]["field"], field, "{query}: {body}");
    }
    // A value of the wrong type stays a malformed request (400), named.
    let (s, body) = t.get(&t.admin, "/api/v1/tickets?overdue=maybe").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "overdue");

    // The home page's queue filter: the same fault, the same status, the
    // field named in the viewer's words.
    let b = Browser::login_with(&t, "admin", ADMIN_PASSWORD, "en").await;
    let (s, html) = b.get("/?queue=bogus").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("Queue: not a queue to pick"), "{html}");
    let (s, _) = b.get("/?queue=d").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = b.get("/?queue=").await;
    assert_eq!(s, StatusCode::OK, "empty is every queue");
}

both!(a_page_refuses_a_malformed_query_as_the_api_does);
async fn a_page_refuses_a_malformed_query_as_the_api_does(t: TestApp) {
    let b = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    // Twice the same parameter is not a text: 400, as a page, not JSON.
    let (s, html) = b.get("/search?q=a&q=b").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("<html"), "{html}");
    let (s, body) = t.get(&t.admin, "/api/v1/customers?q=a&q=b").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "q");
    // An id that is not a number is a record no one has: 404 on both.
    let (s, html) = b.get("/tickets/abc").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("<html"), "a page, not JSON: {html}");
    let (s, _) = t.get(&t.admin, "/api/v1/tickets/abc").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
