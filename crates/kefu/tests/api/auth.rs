//! Login, tokens, expiry, revocation, disabled users, rate limits, restarts.

use std::time::Duration;

use kefu_app::AppConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::helpers::{Db, TestApp};

both!(login_gives_a_token_that_opens_the_api);
async fn login_gives_a_token_that_opens_the_api(t: TestApp) {
    let (s, body) = t
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "admin", "password": crate::helpers::ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(body["token"].as_str().unwrap().starts_with("kefu_"));
    let expires =
        chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).unwrap();
    let hours = (expires.timestamp() - t.app.now().timestamp()) / 3600;
    assert_eq!(hours, 12);
    assert!(!body.to_string().contains("argon2"), "no hash in {body}");
    let (s, _) = t
        .get(body["token"].as_str().unwrap(), "/api/v1/dealers")
        .await;
    assert_eq!(s, StatusCode::OK);
}

both!(wrong_or_missing_credentials_are_401);
async fn wrong_or_missing_credentials_are_401(t: TestApp) {
    let (s, body) = t
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "admin", "password": "nope-nope"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
    let (s, _) = t
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "ghost", "password": "whatever1"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, body) = t.call(Method::GET, "/api/v1/customers", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
    let (s, _) = t.get("kefu_not_a_real_token", "/api/v1/customers").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

both!(logout_revokes_the_token);
async fn logout_revokes_the_token(t: TestApp) {
    let token = t.login("admin", crate::helpers::ADMIN_PASSWORD).await;
    let (s, _) = t
        .call(Method::DELETE, "/api/v1/auth/token", Some(&token), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = t.get(&token, "/api/v1/dealers").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Other tokens of the same user still work.
    let (s, _) = t.get(&t.admin, "/api/v1/dealers").await;
    assert_eq!(s, StatusCode::OK);
}

both!(tokens_expire);
async fn tokens_expire(t: TestApp) {
    let (s, _) = t.get(&t.admin, "/api/v1/dealers").await;
    assert_eq!(s, StatusCode::OK);
    t.app.clock.advance(Duration::from_secs(12 * 3600 - 60));
    let (s, _) = t.get(&t.admin, "/api/v1/dealers").await;
    assert_eq!(s, StatusCode::OK, "still valid a minute before expiry");
    t.app.clock.advance(Duration::from_secs(61));
    let (s, _) = t.get(&t.admin, "/api/v1/dealers").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

both!(disabled_users_cannot_log_in_and_lose_their_tokens);
async fn disabled_users_cannot_log_in_and_lose_their_tokens(t: TestApp) {
    let (id, token) = t.user("zhang.agent", "agent", None, None).await;
    let (s, _) = t.get(&token, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/users/{id}"),
            json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["active"], false);
    let (s, _) = t.get(&token, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = t
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "zhang.agent", "password": "password-123"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Re-enabled, they log in again; the old token stays dead.
    t.patch(
        &t.admin,
        &format!("/api/v1/users/{id}"),
        json!({"active": true}),
    )
    .await;
    t.login("zhang.agent", "password-123").await;
    let (s, _) = t.get(&token, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

both!(a_new_password_ends_every_other_token_and_session);
async fn a_new_password_ends_every_other_token_and_session(t: TestApp) {
    let (id, token) = t.user("zhang.agent", "agent", None, None).await;
    let second = t.login("zhang.agent", "password-123").await;
    let session = crate::pages::Browser::login(&t, "zhang.agent", "password-123").await;
    let (s, _) = session.get("/").await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/users/{id}"),
            json!({"password": "a-new-password-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    for old in [&token, &second] {
        let (s, _) = t.get(old, "/api/v1/customers").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "a token of the old password");
    }
    let (s, _) = session.get("/").await;
    assert_eq!(s, StatusCode::SEE_OTHER, "a session of the old password");
    t.login("zhang.agent", "a-new-password-1").await;

    // An admin who changes their own password keeps the token that did it,
    // and loses the others.
    let other = t.login("admin", crate::helpers::ADMIN_PASSWORD).await;
    let (_, me) = t.get(&t.admin, "/api/v1/users?role=admin").await;
    let me = me["items"][0]["id"].as_i64().unwrap();
    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/users/{me}"),
            json!({"password": "admin-new-password-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, _) = t.get(&t.admin, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::OK, "the token that made the change");
    let (s, _) = t.get(&other, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "another token of the admin");
}

both!(an_admin_cannot_disable_themself);
async fn an_admin_cannot_disable_themself(t: TestApp) {
    let (_, me) = t.get(&t.admin, "/api/v1/users?role=admin").await;
    let id = me["items"][0]["id"].as_i64().unwrap();
    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/users/{id}"),
            json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["field"], "active");
}

both!(repeated_failures_slow_down_the_name_from_that_address);
async fn repeated_failures_slow_down_the_name_from_that_address(t: TestApp) {
    let bad = json!({"username": "admin", "password": "wrong-password"});
    for _ in 0..5 {
        let (s, _) = t
            .call(Method::POST, "/api/v1/auth/token", None, Some(bad.clone()))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let res = t
        .client
        .post(t.url("/api/v1/auth/token"))
        .json(&json!({"username": "admin", "password": crate::helpers::ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // Another user from the same address is not locked out.
    t.user("li.agent", "agent", None, None).await;
    // After the window the right password works again.
    t.app.clock.advance(Duration::from_secs(15 * 60 + 1));
    t.login("admin", crate::helpers::ADMIN_PASSWORD).await;
}

/// Five wrong passwords for `admin` from one client, then the right one from
/// that client and from another, as a proxy at `127.0.0.1` reports them.
async fn right_password_after_failures(t: &TestApp, from: &str, other: &str) -> (u16, u16) {
    let attempt = |address: &str, password: &str| {
        t.client
            .post(t.url("/api/v1/auth/token"))
            .header("x-forwarded-for", format!("203.0.113.9, {address}"))
            .json(&json!({"username": "admin", "password": password}))
            .send()
    };
    for _ in 0..5 {
        let res = attempt(from, "wrong-password").await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let same = attempt(from, crate::helpers::ADMIN_PASSWORD).await.unwrap();
    let other = attempt(other, crate::helpers::ADMIN_PASSWORD)
        .await
        .unwrap();
    (same.status().as_u16(), other.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_lock_the_admin_out_from_behind_the_proxy() {
    let config = AppConfig {
        trusted_proxies: vec![kefu_core::net::AddrRange::parse("127.0.0.1").unwrap()],
        ..AppConfig::default()
    };
    let t = TestApp::spawn_with(Db::Sqlite, config).await.unwrap();
    let (same, other) = right_password_after_failures(&t, "10.0.0.1", "10.0.0.2").await;
    assert_eq!(same, 429, "the guessing client waits");
    assert_eq!(other, 200, "the admin at another desk logs in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_is_ignored_unless_the_proxy_is_trusted() {
    let t = TestApp::spawn_with(Db::Sqlite, AppConfig::default())
        .await
        .unwrap();
    let (same, other) = right_password_after_failures(&t, "10.0.0.1", "10.0.0.2").await;
    assert_eq!(same, 429);
    assert_eq!(other, 429, "a header anyone can write names no one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_are_rate_limited_per_address() {
    let config = AppConfig {
        login_failures_per_address: 4,
        ..AppConfig::default()
    };
    let t = TestApp::spawn_with(Db::Sqlite, config).await.unwrap();
    for i in 0..4 {
        let (s, _) = t
            .call(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"username": format!("guess{i}"), "password": "x-x-x-x-x"})),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, _) = t
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "admin", "password": crate::helpers::ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
}

both!(tokens_and_data_survive_a_restart);
async fn tokens_and_data_survive_a_restart(t: TestApp) {
    let dealer = t.dealer("SH001").await;
    let token = t.admin.clone();
    let clock = t.app.clock.clone();
    let (place, dir) = t.stop().await;
    let t2 = TestApp::start(place, AppConfig::default(), clock).await;
    let (s, body) = t2.get(&token, &format!("/api/v1/dealers/{dealer}")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["code"], "SH001");
    drop(dir);
}

// Tokens are kept in memory once verified; a change made through another
// kefu on the same database still ends access there.
both!(a_user_disabled_through_another_instance_loses_access_there_too);
async fn a_user_disabled_through_another_instance_loses_access_there_too(t: TestApp) {
    let (id, token) = t.user("li.agent", "agent", None, None).await;
    let other = TestApp::start(t.place.clone(), AppConfig::default(), t.app.clock.clone()).await;
    for _ in 0..3 {
        let (s, _) = other.get(&token, "/api/v1/customers").await;
        assert_eq!(s, StatusCode::OK, "verified, then kept");
    }
    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/users/{id}"),
            json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, _) = t.get(&token, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "at once where it was changed");
    let started = std::time::Instant::now();
    loop {
        let (s, _) = other.get(&token, "/api/v1/customers").await;
        if s == StatusCode::UNAUTHORIZED {
            break;
        }
        assert_eq!(s, StatusCode::OK);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the other instance still lets the disabled user in"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A new password, too: the other instance drops the old token.
    let (id2, token2) = t.user("wang.agent", "agent", None, None).await;
    let (s, _) = other.get(&token2, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t
        .patch(
            &t.admin,
            &format!("/api/v1/users/{id2}"),
            json!({"password": "a-new-password-2"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (s, _) = other.get(&token2, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    other.stop().await;
}
