//! Many agents opening orders at the same moment: their orders are written
//! together (group commit), yet each caller gets its own answer, every order
//! its own number, clocks and records, and a refused one changes nothing.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::both;
use crate::helpers::TestApp;

const ORDERS: usize = 40;

both!(orders_opened_at_once_each_get_their_own_number_and_records);
async fn orders_opened_at_once_each_get_their_own_number_and_records(t: TestApp) {
    let sh = t.dealer("SH001").await;
    let bj = t.dealer("BJ001").await;
    let (_, agent) = t.user("li.agent", "agent", None, None).await;
    let (_, bj_staff) = t.user("bj.staff", "dealer_staff", Some(bj), None).await;
    let customer = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678", "dealer_id": sh}),
        )
        .await;
    let bj_customer = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "王芳", "phone": "13912345678", "dealer_id": bj}),
        )
        .await;

    // Orders at the centre run clocks under this policy.
    t.create(
        &t.admin,
        "/api/v1/sla-policies",
        json!({"name": "受理", "rank": 1, "match": {"levels": ["L1"]},
               "response_minutes": 30, "resolution_minutes": 480}),
    )
    .await;

    let client = reqwest::Client::new();
    let mut calls = JoinSet::new();
    for i in 0..ORDERS {
        // Two in ten are refused: an unknown customer, and a Beijing
        // dealer's staff opening an order for the Shanghai dealer.
        let (token, customer_id, dealer_id) = match i % 10 {
            3 => (agent.clone(), 999_999, None),
            7 => (bj_staff.clone(), bj_customer, Some(sh)),
            _ => (agent.clone(), customer, None),
        };
        let req = client
            .post(t.url("/api/v1/tickets"))
            .bearer_auth(token)
            .json(
                &json!({"customer_id": customer_id, "dealer_id": dealer_id, "channel": "phone",
                "category": "complaint", "subject": format!("异响 {i}")}),
            );
        calls.spawn(async move {
            let res = req.send().await.unwrap();
            let status = res.status();
            (i, status, res.json::<Value>().await.unwrap())
        });
    }
    let mut opened = Vec::new();
    while let Some(done) = calls.join_next().await {
        let (i, status, body) = done.unwrap();
        match i % 10 {
            3 => {
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
                assert_eq!(body["error"]["field"], "customer_id", "{body}");
            }
            7 => assert_eq!(status, StatusCode::FORBIDDEN, "{body}"),
            _ => {
                assert_eq!(status, StatusCode::CREATED, "{body}");
                assert_eq!(
                    body["subject"],
                    format!("异响 {i}"),
                    "each caller gets its own order"
                );
                opened.push(body);
            }
        }
    }
    let expected = ORDERS - ORDERS / 5;
    assert_eq!(opened.len(), expected);

    // The numbers of the day are dense: refused orders take none.
    let seqs: BTreeSet<u32> = opened
        .iter()
        .map(|o| o["number"].as_str().unwrap()[12..].parse().unwrap())
        .collect();
    assert_eq!(seqs, (1..=expected as u32).collect::<BTreeSet<_>>());

    for o in &opened {
        let id = o["id"].as_i64().unwrap();
        let (s, stored) = t.get(&agent, &format!("/api/v1/tickets/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(stored["number"], o["number"]);
        assert_eq!(
            stored["clocks"], o["clocks"],
            "the answer shows the stored clocks"
        );
        assert!(!o["clocks"].as_array().unwrap().is_empty(), "{o}");
        assert_eq!(o["sla_state"], "green");
        let (_, events) = t.get(&agent, &format!("/api/v1/tickets/{id}/events")).await;
        assert_eq!(events["items"].as_array().unwrap().len(), 1);
        assert_eq!(events["items"][0]["kind"], "created");
        let (_, trail) = t
            .get(
                &t.admin,
                &format!("/api/v1/audit?entity=ticket&entity_id={id}"),
            )
            .await;
        assert_eq!(trail["items"].as_array().unwrap().len(), 1, "{trail}");
        assert_eq!(trail["items"][0]["action"], "ticket.create");
    }
    let (_, all) = t.get(&agent, "/api/v1/tickets?limit=100").await;
    assert_eq!(all["items"].as_array().unwrap().len(), expected);
}
