//! SLA clocks in the real program: `kefu serve` run as a child process on
//! the wall clock, with a one-minute response target. A clock fires on time,
//! survives `kill -9` and fires once after the restart, a data folder has
//! one owner, and two servers on one PostgreSQL database fire each clock
//! once between them.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::helpers;

const BIN: &str = env!("CARGO_BIN_EXE_kefu");
const VERSION: &str = env!("CARGO_PKG_VERSION");
const ADMIN_PASSWORD: &str = "admin-password-1";
const PASSWORD: &str = "password-123";
/// Long enough for a debug build to migrate a database and hash passwords.
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(200);
/// The response target of the test policy.
const TARGET: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

// ---------------------------------------------------------------------------
// The program as a child process.

/// `kefu serve --data DIR --listen 127.0.0.1:0 [--database-url URL]`, with
/// none of the test runner's `KEFU_*` variables but a known admin password.
fn serve_cmd(dir: &Path, url: Option<&str>) -> Command {
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("KEFU_") {
            cmd.env_remove(key);
        }
    }
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir)
        .env("KEFU_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = url {
        cmd.args(["--database-url", url]);
    }
    cmd
}

/// Wait for a child, killing it after `timeout` (then `None`).
fn wait_bounded(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running `kefu serve`, killed when dropped.
struct Server {
    child: Option<Child>,
    /// `http://ADDR`, as the program printed it.
    base: String,
    stderr: Arc<Mutex<String>>,
    client: reqwest::Client,
}

/// A `kefu serve` that ended without listening.
struct Exited {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Start `kefu serve` and wait for its `listening on` line; `Err` with what
/// it printed if it exits first.
fn try_start(mut cmd: Command) -> Result<Server, Exited> {
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // Read on after the banner, so the program never writes to a
            // closed pipe.
            let _ = tx.send(line);
        }
    });
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut pipe = child.stderr.take().unwrap();
    let copy = Arc::clone(&stderr);
    let stderr_done = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            copy.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let prefix = format!("kefu {VERSION} listening on http://");
    let deadline = Instant::now() + START_TIMEOUT;
    let mut banner = Vec::new();
    loop {
        match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => {
                if let Some(addr) = line.strip_prefix(&prefix) {
                    kefu_app::webhooks::install_tls_provider();
                    return Ok(Server {
                        child: Some(child),
                        base: format!("http://{addr}"),
                        stderr,
                        client: reqwest::Client::builder()
                            .timeout(Duration::from_secs(30))
                            .build()
                            .unwrap(),
                    });
                }
                banner.push(line);
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = wait_bounded(&mut child, STOP_TIMEOUT)
                    .expect("stdout closed, but still running");
                let _ = stderr_done.join();
                let stderr = stderr.lock().unwrap().clone();
                return Err(Exited {
                    status,
                    stdout: banner.join("\n"),
                    stderr,
                });
            }
            Err(RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "no `listening on` line after {START_TIMEOUT:?}\n--- stdout:\n{}\n--- stderr:\n{}",
                    banner.join("\n"),
                    stderr.lock().unwrap()
                );
            }
        }
    }
}

