//! Work orders: the three triage paths end to end, forbidden moves, and who
//! sees which orders.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::TestApp;

struct World {
    sh: i64,
    bj: i64,
    quality: i64,
    agent: String,
    sh_staff: String,
    bj_staff: String,
    liaison: String,
    engineer_id: i64,
    engineer: String,
    customer: i64,
    vehicle: i64,
}

async fn world(t: &TestApp) -> World {
    let sh = t.dealer("SH001").await;
    let bj = t.dealer("BJ001").await;
    let quality = t.department("quality").await;
    let (_, agent) = t.user("li.agent", "agent", None, None).await;
    let (_, sh_staff) = t.user("sh.staff", "dealer_staff", Some(sh), None).await;
    let (_, bj_staff) = t.user("bj.staff", "dealer_staff", Some(bj), None).await;
    let (_, liaison) = t.user("sun.liaison", "liaison", None, Some(quality)).await;
    let (engineer_id, engineer) = t.user("wu.head", "dept_head", None, Some(quality)).await;
    let customer = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678", "dealer_id": sh}),
        )
        .await;
    let vehicle = t
        .create(
            &agent,
            "/api/v1/vehicles",
            json!({"customer_id": customer, "vin": crate::helpers::vin(1), "plate": "沪A12345"}),
        )
        .await;
    World {
        sh,
        bj,
        quality,
        agent,
        sh_staff,
        bj_staff,
        liaison,
        engineer_id,
        engineer,
        customer,
        vehicle,
    }
}

