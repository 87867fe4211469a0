//! The lookups agents make on every call must be answered by an index, never
//! by reading the whole table: checked with SQLite's query plans. And the
//! SQLite writer and readers kefu keeps itself: a write given up half-way
//! leaves nothing and frees the writer; readers are capped and reused.

#![allow(clippy::unwrap_used)]

use kefu_core::customers::Phone;
use kefu_core::org::Scope;
use kefu_core::vehicles::{Plate, Vin};
use sqlx::Row;

use crate::customers::{self, CustomerFilter};
use crate::sql::Sql;
use crate::vehicles::{self, VehicleFilter};
use crate::{PageRequest, Store, StoreOptions};

async fn plan(store: &Store, q: Sql) -> String {
    let mut conn = store.read().await.unwrap();
    let rows = q
        .prefixed("EXPLAIN QUERY PLAN ")
        .query()
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get::<String, _>("detail").unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// No step of the plan reads a whole table or a whole index.
fn assert_no_scan(plan: &str) {
    assert!(
        !plan.lines().any(|l| l.trim_start().starts_with("SCAN")),
        "full scan:\n{plan}"
    );
}

#[tokio::test]
async fn customer_and_vehicle_lookups_use_indexes() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = Store::open_sqlite(dir.path(), &StoreOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let page = PageRequest::default();
    let lookups = [
        CustomerFilter {
            phone: Some(Phone::parse("13812345678").unwrap()),
            ..Default::default()
        },
        CustomerFilter {
            name_prefix: Some("张".into()),
            ..Default::default()
        },
        CustomerFilter {
            phone_prefix: Some("1381234".into()),
            ..Default::default()
        },
    ];
    for (i, f) in lookups.iter().enumerate() {
        for scope in [Scope::Group, Scope::Dealer(1)] {
            let p = plan(&store, customers::list_query(scope, f, page)).await;
            assert_no_scan(&p);
            assert!(
                p.contains("INDEX") || p.contains("PRIMARY KEY"),
                "lookup {i}:\n{p}"
            );
        }
    }
    let vin = Vin::parse("LSVAU218XN2183294").unwrap();
    let lookups = [
        VehicleFilter {
            vin: Some(vin),
            ..Default::default()
        },
        VehicleFilter {
            vin_last6: Some("183294".into()),
            ..Default::default()
        },
        VehicleFilter {
            plate: Some(Plate::parse("沪A12345").unwrap()),
            ..Default::default()
        },
    ];
    for f in &lookups {
        for scope in [Scope::Group, Scope::Dealer(1)] {
            let p = plan(&store, vehicles::list_query(scope, f, page)).await;
            assert_no_scan(&p);
        }
    }
}

#[tokio::test]
async fn the_scheduler_reads_only_the_index_on_due_clocks() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = Store::open_sqlite(dir.path(), &StoreOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let due = crate::timers::due_query(chrono::Utc::now(), 200, crate::Dialect::Sqlite);
    let p = plan(&store, due).await;
    assert_no_scan(&p);
    assert!(p.contains("timers_next_idx"), "{p}");
    let p = plan(&store, Sql::new(crate::timers::NEXT_DUE)).await;
    assert_no_scan(&p);
    assert!(p.contains("timers_next_idx"), "{p}");
}

async fn numbers_of(store: &Store, day: &str) -> i64 {
    let mut conn = store.read().await.unwrap();
    sqlx::query("SELECT count(*) AS n FROM ticket_numbers WHERE day = $1")
        .bind(day.to_owned())
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

async fn give_number(conn: &mut crate::Conn, day: &str) {
    crate::tickets::next_numbers(conn, day, 1).await.unwrap();
}

#[tokio::test]
async fn a_write_dropped_or_cancelled_midway_rolls_back_and_frees_the_writer() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = Store::open_sqlite(dir.path(), &StoreOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let soon = std::time::Duration::from_secs(5);

    let mut tx = store.begin().await.unwrap();
    give_number(&mut tx, "dropped").await;
    drop(tx);

    // A caller that goes away while it holds the writer (a client hanging
    // up mid-request).
    let cancelled = tokio::time::timeout(std::time::Duration::from_millis(50), async {
        let mut tx = store.begin().await.unwrap();
        give_number(&mut tx, "cancelled").await;
        std::future::pending::<()>().await;
    })
    .await;
    assert!(cancelled.is_err());

    let mut tx = tokio::time::timeout(soon, store.begin())
        .await
        .expect("the writer is free again")
        .unwrap();
    give_number(&mut tx, "kept").await;
    tx.commit().await.unwrap();
    assert_eq!(numbers_of(&store, "dropped").await, 0);
    assert_eq!(numbers_of(&store, "cancelled").await, 0);
    assert_eq!(numbers_of(&store, "kept").await, 1);
}

#[tokio::test]
async fn readers_are_capped_and_come_back_when_dropped() {
    let dir = tempfile::TempDir::new().unwrap();
    let opts = StoreOptions {
        max_connections: 2,
        ..StoreOptions::default()
    };
    let store = Store::open_sqlite(dir.path(), &opts).await.unwrap();
    store.migrate().await.unwrap();
    let a = store.read().await.unwrap();
    let b = store.read().await.unwrap();
    let wait = std::time::Duration::from_millis(100);
    assert!(
        tokio::time::timeout(wait, store.read()).await.is_err(),
        "a third reader waits"
    );
    drop(a);
    let mut c = tokio::time::timeout(wait, store.read())
        .await
        .expect("a reader given back is handed out again")
        .unwrap();
    sqlx::query("SELECT 1").execute(&mut *c).await.unwrap();
    drop((b, c));
    store.close().await;
    assert!(store.read().await.is_err(), "a closed store hands out none");
    assert!(store.begin().await.is_err());
}
