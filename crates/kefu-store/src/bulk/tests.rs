//! A bulk load on SQLite writes through SQLite's own statements on a
//! connection of its own: what it commits the store reads, what it leaves
//! unfinished is rolled back and frees the writer, and it refuses what the
//! store refuses.

#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use sqlx::Row;
use tempfile::TempDir;

use super::{Load, LoadTx, Table, insert, reserve_ids};
use crate::{Change, Store, StoreError, StoreOptions, append_changes, tickets};

async fn sqlite() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open_sqlite(dir.path(), &StoreOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    (dir, store)
}

async fn numbers(store: &Store) -> Vec<(String, i64)> {
    let mut conn = store.read().await.unwrap();
    sqlx::query("SELECT day, last FROM ticket_numbers ORDER BY day")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("day"), r.get("last")))
        .collect()
}

#[tokio::test]
async fn what_a_load_commits_on_sqlite_the_store_reads() {
    let (_dir, store) = sqlite().await;
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
    let mut load = Load::open(&store).unwrap();
    let mut tx = load.begin().await.unwrap();
    assert!(
        matches!(tx, LoadTx::Loader(_)),
        "SQLite loads through a loader"
    );
    let days = vec![("20261201".to_owned(), 7), ("20261202".to_owned(), 3)];
    tickets::raise_numbers(&mut tx, &days).await.unwrap();
    // A second time, lower: the tail (`ON CONFLICT`) keeps the higher.
    tickets::raise_numbers(&mut tx, &[("20261201".to_owned(), 2)])
        .await
        .unwrap();
    let ids = reserve_ids(&mut tx, Table::Customers, 3).await.unwrap();
    assert_eq!(ids, vec![1, 2, 3]);
    append_changes(&mut tx, "customer", &ids, Change::Created, at)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(numbers(&store).await, days);
    let mut conn = store.read().await.unwrap();
    let changes: Vec<(String, i64, String, i64)> =
        sqlx::query("SELECT entity, entity_id, kind, at FROM changes ORDER BY entity_id")
            .fetch_all(&mut *conn)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect();
    let ms = at.timestamp_millis();
    assert_eq!(
        changes,
        (1..=3)
            .map(|id| ("customer".to_owned(), id, "created".to_owned(), ms))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_load_transaction_left_unfinished_rolls_back_and_frees_the_writer() {
    let (_dir, store) = sqlite().await;
    let mut load = Load::open(&store).unwrap();
    let mut tx = load.begin().await.unwrap();
    tickets::raise_numbers(&mut tx, &[("dropped".to_owned(), 5)])
        .await
        .unwrap();
    drop(tx);

    // The store's writer takes the write lock at once: it would wait for a
    // transaction the loader still held.
    let mut tx = tokio::time::timeout(std::time::Duration::from_secs(5), store.begin())
        .await
        .expect("the writer is free")
        .unwrap();
    tickets::raise_numbers(&mut tx, &[("kept".to_owned(), 1)])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(numbers(&store).await, vec![("kept".to_owned(), 1)]);
    drop(load);
}

#[tokio::test]
async fn a_load_refuses_duplicates_and_orphans_as_the_store_does() {
    let (_dir, store) = sqlite().await;
    let mut load = Load::open(&store).unwrap();
    let mut tx = load.begin().await.unwrap();
    let twice = insert(
        &mut tx,
        "dealers (code, name, created_at, updated_at)",
        4,
        &[("SH01", "上海浦东店"), ("SH01", "上海徐汇店")],
        |v, (code, name)| {
            v.put(*code).put(*name).put(0_i64).put(0_i64);
        },
    )
    .await;
    assert!(
        matches!(twice, Err(StoreError::Conflict { field: "code" })),
        "{twice:?}"
    );
    drop(tx);

    let mut tx = load.begin().await.unwrap();
    let orphan = insert(
        &mut tx,
        "customer_phones (customer_id, phone, is_primary)",
        3,
        &[(999_i64, "13800138000")],
        |v, (id, phone)| {
            v.put(*id).put(*phone).put(1_i64);
        },
    )
    .await;
    assert!(
        matches!(orphan, Err(StoreError::MissingReference)),
        "{orphan:?}"
    );
    drop(tx);

    // Neither left a row behind.
    let mut conn = store.read().await.unwrap();
    let n: i64 = sqlx::query(
        "SELECT (SELECT count(*) FROM dealers) + (SELECT count(*) FROM customer_phones)",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap()
    .get(0);
    assert_eq!(n, 0);
}
