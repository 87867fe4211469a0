//! The screen pop: a call reported by the telephony system reaches the
//! agent's open page over the live stream, and the card it loads.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;

use super::Browser;
use crate::both;
use crate::helpers::TestApp;

/// Read the live stream until an event of `kind` arrives (its data), or
/// give up after `wait`.
async fn next_event(res: &mut reqwest::Response, kind: &str, wait: Duration) -> Option<String> {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .ok()?
            .ok()??;
        seen.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = seen.find("\n\n") {
            let event: String = seen.drain(..end + 2).collect();
            if event.lines().any(|l| l == format!("event: {kind}")) {
                return event
                    .lines()
                    .find_map(|l| l.strip_prefix("data: ").map(str::to_owned));
            }
        }
    }
}

both!(a_ringing_call_pops_the_callers_card_on_the_agents_page);
async fn a_ringing_call_pops_the_callers_card_on_the_agents_page(t: TestApp) {
    let (_, agent_token) = t.user("agent", "agent", None, None).await;
    t.user("agent2", "agent", None, None).await;
    let customer = t
        .create(
            &agent_token,
            "/api/v1/customers",
            json!({"name": "朱娜", "phone": "13800005555", "tier": "A"}),
        )
        .await;
    let vin = crate::helpers::vin(7);
    t.create(
        &agent_token,
        "/api/v1/vehicles",
        json!({"customer_id": customer, "vin": vin, "plate": "沪AH2345", "model": "朗逸"}),
    )
    .await;
    let open = t
        .create(
            &agent_token,
            "/api/v1/tickets",
            json!({"customer_id": customer, "channel": "phone", "category": "repair", "subject": "空调不制冷"}),
        )
        .await;

    let agent = Browser::login(&t, "agent", "password-123").await;
    let other = Browser::login(&t, "agent2", "password-123").await;
    let listen = |b: &Browser| {
        b.client
            .get(format!("{}/events", b.base))
            .header(COOKIE, &b.cookie)
            .send()
    };
    let mut mine = listen(&agent).await.unwrap();
    assert_eq!(mine.status(), StatusCode::OK);
    assert!(
        mine.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut theirs = listen(&other).await.unwrap();

    // The CTI reports the call with an integration key.
    let (status, key) = t
        .post(&t.admin, "/api/v1/integration-keys", json!({"name": "CTI"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    let key = key["key"].as_str().unwrap().to_owned();
    let (status, call) = t
        .post(&key, "/api/v1/calls", json!({"call_id": "cti-1", "caller": "+86 138-0000-5555", "callee": "4008001234", "agent": "agent"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    assert_eq!(
        call["customer_id"], customer,
        "the caller is known by their number"
    );
    let data = next_event(&mut mine, "pop", Duration::from_secs(5))
        .await
        .expect("a pop within five seconds");
    let pushed: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(pushed["call"], call["id"]);
    assert_eq!(
        next_event(&mut theirs, "pop", Duration::from_secs(1)).await,
        None,
        "another agent's page stays quiet"
    );

    // The card: name, tier, car with its plate, open orders, the new-order link.
    let (status, card) = agent.get(&format!("/calls/{}/card", call["id"])).await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert!(card.contains("data-testid=\"screen-pop\""));
    assert!(card.contains("data-testid=\"pop-name\">朱娜<"), "{card}");
    assert!(card.contains("data-testid=\"pop-tier\""));
    assert!(card.contains("沪AH2345"));
    assert!(
        card.contains(&format!("href=\"/tickets/{open}\"")),
        "the open order"
    );
    assert!(
        card.contains(&format!(
            "/tickets/new?customer_id={customer}&#38;vehicle_id="
        )),
        "{card}"
    );
    assert!(card.contains("channel=phone&#38;received_at="));
    // Another agent's call card is not theirs to see unless they take calls;
    // a dealer's staff do not.
    let dealer = t.dealer("SH01").await;
    t.user("staff", "dealer_staff", Some(dealer), None).await;
    let staff = Browser::login(&t, "staff", "password-123").await;
    assert_eq!(
        staff.get(&format!("/calls/{}/card", call["id"])).await.0,
        StatusCode::NOT_FOUND
    );

    // An unknown number: a form to create the customer, the number filled in.
    let (status, call) = t
        .post(
            &key,
            "/api/v1/calls",
            json!({"call_id": "cti-2", "caller": "13900001111", "agent": "agent"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(call["customer_id"].is_null());
    next_event(&mut mine, "pop", Duration::from_secs(5))
        .await
        .expect("the second pop");
    let (_, card) = agent.get(&format!("/calls/{}/card", call["id"])).await;
    assert!(card.contains("data-testid=\"pop-new-customer\""), "{card}");
    assert!(
        card.contains("name=\"phone\" value=\"13900001111\""),
        "{card}"
    );
    let call_id = call["id"].to_string();
    let (status, bad) = agent
        .htmx(
            "/pop/customers",
            &[("phone", "13900001111"), ("name", ""), ("call", &call_id)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        bad.contains("data-testid=\"pop-error\""),
        "the name is required: {bad}"
    );
    let (status, card) = agent
        .htmx(
            "/pop/customers",
            &[
                ("phone", "13900001111"),
                ("name", "刘洋"),
                ("call", &call_id),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert!(card.contains("data-testid=\"pop-name\">刘洋<"), "{card}");
    let (_, found) = t
        .get(&agent_token, "/api/v1/customers?phone=13900001111")
        .await;
    assert_eq!(found["items"][0]["name"], "刘洋");
}

both!(calls_are_reported_only_by_keys_and_their_own_agents);
async fn calls_are_reported_only_by_keys_and_their_own_agents(t: TestApp) {
    let (agent_id, agent) = t.user("agent", "agent", None, None).await;
    let dealer = t.dealer("SH01").await;
    let (_, staff) = t.user("staff", "dealer_staff", Some(dealer), None).await;
    let call = |n: &str| json!({"call_id": n, "caller": "13800006666"});

    // Keys: only an admin makes them; the secret is shown once.
    let (status, _) = t
        .post(&agent, "/api/v1/integration-keys", json!({"name": "x"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = t
        .post(&t.admin, "/api/v1/integration-keys", json!({"name": ""}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "name");
    let (_, made) = t
        .post(&t.admin, "/api/v1/integration-keys", json!({"name": "CTI"}))
        .await;
    let key = made["key"].as_str().unwrap().to_owned();
    let (_, keys) = t.get(&t.admin, "/api/v1/integration-keys").await;
    assert_eq!(keys[0]["name"], "CTI");
    assert!(keys[0].get("key").is_none(), "the secret is not listed");

    // A key reports calls and does nothing else.
    let (status, v) = t.get(&key, "/api/v1/customers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    let (status, v) = t.post(&key, "/api/v1/calls", call("c-1")).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a key names the agent"
    );
    assert_eq!(v["error"]["field"], "agent");
    let mut with_agent = call("c-1");
    with_agent["agent"] = json!("nobody");
    let (status, v) = t.post(&key, "/api/v1/calls", with_agent.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "agent");
    with_agent["agent"] = json!("staff");
    let (status, _) = t.post(&key, "/api/v1/calls", with_agent.clone()).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "dealer staff take no calls"
    );
    with_agent["agent"] = json!("agent");
    let (status, first) = t.post(&key, "/api/v1/calls", with_agent.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(first["agent_id"], agent_id);
    assert_eq!(first["key_id"], made["id"]);
    // The same call again is the same call.
    let (status, again) = t.post(&key, "/api/v1/calls", with_agent.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], first["id"]);

    // An agent's own token reports calls ringing at that agent only.
    let (status, own) = t.post(&agent, "/api/v1/calls", call("c-2")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(own["agent_id"], agent_id);
    assert!(own["key_id"].is_null());
    let mut for_other = call("c-3");
    for_other["agent"] = json!("admin");
    let (status, _) = t.post(&agent, "/api/v1/calls", for_other).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = t.post(&staff, "/api/v1/calls", call("c-4")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Bad input is named.
    for (body, field) in [
        (json!({"call_id": "", "caller": "13800006666"}), "call_id"),
        (json!({"call_id": "c-5", "caller": "call me"}), "caller"),
        (
            json!({"call_id": "c-5", "caller": "13800006666", "callee": "x"}),
            "callee",
        ),
        (json!({"call_id": "c-5"}), "caller"),
    ] {
        let (status, v) = t.post(&agent, "/api/v1/calls", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["error"]["field"], field, "{body}: {v}");
    }
    let (status, _) = t
        .call(
            reqwest::Method::POST,
            "/api/v1/calls",
            None,
            Some(call("c-6")),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The stored calls, newest first, for those who take calls.
    let (status, list) = t.get(&agent, "/api/v1/calls").await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c-2", "c-1"]);
    assert_eq!(
        t.get(&staff, "/api/v1/calls").await.0,
        StatusCode::FORBIDDEN
    );

    // A revoked key is no key.
    let (status, _) = t
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/integration-keys/{}", made["id"]),
            Some(&t.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = t.post(&key, "/api/v1/calls", call("c-7")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// On PostgreSQL several kefu may serve one group: a call reported to one
/// pops on the agent's page held by another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_reported_to_one_instance_pops_on_a_page_held_by_another() {
    let Some(a) = TestApp::spawn(crate::helpers::Db::Postgres).await else {
        return;
    };
    let b = TestApp::start(
        a.place.clone(),
        kefu_app::AppConfig::default(),
        kefu_app::Clock::System,
    )
    .await;
    a.user("agent", "agent", None, None).await;
    let agent = Browser::login(&a, "agent", "password-123").await;
    let mut stream = agent
        .client
        .get(format!("{}/events", agent.base))
        .header(COOKIE, &agent.cookie)
        .send()
        .await
        .unwrap();
    let (_, key) = b
        .post(&b.admin, "/api/v1/integration-keys", json!({"name": "CTI"}))
        .await;
    let key = key["key"].as_str().unwrap().to_owned();
    let (status, call) = b
        .post(
            &key,
            "/api/v1/calls",
            json!({"call_id": "x-1", "caller": "13900001111", "agent": "agent"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let data = next_event(&mut stream, "pop", Duration::from_secs(5))
        .await
        .expect("the pop crossed to the other instance");
    let pushed: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(pushed["call"], call["id"]);
    drop(stream);
    b.stop().await;
    a.stop().await;
}
