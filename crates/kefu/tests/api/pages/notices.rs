//! The bell: the count of unread notifications, the list, marking read.

use reqwest::StatusCode;
use serde_json::json;

use super::Browser;
use crate::both;
use crate::helpers::TestApp;

fn unread(html: &str) -> String {
    let at = html.find("data-testid=\"unread-count\">").expect("a bell");
    let rest = &html[at + 27..];
    rest[..rest.find('<').unwrap()].to_owned()
}

both!(an_assignment_rings_the_bell_until_it_is_read);
async fn an_assignment_rings_the_bell_until_it_is_read(t: TestApp) {
    let dealer = t.dealer("SH01").await;
    let (_, agent) = t.user("agent", "agent", None, None).await;
    let (_, staff) = t.user("staff", "dealer_staff", Some(dealer), None).await;
    let (worker, _) = t.user("worker", "dealer_staff", Some(dealer), None).await;
    let customer = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "周敏", "phone": "13800007777", "dealer_id": dealer}),
        )
        .await;
    let id = t
        .create(
            &agent,
            "/api/v1/tickets",
            json!({"customer_id": customer, "channel": "phone", "category": "repair", "subject": "异响复查"}),
        )
        .await;
    let (status, _) = t
        .post(
            &agent,
            &format!("/api/v1/tickets/{id}/dispatch"),
            json!({"dealer_id": dealer}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = t
        .post(
            &staff,
            &format!("/api/v1/tickets/{id}/assign"),
            json!({"user_id": worker}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let b = Browser::login(&t, "worker", "password-123").await;
    let (_, home) = b.get("/").await;
    assert_eq!(unread(&home), "1");
    let (status, page) = b.get("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-unread=\"true\""), "{page}");
    assert!(page.contains(&format!("href=\"/tickets/{id}\"")));
    let (_, list) = t
        .get(
            &t.login("worker", "password-123").await,
            "/api/v1/notifications",
        )
        .await;
    let notice = list["items"][0]["id"].as_i64().unwrap();

    // Someone else cannot mark it.
    let other = Browser::login(&t, "staff", "password-123").await;
    let (status, _) = other
        .htmx(&format!("/notifications/{notice}/read"), &[])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, row) = b.htmx(&format!("/notifications/{notice}/read"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{row}");
    assert!(row.contains("data-unread=\"false\""), "{row}");
    assert_eq!(unread(&b.get("/").await.1), "0");
}
