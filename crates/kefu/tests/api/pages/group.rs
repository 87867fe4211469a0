//! The group's settings on the admin pages, and times shown where they
//! belong: a dealer's order in the dealer's time zone, the centre's
//! workbench in the group's.

use chrono::{DateTime, Utc};
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

fn shown(at: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

both!(times_are_shown_in_the_zone_of_the_place_they_belong_to);
async fn times_are_shown_in_the_zone_of_the_place_they_belong_to(t: TestApp) {
    t.patch(
        &t.admin,
        "/api/v1/settings/group",
        json!({"timezone": "Pacific/Auckland"}),
    )
    .await;
    let ny = t
        .create(
            &t.admin,
            "/api/v1/dealers",
            json!({"code": "NY01", "name": "纽约店", "timezone": "America/New_York"}),
        )
        .await;
    let c = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "陈静", "phone": "13712345678", "dealer_id": ny}),
        )
        .await;
    let order = t
        .create(
            &t.admin,
            "/api/v1/tickets",
            json!({"customer_id": c, "channel": "phone", "category": "inquiry",
                   "subject": "保养预约"}),
        )
        .await;
    let (_, o) = t.get(&t.admin, &format!("/api/v1/tickets/{order}")).await;
    let received: DateTime<Utc> = o["received_at"].as_str().unwrap().parse().unwrap();
    let in_ny = shown(received, chrono_tz::America::New_York);
    let in_auckland = shown(received, chrono_tz::Pacific::Auckland);
    assert_ne!(in_ny, in_auckland);

    let admin = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    let (_, page) = admin.get(&format!("/tickets/{order}")).await;
    assert!(
        page.contains(&in_ny),
        "the dealer's order, in New York: {page}"
    );
    let (_, home) = admin.get("/").await;
    assert!(
        home.contains(&in_auckland),
        "the centre, in the group's zone"
    );
    assert!(!home.contains(&in_ny));

    t.user("zhao.store", "dealer_staff", Some(ny), None).await;
    let store = Browser::login(&t, "zhao.store", "password-123").await;
    let (_, home) = store.get("/").await;
    assert!(home.contains(&in_ny), "the dealer's own staff, in New York");
    let (_, card) = store.get(&format!("/customers/{c}")).await;
    assert!(card.contains(&in_ny), "the dealer's customer, in New York");
}
