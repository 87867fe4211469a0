//! Webhooks: a clock's breach reaches a receiving server as a signed POST,
//! failures are retried, WeCom robots get their own message shape.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode as AxumStatus};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::TestApp;
use kefu_app::AppConfig;

/// Receivers in these tests listen on this machine, which webhooks may
/// reach only when an admin allows it.
fn local_receivers() -> AppConfig {
    AppConfig {
        webhook_allowed_hosts: vec!["127.0.0.1".into(), "localhost".into()],
        ..AppConfig::default()
    }
}

/// What the receiver saw: headers and body of each POST.
type Seen = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver on a free port; it answers 500 to the first `fail_first` posts.
async fn receiver(fail_first: usize) -> (String, Seen) {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let mut all = log.lock().unwrap();
                all.push((headers, body));
                if all.len() <= fail_first {
                    AxumStatus::INTERNAL_SERVER_ERROR
                } else {
                    AxumStatus::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

/// An order escalated to a round-the-clock department whose 2-hour response
/// target has passed; returns its number once the breach has fired.
async fn breach(t: &TestApp) -> String {
    let day = json!([["00:00", "24:00"]]);
    let cal = t
        .create(&t.admin, "/api/v1/calendars", json!({"name": "7x24", "timezone": "Asia/Shanghai", "public_holidays": null,
            "weekly": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day}}))
        .await;
    let dept = t.department("quality").await;
    t.patch(
        &t.admin,
        &format!("/api/v1/departments/{dept}"),
        json!({"calendar_id": cal}),
    )
    .await;
    let customer = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678"}),
        )
        .await;
    let id = t
        .create(
            &t.admin,
            "/api/v1/tickets",
            json!({"customer_id": customer, "channel": "phone",
            "category": "complaint", "subject": "异响"}),
        )
        .await;
    let (s, r) = t
        .post(
            &t.admin,
            &format!("/api/v1/tickets/{id}/escalate"),
            json!({"department_id": dept}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    t.app.clock.advance(Duration::from_secs(3 * 3600));
    assert_eq!(
        kefu_app::timers::run_due(&t.app, t.app.now())
            .await
            .unwrap(),
        1
    );
    r["number"].as_str().unwrap().to_owned()
}

async fn deliver(t: &TestApp) -> usize {
    let client = kefu_app::webhooks::client(&t.app).unwrap();
    kefu_app::webhooks::deliver_due(&t.app, &client, t.app.now())
        .await
        .unwrap()
}

both!(
    a_breach_is_posted_signed_and_retried_until_it_lands,
    super::local_receivers()
);
async fn a_breach_is_posted_signed_and_retried_until_it_lands(t: TestApp) {
    let (url, seen) = receiver(1).await;
    let secret = "a-shared-secret-of-the-dealer-system";
    let (s, hook) = t
        .post(
            &t.admin,
            "/api/v1/webhooks",
            json!({"name": "DMS", "url": url, "secret": secret}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{hook}");
    assert_eq!(hook["secret"], secret, "shown once, on create");
    let number = breach(&t).await;

    assert_eq!(deliver(&t).await, 1);
    let id = hook["id"].as_i64().unwrap();
    let (_, d) = t
        .get(&t.admin, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(d["items"][0]["attempts"], 1);
    assert_eq!(
        d["items"][0]["last_error"],
        "the receiver answered 500 Internal Server Error"
    );
    assert!(d["items"][0]["delivered_at"].is_null());
    assert_eq!(deliver(&t).await, 0, "the retry waits a minute");
    t.app.clock.advance(Duration::from_secs(61));
    assert_eq!(deliver(&t).await, 1);
    let (_, d) = t
        .get(&t.admin, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(d["items"][0]["attempts"], 2);
    assert!(!d["items"][0]["delivered_at"].is_null());
    assert!(d["items"][0]["next_at"].is_null());
    assert_eq!(deliver(&t).await, 0, "delivered once");

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    let (headers, body) = &seen[1];
    assert_eq!(headers["x-kefu-event"], "sla_breach");
    assert_eq!(
        headers["x-kefu-signature"].to_str().unwrap(),
        kefu_app::webhooks::signature(secret, body.as_bytes()),
        "HMAC-SHA256 of the body under the secret"
    );
    assert_ne!(
        headers["x-kefu-signature"].to_str().unwrap(),
        kefu_app::webhooks::signature("wrong-secret-000000", body.as_bytes())
    );
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["event"], "sla_breach");
    assert_eq!(body["ticket"]["number"], number.as_str());
    assert_eq!(body["data"]["clock"], "response");
    let (_, list) = t.get(&t.admin, "/api/v1/webhooks").await;
    assert!(
        list["items"][0].get("secret").is_none(),
        "never listed: {list}"
    );
}

both!(
    wecom_robots_get_a_markdown_message_and_only_what_they_asked_for,
    super::local_receivers()
);
async fn wecom_robots_get_a_markdown_message_and_only_what_they_asked_for(t: TestApp) {
    let (url, seen) = receiver(0).await;
    let (s, _) = t
        .post(
            &t.admin,
            "/api/v1/webhooks",
            json!({"name": "质量群", "url": url, "format": "wecom", "kinds": ["sla_breach"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, off) = t
        .post(
            &t.admin,
            "/api/v1/webhooks",
            json!({"name": "warnings only", "url": url, "kinds": ["sla_warning"]}),
        )
        .await;
    let (_, paused) = t
        .post(
            &t.admin,
            "/api/v1/webhooks",
            json!({"name": "paused", "url": url}),
        )
        .await;
    let (s, _) = t
        .patch(
            &t.admin,
            &format!("/api/v1/webhooks/{}", paused["id"]),
            json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let number = breach(&t).await;
    assert_eq!(deliver(&t).await, 1, "only the WeCom robot wants breaches");
    let seen = seen.lock().unwrap().clone();
    let body: Value = serde_json::from_str(&seen[0].1).unwrap();
    assert_eq!(body["msgtype"], "markdown");
    let content = body["markdown"]["content"].as_str().unwrap();
    assert!(
        content.contains(&number) && content.contains("已超时"),
        "{content}"
    );
    let _ = off;
}

both!(webhooks_are_for_admins_and_validated);
async fn webhooks_are_for_admins_and_validated(t: TestApp) {
    let (_, manager) = t.user("wang.mgr", "manager", None, None).await;
    let good = json!({"name": "DMS", "url": "https://dms.example.com/kefu"});
    let (s, _) = t.post(&manager, "/api/v1/webhooks", good.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for (patch, field) in [
        (json!({"url": "ftp://x"}), "url"),
        (json!({"secret": "short"}), "secret"),
        (json!({"format": "slack"}), "format"),
        (json!({"kinds": ["birthday"]}), "kinds[0]"),
        (json!({"name": ""}), "name"),
    ] {
        let mut body = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, res) = t.post(&t.admin, "/api/v1/webhooks", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {res}");
        assert_eq!(res["error"]["field"], field);
    }
    let (s, created) = t.post(&t.admin, "/api/v1/webhooks", good).await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(
        created["secret"].as_str().unwrap().len() >= 16,
        "a secret is generated"
    );
}

both!(webhooks_are_never_pointed_inside_the_network);
async fn webhooks_are_never_pointed_inside_the_network(t: TestApp) {
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:5432/",
        "http://[::1]:8080/hook",
        "http://10.0.0.8/hook",
        "http://[::ffff:192.168.1.1]/hook",
        "http://localhost:8080/hook",
    ] {
        let (s, res) = t
            .post(
                &t.admin,
                "/api/v1/webhooks",
                json!({"name": "inside", "url": url}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{url} -> {res}");
        assert_eq!(res["error"]["field"], "url", "{url}");
        assert_eq!(res["error"]["code"], "internal_address", "{url}");
        assert!(
            res["error"]["message"]
                .as_str()
                .unwrap()
                .contains("allowed_hosts"),
            "says how to allow it: {res}"
        );
    }
    let (_, list) = t.get(&t.admin, "/api/v1/webhooks").await;
    assert_eq!(list["items"], json!([]), "nothing half-saved");
}

// A webhook saved while its host was allowed, and kefu restarted without:
// its deliveries are refused at sending, by address and by name.
both!(
    deliveries_inside_the_network_are_refused_when_sent,
    super::local_receivers()
);
async fn deliveries_inside_the_network_are_refused_when_sent(t: TestApp) {
    let (url, seen) = receiver(0).await;
    let by_name = url.replace("127.0.0.1", "localhost");
    let mut ids = Vec::new();
    for url in [&url, &by_name] {
        let (s, hook) = t
            .post(
                &t.admin,
                "/api/v1/webhooks",
                json!({"name": "DMS", "url": url}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{hook}");
        ids.push(hook["id"].as_i64().unwrap());
    }
    let token = t.admin.clone();
    let clock = t.app.clock.clone();
    let (place, dir) = t.stop().await;
    let t = TestApp::start(place, AppConfig::default(), clock).await;
    breach(&t).await;
    assert_eq!(deliver(&t).await, 2);
    for id in ids {
        let (_, d) = t
            .get(&token, &format!("/api/v1/webhooks/{id}/deliveries"))
            .await;
        let error = d["items"][0]["last_error"].as_str().unwrap_or_default();
        assert!(error.contains("inside the network"), "{id}: {d}");
        assert!(d["items"][0]["delivered_at"].is_null());
    }
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing reached the receiver"
    );
    drop(dir);
}