#[track_caller]
fn start(cmd: Command) -> Server {
    match try_start(cmd) {
        Ok(s) => s,
        Err(e) => panic!(
            "kefu serve did not start: {}\n--- stdout:\n{}\n--- stderr:\n{}",
            e.status, e.stdout, e.stderr
        ),
    }
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `kill -9`: no chance to finish anything.
    fn kill_9(mut self) {
        let mut child = self.child.take().unwrap();
        let pid = child.id().to_string();
        let killed = Command::new("kill").args(["-9", &pid]).status().unwrap();
        assert!(killed.success(), "kill -9 {pid}");
        let status = wait_bounded(&mut child, STOP_TIMEOUT).expect("alive after kill -9");
        assert!(status.code().is_none(), "not killed by a signal: {status}");
    }

    /// SIGTERM, then wait for a clean exit.
    fn terminate(mut self) {
        let mut child = self.child.take().unwrap();
        let pid = child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success(), "kill -TERM {pid}");
        let status = wait_bounded(&mut child, STOP_TIMEOUT);
        let stderr = self.stderr();
        let status = status.unwrap_or_else(|| panic!("still running after SIGTERM: {stderr}"));
        assert!(status.success(), "{status}: {stderr}");
    }

    async fn call(
        &self,
        method: reqwest::Method,
        token: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, Some(token), path, None)
            .await
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, Some(token), path, Some(body))
            .await
    }

    async fn patch(&self, token: &str, path: &str, body: Value) {
        let (s, res) = self
            .call(reqwest::Method::PATCH, Some(token), path, Some(body))
            .await;
        assert_eq!(s, StatusCode::OK, "PATCH {path}: {res}");
    }

    async fn login(&self, username: &str, password: &str) -> String {
        let body = json!({"username": username, "password": password});
        let (s, res) = self
            .call(
                reqwest::Method::POST,
                None,
                "/api/v1/auth/token",
                Some(body),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "login {username}: {res}");
        res["token"].as_str().unwrap().to_owned()
    }

    async fn create(&self, token: &str, path: &str, body: Value) -> i64 {
        let (s, res) = self.post(token, path, body).await;
        assert_eq!(s, StatusCode::CREATED, "POST {path}: {res}");
        res["id"].as_i64().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

// ---------------------------------------------------------------------------
// The group: a round-the-clock department with a liaison, and a one-minute
// response target for every order escalated to a department.

struct World {
    admin: String,
    quality: i64,
    agent: String,
    liaison: String,
    manager: String,
    customer: i64,
}

async fn world(s: &Server) -> World {
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let day = json!([["00:00", "24:00"]]);
    let cal = s
        .create(&admin, "/api/v1/calendars", json!({"name": "7x24", "timezone": "Asia/Shanghai",
            "weekly": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day},
            "public_holidays": null}))
        .await;
    // Complaints: one minute, warned after 30 seconds. Other orders: two
    // minutes, warned after one.
    s.create(
        &admin,
        "/api/v1/sla-policies",
        json!({"name": "1分钟", "rank": 1, "match": {"levels": ["L3"], "categories": ["complaint"]},
               "response_minutes": 1, "warning_percent": 50}),
    )
    .await;
    s.create(
        &admin,
        "/api/v1/sla-policies",
        json!({"name": "2分钟", "rank": 2, "match": {"levels": ["L3"]},
               "response_minutes": 2, "warning_percent": 50}),
    )
    .await;
    let quality = s
        .create(
            &admin,
            "/api/v1/departments",
            json!({"code": "quality", "name": "质量部"}),
        )
        .await;
    let sh = s
        .create(
            &admin,
            "/api/v1/dealers",
            json!({"code": "SH001", "name": "上海浦东店"}),
        )
        .await;
    let mut ids = HashMap::new();
    for (name, role, dept) in [
        ("li.agent", "agent", None),
        ("sun.liaison", "liaison", Some(quality)),
        ("wang.mgr", "manager", None),
    ] {
        let id = s
            .create(
                &admin,
                "/api/v1/users",
                json!({"username": name, "password": PASSWORD, "display_name": name,
                       "role": role, "department_id": dept}),
            )
            .await;
        ids.insert(name, id);
    }
    s.patch(
        &admin,
        &format!("/api/v1/departments/{quality}"),
        json!({"calendar_id": cal, "liaison_ids": [ids["sun.liaison"]]}),
    )
    .await;
    let agent = s.login("li.agent", PASSWORD).await;
    let customer = s
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678", "dealer_id": sh}),
        )
        .await;
    World {
        admin,
        quality,
        liaison: s.login("sun.liaison", PASSWORD).await,
        manager: s.login("wang.mgr", PASSWORD).await,
        agent,
        customer,
    }
}

/// A complaint: its response is due one minute after the escalation.
async fn open(s: &Server, w: &World) -> i64 {
    open_as(s, w, "complaint").await
}

