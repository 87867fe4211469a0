//! Group commit against a real store: SQLite in a temporary folder, and
//! PostgreSQL in a schema of its own when `KEFU_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used)]

use chrono::SubsecRound;
use kefu_store::{AuditFilter, PageRequest, Store, StoreOptions};
use serde_json::json;
use sqlx::Row;
use tempfile::TempDir;

use super::*;
use crate::tickets::TicketInput;
use crate::{AppConfig, Clock};

struct Env {
    _dir: Option<TempDir>,
    app: App,
    agent: Actor,
    customer: i64,
}

/// The stores to test on: SQLite always, PostgreSQL when configured.
async fn stores() -> Vec<(Store, Option<TempDir>)> {
    let dir = TempDir::new().unwrap();
    let mut out = vec![(
        Store::open_sqlite(dir.path(), &StoreOptions::default())
            .await
            .unwrap(),
        Some(dir),
    )];
    if let Some(base) = kefu_store::testing::postgres_url() {
        let url = kefu_store::testing::fresh_schema(&base, "kefu_g").await;
        out.push((
            Store::open_postgres(&url, &StoreOptions::default())
                .await
                .unwrap(),
            None,
        ));
    }
    out
}

async fn env(store: Store, dir: Option<TempDir>) -> Env {
    store.migrate().await.unwrap();
    let app = App::new(store, AppConfig::default(), Clock::System);
    crate::org::users::ensure_admin(&app, Some("password123"))
        .await
        .unwrap();
    crate::calendars::ensure_default(&app).await.unwrap();
    let admin = Actor::from_user(
        &crate::org::users::by_username(&app, "admin").await.unwrap(),
        None,
    );
    // Orders at the centre run clocks under this policy.
    crate::sla::create(
        &app,
        &admin,
        serde_json::from_value(
            json!({"name": "受理", "rank": 1, "match": {"levels": ["L1"]},
            "response_minutes": 30, "resolution_minutes": 480}),
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let customer = crate::customers::create(
        &app,
        &admin,
        serde_json::from_value(json!({"name": "张伟", "phone": "13812345678"})).unwrap(),
    )
    .await
    .unwrap()
    .id;
    Env {
        _dir: dir,
        app,
        agent: admin,
        customer,
    }
}

/// An order for `customer`, checked as `create` checks it.
async fn opening(e: &Env, customer: i64, subject: &str) -> Opening {
    let now = e.app.now().trunc_subsecs(3);
    let input: TicketInput = serde_json::from_value(json!({
        "customer_id": customer, "channel": "phone", "category": "complaint",
        "priority": "high", "subject": subject,
    }))
    .unwrap();
    let draft = Draft::parse(input, now).unwrap();
    let mut conn = e.app.store.read().await.unwrap();
    let (ticket, clocks, numbering) = prepare(&mut conn, &e.app, &e.agent, &draft, now)
        .await
        .unwrap();
    Opening {
        who: e.agent.clone(),
        draft,
        now,
        ticket,
        clocks,
        numbering,
    }
}

fn queued(o: Opening) -> (Queued, oneshot::Receiver<Result<TicketView>>) {
    let (answer, rx) = oneshot::channel();
    (Queued { opening: o, answer }, rx)
}

async fn count(app: &App, sql: &'static str) -> i64 {
    let mut conn = app.store.read().await.unwrap();
    sqlx::query(sql)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_written_together_each_get_their_number_clocks_event_and_records() {
    for (store, dir) in stores().await {
        let e = env(store, dir).await;
        let mut batch = Vec::new();
        let mut answers = Vec::new();
        for i in 0..5 {
            let (q, rx) = queued(opening(&e, e.customer, &format!("异响 {i}")).await);
            batch.push(q);
            answers.push(rx);
        }
        write_and_answer(&e.app, batch).await;
        let mut views = Vec::new();
        for rx in answers {
            views.push(rx.await.unwrap().unwrap());
        }
        for (i, v) in views.iter().enumerate() {
            assert!(
                v.ticket.number.ends_with(&format!("-{:04}", i + 1)),
                "numbers follow the queue: {}",
                v.ticket.number
            );
            assert_eq!(v.ticket.subject, format!("异响 {i}"));
            let stored = crate::tickets::get(&e.app, &e.agent, v.ticket.id)
                .await
                .unwrap();
            assert_eq!(stored.ticket.number, v.ticket.number);
            assert_eq!(stored.ticket.policy_id, v.ticket.policy_id);
            assert!(v.ticket.policy_id.is_some(), "the L1 policy applies");
            let clocks = v.clocks.as_ref().unwrap();
            assert!(!clocks.is_empty(), "an order under a policy runs clocks");
            assert_eq!(stored.clocks.as_ref().unwrap(), clocks);
            assert_eq!(stored.sla_state, v.sla_state);
            let events =
                crate::tickets::events(&e.app, &e.agent, v.ticket.id, PageRequest::default())
                    .await
                    .unwrap();
            assert_eq!(events.items.len(), 1);
            assert_eq!(events.items[0].kind, "created");
            assert_eq!(events.items[0].data["priority"], "high");
        }
        let trail = crate::audit::list(
            &e.app,
            &e.agent,
            &AuditFilter {
                entity: Some("ticket".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(trail.items.len(), 5);
        assert!(trail.items.iter().all(|a| a.action == "ticket.create"
            && a.actor_id == Some(e.agent.user_id)
            && a.after.is_some()));
        assert_eq!(
            count(
                &e.app,
                "SELECT count(*) FROM changes c JOIN tickets t ON t.id = c.entity_id \
                 WHERE c.entity = 'ticket' AND c.kind = 'created'"
            )
            .await,
            5
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_order_in_a_batch_fails_alone_and_the_others_are_written() {
    for (store, dir) in stores().await {
        let e = env(store, dir).await;
        let first = opening(&e, e.customer, "第一").await;
        // Checked once, then its customer is gone by the time it is written:
        // the batch's insert fails on the foreign key.
        let mut stale = opening(&e, e.customer, "过期").await;
        stale.ticket.customer_id = 999_999;
        stale.draft.customer_id = 999_999;
        let last = opening(&e, e.customer, "最后").await;
        let (a, ra) = queued(first);
        let (b, rb) = queued(stale);
        let (c, rc) = queued(last);
        write_and_answer(&e.app, vec![a, b, c]).await;
        let first = ra.await.unwrap().unwrap();
        let last = rc.await.unwrap().unwrap();
        match rb.await.unwrap() {
            Err(AppError::Invalid(f)) => {
                assert_eq!(f.field, "customer_id");
                assert_eq!(f.code, "unknown_customer");
            }
            other => panic!("the stale order gets its own error: {other:?}"),
        }
        assert!(
            first.ticket.number.ends_with("-0001"),
            "{}",
            first.ticket.number
        );
        assert!(
            last.ticket.number.ends_with("-0002"),
            "the failed batch gave out no numbers"
        );
        assert_eq!(count(&e.app, "SELECT count(*) FROM tickets").await, 2);
        assert_eq!(
            count(
                &e.app,
                "SELECT count(*) FROM audit WHERE action = 'ticket.create'"
            )
            .await,
            2
        );
        assert_eq!(
            count(&e.app, "SELECT count(*) FROM ticket_events").await,
            2,
            "nothing of the failed batch is left behind"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_that_go_away_neither_hold_up_nor_lose_the_others() {
    for (store, dir) in stores().await {
        let e = env(store, dir).await;
        let mut calls = Vec::new();
        for i in 0..20 {
            let o = opening(&e, e.customer, &format!("来电 {i}")).await;
            let app = e.app.clone();
            calls.push(tokio::spawn(async move { open(&app, o).await }));
        }
        // A client hanging up: its request is dropped wherever it waits,
        // in the queue, for its turn, or while its turn writes a batch.
        for (i, c) in calls.iter().enumerate() {
            if i % 4 == 0 {
                c.abort();
            }
        }
        let mut answered = 0;
        for (i, c) in calls.into_iter().enumerate() {
            match tokio::time::timeout(std::time::Duration::from_secs(30), c)
                .await
                .expect("no caller waits for ever")
            {
                Ok(Ok(view)) => {
                    answered += 1;
                    assert_eq!(view.ticket.subject, format!("来电 {i}"));
                }
                Err(gone) if gone.is_cancelled() && i % 4 == 0 => {}
                other => panic!("caller {i}: {other:?}"),
            }
        }
        assert!(answered >= 15, "every caller that stayed got its order");
        // What was written is whole: as many orders as numbers, no gaps.
        let stored = count(&e.app, "SELECT count(*) FROM tickets").await;
        assert!((answered..=20).contains(&stored), "{stored} stored");
        assert_eq!(
            count(&e.app, "SELECT coalesce(max(last), 0) FROM ticket_numbers").await,
            stored
        );
        assert_eq!(
            count(&e.app, "SELECT count(*) FROM ticket_events").await,
            stored
        );
        // And the writer is free for the next order.
        let (q, rx) = queued(opening(&e, e.customer, "之后").await);
        write_and_answer(&e.app, vec![q]).await;
        rx.await.unwrap().unwrap();
    }
}
