//! SLA clocks on work orders: started where the order arrives, warned,
//! breached, escalated up the ladder, paused while waiting on the customer,
//! stopped when resolved; each step fires once. The server's clock is moved
//! by hand and the scheduler's `run_due` is called as the real one would.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::TestApp;

const HOUR: u64 = 3600;

struct World {
    quality: i64,
    sh: i64,
    agent: String,
    liaison_id: i64,
    liaison: String,
    head_id: i64,
    head: String,
    vp_id: i64,
    manager_id: i64,
    manager: String,
    sh_staff: String,
    customer: i64,
}

/// A group whose department and dealer work round the clock, so deadlines
/// are plain arithmetic here (the calendar arithmetic has its own tests).
async fn world(t: &TestApp) -> World {
    let cal = t
        .create(&t.admin, "/api/v1/calendars", json!({"name": "7x24", "timezone": "Asia/Shanghai",
            "weekly": {"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]],
                       "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]],
                       "sun": [["00:00", "24:00"]]},
            "public_holidays": null}))
        .await;
    let quality = t.department("quality").await;
    let sh = t.dealer("SH001").await;
    t.patch(
        &t.admin,
        &format!("/api/v1/departments/{quality}"),
        json!({"calendar_id": cal}),
    )
    .await;
    t.patch(
        &t.admin,
        &format!("/api/v1/dealers/{sh}"),
        json!({"calendar_id": cal}),
    )
    .await;
    let (_, agent) = t.user("li.agent", "agent", None, None).await;
    let (liaison_id, liaison) = t.user("sun.liaison", "liaison", None, Some(quality)).await;
    let (head_id, head) = t.user("wu.head", "dept_head", None, Some(quality)).await;
    let (vp_id, _) = t.user("zheng.vp", "vp", None, None).await;
    let (manager_id, manager) = t.user("wang.mgr", "manager", None, None).await;
    let (_, sh_staff) = t.user("sh.staff", "dealer_staff", Some(sh), None).await;
    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/departments/{quality}"),
            json!({"head_id": head_id, "vp_id": vp_id, "liaison_ids": [liaison_id]}),
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
    World {
        quality,
        sh,
        agent,
        liaison_id,
        liaison,
        head_id,
        head,
        vp_id,
        manager_id,
        manager,
        sh_staff,
        customer,
    }
}

async fn open(t: &TestApp, w: &World) -> i64 {
    t.create(
        &w.agent,
        "/api/v1/tickets",
        json!({"customer_id": w.customer, "channel": "phone",
        "category": "complaint", "subject": "异响"}),
    )
    .await
}

async fn step(t: &TestApp, token: &str, id: i64, action: &str, body: Value) -> Value {
    let (s, res) = t
        .post(token, &format!("/api/v1/tickets/{id}/{action}"), body)
        .await;
    assert_eq!(s, StatusCode::OK, "{action}: {res}");
    res
}

fn at(v: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc)
}

async fn advance(t: &TestApp, secs: u64) -> usize {
    t.app.clock.advance(Duration::from_secs(secs));
    kefu_app::timers::run_due(&t.app, t.app.now())
        .await
        .unwrap()
}

async fn kinds(t: &TestApp, token: &str) -> Vec<String> {
    let (_, p) = t.get(token, "/api/v1/notifications").await;
    p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

both!(
    the_default_policies_follow_the_seed,
    crate::helpers::long_tokens()
);
async fn the_default_policies_follow_the_seed(t: TestApp) {
    let (s, page) = t.get(&t.admin, "/api/v1/sla-policies").await;
    assert_eq!(s, StatusCode::OK);
    let dept = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["match"]["levels"] == json!(["L3"]))
        .unwrap();
    assert_eq!(dept["response_minutes"], 120);
    assert_eq!(
        dept["escalations"],
        json!([{"after_minutes": 2880, "to": "department_head", "counts": "round_the_clock"},
               {"after_minutes": 4320, "to": "vp", "counts": "round_the_clock"}])
    );
    assert_eq!(dept["warning_percent"], 80);
}

