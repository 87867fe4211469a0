//! SLA clocks in the real program: `kefu serve` run as a child process on
//! the wall clock, with a one-minute response target. A clock fires on time,
//! survives `kill -9` and fires once after the restart, a data folder has
//! one owner, and two servers on one PostgreSQL database fire each clock
//! once between them.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

pub(super) const BIN: &str = env!("CARGO_BIN_EXE_kefu");
pub(super) const VERSION: &str = env!("CARGO_PKG_VERSION");
pub(super) const ADMIN_PASSWORD: &str = "admin-password-1";
pub(super) const PASSWORD: &str = "password-123";
/// Long enough for a debug build to migrate a database and hash passwords.
pub(super) const START_TIMEOUT: Duration = Duration::from_secs(60);
pub(super) const STOP_TIMEOUT: Duration = Duration::from_secs(10);
pub(super) const POLL: Duration = Duration::from_millis(200);
/// The response target of the test policy.
pub(super) const TARGET: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

// ---------------------------------------------------------------------------
// The program as a child process.

/// `kefu serve --data DIR --listen 127.0.0.1:0 [--database-url URL]`, with
/// none of the test runner's `KEFU_*` variables but a known admin password.
pub(super) fn serve_cmd(dir: &Path, url: Option<&str>) -> Command {
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
pub(super) fn wait_bounded(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
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
pub(super) struct Server {
    pub(super) child: Option<Child>,
    /// `http://ADDR`, as the program printed it.
    pub(super) base: String,
    pub(super) stderr: Arc<Mutex<String>>,
    pub(super) client: reqwest::Client,
}

/// A `kefu serve` that ended without listening.
pub(super) struct Exited {
    pub(super) status: ExitStatus,
    pub(super) stdout: String,
    pub(super) stderr: String,
}

/// Start `kefu serve` and wait for its `listening on` line; `Err` with what
/// it printed if it exits first.
pub(super) fn try_start(mut cmd: Command) -> Result<Server, Exited> {
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
pub(super) fn start(cmd: Command) -> Server {
    match try_start(cmd) {
        Ok(s) => s,
        Err(e) => panic!(
            "kefu serve did not start: {}\n--- stdout:\n{}\n--- stderr:\n{}",
            e.status, e.stdout, e.stderr
        ),
    }
}

impl Server {
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(super) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `kill -9`: no chance to finish anything.
    pub(super) fn kill_9(mut self) {
        let mut child = self.child.take().unwrap();
        let pid = child.id().to_string();
        let killed = Command::new("kill").args(["-9", &pid]).status().unwrap();
        assert!(killed.success(), "kill -9 {pid}");
        let status = wait_bounded(&mut child, STOP_TIMEOUT).expect("alive after kill -9");
        assert!(status.code().is_none(), "not killed by a signal: {status}");
    }

    /// SIGTERM, then wait for a clean exit.
    pub(super) fn terminate(mut self) {
        let mut child = self.child.take().unwrap();
        let pid = child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success(), "kill -TERM {pid}");
        let status = wait_bounded(&mut child, STOP_TIMEOUT);
        let stderr = self.stderr();
        let status = status.unwrap_or_else(|| panic!("still running after SIGTERM: {stderr}"));
        assert!(status.success(), "{status}: {stderr}");
    }

    pub(super) async fn call(
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

    pub(super) async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, Some(token), path, None)
            .await
    }

    pub(super) async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, Some(token), path, Some(body))
            .await
    }

    pub(super) async fn patch(&self, token: &str, path: &str, body: Value) {
        let (s, res) = self
            .call(reqwest::Method::PATCH, Some(token), path, Some(body))
            .await;
        assert_eq!(s, StatusCode::OK, "PATCH {path}: {res}");
    }

    pub(super) async fn login(&self, username: &str, password: &str) -> String {
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

    pub(super) async fn create(&self, token: &str, path: &str, body: Value) -> i64 {
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

mod shared;
mod single;
mod world;
