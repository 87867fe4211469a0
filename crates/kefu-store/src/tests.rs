//! The lookups agents make on every call must be answered by an index, never
//! by reading the whole table: checked with SQLite's query plans.

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
    let due = crate::sla::clocks::due_query(chrono::Utc::now(), 200, false);
    let p = plan(&store, due).await;
    assert_no_scan(&p);
    assert!(p.contains("clocks_next_idx"), "{p}");
    let p = plan(&store, Sql::new(crate::sla::clocks::NEXT_DUE)).await;
    assert_no_scan(&p);
    assert!(p.contains("clocks_next_idx"), "{p}");
}
