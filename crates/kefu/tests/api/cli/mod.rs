//! The `kefu` program itself: its flags, configuration and precedence, the
//! first start, graceful shutdown, migrations, the user and import commands
//! and the demo, each run as a real child process on a fresh data folder.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

pub(super) const BIN: &str = env!("CARGO_BIN_EXE_kefu");
pub(super) const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Long enough for a debug build to migrate a database and hash passwords.
pub(super) const START_TIMEOUT: Duration = Duration::from_secs(60);
pub(super) const RUN_TIMEOUT: Duration = Duration::from_secs(60);
pub(super) const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// `kefu ARGS` with none of the test runner's `KEFU_*` variables.
pub(super) fn kefu(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("KEFU_") {
            cmd.env_remove(key);
        }
    }
    cmd.args(args).stdin(Stdio::null());
    cmd
}

/// `kefu ARGS --data DIR`.
pub(super) fn kefu_in(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = kefu(args);
    cmd.arg("--data").arg(dir);
    cmd
}

/// Read a pipe to its end on a thread of its own.
pub(super) fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// What a finished command did.
pub(super) struct Out {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}\n--- stdout:\n{}--- stderr:\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

impl Out {
    #[track_caller]
    pub(super) fn ok(self) -> Out {
        assert!(self.status.success(), "expected success: {self}");
        self
    }

    #[track_caller]
    pub(super) fn fails(self) -> Out {
        assert!(!self.status.success(), "expected a failure: {self}");
        assert!(
            self.status.code().is_some(),
            "expected an exit, not a signal: {self}"
        );
        self
    }
}

/// Wait for a child, killing it (and failing) after `timeout`.
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

/// Run a command to its end, within [`RUN_TIMEOUT`].
pub(super) fn run(cmd: Command) -> Out {
    run_with_input(cmd, None)
}

/// Run a command to its end with `input` on its stdin.
pub(super) fn run_with_input(mut cmd: Command, input: Option<&str>) -> Out {
    if input.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = input {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
    }
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let status = wait_bounded(&mut child, RUN_TIMEOUT);
    let out = Out {
        status: status.unwrap_or_default(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    assert!(
        status.is_some(),
        "still running after {RUN_TIMEOUT:?}: {out}"
    );
    out
}

/// A running `kefu serve`, killed when dropped.
pub(super) struct Server {
    child: Option<Child>,
    /// `http://ADDR`, as the program printed it.
    base: String,
    /// What it printed on stdout before it listened.
    banner: Vec<String>,
    stderr: Arc<Mutex<String>>,
    lines: Receiver<String>,
    pub(super) client: reqwest::Client,
}

/// Start `kefu serve ...` and wait for its `listening on` line; `Err` with
/// what it printed when it exits first.
pub(super) fn try_serve(mut cmd: Command) -> Result<Server, Out> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let stderr = Arc::new(Mutex::new(String::new()));
    {
        let stderr = Arc::clone(&stderr);
        let mut pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                stderr
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
    }
    let prefix = format!("kefu {VERSION} listening on http://");
    let deadline = Instant::now() + START_TIMEOUT;
    let mut banner = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                if let Some(addr) = line.strip_prefix(&prefix) {
                    kefu_app::webhooks::install_tls_provider();
                    let client = reqwest::Client::builder()
                        .timeout(Duration::from_secs(30))
                        .build()
                        .unwrap();
                    return Ok(Server {
                        base: format!("http://{addr}"),
                        child: Some(child),
                        banner,
                        stderr,
                        lines,
                        client,
                    });
                }
                banner.push(line);
            }
            Err(RecvTimeoutError::Disconnected) => {
                // Stdout closed: the program is ending without listening.
                let status = wait_bounded(&mut child, STOP_TIMEOUT);
                std::thread::sleep(Duration::from_millis(50));
                let out = Out {
                    status: status.unwrap_or_default(),
                    stdout: banner.join("\n") + "\n",
                    stderr: stderr.lock().unwrap().clone(),
                };
                assert!(status.is_some(), "stdout closed but still running: {out}");
                return Err(out);
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
pub(super) fn serve(cmd: Command) -> Server {
    match try_serve(cmd) {
        Ok(s) => s,
        Err(out) => panic!("kefu serve did not start: {out}"),
    }
}

/// `kefu serve --data DIR --listen 127.0.0.1:0 EXTRA`.
pub(super) fn serve_cmd(dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = kefu_in(dir, &["serve", "--listen", "127.0.0.1:0"]);
    cmd.args(extra);
    cmd
}

impl Server {
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(super) fn printed(&self) -> String {
        self.banner.join("\n")
    }

    pub(super) fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// `POST /api/v1/auth/token`: the status and the token, if any.
    pub(super) async fn try_login(
        &self,
        username: &str,
        password: &str,
    ) -> (StatusCode, Option<String>) {
        let res = self
            .client
            .post(self.url("/api/v1/auth/token"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        (status, body["token"].as_str().map(str::to_owned))
    }

    pub(super) async fn login(&self, username: &str, password: &str) -> String {
        let (status, token) = self.try_login(username, password).await;
        assert_eq!(status, StatusCode::OK, "login {username}");
        token.unwrap()
    }

    pub(super) async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let res = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub(super) async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// SIGTERM, then wait for the exit; what it printed after listening.
    pub(super) fn terminate(self) -> (ExitStatus, String) {
        self.signal("-TERM")
    }

    /// Send a signal (`-TERM`, `-INT`), then wait for the exit.
    pub(super) fn signal(mut self, signal: &str) -> (ExitStatus, String) {
        let pid = self.pid().to_string();
        let killed = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(killed.success(), "kill {signal} {pid}");
        let mut child = self.child.take().unwrap();
        let status = wait_bounded(&mut child, STOP_TIMEOUT);
        let rest: Vec<String> = self.lines.try_iter().collect();
        std::thread::sleep(Duration::from_millis(50));
        let stderr = self.stderr.lock().unwrap().clone();
        let status = status.unwrap_or_else(|| {
            panic!("still running {STOP_TIMEOUT:?} after SIGTERM\n--- stderr:\n{stderr}")
        });
        (status, format!("{}\n{stderr}", rest.join("\n")))
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

pub(super) fn write_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The password printed by a first start without `KEFU_ADMIN_PASSWORD`.
pub(super) fn printed_admin_password(banner: &str) -> Option<String> {
    banner.lines().find_map(|l| {
        l.strip_prefix("created user admin with password ")?
            .strip_suffix(" (shown only this once)")
            .map(str::to_owned)
    })
}

/// The customers a phone finds, as the given user.
pub(super) async fn customers_by_phone(server: &Server, token: &str, phone: &str) -> Vec<Value> {
    let (status, page) = server
        .get(token, &format!("/api/v1/customers?phone={phone}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

mod backups;
mod config;
mod demo;
mod holidays;
mod imports;
mod postgres;
mod start;
mod users;
