//! The group's settings on the admin pages.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};
use serde_json::json;

use super::{Browser, form};
use crate::both;
use crate::helpers::{ADMIN_PASSWORD, TestApp};

/// A form posted as a browser without JavaScript posts it.
async fn submit(b: &Browser, path: &str, pairs: &[(&str, &str)]) -> (StatusCode, String, String) {
    let mut body: Vec<(&str, &str)> = pairs.to_vec();
    body.push(("csrf", &b.csrf));
    let res = b
        .client
        .post(format!("{}{path}", b.base))
        .header(COOKIE, &b.cookie)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&body))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let to = res
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, to, res.text().await.unwrap())
}

both!(an_admin_changes_the_groups_settings_on_its_page);
async fn an_admin_changes_the_groups_settings_on_its_page(t: TestApp) {
    let admin = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    let (s, page) = admin.get("/admin/group").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("data-testid=\"tab-group\""));
    assert!(page.contains("value=\"Asia/Shanghai\""), "{page}");
    assert!(page.contains("value=\"GD-\""), "{page}");

    let (s, _, page) = submit(
        &admin,
        "/admin/group",
        &[("timezone", "Asia/Peking"), ("number_prefix", "SH-")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("data-testid=\"error-timezone\""), "{page}");
    assert!(
        page.contains("value=\"Asia/Peking\""),
        "what was typed stays"
    );
    let (s, _, page) = submit(
        &admin,
        "/admin/group",
        &[("timezone", "Asia/Shanghai"), ("number_prefix", "<b>")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("data-testid=\"error-number_prefix\""),
        "{page}"
    );
    assert!(!page.contains("<b>"), "escaped");

    let (s, to, _) = submit(
        &admin,
        "/admin/group",
        &[("timezone", "Asia/Hong_Kong"), ("number_prefix", "HK-")],
    )
    .await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, "/admin/group?saved=1")
    );
    let (_, page) = admin.get(&to).await;
    assert!(page.contains("data-testid=\"saved\""));
    assert!(page.contains("value=\"Asia/Hong_Kong\""), "{page}");
    let (_, now) = t.get(&t.admin, "/api/v1/settings/group").await;
    assert_eq!(
        now,
        json!({"timezone": "Asia/Hong_Kong", "number_prefix": "HK-"})
    );

    t.user("li.manager", "manager", None, None).await;
    let manager = Browser::login(&t, "li.manager", "password-123").await;
    let (s, _) = manager.get("/admin/group").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, users) = manager.get("/admin/users").await;
    assert!(
        !users.contains("data-testid=\"tab-group\""),
        "no tab for it"
    );
    let (s, _, _) = submit(
        &manager,
        "/admin/group",
        &[("timezone", "UTC"), ("number_prefix", "X-")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