both!(
    an_escalated_order_runs_the_seed_ladder,
    crate::helpers::long_tokens()
);
async fn an_escalated_order_runs_the_seed_ladder(t: TestApp) {
    let w = world(&t).await;
    let id = open(&t, &w).await;
    let t0 = t.app.now();
    let r = step(
        &t,
        &w.agent,
        id,
        "escalate",
        json!({"department_id": w.quality}),
    )
    .await;
    assert_eq!(r["sla_state"], "green", "{r}");
    let clocks = r["clocks"].as_array().unwrap();
    let due: Vec<(&str, i64, i64)> = clocks
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap(),
                c["step"].as_i64().unwrap(),
                (at(&c["due_at"]) - t0).num_minutes(),
            )
        })
        .collect();
    assert_eq!(
        due,
        [
            ("response", 0, 120),
            ("escalation", 1, 2880),
            ("escalation", 2, 4320)
        ]
    );
    assert_eq!(clocks[1]["target"], "department_head");

    // 80 % of the response target: the liaison is warned (nobody is assigned yet).
    assert_eq!(
        advance(&t, 95 * 60).await,
        0,
        "nothing before the warning point"
    );
    assert_eq!(advance(&t, 2 * 60).await, 1);
    assert_eq!(kinds(&t, &w.liaison).await, ["sla_warning", "escalated"]);
    let (_, got) = t.get(&w.agent, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(got["sla_state"], "yellow");

    // The response target passes: a breach for the liaison and the managers.
    assert_eq!(advance(&t, 24 * 60).await, 1);
    assert_eq!(
        kinds(&t, &w.liaison).await,
        ["sla_breach", "sla_warning", "escalated"]
    );
    assert_eq!(kinds(&t, &w.manager).await, ["sla_breach"]);
    let (_, got) = t.get(&w.agent, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(got["sla_state"], "red");
    let response = &got["clocks"][0];
    assert_eq!(response["breached"], true);
    assert!(!response["fired_at"].is_null());
    assert!(!response["warned_at"].is_null());
    assert_eq!(got["clocks"][1]["target"], "department_head");
    assert_eq!(got["clocks"].as_array().map(Vec::len), Some(3));
    let (_, overdue) = t.get(&w.agent, "/api/v1/tickets?overdue=true").await;
    assert_eq!(overdue["items"][0]["id"], id);
    assert_eq!(overdue["items"][0]["sla_state"], "red");

    // A late response settles it; the ladder goes on.
    let r = step(&t, &w.liaison, id, "respond", json!({"note": "收到"})).await;
    assert_eq!(r["sla_state"], "green");
    let (_, overdue) = t.get(&w.agent, "/api/v1/tickets?overdue=true").await;
    assert!(overdue["items"].as_array().unwrap().is_empty());

    // 48 hours unresolved: the department head.
    assert_eq!(advance(&t, (2880 - 121 - 1) * 60).await, 0);
    assert_eq!(advance(&t, 2 * 60).await, 1);
    assert_eq!(kinds(&t, &w.head).await, ["escalation"]);
    // Running the scheduler again fires nothing twice.
    assert_eq!(
        kefu_app::timers::run_due(&t.app, t.app.now())
            .await
            .unwrap(),
        0
    );
    assert_eq!(kinds(&t, &w.head).await, ["escalation"]);

    // 24 hours after that: the VP in charge.
    let vp = t.login("zheng.vp", "password-123").await;
    assert_eq!(advance(&t, 24 * HOUR).await, 1);
    assert_eq!(kinds(&t, &vp).await, ["escalation"]);
    let (_, events) = t
        .get(&w.agent, &format!("/api/v1/tickets/{id}/events"))
        .await;
    let steps: Vec<(&str, Value)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "escalation")
        .map(|e| (e["data"]["to"].as_str().unwrap(), e["data"]["step"].clone()))
        .collect();
    assert_eq!(steps, [("department_head", json!(1)), ("vp", json!(2))]);
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "escalation")
            .all(|e| e["actor_id"].is_null())
    );
    let _ = (w.head_id, w.vp_id, w.manager_id, w.liaison_id);
}

