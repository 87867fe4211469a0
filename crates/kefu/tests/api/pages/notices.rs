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
    assert_eq!(
        unread(&home),
        "2",
        "the dispatch to their dealer, then the assignment"
    );
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
    assert_eq!(list["items"][0]["kind"], "assigned");
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
    assert_eq!(unread(&b.get("/").await.1), "1");
}

/// The `data-severity` of each notice on the page, newest first.
fn severities(html: &str) -> Vec<&str> {
    html.split("data-severity=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

both!(a_notice_says_what_happened_to_which_order_and_how_late);
async fn a_notice_says_what_happened_to_which_order_and_how_late(t: TestApp) {
    let dealer = t.dealer("SH01").await;
    let quality = t.department("quality").await;
    let (_, agent) = t.user("agent", "agent", None, None).await;
    let (staff_id, _) = t.user("staff", "dealer_staff", Some(dealer), None).await;
    let (liaison_id, _) = t.user("liaison", "liaison", None, Some(quality)).await;
    let (s, _) = t
        .patch(
            &t.admin,
            &format!("/api/v1/departments/{quality}"),
            json!({"liaison_ids": [liaison_id]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let customer = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "周敏", "phone": "13800007777", "dealer_id": dealer}),
        )
        .await;
    let order = |subject: &'static str| {
        let (t, agent) = (&t, &agent);
        async move {
            t.create(
                agent,
                "/api/v1/tickets",
                json!({"customer_id": customer, "channel": "phone", "category": "complaint", "subject": subject}),
            )
            .await
        }
    };
    let to_dealer = order("刹车异响").await;
    let to_dept = order("质量投诉").await;
    let (s, _) = t
        .post(
            &agent,
            &format!("/api/v1/tickets/{to_dealer}/dispatch"),
            json!({"dealer_id": dealer}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t
        .post(
            &agent,
            &format!("/api/v1/tickets/{to_dept}/escalate"),
            json!({"department_id": quality}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // The dealer hears of the dispatch, the liaison of the escalation; the
    // agent who made them hears of neither.
    let staff = t.login("staff", "password-123").await;
    let (_, list) = t.get(&staff, "/api/v1/notifications").await;
    assert_eq!(list["items"][0]["kind"], "dispatched");
    assert_eq!(list["items"][0]["ticket_id"], to_dealer);
    assert_eq!(list["items"][0]["ticket"]["subject"], "刹车异响");
    assert_eq!(list["items"][0]["ticket"]["customer"], "周敏");
    let liaison = t.login("liaison", "password-123").await;
    let (_, list) = t.get(&liaison, "/api/v1/notifications").await;
    assert_eq!(list["items"][0]["kind"], "escalated");
    let (_, list) = t.get(&agent, "/api/v1/notifications").await;
    assert_eq!(list["items"], json!([]));

    // Four working hours and more later the dealer's response is late.
    t.app
        .clock
        .advance(std::time::Duration::from_secs(5 * 24 * 3600));
    kefu_app::timers::run_due(&t.app, t.app.now())
        .await
        .expect("the scheduler");
    let b = Browser::login(&t, "staff", "password-123").await;
    let (_, page) = b.get("/notifications").await;
    let sev = severities(&page);
    assert_eq!(sev.first(), Some(&"bad"), "a breach is red: {page}");
    assert_eq!(sev.last(), Some(&"info"), "the dispatch is not: {page}");
    assert!(page.contains("已超时"), "{page}");
    assert!(page.contains("响应"), "which clock: {page}");
    assert!(page.contains("超时 "), "by how much: {page}");
    assert!(page.contains("刹车异响") && page.contains("周敏"), "{page}");
    assert!(page.contains(&format!("href=\"/tickets/{to_dealer}\"")));
    let _ = staff_id;
}