async fn open_as(s: &Server, w: &World, category: &str) -> i64 {
    s.create(
        &w.agent,
        "/api/v1/tickets",
        json!({"customer_id": w.customer, "channel": "phone", "category": category,
               "subject": "异响"}),
    )
    .await
}

fn at(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not an instant: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

/// Escalate to the department; the response clock's due instant, checked
/// to be the policy's minutes after the escalation.
async fn escalate(s: &Server, w: &World, id: i64) -> DateTime<Utc> {
    at(&escalate_clock(s, w, id).await["due_at"])
}

/// Escalate to the department; the one clock that starts.
async fn escalate_clock(s: &Server, w: &World, id: i64) -> Value {
    let before = Utc::now();
    let (status, r) = s
        .post(
            &w.agent,
            &format!("/api/v1/tickets/{id}/escalate"),
            json!({"department_id": w.quality}),
        )
        .await;
    let after = Utc::now();
    assert_eq!(status, StatusCode::OK, "escalate: {r}");
    let live: Vec<&Value> = r["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["stopped_at"].is_null())
        .collect();
    assert_eq!(live.len(), 1, "one clock under the test policies: {r}");
    let clock = live[0];
    assert_eq!(clock["kind"], "response", "{r}");
    let target = chrono::TimeDelta::minutes(clock["minutes"].as_i64().unwrap());
    let due = at(&clock["due_at"]);
    let ms = chrono::TimeDelta::milliseconds(1);
    assert!(
        before + target - ms <= due && due <= after + target,
        "due {due}, escalated between {before} and {after}: {clock}"
    );
    clock.clone()
}

/// The order's events, oldest first.
async fn events(s: &Server, token: &str, id: i64) -> Vec<Value> {
    let (status, page) = s
        .get(token, &format!("/api/v1/tickets/{id}/events?limit=200"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page["next_cursor"].is_null(), "{page}");
    page["items"].as_array().unwrap().clone()
}

fn of_kind<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["kind"] == kind).collect()
}

/// Every notification of the caller, all pages.
async fn notifications(s: &Server, token: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/notifications?limit=200&cursor={c}"),
            None => "/api/v1/notifications?limit=200".to_owned(),
        };
        let (status, page) = s.get(token, &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return all,
        }
    }
}

fn count_kind(notes: &[Value], kind: &str) -> usize {
    notes.iter().filter(|n| n["kind"] == kind).count()
}

/// Poll the order's events until one of `kind` appears, or panic at `deadline`.
async fn wait_for_event(
    s: &Server,
    token: &str,
    id: i64,
    kind: &str,
    deadline: Instant,
) -> Vec<Value> {
    loop {
        let evs = events(s, token, id).await;
        if !of_kind(&evs, kind).is_empty() {
            return evs;
        }
        assert!(
            Instant::now() < deadline,
            "no {kind} event in time: {evs:?}\n--- stderr:\n{}",
            s.stderr()
        );
        tokio::time::sleep(POLL).await;
    }
}

fn late_ms(event: &Value) -> i64 {
    event["data"]["late_ms"]
        .as_i64()
        .unwrap_or_else(|| panic!("no late_ms: {event}"))
}

/// Sleep until a wall-clock instant.
async fn sleep_until(t: DateTime<Utc>) {
    if let Ok(d) = (t - Utc::now()).to_std() {
        tokio::time::sleep(d).await;
    }
}

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
    assert_eq!(liaison.len(), 4, "{db}: {liaison:?}");
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
            eprintln!("KEFU_TEST_DATABASE_URL is not set: PostgreSQL case skipped");
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

// ---------------------------------------------------------------------------
// 4. Two servers, one PostgreSQL database.

const ORDERS: usize = 1000;
const WORKERS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_postgres_fire_each_clock_once() {
    if helpers::pg_url().is_none() {
        eprintln!("KEFU_TEST_DATABASE_URL is not set: PostgreSQL case skipped");
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
