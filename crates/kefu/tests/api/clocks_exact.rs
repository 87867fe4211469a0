//! Clocks that are exact and say what the seed says: a pause moves the
//! deadlines by exactly the paused time, the seed's ladder counts its hours
//! round the clock while the response counts working time, and a reopened
//! order goes back to whoever resolved it, its clocks running and that
//! party told.

use std::time::Duration;

use chrono::TimeZone;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::TestApp;

/// Monday 2026-12-07, 10:00 in Shanghai: a working morning.
fn monday_ten() -> chrono::DateTime<chrono::Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 12, 7, 10, 0, 0)
        .single()
        .expect("a Shanghai time")
        .with_timezone(&chrono::Utc)
}

fn at(v: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().expect("an instant"))
        .expect("RFC 3339")
        .with_timezone(&chrono::Utc)
}

async fn step(t: &TestApp, token: &str, id: i64, action: &str, body: Value) -> Value {
    let (s, res) = t
        .post(token, &format!("/api/v1/tickets/{id}/{action}"), body)
        .await;
    assert_eq!(s, StatusCode::OK, "{action}: {res}");
    res
}

async fn kinds(t: &TestApp, token: &str) -> Vec<String> {
    let (_, p) = t.get(token, "/api/v1/notifications").await;
    p["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| n["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

struct Place {
    quality: i64,
    sh: i64,
    agent_id: i64,
    agent: String,
    liaison: String,
    sh_staff_id: i64,
    sh_staff: String,
    customer: i64,
}

/// The default calendar (China's office hours) everywhere.
async fn place(t: &TestApp) -> Place {
    let quality = t.department("quality").await;
    let sh = t.dealer("SH001").await;
    let (agent_id, agent) = t.user("li.agent", "agent", None, None).await;
    let (liaison_id, liaison) = t.user("sun.liaison", "liaison", None, Some(quality)).await;
    let (sh_staff_id, sh_staff) = t.user("sh.staff", "dealer_staff", Some(sh), None).await;
    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/departments/{quality}"),
            json!({"liaison_ids": [liaison_id]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let customer = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678", "dealer_id": sh}),
        )
        .await;
    Place {
        quality,
        sh,
        agent_id,
        agent,
        liaison,
        sh_staff_id,
        sh_staff,
        customer,
    }
}

async fn open(t: &TestApp, p: &Place) -> i64 {
    t.create(
        &p.agent,
        "/api/v1/tickets",
        json!({"customer_id": p.customer, "channel": "phone",
        "category": "complaint", "subject": "异响"}),
    )
    .await
}

both!(
    the_seed_ladder_counts_round_the_clock_and_the_response_working_time,
    crate::helpers::long_tokens(),
    super::monday_ten()
);
async fn the_seed_ladder_counts_round_the_clock_and_the_response_working_time(t: TestApp) {
    let (_, page) = t.get(&t.admin, "/api/v1/sla-policies").await;
    let dept = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["match"]["levels"] == json!(["L3"]))
        .cloned()
        .expect("the department policy");
    assert_eq!(
        dept["escalations"],
        json!([{"after_minutes": 2880, "to": "department_head", "counts": "round_the_clock"},
               {"after_minutes": 4320, "to": "vp", "counts": "round_the_clock"}])
    );
    let p = place(&t).await;
    let id = open(&t, &p).await;
    let r = step(
        &t,
        &p.agent,
        id,
        "escalate",
        json!({"department_id": p.quality}),
    )
    .await;
    let due: Vec<(&str, &str, chrono::DateTime<chrono::Utc>)> = r["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap_or_default(),
                c["counts"].as_str().unwrap_or_default(),
                at(&c["due_at"]),
            )
        })
        .collect();
    let h = chrono::TimeDelta::hours;
    assert_eq!(
        due,
        [
            ("response", "working_time", monday_ten() + h(2)),
            ("escalation", "round_the_clock", monday_ten() + h(48)),
            ("escalation", "round_the_clock", monday_ten() + h(72)),
        ],
        "the head on Wednesday, the VP on Thursday, at 10:00"
    );
}

both!(
    a_pause_moves_every_deadline_by_exactly_the_paused_time,
    crate::helpers::long_tokens(),
    super::monday_ten()
);
async fn a_pause_moves_every_deadline_by_exactly_the_paused_time(t: TestApp) {
    let p = place(&t).await;
    let id = open(&t, &p).await;
    t.app.clock.advance(Duration::from_millis(1_250));
    let before = step(
        &t,
        &p.agent,
        id,
        "escalate",
        json!({"department_id": p.quality}),
    )
    .await;
    t.app.clock.advance(Duration::from_millis(95_300));
    step(
        &t,
        &p.liaison,
        id,
        "wait",
        json!({"reason": "等客户发视频"}),
    )
    .await;
    t.app.clock.advance(Duration::from_secs(8));
    let after = step(&t, &p.liaison, id, "resume", json!({})).await;
    let moved: Vec<(String, i64)> = before["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .zip(after["clocks"].as_array().expect("clocks"))
        .map(|(b, a)| {
            (
                format!("{} {}", a["kind"], a["step"]),
                (at(&a["due_at"]) - at(&b["due_at"])).num_milliseconds(),
            )
        })
        .collect();
    assert_eq!(
        moved,
        [
            ("\"response\" 0".to_owned(), 8_000),
            ("\"escalation\" 1".to_owned(), 8_000),
            ("\"escalation\" 2".to_owned(), 8_000),
        ]
    );
    let warned = |v: &Value| at(&v["clocks"][0]["warn_at"]);
    assert_eq!((warned(&after) - warned(&before)).num_milliseconds(), 8_000);
}

both!(
    a_reopened_order_goes_back_to_whoever_resolved_it,
    crate::helpers::long_tokens(),
    super::monday_ten()
);
async fn a_reopened_order_goes_back_to_whoever_resolved_it(t: TestApp) {
    let p = place(&t).await;

    // At a dealer: the staff member who resolved it has it again.
    let id = open(&t, &p).await;
    step(&t, &p.agent, id, "dispatch", json!({"dealer_id": p.sh})).await;
    step(&t, &p.sh_staff, id, "respond", json!({})).await;
    step(
        &t,
        &p.sh_staff,
        id,
        "resolve",
        json!({"resolution": "已更换刹车片"}),
    )
    .await;
    let r = step(
        &t,
        &p.agent,
        id,
        "callback",
        json!({"reached": true, "satisfaction": 2}),
    )
    .await;
    assert_eq!(r["status"], "reopened");
    assert_eq!(r["level"], "L2");
    assert_eq!(r["dealer_id"], p.sh);
    assert_eq!(r["assignee_id"], p.sh_staff_id, "{r}");
    let running: Vec<&str> = r["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .filter(|c| c["stopped_at"].is_null() && c["fired_at"].is_null())
        .map(|c| c["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(running, ["response", "escalation"], "{r}");
    assert_eq!(kinds(&t, &p.sh_staff).await[0], "reopened");

    // At the centre: the agent who answered it on the call.
    let id = open(&t, &p).await;
    step(
        &t,
        &p.agent,
        id,
        "answer",
        json!({"note": "已解释保修政策"}),
    )
    .await;
    let (_, manager) = t.user("wang.mgr", "manager", None, None).await;
    let r = step(
        &t,
        &manager,
        id,
        "reopen",
        json!({"reason": "客户再次来电"}),
    )
    .await;
    assert_eq!(r["status"], "reopened");
    assert_eq!(r["assignee_id"], p.agent_id, "{r}");
    assert_eq!(kinds(&t, &p.agent).await[0], "reopened");
}
