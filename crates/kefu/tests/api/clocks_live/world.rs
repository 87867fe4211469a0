//! The group the live tests run in, and reading its events.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;

// ---------------------------------------------------------------------------
// The group: a round-the-clock department with a liaison, and a one-minute
// response target for every order escalated to a department.

pub(super) struct World {
    pub(super) admin: String,
    pub(super) quality: i64,
    pub(super) agent: String,
    pub(super) liaison: String,
    pub(super) manager: String,
    pub(super) customer: i64,
}

pub(super) async fn world(s: &Server) -> World {
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let day = json!([["00:00", "24:00"]]);
    let cal = s
        .create(&admin, "/api/v1/calendars", json!({"name": "7x24", "timezone": "Asia/Shanghai",
            "weekly": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day},
            "public_holidays": null}))
        .await;
    // Complaints: one minute, warned after 30 seconds. Other orders: two
    // minutes, warned after one.
    s.create(
        &admin,
        "/api/v1/sla-policies",
        json!({"name": "1分钟", "rank": 1, "match": {"levels": ["L3"], "categories": ["complaint"]},
               "response_minutes": 1, "warning_percent": 50}),
    )
    .await;
    s.create(
        &admin,
        "/api/v1/sla-policies",
        json!({"name": "2分钟", "rank": 2, "match": {"levels": ["L3"]},
               "response_minutes": 2, "warning_percent": 50}),
    )
    .await;
    let quality = s
        .create(
            &admin,
            "/api/v1/departments",
            json!({"code": "quality", "name": "质量部"}),
        )
        .await;
    let sh = s
        .create(
            &admin,
            "/api/v1/dealers",
            json!({"code": "SH001", "name": "上海浦东店"}),
        )
        .await;
    let mut ids = HashMap::new();
    for (name, role, dept) in [
        ("li.agent", "agent", None),
        ("sun.liaison", "liaison", Some(quality)),
        ("wang.mgr", "manager", None),
    ] {
        let id = s
            .create(
                &admin,
                "/api/v1/users",
                json!({"username": name, "password": PASSWORD, "display_name": name,
                       "role": role, "department_id": dept}),
            )
            .await;
        ids.insert(name, id);
    }
    s.patch(
        &admin,
        &format!("/api/v1/departments/{quality}"),
        json!({"calendar_id": cal, "liaison_ids": [ids["sun.liaison"]]}),
    )
    .await;
    let agent = s.login("li.agent", PASSWORD).await;
    let customer = s
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678", "dealer_id": sh}),
        )
        .await;
    World {
        admin,
        quality,
        liaison: s.login("sun.liaison", PASSWORD).await,
        manager: s.login("wang.mgr", PASSWORD).await,
        agent,
        customer,
    }
}

/// A complaint: its response is due one minute after the escalation.
pub(super) async fn open(s: &Server, w: &World) -> i64 {
    open_as(s, w, "complaint").await
}

pub(super) async fn open_as(s: &Server, w: &World, category: &str) -> i64 {
    s.create(
        &w.agent,
        "/api/v1/tickets",
        json!({"customer_id": w.customer, "channel": "phone", "category": category,
               "subject": "异响"}),
    )
    .await
}

pub(super) fn at(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not an instant: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

/// Escalate to the department; the response clock's due instant, checked
/// to be the policy's minutes after the escalation.
pub(super) async fn escalate(s: &Server, w: &World, id: i64) -> DateTime<Utc> {
    at(&escalate_clock(s, w, id).await["due_at"])
}

/// Escalate to the department; the one clock that starts.
pub(super) async fn escalate_clock(s: &Server, w: &World, id: i64) -> Value {
    let before = Utc::now();
    let (status, r) = s
        .post(
            &w.agent,
            &format!("/api/v1/tickets/{id}/escalate"),
            json!({"department_id": w.quality}),
        )
        .await;
    let after = Utc::now();
    assert_eq!(status, StatusCode::OK, "escalate: {r}");
    let live: Vec<&Value> = r["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["stopped_at"].is_null())
        .collect();
    assert_eq!(live.len(), 1, "one clock under the test policies: {r}");
    let clock = live[0];
    assert_eq!(clock["kind"], "response", "{r}");
    let target = chrono::TimeDelta::minutes(clock["minutes"].as_i64().unwrap());
    let due = at(&clock["due_at"]);
    let ms = chrono::TimeDelta::milliseconds(1);
    assert!(
        before + target - ms <= due && due <= after + target,
        "due {due}, escalated between {before} and {after}: {clock}"
    );
    clock.clone()
}

/// The order's events, oldest first.
pub(super) async fn events(s: &Server, token: &str, id: i64) -> Vec<Value> {
    let (status, page) = s
        .get(token, &format!("/api/v1/tickets/{id}/events?limit=200"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page["next_cursor"].is_null(), "{page}");
    page["items"].as_array().unwrap().clone()
}

pub(super) fn of_kind<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["kind"] == kind).collect()
}

/// Every notification of the caller, all pages.
pub(super) async fn notifications(s: &Server, token: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/notifications?limit=200&cursor={c}"),
            None => "/api/v1/notifications?limit=200".to_owned(),
        };
        let (status, page) = s.get(token, &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return all,
        }
    }
}

pub(super) fn count_kind(notes: &[Value], kind: &str) -> usize {
    notes.iter().filter(|n| n["kind"] == kind).count()
}

/// Poll the order's events until one of `kind` appears, or panic at `deadline`.
pub(super) async fn wait_for_event(
    s: &Server,
    token: &str,
    id: i64,
    kind: &str,
    deadline: Instant,
) -> Vec<Value> {
    loop {
        let evs = events(s, token, id).await;
        if !of_kind(&evs, kind).is_empty() {
            return evs;
        }
        assert!(
            Instant::now() < deadline,
            "no {kind} event in time: {evs:?}\n--- stderr:\n{}",
            s.stderr()
        );
        tokio::time::sleep(POLL).await;
    }
}

pub(super) fn late_ms(event: &Value) -> i64 {
    event["data"]["late_ms"]
        .as_i64()
        .unwrap_or_else(|| panic!("no late_ms: {event}"))
}

/// Sleep until a wall-clock instant.
pub(super) async fn sleep_until(t: DateTime<Utc>) {
    if let Ok(d) = (t - Utc::now()).to_std() {
        tokio::time::sleep(d).await;
    }
}
