//! One server: refused twice on a folder, on time, and after `kill -9`.

use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;
use tempfile::TempDir;

use super::world::*;
use super::*;
use crate::helpers;

// ---------------------------------------------------------------------------
// 1. One server per data folder.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_serve_on_the_same_folder_is_refused() {
    let dir = TempDir::new().unwrap();
    let first = start(serve_cmd(dir.path(), None));
    let began = Instant::now();
    let second = try_start(serve_cmd(dir.path(), None));
    let took = began.elapsed();
    let Err(out) = second else {
        panic!("a second kefu serve started on the same folder");
    };
    assert!(!out.status.success(), "{}", out.status);
    assert!(
        out.status.code().is_some(),
        "an exit, not a signal: {}",
        out.status
    );
    assert!(
        out.stderr.contains("already running"),
        "--- stderr:\n{}",
        out.stderr
    );
    assert!(took < Duration::from_secs(5), "refused only after {took:?}");
    // The first one is unharmed.
    first.login("admin", ADMIN_PASSWORD).await;
    // The operating system releases the folder when its owner dies.
    first.kill_9();
    let again = start(serve_cmd(dir.path(), None));
    again.login("admin", ADMIN_PASSWORD).await;
    again.terminate();
}

// ---------------------------------------------------------------------------
// 2. On time.

async fn a_clock_fires_on_time(url: Option<String>) {
    let db = if url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let dir = TempDir::new().unwrap();
    let s = start(serve_cmd(dir.path(), url.as_deref()));
    let w = world(&s).await;
    // A complaint due in one minute; an inquiry warned after one, due in two.
    let quick = open(&s, &w).await;
    let slow = open_as(&s, &w, "inquiry").await;
    let quick_due = escalate(&s, &w, quick).await;
    let slow_clock = escalate_clock(&s, &w, slow).await;
    assert_eq!(slow_clock["minutes"], 2, "{slow_clock}");
    let (slow_due, slow_warn) = (at(&slow_clock["due_at"]), at(&slow_clock["warn_at"]));
    assert_eq!(slow_due - slow_warn, TARGET, "{slow_clock}");
    let escalated = Instant::now();

    for (id, due, within) in [(quick, quick_due, 90), (slow, slow_due, 150)] {
        let deadline = escalated + Duration::from_secs(within);
        let evs = wait_for_event(&s, &w.admin, id, "sla_breach", deadline).await;
        let breaches = of_kind(&evs, "sla_breach");
        assert_eq!(breaches.len(), 1, "{db}: {evs:?}");
        let breach = breaches[0];
        let late = late_ms(breach);
        eprintln!("{db}: the breach of order {id} fired {late} ms after its due instant");
        assert!(
            (0..1000).contains(&late),
            "{db}: fired {late} ms late: {breach}"
        );
        assert_eq!(at(&breach["data"]["due_at"]), due, "{db}: {breach}");
        assert_eq!(
            (at(&breach["at"]) - due).num_milliseconds(),
            late,
            "{db}: {breach}"
        );
        assert!(breach["actor_id"].is_null(), "{db}: {breach}");
    }

    // The inquiry's warning, at half time, came first and on time too.
    let evs = events(&s, &w.admin, slow).await;
    let kinds: Vec<&str> = evs.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    let warned = kinds.iter().position(|k| *k == "sla_warning");
    let breached = kinds.iter().position(|k| *k == "sla_breach");
    assert!(
        warned.is_some_and(|w| Some(w) < breached),
        "{db}: the warning first: {kinds:?}"
    );
    assert_eq!(of_kind(&evs, "sla_warning").len(), 1, "{db}: {kinds:?}");
    let warning = of_kind(&evs, "sla_warning")[0];
    let warn_late = (at(&warning["at"]) - slow_warn).num_milliseconds();
    eprintln!("{db}: the warning of order {slow} fired {warn_late} ms after its instant");
    assert!(
        (0..1000).contains(&warn_late),
        "{db}: warned {warn_late} ms late: {warning}"
    );

    // The liaison hears of each once, a manager of each breach.
    let liaison = notifications(&s, &w.liaison).await;
    let seen = |notes: &[Value], kind: &str, id: i64| {
        notes
            .iter()
            .filter(|n| n["kind"] == kind && n["ticket_id"] == id)
            .count()
    };
    for (kind, id) in [
        ("sla_breach", quick),
        ("sla_breach", slow),
        ("sla_warning", quick),
        ("sla_warning", slow),
    ] {
        assert_eq!(
            seen(&liaison, kind, id),
            1,
            "{db}: {kind} {id}: {liaison:?}"
        );
    }
    assert_eq!(
        liaison.len(),
        6,
        "{db}: two escalations, two warnings, two breaches: {liaison:?}"
    );
    let manager = notifications(&s, &w.manager).await;
    assert_eq!(count_kind(&manager, "sla_breach"), 2, "{db}: {manager:?}");
    for id in [quick, slow] {
        let (_, t) = s.get(&w.agent, &format!("/api/v1/tickets/{id}")).await;
        assert_eq!(t["sla_state"], "red", "{db}: {t}");
    }
    s.terminate();
}

/// SQLite and, when configured, PostgreSQL side by side: the clocks need
/// two minutes of wall time whatever the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_fires_on_time_in_a_real_server() {
    let postgres = async {
        if helpers::pg_url().is_none() {
            return;
        }
        a_clock_fires_on_time(Some(helpers::fresh_pg_schema().await)).await;
    };
    tokio::join!(a_clock_fires_on_time(None), postgres);
}

// ---------------------------------------------------------------------------
// 3. Down when due.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_survives_kill_9_and_fires_once_after_restart() {
    let dir = TempDir::new().unwrap();
    let s = start(serve_cmd(dir.path(), None));
    let w = world(&s).await;
    let id = open(&s, &w).await;
    let due = escalate(&s, &w, id).await;
    s.kill_9();
    assert!(
        Utc::now() < due - TARGET / 2,
        "killed too late for this test"
    );

    sleep_until(due + chrono::TimeDelta::seconds(5)).await;
    let s = start(serve_cmd(dir.path(), None));
    let started = Utc::now();
    let evs = wait_for_event(
        &s,
        &w.admin,
        id,
        "sla_breach",
        Instant::now() + Duration::from_secs(5),
    )
    .await;
    let breaches = of_kind(&evs, "sla_breach");
    assert_eq!(breaches.len(), 1, "{evs:?}");
    let late = late_ms(breaches[0]);
    eprintln!("down when due: the breach fired {late} ms late, at start-up");
    assert!(late >= 5000, "fired before the restart? {}", breaches[0]);
    assert!(
        at(&breaches[0]["at"]) >= started - chrono::TimeDelta::seconds(2),
        "fired at start-up: {}",
        breaches[0]
    );
    let liaison = notifications(&s, &w.liaison).await;
    assert_eq!(count_kind(&liaison, "sla_breach"), 1, "{liaison:?}");
    s.terminate();

    // Once more: nothing fires twice.
    let s = start(serve_cmd(dir.path(), None));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let evs = events(&s, &w.admin, id).await;
    assert_eq!(of_kind(&evs, "sla_breach").len(), 1, "{evs:?}");
    let liaison = notifications(&s, &w.liaison).await;
    assert_eq!(count_kind(&liaison, "sla_breach"), 1, "{liaison:?}");
    let manager = notifications(&s, &w.manager).await;
    assert_eq!(count_kind(&manager, "sla_breach"), 1, "{manager:?}");
    s.terminate();
}
