//! New orders, and orders moved to another place, are planned from policies
//! kept in memory; a policy changed through this server, or through another
//! one on the same PostgreSQL database, counts from the very next order and
//! the very next move.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{self, Place, TestApp};

async fn customer(t: &TestApp) -> i64 {
    t.create(
        &t.admin,
        "/api/v1/customers",
        json!({"name": "张伟", "phone": "13812345678"}),
    )
    .await
}

async fn open(t: &TestApp, customer: i64) -> Value {
    let (s, body) = t
        .post(
            &t.admin,
            "/api/v1/tickets",
            json!({"customer_id": customer, "channel": "phone",
                   "category": "inquiry", "subject": "保养预约"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    body
}

/// Dispatch `order` to `dealer` as the admin; the order as it is after.
async fn dispatch(t: &TestApp, order: &Value, dealer: i64) -> Value {
    let id = order["id"].as_i64().unwrap();
    let (s, body) = t
        .post(
            &t.admin,
            &format!("/api/v1/tickets/{id}/dispatch"),
            json!({"dealer_id": dealer}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body
}

/// The minutes of the running clocks of `kind` (a move stops the old ones).
fn running(order: &Value, kind: &str) -> Vec<i64> {
    order["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == kind && c["stopped_at"].is_null())
        .map(|c| c["minutes"].as_i64().unwrap())
        .collect()
}

fn minutes(order: &Value, kind: &str) -> Option<i64> {
    order["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .map(|c| c["minutes"].as_i64().unwrap())
}

both!(a_policy_changed_counts_from_the_next_order);
async fn a_policy_changed_counts_from_the_next_order(t: TestApp) {
    let c = customer(&t).await;
    let before = open(&t, c).await;
    assert_eq!(before["policy_id"], Value::Null, "no policy for L1 yet");

    let policy = t
        .create(
            &t.admin,
            "/api/v1/sla-policies",
            json!({"name": "受理", "rank": 1, "match": {"levels": ["L1"]}, "response_minutes": 30}),
        )
        .await;
    let after = open(&t, c).await;
    assert_eq!(after["policy_id"], policy);
    assert_eq!(minutes(&after, "response"), Some(30));

    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/sla-policies/{policy}"),
            json!({"name": "受理", "rank": 1, "match": {"levels": ["L1"]}, "response_minutes": 15}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(minutes(&open(&t, c).await, "response"), Some(15));

    // A move plans from the settings as they are when it is made.
    let dealer = t.dealer("SH001").await;
    let order = open(&t, c).await;
    let at_dealer = t
        .create(
            &t.admin,
            "/api/v1/sla-policies",
            json!({"name": "门店", "rank": 2, "match": {"levels": ["L2"]}, "response_minutes": 45}),
        )
        .await;
    let moved = dispatch(&t, &order, dealer).await;
    assert_eq!(moved["policy_id"], at_dealer);
    assert_eq!(running(&moved, "response"), [45], "{moved}");

    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/sla-policies/{policy}"),
            json!({"name": "受理", "rank": 1, "match": {"levels": ["L1"]}, "response_minutes": 15,
                   "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        open(&t, c).await["policy_id"],
        Value::Null,
        "an inactive policy no longer applies"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_changed_through_another_server_counts_from_the_next_order() {
    if helpers::pg_url().is_none() {
        return;
    }
    let url = helpers::fresh_pg_schema().await;
    let clock = kefu_app::Clock::manual(chrono::Utc::now());
    let a = TestApp::start(Place::Url(url.clone()), Default::default(), clock.clone()).await;
    let b = TestApp::start(Place::Url(url), Default::default(), clock).await;
    let c = customer(&a).await;
    assert_eq!(
        open(&b, c).await["policy_id"],
        Value::Null,
        "B has read the policies"
    );

    let policy = a
        .create(
            &a.admin,
            "/api/v1/sla-policies",
            json!({"name": "受理", "rank": 1, "match": {"levels": ["L1"]}, "response_minutes": 30}),
        )
        .await;
    let on_b = open(&b, c).await;
    assert_eq!(on_b["policy_id"], policy, "B sees A's new policy at once");
    assert_eq!(minutes(&on_b, "response"), Some(30));

    a.patch(
        &a.admin,
        &format!("/api/v1/sla-policies/{policy}"),
        json!({"name": "受理", "rank": 1, "match": {"levels": ["L1"]}, "response_minutes": 20}),
    )
    .await;
    assert_eq!(minutes(&open(&b, c).await, "response"), Some(20));

    // B planned a move from its copy of version n; A changes the policy,
    // and B's next move plans from the change.
    let dealer = a.dealer("SH001").await;
    a.patch(
        &a.admin,
        &format!("/api/v1/sla-policies/{policy}"),
        json!({"name": "受理", "rank": 1, "match": {"levels": ["L1", "L2"]}, "response_minutes": 20}),
    )
    .await;
    let first = dispatch(&b, &open(&b, c).await, dealer).await;
    assert_eq!(first["policy_id"], policy, "{first}");
    a.patch(
        &a.admin,
        &format!("/api/v1/sla-policies/{policy}"),
        json!({"name": "受理", "rank": 1, "match": {"levels": ["L1", "L2"]}, "response_minutes": 25}),
    )
    .await;
    let second = dispatch(&b, &open(&b, c).await, dealer).await;
    assert_eq!(running(&first, "response"), [20], "{first}");
    assert_eq!(running(&second, "response"), [25], "{second}");
}
