//! `kefu demo`: a believable group of any size, served as it is written.

use std::collections::HashSet;
use std::path::Path;

use kefu_core::customers::Phone;
use kefu_core::vehicles::{Plate, Vin};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;
use tempfile::TempDir;

use super::*;
use crate::helpers;

const ADMIN_PASSWORD: &str = "demo-admin-pass-1";
const STATUSES: [&str; 8] = [
    "new",
    "dispatched",
    "escalated",
    "in_progress",
    "waiting_customer",
    "resolved",
    "closed",
    "reopened",
];

fn demo_cmd(dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = kefu_in(dir, &["demo"]);
    cmd.args(extra).env("KEFU_ADMIN_PASSWORD", ADMIN_PASSWORD);
    cmd
}

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

/// What a served demo group must show, whatever the database.
async fn check_group(server: &Server, customers: usize) {
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let (status, me) = server.get(&admin, "/api/v1/dealers?limit=100").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let token = server.login("agent", kefu_app::demo::PASSWORD).await;

    // Orders in every status and level, some late, each with its history.
    for s in STATUSES {
        let (status, page) = server
            .get(&token, &format!("/api/v1/tickets?status={s}&limit=5"))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(!items(&page).is_empty(), "no order is {s}");
    }
    for l in ["L1", "L2", "L3"] {
        let (_, page) = server
            .get(&token, &format!("/api/v1/tickets?level={l}&limit=5"))
            .await;
        assert!(!items(&page).is_empty(), "no order at {l}");
    }
    let (_, late) = server
        .get(&token, "/api/v1/tickets?overdue=true&limit=5")
        .await;
    assert!(!items(&late).is_empty(), "no overdue order: {late}");
    let (_, l3) = server
        .get(
            &token,
            "/api/v1/tickets?status=in_progress&level=L3&limit=1",
        )
        .await;
    let id = items(&l3)[0]["id"].as_i64().unwrap();
    let (_, events) = server
        .get(&token, &format!("/api/v1/tickets/{id}/events"))
        .await;
    let kinds: Vec<&str> = items(&events)
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds.first(), Some(&"created"), "{events}");
    assert!(
        kinds.contains(&"escalate") && kinds.contains(&"respond"),
        "{kinds:?}"
    );
    let (_, clocks) = server
        .get(&token, &format!("/api/v1/tickets/{id}/clocks"))
        .await;
    assert!(!items(&clocks).is_empty(), "{clocks}");

    // Past breaches reach the overtime analysis.
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Days::new(300);
    let to = today + chrono::Days::new(1);
    let (status, report) = server
        .get(
            &admin,
            &format!("/api/v1/reports/overtime?from={from}&to={to}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let breaches = report["total"]["breaches"].as_i64().unwrap_or(0);
    assert!(breaches > 0, "{report}");

    // Valid, distinct phones; valid VINs and plates.
    let (_, page) = server.get(&token, "/api/v1/customers?limit=200").await;
    assert_eq!(items(&page).len(), 200.min(customers));
    let mut phones = HashSet::new();
    for c in items(&page) {
        let phone = c["phone"].as_str().unwrap();
        Phone::parse(phone).unwrap_or_else(|e| panic!("{phone}: {e:?}"));
        assert!(phones.insert(phone.to_owned()), "{phone} twice");
        assert!(
            c["name"].as_str().is_some_and(|n| n.chars().count() >= 2),
            "{c}"
        );
    }
    let (_, cars) = server.get(&token, "/api/v1/vehicles?limit=200").await;
    assert!(items(&cars).len() > 150, "{cars}");
    for v in items(&cars) {
        let vin = v["vin"].as_str().unwrap();
        Vin::parse(vin).unwrap_or_else(|e| panic!("{vin}: {e:?}"));
        let plate = v["plate"].as_str().unwrap();
        Plate::parse(plate).unwrap_or_else(|e| panic!("{plate}: {e:?}"));
    }

    // A new order today takes the next number of the day.
    let customer = &items(&page)[0];
    let (status, order) = server
        .post(
            &token,
            "/api/v1/tickets",
            json!({"customer_id": customer["id"], "channel": "phone", "category": "inquiry",
                   "priority": "normal", "subject": "咨询保养"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_writes_a_group_that_serve_serves() {
    let dir = TempDir::new().unwrap();
    let out = run(demo_cmd(
        dir.path(),
        &["--customers", "1500", "--tickets", "3000", "--open", "600"],
    ))
    .ok();
    assert!(out.stdout.contains("1500 customers"), "{out}");
    assert!(out.stdout.contains("3000 work orders"), "{out}");
    for login in ["agent", "manager", "sh_staff", "liaison", "head", "vp"] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(login)),
            "no {login}: {out}"
        );
    }
    assert!(out.stderr.contains("customers: 1500 in "), "{out}");
    assert!(out.stderr.contains("orders: 3000 in "), "{out}");
    let server = serve(serve_cmd(dir.path(), &[]));
    check_group(&server, 1500).await;

    // Only an empty database is filled.
    let (status, said) = server.terminate();
    assert!(status.success(), "{said}");
    // The 600 orders asked to stay open are, with the one the test opened and
    // a few older ones whose callback is still to come.
    let open = count(
        dir.path(),
        "SELECT count(*) AS n FROM tickets WHERE status <> 'closed'",
    )
    .await;
    assert!((601..800).contains(&open), "{open} open orders");
    // The indexes left out during the load were built again at its end.
    let indexes = count(
        dir.path(),
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name IN \
         ('customers_name_idx', 'customer_phones_phone_idx', 'vehicles_plate_idx', \
          'tickets_customer_idx', 'ticket_events_ticket_idx', 'timers_live_due_idx', 'breaches_due_idx')",
    )
    .await;
    assert_eq!(indexes, 7);
    assert!(out.stderr.contains("indexes: "), "{out}");
    let out = run(demo_cmd(
        dir.path(),
        &["--customers", "10", "--tickets", "10"],
    ))
    .fails();
    assert!(out.stderr.contains("already holds a dealer group"), "{out}");
}

/// The demo's embedded database, read-only.
async fn read_only(dir: &Path) -> sqlx::SqlitePool {
    let url = format!("sqlite://{}?mode=ro", dir.join("kefu.db").display());
    sqlx::SqlitePool::connect(&url).await.unwrap()
}

async fn count(dir: &Path, sql: &'static str) -> i64 {
    let pool = read_only(dir).await;
    let n = sqlx::query(sql)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get::<i64, _>("n");
    pool.close().await;
    n
}

/// The rows that do not depend on when the demo ran.
async fn fingerprint(dir: &Path) -> Vec<String> {
    let pool = read_only(dir).await;
    let mut out = Vec::new();
    for sql in [
        "SELECT name || ' ' || phone AS r FROM customers ORDER BY id",
        "SELECT vin || ' ' || coalesce(plate, '') AS r FROM vehicles ORDER BY id",
        "SELECT status || level || customer_id || subject AS r FROM tickets ORDER BY id",
    ] {
        for row in sqlx::query(sql).fetch_all(&pool).await.unwrap() {
            out.push(row.get::<String, _>("r"));
        }
    }
    pool.close().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_group() {
    let dirs: Vec<TempDir> = (0..3).map(|_| TempDir::new().unwrap()).collect();
    for (dir, seed) in dirs.iter().zip(["7", "7", "8"]) {
        run(demo_cmd(
            dir.path(),
            &["--customers", "400", "--tickets", "500", "--seed", seed],
        ))
        .ok();
    }
    let a = fingerprint(dirs[0].path()).await;
    assert!(a.len() > 1_300, "{}", a.len());
    assert_eq!(a, fingerprint(dirs[1].path()).await);
    assert_ne!(a, fingerprint(dirs[2].path()).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_fills_postgres() {
    if helpers::pg_url().is_none() {
        return;
    }
    let url = helpers::fresh_pg_schema().await;
    let dir = TempDir::new().unwrap();
    let out = run(demo_cmd(
        dir.path(),
        &[
            "--customers",
            "1500",
            "--tickets",
            "3000",
            "--open",
            "600",
            "--database-url",
            &url,
        ],
    ))
    .ok();
    assert!(out.stdout.contains("3000 work orders"), "{out}");
    assert!(!dir.path().join("kefu.db").exists(), "SQLite was used");
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let indexes: i64 = sqlx::query(
        "SELECT count(*) AS n FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN \
         ('customers_name_idx', 'customer_phones_phone_idx', 'vehicles_plate_idx', \
          'tickets_customer_idx', 'ticket_events_ticket_idx', 'timers_live_due_idx', 'breaches_due_idx')",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap()
    .get("n");
    assert_eq!(indexes, 7, "the indexes are built again after the load");
    // The foreign keys, left out during the load, are back and hold.
    for orphan in [
        "INSERT INTO ticket_events (ticket_id, kind, at) VALUES (999999999, 'note', 0)",
        "INSERT INTO timers (subject, subject_id, kind, policy_id, started_at, minutes, due_at) \
         VALUES ('ticket', 1, 'response', 999999999, 0, 30, 0)",
        "INSERT INTO vehicles (customer_id, vin, vin_last6, created_at, updated_at) \
         VALUES (999999999, 'LSVAA4182E2199999', '199999', 0, 0)",
    ] {
        let refused = sqlx::query(orphan).execute(&mut conn).await.unwrap_err();
        assert!(
            refused.to_string().contains("foreign key"),
            "{orphan}: {refused}"
        );
    }
    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_DATABASE_URL", &url);
    let server = serve(cmd);
    check_group(&server, 1500).await;
}
