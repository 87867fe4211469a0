//! Two servers sharing one PostgreSQL database fire each clock once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;
use tempfile::TempDir;

use super::world::*;
use super::*;
use crate::helpers;

// ---------------------------------------------------------------------------
// 4. Two servers, one PostgreSQL database.

const ORDERS: usize = 1000;
const WORKERS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_postgres_fire_each_clock_once() {
    if helpers::pg_url().is_none() {
        return;
    }
    let url = helpers::fresh_pg_schema().await;
    let (dir_a, dir_b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    // One after the other: each makes sure of the admin and the seeds.
    let a = start(serve_cmd(dir_a.path(), Some(&url)));
    let b = start(serve_cmd(dir_b.path(), Some(&url)));
    let w = Arc::new(world(&a).await);
    let servers = Arc::new([a, b]);

    // Open and escalate, each order through both servers.
    let began = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..WORKERS {
        let (servers, w) = (Arc::clone(&servers), Arc::clone(&w));
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            for i in (k..ORDERS).step_by(WORKERS) {
                let id = open(&servers[i % 2], &w).await;
                let due = escalate(&servers[(i + 1) % 2], &w, id).await;
                mine.push((id, due));
            }
            mine
        }));
    }
    let mut orders: Vec<(i64, DateTime<Utc>)> = Vec::new();
    for t in tasks {
        orders.extend(t.await.unwrap());
    }
    let escalated = Instant::now();
    eprintln!(
        "{ORDERS} orders opened and escalated in {:?}",
        escalated - began
    );
    let last_due = orders.iter().map(|o| o.1).max().unwrap();

    // Wait for every breach: the liaison hears of each.
    let deadline = escalated + Duration::from_secs(120);
    let mut polls = 0;
    let liaison = loop {
        let notes = notifications(&servers[polls % 2], &w.liaison).await;
        polls += 1;
        let n = count_kind(&notes, "sla_breach");
        if n >= ORDERS {
            break notes;
        }
        assert!(
            Instant::now() < deadline,
            "{n} of {ORDERS} breaches after 120 s\n--- stderr A:\n{}\n--- stderr B:\n{}",
            servers[0].stderr(),
            servers[1].stderr()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    eprintln!(
        "all breaches in {:?} after the last escalation ({:?} after the last due instant)",
        escalated.elapsed(),
        (Utc::now() - last_due).to_std().unwrap_or_default()
    );
    // Give a double firing the chance to show, then count again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let liaison_again = notifications(&servers[1], &w.liaison).await;
    assert_eq!(liaison_again.len(), liaison.len());

    let per_order = |notes: &[Value], kind: &str| {
        let mut by: HashMap<i64, usize> = HashMap::new();
        for n in notes.iter().filter(|n| n["kind"] == kind) {
            *by.entry(n["ticket_id"].as_i64().unwrap()).or_default() += 1;
        }
        by
    };
    let breaches = per_order(&liaison_again, "sla_breach");
    assert_eq!(count_kind(&liaison_again, "sla_breach"), ORDERS);
    assert_eq!(breaches.len(), ORDERS, "some order breached twice");
    assert!(orders.iter().all(|(id, _)| breaches.get(id) == Some(&1)));
    let manager = notifications(&servers[0], &w.manager).await;
    assert_eq!(count_kind(&manager, "sla_breach"), ORDERS);

    let mut late: Vec<i64> = liaison_again
        .iter()
        .filter(|n| n["kind"] == "sla_breach")
        .map(late_ms)
        .collect();
    late.sort_unstable();
    eprintln!(
        "late_ms: min {}, median {}, p99 {}, max {}",
        late[0],
        late[late.len() / 2],
        late[late.len() * 99 / 100],
        late[late.len() - 1]
    );
    assert!(late[0] >= 0, "fired early: {late:?}");
    // Each server wakes for the clocks it starts; none waits for the next
    // periodic look (30 s).
    assert!(late[late.len() - 1] < 5000, "fired late: {late:?}");

    // Every order's own record: exactly one breach event.
    let checked = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..WORKERS {
        let (servers, w) = (Arc::clone(&servers), Arc::clone(&w));
        let mine: Vec<(i64, DateTime<Utc>)> =
            orders.iter().skip(k).step_by(WORKERS).copied().collect();
        tasks.push(tokio::spawn(async move {
            for (n, (id, due)) in mine.into_iter().enumerate() {
                let evs = events(&servers[n % 2], &w.admin, id).await;
                let b = of_kind(&evs, "sla_breach");
                assert_eq!(b.len(), 1, "order {id}: {evs:?}");
                assert_eq!(at(&b[0]["data"]["due_at"]), due, "order {id}: {evs:?}");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    eprintln!(
        "the events of all {ORDERS} orders checked in {:?}",
        checked.elapsed()
    );
    let Ok([a, b]) = Arc::try_unwrap(servers) else {
        panic!("a task still holds the servers");
    };
    a.terminate();
    b.terminate();
}