both!(
    waiting_on_the_customer_pauses_the_clocks,
    crate::helpers::long_tokens()
);
async fn waiting_on_the_customer_pauses_the_clocks(t: TestApp) {
    let w = world(&t).await;
    let id = open(&t, &w).await;
    let r = step(
        &t,
        &w.agent,
        id,
        "escalate",
        json!({"department_id": w.quality}),
    )
    .await;
    let head_due = at(&r["clocks"][1]["due_at"]);
    step(&t, &w.liaison, id, "respond", json!({})).await;
    advance(&t, 10 * HOUR).await;
    let r = step(
        &t,
        &w.liaison,
        id,
        "wait",
        json!({"reason": "等客户发视频"}),
    )
    .await;
    assert_eq!(r["sla_state"], "grey");
    assert!(
        r["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "escalation")
            .all(|c| !c["paused_at"].is_null())
    );
    // The order read alone shows the same clocks, field for field (its
    // clocks come back in one statement with it).
    let (_, got) = t.get(&w.agent, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(got["clocks"], r["clocks"]);
    assert_eq!(got["sla_state"], "grey");
    // Nothing fires while paused, however long it waits.
    assert_eq!(advance(&t, 60 * HOUR).await, 0);
    let r = step(&t, &w.liaison, id, "resume", json!({})).await;
    let moved = at(&r["clocks"][1]["due_at"]);
    assert_eq!(
        (moved - head_due).num_hours(),
        60,
        "the deadline moved by the paused time"
    );
    assert_eq!(r["sla_state"], "green");
    assert_eq!(advance(&t, 38 * HOUR - 60).await, 0);
    assert_eq!(
        advance(&t, 120).await,
        1,
        "the head's step, 48 working hours after arrival"
    );
    assert_eq!(kinds(&t, &w.head).await, ["escalation"]);
}

both!(
    resolving_stops_the_clocks_and_reopening_restarts_them,
    crate::helpers::long_tokens()
);
async fn resolving_stops_the_clocks_and_reopening_restarts_them(t: TestApp) {
    let w = world(&t).await;
    let id = open(&t, &w).await;
    step(&t, &w.agent, id, "dispatch", json!({"dealer_id": w.sh})).await;
    let (_, clocks) = t
        .get(&w.sh_staff, &format!("/api/v1/tickets/{id}/clocks"))
        .await;
    let kinds_due: Vec<(&str, Option<&str>)> = clocks["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap(), c["target"].as_str()))
        .collect();
    assert_eq!(
        kinds_due,
        [("response", None), ("escalation", Some("manager"))],
        "the dealer's default policy"
    );
    step(&t, &w.sh_staff, id, "respond", json!({})).await;
    let r = step(
        &t,
        &w.sh_staff,
        id,
        "resolve",
        json!({"resolution": "已修复"}),
    )
    .await;
    assert_eq!(r["sla_state"], "none");
    assert!(
        r["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !c["stopped_at"].is_null())
    );
    assert_eq!(
        advance(&t, 100 * HOUR).await,
        0,
        "a resolved order's clocks never fire"
    );
    let r = step(
        &t,
        &w.agent,
        id,
        "callback",
        json!({"reached": true, "satisfaction": 1}),
    )
    .await;
    assert_eq!(r["status"], "reopened");
    assert_eq!(r["sla_state"], "green");
    let live = r["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["stopped_at"].is_null())
        .count();
    assert_eq!(
        live, 2,
        "a dissatisfied callback restarts the clocks at the dealer"
    );
    assert_eq!(
        advance(&t, 4 * HOUR + 60).await,
        1,
        "past both its warning point and its target: one breach, no late warning"
    );
    assert_eq!(kinds(&t, &w.manager).await, ["sla_breach"]);
}

both!(
    policies_are_admin_only_and_validated,
    crate::helpers::long_tokens()
);
async fn policies_are_admin_only_and_validated(t: TestApp) {
    let (_, manager) = t.user("wang.mgr", "manager", None, None).await;
    let good = json!({"name": "VIP 投诉", "rank": 10, "match": {"tiers": ["A"], "categories": ["complaint"], "levels": ["L3"]},
        "response_minutes": 30, "escalations": [{"after_minutes": 480, "to": "vp"}]});
    let (s, _) = t.post(&manager, "/api/v1/sla-policies", good.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t.get(&manager, "/api/v1/sla-policies").await;
    assert_eq!(s, StatusCode::OK);
    for (patch, field) in [
        (json!({"response_minutes": 0}), "response_minutes"),
        (json!({"warning_percent": 100}), "warning_percent"),
        (
            json!({"escalations": [{"after_minutes": 60, "to": "vp"}, {"after_minutes": 30, "to": "manager"}]}),
            "escalations[1].after_minutes",
        ),
        (
            json!({"escalations": [{"after_minutes": 60, "to": "king"}]}),
            "escalations[0].to",
        ),
        (json!({"match": {"levels": ["L9"]}}), "match.levels[0]"),
        (json!({"calendar_id": 999999}), "calendar_id"),
        (json!({"name": ""}), "name"),
    ] {
        let mut body = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, res) = t.post(&t.admin, "/api/v1/sla-policies", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {res}");
        assert_eq!(res["error"]["field"], field, "{body} -> {res}");
    }
    let (s, p) = t.post(&t.admin, "/api/v1/sla-policies", good).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, p2) = t
        .patch(
            &t.admin,
            &format!("/api/v1/sla-policies/{}", p["id"]),
            json!({"response_minutes": 45}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p2["response_minutes"], 45);
    assert_eq!(p2["rank"], 10);
}

both!(
    a_vip_policy_of_lower_rank_wins,
    crate::helpers::long_tokens()
);
async fn a_vip_policy_of_lower_rank_wins(t: TestApp) {
    let w = world(&t).await;
    t.patch(
        &w.agent,
        &format!("/api/v1/customers/{}", w.customer),
        json!({"tier": "A"}),
    )
    .await;
    t.create(
        &t.admin,
        "/api/v1/sla-policies",
        json!({"name": "VIP", "rank": 10,
        "match": {"tiers": ["A"], "levels": ["L3"]}, "response_minutes": 30}),
    )
    .await;
    let id = open(&t, &w).await;
    let r = step(
        &t,
        &w.agent,
        id,
        "escalate",
        json!({"department_id": w.quality}),
    )
    .await;
    let clocks = r["clocks"].as_array().unwrap();
    assert_eq!(clocks.len(), 1);
    assert_eq!(clocks[0]["minutes"], 30);
}

both!(
    notifications_are_the_users_own,
    crate::helpers::long_tokens()
);
async fn notifications_are_the_users_own(t: TestApp) {
    let w = world(&t).await;
    let id = open(&t, &w).await;
    step(
        &t,
        &w.agent,
        id,
        "escalate",
        json!({"department_id": w.quality}),
    )
    .await;
    advance(&t, 97 * 60).await;
    advance(&t, 24 * 60).await;
    let (_, p) = t.get(&w.liaison, "/api/v1/notifications?unread=true").await;
    let items = p["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        3,
        "the escalation, the warning, the breach: {p}"
    );
    assert_eq!(items[0]["ticket_id"], id);
    let nid = items[0]["id"].as_i64().unwrap();
    let (s, _) = t
        .patch(
            &w.head,
            &format!("/api/v1/notifications/{nid}"),
            json!({"read": true}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another user's notification");
    let (s, n) = t
        .patch(
            &w.liaison,
            &format!("/api/v1/notifications/{nid}"),
            json!({"read": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!n["read_at"].is_null());
    let (_, p) = t.get(&w.liaison, "/api/v1/notifications?unread=true").await;
    assert_eq!(p["items"].as_array().unwrap().len(), 2);
}

both!(
    unreached_callbacks_are_retried_a_working_day_apart,
    crate::helpers::long_tokens()
);
async fn unreached_callbacks_are_retried_a_working_day_apart(t: TestApp) {
    let w = world(&t).await;
    let id = open(&t, &w).await;
    // Two attempts, a minute apart, on the 7x24 calendar.
    let cal = t.get(&t.admin, "/api/v1/calendars").await.1["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "7x24")
        .unwrap()["id"]
        .clone();
    t.create(&t.admin, "/api/v1/sla-policies", json!({"name": "回访", "rank": 5, "match": {"levels": ["L3"]},
        "response_minutes": 600, "callback_attempts": 2, "callback_spacing_minutes": 60, "calendar_id": cal}))
        .await;
    step(
        &t,
        &w.agent,
        id,
        "escalate",
        json!({"department_id": w.quality}),
    )
    .await;
    step(
        &t,
        &w.liaison,
        id,
        "resolve",
        json!({"resolution": "已处理"}),
    )
    .await;
    let r = step(&t, &w.agent, id, "callback", json!({"reached": false})).await;
    assert_eq!(r["status"], "resolved");
    let callback: Vec<&Value> = r["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "callback")
        .collect();
    assert_eq!(callback.len(), 1);
    assert_eq!(
        (at(&callback[0]["due_at"]) - at(&callback[0]["started_at"])).num_minutes(),
        60
    );
    assert_eq!(
        r["sla_state"], "none",
        "a resolved order is not late for its callback"
    );
    assert_eq!(advance(&t, 59 * 60).await, 0);
    assert_eq!(advance(&t, 2 * 60).await, 1);
    assert_eq!(
        kinds(&t, &w.agent).await,
        ["callback_due"],
        "the agent who opened it calls again"
    );
    let r = step(&t, &w.agent, id, "callback", json!({"reached": false})).await;
    assert_eq!(r["status"], "closed", "the policy allows two attempts");
    assert_eq!(r["close_reason"], "unreachable");
    assert!(
        r["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] != "callback"
                || !c["fired_at"].is_null()
                || !c["stopped_at"].is_null())
    );
}

/// A clock that cannot fire (here: the database refuses its event) is put
/// off and logged; the other clocks due with it still fire.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_that_cannot_fire_does_not_hold_up_the_others() {
    let t = TestApp::spawn(crate::helpers::Db::Sqlite).await.unwrap();
    let w = world(&t).await;
    let stuck = open(&t, &w).await;
    let fine = open(&t, &w).await;
    for id in [stuck, fine] {
        step(
            &t,
            &w.agent,
            id,
            "escalate",
            json!({"department_id": w.quality}),
        )
        .await;
    }
    let crate::helpers::Place::Dir(dir) = &t.place else {
        unreachable!()
    };
    sqlx::any::install_default_drivers();
    let mut db = <sqlx::AnyConnection as sqlx::Connection>::connect(&format!(
        "sqlite://{}",
        dir.join("kefu.db").display()
    ))
    .await
    .unwrap();
    let trigger = format!(
        "CREATE TRIGGER refuse BEFORE INSERT ON ticket_events WHEN NEW.ticket_id = {stuck} \
         AND NEW.kind = 'sla_breach' BEGIN SELECT RAISE(ABORT, 'refused'); END"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(trigger))
        .execute(&mut db)
        .await
        .unwrap();
    t.app.clock.advance(Duration::from_secs(3 * HOUR));
    let fired = kefu_app::timers::run_due(&t.app, t.app.now())
        .await
        .unwrap();
    assert_eq!(fired, 1, "the other order's breach fired");
    let (_, good) = t.get(&w.agent, &format!("/api/v1/tickets/{fine}")).await;
    assert_eq!(good["sla_state"], "red");
    let (_, bad) = t.get(&w.agent, &format!("/api/v1/tickets/{stuck}")).await;
    assert_eq!(bad["sla_state"], "green", "nothing half-fired");
    // Once the database accepts it again, the stuck clock fires a minute later.
    sqlx::raw_sql("DROP TRIGGER refuse")
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(
        kefu_app::timers::run_due(&t.app, t.app.now())
            .await
            .unwrap(),
        0
    );
    t.app.clock.advance(Duration::from_secs(61));
    assert_eq!(
        kefu_app::timers::run_due(&t.app, t.app.now())
            .await
            .unwrap(),
        1
    );
    let (_, bad) = t.get(&w.agent, &format!("/api/v1/tickets/{stuck}")).await;
    assert_eq!(bad["sla_state"], "red");
}