async fn open(t: &TestApp, w: &World) -> Value {
    let (s, body) = t
        .post(
            &w.agent,
            "/api/v1/tickets",
            json!({"customer_id": w.customer, "vehicle_id": w.vehicle,
            "channel": "phone", "category": "complaint", "priority": "high",
            "subject": "保养后异响", "description": "客户反映保养后底盘异响"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    body
}

async fn step(t: &TestApp, token: &str, id: i64, action: &str, body: Value) -> Value {
    let (s, res) = t
        .post(token, &format!("/api/v1/tickets/{id}/{action}"), body)
        .await;
    assert_eq!(s, StatusCode::OK, "{action}: {res}");
    res
}

both!(an_order_gets_a_readable_number_and_starts_new_at_l1);
async fn an_order_gets_a_readable_number_and_starts_new_at_l1(t: TestApp) {
    let w = world(&t).await;
    let a = open(&t, &w).await;
    let b = open(&t, &w).await;
    let re = |n: &str| {
        n.len() == 16
            && n.starts_with("GD-")
            && n[3..11].bytes().all(|c| c.is_ascii_digit())
            && &n[11..12] == "-"
    };
    assert!(re(a["number"].as_str().unwrap()), "{a}");
    assert!(a["number"].as_str().unwrap().ends_with("-0001"));
    assert!(b["number"].as_str().unwrap().ends_with("-0002"));
    assert_eq!(a["status"], "new");
    assert_eq!(a["level"], "L1");
    assert_eq!(
        a["dealer_id"], w.sh,
        "the dealer defaults to the customer's"
    );
    let id = a["id"].as_i64().unwrap();
    let (_, events) = t
        .get(&w.agent, &format!("/api/v1/tickets/{id}/events"))
        .await;
    assert_eq!(events["items"][0]["kind"], "created");
}

both!(orders_are_validated);
async fn orders_are_validated(t: TestApp) {
    let w = world(&t).await;
    let base = json!({"customer_id": w.customer, "channel": "phone", "category": "complaint", "subject": "x"});
    let future = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let cases = [
        (json!({"channel": "fax"}), "channel"),
        (json!({"category": "rant"}), "category"),
        (json!({"priority": "asap"}), "priority"),
        (json!({"subject": ""}), "subject"),
        (json!({"customer_id": 999999}), "customer_id"),
        (json!({"vehicle_id": 999999}), "vehicle_id"),
        (json!({"received_at": "yesterday"}), "received_at"),
        (json!({"received_at": future}), "received_at"),
        (json!({"dealer_id": 999999}), "dealer_id"),
    ];
    for (patch, field) in cases {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, res) = t.post(&w.agent, "/api/v1/tickets", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {res}");
        assert_eq!(res["error"]["field"], field, "{body} -> {res}");
    }
    let earlier = (t.app.now() - chrono::Duration::minutes(30)).to_rfc3339();
    let mut body = base.clone();
    body["received_at"] = json!(earlier);
    let (s, res) = t.post(&w.agent, "/api/v1/tickets", body).await;
    assert_eq!(s, StatusCode::CREATED, "{res}");
    let got = chrono::DateTime::parse_from_rfc3339(res["received_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        got.timestamp(),
        chrono::DateTime::parse_from_rfc3339(&earlier)
            .unwrap()
            .timestamp()
    );
}

both!(l1_answered_then_a_satisfied_callback_closes);
async fn l1_answered_then_a_satisfied_callback_closes(t: TestApp) {
    let w = world(&t).await;
    let id = open(&t, &w).await["id"].as_i64().unwrap();
    let r = step(&t, &w.agent, id, "answer", json!({"note": "告知保修政策"})).await;
    assert_eq!(
        (r["status"].as_str(), r["level"].as_str()),
        (Some("resolved"), Some("L1"))
    );
    let r = step(
        &t,
        &w.agent,
        id,
        "callback",
        json!({"reached": true, "satisfaction": 5}),
    )
    .await;
    assert_eq!(r["status"], "closed");
    assert_eq!(r["satisfaction"], 5);
    assert_eq!(r["close_reason"], "satisfied");
    let (_, events) = t
        .get(&w.agent, &format!("/api/v1/tickets/{id}/events"))
        .await;
    let kinds: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "answer", "callback"]);
    assert_eq!(events["items"][1]["data"]["note"], "告知保修政策");
}

both!(l2_dispatched_resolved_then_a_dissatisfied_callback_reopens);
async fn l2_dispatched_resolved_then_a_dissatisfied_callback_reopens(t: TestApp) {
    let w = world(&t).await;
    let id = open(&t, &w).await["id"].as_i64().unwrap();
    let r = step(&t, &w.agent, id, "dispatch", json!({"dealer_id": w.sh})).await;
    assert_eq!(
        (r["status"].as_str(), r["level"].as_str()),
        (Some("dispatched"), Some("L2"))
    );
    // The dealer's staff see it in their queue; another dealer's do not.
    let (_, q) = t
        .get(&w.sh_staff, "/api/v1/tickets?status=dispatched")
        .await;
    assert_eq!(q["items"][0]["id"], id);
    let (_, q) = t.get(&w.bj_staff, "/api/v1/tickets").await;
    assert!(q["items"].as_array().unwrap().is_empty());
    let (s, _) = t.get(&w.bj_staff, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .post(
            &w.bj_staff,
            &format!("/api/v1/tickets/{id}/respond"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    step(
        &t,
        &w.sh_staff,
        id,
        "respond",
        json!({"note": "已联系客户预约进店"}),
    )
    .await;
    let r = step(
        &t,
        &w.sh_staff,
        id,
        "resolve",
        json!({"resolution": "更换减震器衬套"}),
    )
    .await;
    assert_eq!(r["status"], "resolved");
    assert_eq!(r["resolution"], "更换减震器衬套");
    let (s, _) = t
        .post(
            &w.sh_staff,
            &format!("/api/v1/tickets/{id}/callback"),
            json!({"reached": true, "satisfaction": 5}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "callbacks are the centre's");
    let r = step(
        &t,
        &w.agent,
        id,
        "callback",
        json!({"reached": true, "satisfaction": 2, "note": "仍有异响"}),
    )
    .await;
    assert_eq!(
        (r["status"].as_str(), r["level"].as_str()),
        (Some("reopened"), Some("L2"))
    );
    assert!(r["resolved_at"].is_null());
    let (_, q) = t.get(&w.sh_staff, "/api/v1/tickets?status=reopened").await;
    assert_eq!(
        q["items"][0]["id"], id,
        "the reopened order is back with the dealer"
    );
}

both!(l3_escalated_assigned_by_the_liaison_answered_by_the_engineer);
async fn l3_escalated_assigned_by_the_liaison_answered_by_the_engineer(t: TestApp) {
    let w = world(&t).await;
    let id = open(&t, &w).await["id"].as_i64().unwrap();
    let r = step(
        &t,
        &w.agent,
        id,
        "escalate",
        json!({"department_id": w.quality, "note": "疑似批次问题"}),
    )
    .await;
    assert_eq!(
        (r["status"].as_str(), r["level"].as_str()),
        (Some("escalated"), Some("L3"))
    );
    let (_, q) = t.get(&w.liaison, "/api/v1/tickets").await;
    assert_eq!(q["items"][0]["id"], id, "the liaison's queue");
    let (s, _) = t.get(&w.sh_staff, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "the customer's dealer still sees its order"
    );
    let (_, outsider) = t
        .user("zhao.agent2", "dealer_staff", Some(w.bj), None)
        .await;
    let (s, _) = t
        .post(
            &outsider,
            &format!("/api/v1/tickets/{id}/assign"),
            json!({"user_id": w.engineer_id}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, sh_id_page) = t
        .get(&t.admin, "/api/v1/users?role=dealer_staff&dealer_id=1")
        .await;
    let sh_staff_id = sh_id_page["items"][0]["id"].as_i64().unwrap();
    let (s, body) = t
        .post(
            &w.liaison,
            &format!("/api/v1/tickets/{id}/assign"),
            json!({"user_id": sh_staff_id}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only members of the department: {body}"
    );
    let r = step(
        &t,
        &w.liaison,
        id,
        "assign",
        json!({"user_id": w.engineer_id, "note": "请跟进"}),
    )
    .await;
    assert_eq!(r["assignee_id"], w.engineer_id);
    let (_, inbox) = t.get(&w.engineer, "/api/v1/notifications").await;
    assert_eq!(inbox["items"][0]["kind"], "assigned", "{inbox}");
    assert_eq!(inbox["items"][0]["ticket_id"], id);
    assert_eq!(inbox["items"][0]["data"]["note"], "请跟进");
    let (_, mine) = t
        .get(
            &w.engineer,
            &format!("/api/v1/tickets?assignee_id={}", w.engineer_id),
        )
        .await;
    assert_eq!(mine["items"][0]["id"], id);
    let r = step(
        &t,
        &w.engineer,
        id,
        "respond",
        json!({"note": "已收到，排查中"}),
    )
    .await;
    assert_eq!(r["status"], "in_progress");
    step(
        &t,
        &w.engineer,
        id,
        "wait",
        json!({"reason": "等待客户提供视频"}),
    )
    .await;
    let r = step(&t, &w.engineer, id, "resume", json!({})).await;
    assert_eq!(r["status"], "in_progress");
    step(
        &t,
        &w.engineer,
        id,
        "resolve",
        json!({"resolution": "软件升级"}),
    )
    .await;
}

both!(forbidden_moves_answer_409_and_change_nothing);
async fn forbidden_moves_answer_409_and_change_nothing(t: TestApp) {
    let w = world(&t).await;
    let id = open(&t, &w).await["id"].as_i64().unwrap();
    for (action, body) in [
        ("respond", json!({})),
        ("resolve", json!({"resolution": "x"})),
        ("callback", json!({"reached": true, "satisfaction": 5})),
        ("resume", json!({})),
        ("reopen", json!({"reason": "x"})),
    ] {
        let (s, res) = t
            .post(&w.agent, &format!("/api/v1/tickets/{id}/{action}"), body)
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{action}: {res}");
        assert_eq!(res["error"]["code"], "conflict");
    }
    step(&t, &w.agent, id, "answer", json!({})).await;
    step(
        &t,
        &w.agent,
        id,
        "callback",
        json!({"reached": true, "satisfaction": 4}),
    )
    .await;
    let (s, _) = t
        .post(
            &w.agent,
            &format!("/api/v1/tickets/{id}/dispatch"),
            json!({"dealer_id": w.sh}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, got) = t.get(&w.agent, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(
        (got["status"].as_str(), got["level"].as_str()),
        (Some("closed"), Some("L1"))
    );
    let (_, events) = t
        .get(&w.agent, &format!("/api/v1/tickets/{id}/events"))
        .await;
    assert_eq!(
        events["items"].as_array().unwrap().len(),
        3,
        "refused moves leave no event"
    );
    let r = step(
        &t,
        &w.agent,
        id,
        "reopen",
        json!({"reason": "客户再次来电"}),
    )
    .await;
    assert_eq!(r["status"], "reopened");
    // A dealer cannot work an order that was never dispatched to it.
    let (s, _) = t
        .post(
            &w.sh_staff,
            &format!("/api/v1/tickets/{id}/resolve"),
            json!({"resolution": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

both!(callbacks_validate_and_an_unreachable_customer_closes_after_three_tries);
async fn callbacks_validate_and_an_unreachable_customer_closes_after_three_tries(t: TestApp) {
    let w = world(&t).await;
    let id = open(&t, &w).await["id"].as_i64().unwrap();
    step(&t, &w.agent, id, "answer", json!({})).await;
    let path = format!("/api/v1/tickets/{id}/callback");
    for (body, field) in [
        (json!({"reached": true}), "satisfaction"),
        (json!({"reached": true, "satisfaction": 6}), "satisfaction"),
        (json!({"reached": false, "satisfaction": 3}), "satisfaction"),
        (json!({"satisfaction": 3}), "reached"),
    ] {
        let (s, res) = t.post(&w.agent, &path, body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {res}");
        assert_eq!(res["error"]["field"], field);
    }
    let r = step(&t, &w.agent, id, "callback", json!({"reached": false})).await;
    assert_eq!(
        (r["status"].as_str(), r["callback_attempts"].as_i64()),
        (Some("resolved"), Some(1))
    );
    step(&t, &w.agent, id, "callback", json!({"reached": false})).await;
    let r = step(&t, &w.agent, id, "callback", json!({"reached": false})).await;
    assert_eq!(r["status"], "closed");
    assert_eq!(r["close_reason"], "unreachable");
}

both!(notes_and_lists_by_filter);
async fn notes_and_lists_by_filter(t: TestApp) {
    let w = world(&t).await;
    let a = open(&t, &w).await["id"].as_i64().unwrap();
    let b = open(&t, &w).await["id"].as_i64().unwrap();
    step(
        &t,
        &w.agent,
        b,
        "escalate",
        json!({"department_id": w.quality}),
    )
    .await;
    step(
        &t,
        &w.agent,
        a,
        "notes",
        json!({"body": "<b>客户很着急</b>", "internal": true}),
    )
    .await;
    let (_, events) = t
        .get(&w.agent, &format!("/api/v1/tickets/{a}/events"))
        .await;
    assert_eq!(
        events["items"][1]["data"],
        json!({"body": "<b>客户很着急</b>", "internal": true})
    );
    let ids = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect()
    };
    let (_, p) = t.get(&w.agent, "/api/v1/tickets?level=L3").await;
    assert_eq!(ids(&p), [b]);
    let (_, p) = t
        .get(
            &w.agent,
            &format!("/api/v1/tickets?customer_id={}", w.customer),
        )
        .await;
    assert_eq!(ids(&p), [b, a], "newest first");
    let (_, p) = t.get(&w.agent, "/api/v1/tickets?status=new").await;
    assert_eq!(ids(&p), [a]);
    let (s, res) = t.get(&w.agent, "/api/v1/tickets?status=lost").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res["error"]["field"], "status");
    let (_, p) = t.get(&w.agent, "/api/v1/tickets?limit=1").await;
    assert_eq!(ids(&p), [b]);
    let cursor = p["next_cursor"].as_str().unwrap();
    let (_, p) = t
        .get(
            &w.agent,
            &format!("/api/v1/tickets?limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(ids(&p), [a]);
    assert!(p["next_cursor"].is_null());
}
