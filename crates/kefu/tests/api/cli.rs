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
use tempfile::TempDir;

use crate::helpers;

const BIN: &str = env!("CARGO_BIN_EXE_kefu");
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Long enough for a debug build to migrate a database and hash passwords.
const START_TIMEOUT: Duration = Duration::from_secs(60);
const RUN_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// `kefu ARGS` with none of the test runner's `KEFU_*` variables.
fn kefu(args: &[&str]) -> Command {
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
fn kefu_in(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = kefu(args);
    cmd.arg("--data").arg(dir);
    cmd
}

/// Read a pipe to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// What a finished command did.
struct Out {
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
    fn ok(self) -> Out {
        assert!(self.status.success(), "expected success: {self}");
        self
    }

    #[track_caller]
    fn fails(self) -> Out {
        assert!(!self.status.success(), "expected a failure: {self}");
        assert!(
            self.status.code().is_some(),
            "expected an exit, not a signal: {self}"
        );
        self
    }
}

/// Wait for a child, killing it (and failing) after `timeout`.
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

/// Run a command to its end, within [`RUN_TIMEOUT`].
fn run(cmd: Command) -> Out {
    run_with_input(cmd, None)
}

/// Run a command to its end with `input` on its stdin.
fn run_with_input(mut cmd: Command, input: Option<&str>) -> Out {
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
struct Server {
    child: Option<Child>,
    /// `http://ADDR`, as the program printed it.
    base: String,
    /// What it printed on stdout before it listened.
    banner: Vec<String>,
    stderr: Arc<Mutex<String>>,
    lines: Receiver<String>,
    client: reqwest::Client,
}

/// Start `kefu serve ...` and wait for its `listening on` line; `Err` with
/// what it printed when it exits first.
fn try_serve(mut cmd: Command) -> Result<Server, Out> {
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
fn serve(cmd: Command) -> Server {
    match try_serve(cmd) {
        Ok(s) => s,
        Err(out) => panic!("kefu serve did not start: {out}"),
    }
}

/// `kefu serve --data DIR --listen 127.0.0.1:0 EXTRA`.
fn serve_cmd(dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = kefu_in(dir, &["serve", "--listen", "127.0.0.1:0"]);
    cmd.args(extra);
    cmd
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn printed(&self) -> String {
        self.banner.join("\n")
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// `POST /api/v1/auth/token`: the status and the token, if any.
    async fn try_login(&self, username: &str, password: &str) -> (StatusCode, Option<String>) {
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

    async fn login(&self, username: &str, password: &str) -> String {
        let (status, token) = self.try_login(username, password).await;
        assert_eq!(status, StatusCode::OK, "login {username}");
        token.unwrap()
    }

    async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
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

    async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
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
    fn terminate(self) -> (ExitStatus, String) {
        self.signal("-TERM")
    }

    /// Send a signal (`-TERM`, `-INT`), then wait for the exit.
    fn signal(mut self, signal: &str) -> (ExitStatus, String) {
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

fn write_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The password printed by a first start without `KEFU_ADMIN_PASSWORD`.
fn printed_admin_password(banner: &str) -> Option<String> {
    banner.lines().find_map(|l| {
        l.strip_prefix("created user admin with password ")?
            .strip_suffix(" (shown only this once)")
            .map(str::to_owned)
    })
}

// ---------------------------------------------------------------------------
// 1. Version and help.

#[test]
fn version_and_help_describe_the_program() {
    let out = run(kefu(&["--version"])).ok();
    assert_eq!(out.stdout.trim(), format!("kefu {VERSION}"), "{out}");

    let cases: &[(&[&str], &[&str])] = &[
        (&["--help"], &["serve", "migrate", "user", "import"]),
        (
            &["serve", "--help"],
            &[
                "--data",
                "--listen",
                "--database-url",
                "--demo",
                "KEFU_LISTEN",
            ],
        ),
        (&["migrate", "--help"], &["--data", "--database-url"]),
        (
            &["user", "--help"],
            &["add", "passwd", "disable", "--data", "--database-url"],
        ),
        (
            &["user", "add", "--help"],
            &["--role", "--dealer", "--data", "--database-url"],
        ),
        (
            &["import", "--help"],
            &["--data", "--database-url", "customers", "vehicles"],
        ),
    ];
    for (args, words) in cases {
        let out = run(kefu(args)).ok();
        for word in *words {
            assert!(out.stdout.contains(word), "kefu {args:?}: no {word}: {out}");
        }
    }
    // A mistake is a usage error, not a panic.
    let out = run(kefu(&["serve", "--no-such-flag"])).fails();
    assert_eq!(out.status.code(), Some(2), "{out}");
    assert!(out.stderr.contains("--no-such-flag"), "{out}");
    let out = run(kefu(&[])).fails();
    assert!(out.stderr.contains("Usage"), "{out}");
}

// ---------------------------------------------------------------------------
// 2. The first start and the admin.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_prints_a_working_admin_password_once() {
    let dir = TempDir::new().unwrap();
    let server = serve(serve_cmd(dir.path(), &[]));
    let password = printed_admin_password(&server.printed())
        .unwrap_or_else(|| panic!("no admin password printed: {}", server.printed()));
    assert!(password.len() >= 12, "a weak password: {password:?}");
    let token = server.login("admin", &password).await;
    let (status, me) = server.get(&token, "/api/v1/dealers").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let (status, _) = server.try_login("admin", "wrong-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    drop(server);

    // The second start, even with an admin password given, changes nothing.
    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", "another-password-1");
    let server = serve(cmd);
    assert!(
        !server.printed().contains("password"),
        "a password printed again: {}",
        server.printed()
    );
    server.login("admin", &password).await;
    let (status, _) = server.try_login("admin", "another-password-1").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_password_can_be_given_in_the_environment() {
    let dir = TempDir::new().unwrap();
    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", "chosen-admin-pw-1");
    let server = serve(cmd);
    assert!(
        printed_admin_password(&server.printed()).is_none(),
        "{}",
        server.printed()
    );
    assert!(!server.printed().contains("chosen-admin-pw-1"));
    server.login("admin", "chosen-admin-pw-1").await;
    // Health and metrics answer on the printed address.
    let res = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"status": "ok"}));
}

// ---------------------------------------------------------------------------
// 3. Graceful shutdown.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly_and_the_data_stays() {
    let dir = TempDir::new().unwrap();
    // The data folder from the environment this time, and one not yet made.
    let data = dir.path().join("nested").join("data");
    let mut cmd = kefu(&["serve", "--listen", "127.0.0.1:0"]);
    cmd.env("KEFU_DATA", &data)
        .env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);
    assert!(data.join("kefu.db").exists(), "no kefu.db in {data:?}");
    let token = server.login("admin", "admin-password-1").await;
    let (status, dealer) = server
        .post(
            &token,
            "/api/v1/dealers",
            json!({"code": "SH001", "name": "上海浦东店"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{dealer}");

    let started = Instant::now();
    let (status, said) = server.terminate();
    assert!(status.success(), "exit {status} after SIGTERM: {said}");
    assert!(started.elapsed() < Duration::from_secs(5), "slow to stop");

    let mut cmd = serve_cmd(&data, &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);
    let token = server.login("admin", "admin-password-1").await;
    let (status, page) = server.get(&token, "/api/v1/dealers").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let codes: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["SH001"], "{page}");
    let (status, said) = server.terminate();
    assert!(status.success(), "exit {status}: {said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_cleanly_too() {
    let dir = TempDir::new().unwrap();
    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);
    server.login("admin", "admin-password-1").await;
    let (status, said) = server.signal("-INT");
    assert!(status.success(), "exit {status} after SIGINT: {said}");
}

#[test]
fn a_port_in_use_is_named() {
    let dir = TempDir::new().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let mut cmd = kefu_in(dir.path(), &["serve", "--listen", &addr]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let out = try_serve(cmd)
        .err()
        .expect("listened on a taken port")
        .fails();
    assert!(out.stderr.contains(&addr), "{out}");
}

#[test]
fn logs_to_a_pipe_hold_no_terminal_colours() {
    let dir = TempDir::new().unwrap();
    // The first migration logs a line at the default level.
    let out = run(kefu_in(dir.path(), &["migrate"])).ok();
    assert!(out.stderr.contains("applying migration"), "{out}");
    assert!(
        !out.stderr.contains('\x1b'),
        "escape codes: {:?}",
        out.stderr
    );
    // KEFU_LOG quiets it.
    let other = TempDir::new().unwrap();
    let mut cmd = kefu_in(other.path(), &["migrate"]);
    cmd.env("KEFU_LOG", "warn");
    let out = run(cmd).ok();
    assert_eq!(out.stderr, "", "{out}");
}

// ---------------------------------------------------------------------------
// 4. Configuration: flag, then environment, then kefu.toml, then defaults.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_comes_from_kefu_toml_when_nothing_else_says() {
    let dir = TempDir::new().unwrap();
    write_file(dir.path(), "kefu.toml", "listen = \"127.0.0.1:0\"\n");
    let mut cmd = kefu_in(dir.path(), &["serve"]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);
    assert!(
        !server.base.ends_with(":8080"),
        "the default was used: {}",
        server.base
    );
    server.login("admin", "admin-password-1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environment_beats_kefu_toml() {
    let dir = TempDir::new().unwrap();
    write_file(dir.path(), "kefu.toml", "listen = \"not-an-address\"\n");
    let mut cmd = kefu_in(dir.path(), &["serve"]);
    cmd.env("KEFU_LISTEN", "127.0.0.1:0")
        .env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);
    server.login("admin", "admin-password-1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flag_beats_the_environment() {
    let dir = TempDir::new().unwrap();
    write_file(dir.path(), "kefu.toml", "listen = \"not-an-address\"\n");
    let mut cmd = kefu_in(dir.path(), &["serve", "--listen", "127.0.0.1:0"]);
    cmd.env("KEFU_LISTEN", "bad")
        .env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);
    server.login("admin", "admin-password-1").await;
}

#[test]
fn a_bad_listen_address_in_kefu_toml_is_named() {
    let dir = TempDir::new().unwrap();
    write_file(dir.path(), "kefu.toml", "listen = \"not-an-address\"\n");
    let mut cmd = kefu_in(dir.path(), &["serve"]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let out = try_serve(cmd).err().expect("started on a bad address");
    assert!(!out.status.success(), "{out}");
    assert!(out.stderr.contains("not-an-address"), "{out}");
}

#[test]
fn an_unknown_key_in_kefu_toml_is_refused_naming_the_file() {
    let dir = TempDir::new().unwrap();
    write_file(
        dir.path(),
        "kefu.toml",
        "listen = \"127.0.0.1:0\"\nlisten_port = 80\n",
    );
    for args in [&["serve"][..], &["migrate"], &["user", "disable", "admin"]] {
        let mut cmd = kefu_in(dir.path(), args);
        cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
        let out = match try_serve(cmd) {
            Ok(_) => panic!("kefu {args:?} started with an unknown key"),
            Err(out) => out.fails(),
        };
        assert!(out.stderr.contains("kefu.toml"), "kefu {args:?}: {out}");
        assert!(out.stderr.contains("listen_port"), "kefu {args:?}: {out}");
    }
    // Nor is a file that is not TOML at all.
    write_file(dir.path(), "kefu.toml", "listen: 127.0.0.1:0\n");
    let out = run(kefu_in(dir.path(), &["migrate"])).fails();
    assert!(out.stderr.contains("kefu.toml"), "{out}");
}

#[test]
fn an_unsupported_database_url_is_refused() {
    let dir = TempDir::new().unwrap();
    let out = run(kefu_in(
        dir.path(),
        &["migrate", "--database-url", "mysql://root:secret@db/kefu"],
    ))
    .fails();
    assert!(out.stderr.contains("postgres://"), "{out}");
    assert!(!out.stderr.contains("secret"), "the password leaked: {out}");
}

// ---------------------------------------------------------------------------
// 5. Migrations.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_says_what_it_did_and_refuses_a_newer_database() {
    let dir = TempDir::new().unwrap();
    let out = run(kefu_in(dir.path(), &["migrate"])).ok();
    let first = out.stdout.trim().to_owned();
    let to = first
        .strip_prefix("schema migrated from version 0 to ")
        .unwrap_or_else(|| panic!("{out}"));
    let version: i64 = to.parse().unwrap_or_else(|_| panic!("{out}"));
    assert!(version >= 1);
    let out = run(kefu_in(dir.path(), &["migrate"])).ok();
    assert!(
        out.stdout.contains("schema is up to date"),
        "second migrate: {out}"
    );
    assert!(out.stdout.contains(&format!("version {version}")), "{out}");

    // A later kefu has been here.
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}", dir.path().join("kefu.db").display());
    {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
        sqlx::query(
            "INSERT INTO kefu_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    let out = run(kefu_in(dir.path(), &["migrate"])).fails();
    assert!(
        out.stderr.contains("newer") && out.stderr.contains("schema version 999"),
        "migrate: {out}"
    );
    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let out = try_serve(cmd)
        .err()
        .expect("served a newer database")
        .fails();
    assert!(
        out.stderr.contains("newer") && out.stderr.contains("schema version 999"),
        "serve: {out}"
    );
    for args in [&["user", "disable", "admin"][..], &["import", "customers"]] {
        let mut cmd = kefu_in(dir.path(), args);
        if args[0] == "import" {
            cmd.arg(write_file(
                dir.path(),
                "c.csv",
                "姓名,手机\n张三,13800138000\n",
            ));
        }
        let out = run(cmd).fails();
        assert!(out.stderr.contains("schema version 999"), "{args:?}: {out}");
    }
}

// ---------------------------------------------------------------------------
// 6. Users from the command line.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_added_changed_and_disabled_from_the_command_line() {
    let dir = TempDir::new().unwrap();
    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);

    // While the server runs, as an operator would.
    let mut cmd = kefu_in(dir.path(), &["user", "add", "li.agent", "--role", "agent"]);
    cmd.env("KEFU_USER_PASSWORD", "first-password-1");
    let out = run(cmd).ok();
    assert!(out.stdout.contains("created user li.agent"), "{out}");
    assert!(out.stdout.contains("role agent"), "{out}");
    assert!(!out.stdout.contains("first-password-1"), "{out}");
    let token = server.login("li.agent", "first-password-1").await;
    let (status, page) = server.get(&token, "/api/v1/customers").await;
    assert_eq!(status, StatusCode::OK, "{page}");

    // The same name twice.
    let mut cmd = kefu_in(dir.path(), &["user", "add", "li.agent", "--role", "agent"]);
    cmd.env("KEFU_USER_PASSWORD", "first-password-1");
    let out = run(cmd).fails();
    assert!(
        out.stderr.contains("li.agent") || out.stderr.contains("username"),
        "{out}"
    );

    // A role that does not exist.
    let mut cmd = kefu_in(dir.path(), &["user", "add", "wang", "--role", "boss"]);
    cmd.env("KEFU_USER_PASSWORD", "first-password-1");
    let out = run(cmd).fails();
    assert!(out.stderr.contains("role"), "{out}");

    // A dealer that does not exist.
    let mut cmd = kefu_in(
        dir.path(),
        &[
            "user",
            "add",
            "zhou",
            "--role",
            "dealer_staff",
            "--dealer",
            "XX999",
        ],
    );
    cmd.env("KEFU_USER_PASSWORD", "first-password-1");
    let out = run(cmd).fails();
    assert!(out.stderr.contains("XX999"), "{out}");

    // No password in the environment and nothing on stdin: refused, not hung.
    let out = run(kefu_in(
        dir.path(),
        &["user", "add", "wu.agent", "--role", "agent"],
    ))
    .fails();
    assert!(out.stderr.contains("password"), "{out}");
    // The password on stdin, as a script would give it.
    let out = run_with_input(
        kefu_in(dir.path(), &["user", "add", "wu.agent", "--role", "agent"]),
        Some("stdin-password-1\n"),
    )
    .ok();
    assert!(out.stdout.contains("created user wu.agent"), "{out}");
    server.login("wu.agent", "stdin-password-1").await;

    // A new password.
    let mut cmd = kefu_in(dir.path(), &["user", "passwd", "li.agent"]);
    cmd.env("KEFU_USER_PASSWORD", "second-password-2");
    let out = run(cmd).ok();
    assert!(out.stdout.contains("li.agent"), "{out}");
    let (status, _) = server.try_login("li.agent", "first-password-1").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let token = server.login("li.agent", "second-password-2").await;

    // Someone who does not exist.
    let mut cmd = kefu_in(dir.path(), &["user", "passwd", "nobody"]);
    cmd.env("KEFU_USER_PASSWORD", "second-password-2");
    let out = run(cmd).fails();
    assert!(out.stderr.contains("no such user"), "{out}");
    let out = run(kefu_in(dir.path(), &["user", "disable", "nobody"])).fails();
    assert!(out.stderr.contains("no such user"), "{out}");

    // Disabled: no more logins, and the token in hand stops working.
    let out = run(kefu_in(dir.path(), &["user", "disable", "li.agent"])).ok();
    assert!(out.stdout.contains("li.agent"), "{out}");
    let (status, _) = server.try_login("li.agent", "second-password-2").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server.get(&token, "/api/v1/customers").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The others are untouched.
    server.login("admin", "admin-password-1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_added_before_the_first_start_logs_in() {
    let dir = TempDir::new().unwrap();
    let mut cmd = kefu_in(
        dir.path(),
        &[
            "user",
            "add",
            "boss",
            "--role",
            "admin",
            "--display-name",
            "老板",
        ],
    );
    cmd.env("KEFU_USER_PASSWORD", "boss-password-1");
    run(cmd).ok();
    let server = serve(serve_cmd(dir.path(), &[]));
    server.login("boss", "boss-password-1").await;
}

#[test]
fn the_data_folder_may_be_given_before_or_after_the_user_action() {
    let dir = TempDir::new().unwrap();
    let other = TempDir::new().unwrap();
    let data = dir.path().to_str().unwrap();
    // Before the action, after it, and from the environment; a flag beats
    // the environment wherever it stands.
    for (n, args) in [
        &["user", "--data", data, "add", "agent1", "--role", "agent"][..],
        &["user", "add", "agent2", "--role", "agent", "--data", data],
        &["user", "add", "agent3", "--role", "agent"],
    ]
    .iter()
    .enumerate()
    {
        let mut cmd = kefu(args);
        cmd.env("KEFU_USER_PASSWORD", "agent-password-1");
        cmd.env("KEFU_DATA", if n == 2 { dir.path() } else { other.path() });
        run(cmd).ok();
    }
    let mut cmd = kefu(&["user", "add", "agent1", "--role", "agent", "--data", data]);
    cmd.env("KEFU_USER_PASSWORD", "agent-password-1");
    let out = run(cmd).fails();
    assert!(
        out.stderr.contains("username"),
        "agent1 not in {data}: {out}"
    );
    assert!(
        !other.path().join("kefu.db").exists(),
        "the environment beat the flag"
    );
}

// ---------------------------------------------------------------------------
// 7. Imports.

/// Customers on `phone`, as the API finds them.
async fn customers_by_phone(server: &Server, token: &str, phone: &str) -> Vec<Value> {
    let (status, page) = server
        .get(token, &format!("/api/v1/customers?phone={phone}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_are_imported_from_a_csv_with_chinese_headers() {
    let dir = TempDir::new().unwrap();
    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);
    let admin = server.login("admin", "admin-password-1").await;
    let (status, dealer) = server
        .post(
            &admin,
            "/api/v1/dealers",
            json!({"code": "SH001", "name": "上海浦东店"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{dealer}");

    // As Excel saves "CSV UTF-8": with a byte-order mark and CRLF.
    let csv = "\u{feff}姓名,手机,门店编码\r\n\
               张三,13800138001,SH001\r\n\
               李四,+86 138-0013-8002,SH001\r\n\
               王五,12345,SH001\r\n\
               赵六,13800138004,XX999\r\n\
               ,13800138005,SH001\r\n\
               钱七,13800138006,\r\n";
    let file = write_file(dir.path(), "客户.csv", csv);
    let mut cmd = kefu_in(dir.path(), &["import", "customers"]);
    cmd.arg(&file);
    let out = run(cmd).ok();
    let summary = out
        .stdout
        .lines()
        .find(|l| l.contains(" rows: "))
        .unwrap_or_else(|| panic!("no summary: {out}"));
    assert!(
        summary.starts_with("6 rows: 3 imported, 3 rejected"),
        "{summary}\n{out}"
    );
    let rejected: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("line "))
        .collect();
    assert_eq!(rejected.len(), 3, "{out}");
    assert!(rejected[0].starts_with("line 4 [phone]: "), "{out}");
    assert!(rejected[1].starts_with("line 5 [dealer_code]: "), "{out}");
    assert!(rejected[2].starts_with("line 6 [name]: "), "{out}");

    for (phone, name) in [
        ("13800138001", "张三"),
        ("13800138002", "李四"),
        ("13800138006", "钱七"),
    ] {
        let found = customers_by_phone(&server, &admin, phone).await;
        assert_eq!(found.len(), 1, "{phone}: {found:?}");
        assert_eq!(found[0]["name"], name);
        assert_eq!(found[0]["phone"], phone);
    }
    let found = customers_by_phone(&server, &admin, "13800138001").await;
    assert_eq!(found[0]["dealer_id"], dealer["id"]);
    assert!(
        customers_by_phone(&server, &admin, "13800138004")
            .await
            .is_empty()
    );

    // The same file again: everyone is there already.
    let mut cmd = kefu_in(dir.path(), &["import", "customers"]);
    cmd.arg(&file);
    let out = run(cmd).ok();
    assert!(
        out.stdout.contains("6 rows: 0 imported, 6 rejected"),
        "{out}"
    );
    assert_eq!(
        customers_by_phone(&server, &admin, "13800138001")
            .await
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_are_imported_from_an_excel_workbook() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("客户.xlsx");
    {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (row, cells) in [
            ["姓名", "手机号码", "门店"],
            ["孙八", "13900139001", ""],
            ["周九", "13900139002", ""],
        ]
        .iter()
        .enumerate()
        {
            for (col, text) in cells.iter().enumerate() {
                if !text.is_empty() {
                    sheet.write_string(row as u32, col as u16, *text).unwrap();
                }
            }
        }
        book.save(&path).unwrap();
    }
    let mut cmd = kefu_in(dir.path(), &["import", "customers"]);
    cmd.arg(&path);
    let out = run(cmd).ok();
    assert!(
        out.stdout.contains("2 rows: 2 imported, 0 rejected"),
        "{out}"
    );

    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);
    let admin = server.login("admin", "admin-password-1").await;
    let found = customers_by_phone(&server, &admin, "13900139002").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["name"], "周九");
}

#[test]
fn import_refuses_bad_requests_with_a_reason() {
    let dir = TempDir::new().unwrap();
    let csv = write_file(dir.path(), "c.csv", "姓名,手机\n张三,13800138000\n");
    // An unknown kind.
    let mut cmd = kefu_in(dir.path(), &["import", "dealers"]);
    cmd.arg(&csv);
    let out = run(cmd).fails();
    assert!(out.stderr.contains("kind"), "{out}");
    // A missing file.
    let out = run(kefu_in(dir.path(), &["import", "customers", "no-such.csv"])).fails();
    assert!(out.stderr.contains("no-such.csv"), "{out}");
    // No phone column at all.
    let bad = write_file(dir.path(), "bad.csv", "姓名,地址\n张三,上海\n");
    let mut cmd = kefu_in(dir.path(), &["import", "customers"]);
    cmd.arg(&bad);
    let out = run(cmd).fails();
    assert!(
        out.stderr.contains("phone") || out.stderr.contains("手机"),
        "{out}"
    );
    // Not UTF-8 (GBK, as Excel's plain "CSV" saves it).
    let gbk = dir.path().join("gbk.csv");
    std::fs::write(
        &gbk,
        b"\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\n\xd5\xc5\xc8\xfd,13800138000\n",
    )
    .unwrap();
    let mut cmd = kefu_in(dir.path(), &["import", "customers"]);
    cmd.arg(&gbk);
    let out = run(cmd).fails();
    assert!(out.stderr.contains("UTF-8"), "{out}");
}

// ---------------------------------------------------------------------------
// 8. The demo.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_fills_an_empty_database_once() {
    let dir = TempDir::new().unwrap();
    let server = serve(serve_cmd(dir.path(), &["--demo"]));
    let printed = server.printed();
    assert!(printed_admin_password(&printed).is_some(), "{printed}");
    let header = printed
        .lines()
        .find(|l| l.starts_with("demo data written; logins (password "))
        .unwrap_or_else(|| panic!("{printed}"));
    let password = header
        .strip_prefix("demo data written; logins (password ")
        .and_then(|r| r.strip_suffix("):"))
        .unwrap_or_else(|| panic!("{header}"));
    for username in ["agent", "manager", "sh_staff"] {
        assert!(
            printed
                .lines()
                .any(|l| l.split_whitespace().next() == Some(username)),
            "no {username}: {printed}"
        );
    }
    let token = server.login("agent", password).await;
    let (status, page) = server.get(&token, "/api/v1/customers?limit=200").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 200);
    assert!(!page["next_cursor"].is_null(), "{}", page["next_cursor"]);
    let (status, page) = server.get(&token, "/api/v1/dealers").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut codes: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, ["BJ001", "GZ001", "HZ001", "SH001"]);
    let (status, said) = server.terminate();
    assert!(status.success(), "{said}");

    let server = serve(serve_cmd(dir.path(), &["--demo"]));
    let printed = server.printed();
    assert!(printed.contains("demo data not added"), "{printed}");
    assert!(printed_admin_password(&printed).is_none(), "{printed}");
    let token = server.login("agent", password).await;
    let (_, page) = server.get(&token, "/api/v1/dealers").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 4, "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_can_use_the_demo_dealers() {
    let dir = TempDir::new().unwrap();
    drop(serve(serve_cmd(dir.path(), &["--demo"])));
    let file = write_file(
        dir.path(),
        "c.csv",
        "姓名,手机,门店编码\n测试甲,13700137001,BJ001\n测试乙,13700137002,HZ001\n",
    );
    let mut cmd = kefu_in(dir.path(), &["import", "customers"]);
    cmd.arg(&file);
    let out = run(cmd).ok();
    assert!(
        out.stdout.contains("2 rows: 2 imported, 0 rejected"),
        "{out}"
    );
    let server = serve(serve_cmd(dir.path(), &[]));
    let token = server.login("manager", "kefu-demo").await;
    let found = customers_by_phone(&server, &token, "13700137002").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["name"], "测试乙");
}

// ---------------------------------------------------------------------------
// 9. PostgreSQL.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_is_migrated_and_served() {
    if helpers::pg_url().is_none() {
        eprintln!("KEFU_TEST_DATABASE_URL is not set: PostgreSQL case skipped");
        return;
    }
    let url = helpers::fresh_pg_schema().await;
    let dir = TempDir::new().unwrap();
    let out = run(kefu_in(dir.path(), &["migrate", "--database-url", &url])).ok();
    assert!(
        out.stdout.contains("schema migrated from version 0 to "),
        "{out}"
    );
    let out = run(kefu_in(dir.path(), &["migrate", "--database-url", &url])).ok();
    assert!(out.stdout.contains("schema is up to date"), "{out}");
    assert!(
        !dir.path().join("kefu.db").exists(),
        "SQLite was used instead"
    );

    // The URL from the environment, and a password only in the URL never printed.
    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_DATABASE_URL", &url);
    let server = serve(cmd);
    let password =
        printed_admin_password(&server.printed()).unwrap_or_else(|| panic!("{}", server.printed()));
    let admin = server.login("admin", &password).await;
    let (status, dealer) = server
        .post(
            &admin,
            "/api/v1/dealers",
            json!({"code": "SH001", "name": "上海浦东店"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{dealer}");
    let (status, said) = server.terminate();
    assert!(status.success(), "{said}");
    assert!(!dir.path().join("kefu.db").exists(), "SQLite was used");

    // Users and imports reach the same database.
    let mut cmd = kefu_in(
        dir.path(),
        &[
            "user",
            "add",
            "li.agent",
            "--role",
            "agent",
            "--database-url",
            &url,
        ],
    );
    cmd.env("KEFU_USER_PASSWORD", "agent-password-1");
    run(cmd).ok();
    let file = write_file(
        dir.path(),
        "c.csv",
        "姓名,手机,门店编码\n张三,13800138001,SH001\n",
    );
    let mut cmd = kefu_in(dir.path(), &["import", "customers", "--database-url", &url]);
    cmd.arg(&file);
    let out = run(cmd).ok();
    assert!(
        out.stdout.contains("1 rows: 1 imported, 0 rejected"),
        "{out}"
    );

    let server = serve(serve_cmd(dir.path(), &["--database-url", &url]));
    assert!(printed_admin_password(&server.printed()).is_none());
    let token = server.login("li.agent", "agent-password-1").await;
    let found = customers_by_phone(&server, &token, "13800138001").await;
    assert_eq!(found.len(), 1, "{found:?}");
    let (status, said) = server.terminate();
    assert!(status.success(), "{said}");

    // The URL may also live in kefu.toml.
    write_file(
        dir.path(),
        "kefu.toml",
        &format!("database_url = {}\n", toml_string(&url)),
    );
    let out = run(kefu_in(dir.path(), &["migrate"])).ok();
    assert!(out.stdout.contains("schema is up to date"), "{out}");
    let server = serve(serve_cmd(dir.path(), &[]));
    assert!(!dir.path().join("kefu.db").exists(), "SQLite was used");
    let token = server.login("li.agent", "agent-password-1").await;
    let found = customers_by_phone(&server, &token, "13800138001").await;
    assert_eq!(found.len(), 1, "{found:?}");
    let (status, said) = server.terminate();
    assert!(status.success(), "{said}");
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

#[test]
fn an_unreachable_postgres_is_reported_not_hung() {
    let dir = TempDir::new().unwrap();
    // Port 1 on localhost: nothing listens there.
    let out = run(kefu_in(
        dir.path(),
        &[
            "migrate",
            "--database-url",
            "postgres://kefu:hunter2@127.0.0.1:1/kefu",
        ],
    ))
    .fails();
    assert!(out.stderr.contains("PostgreSQL"), "{out}");
    assert!(
        !out.stderr.contains("hunter2"),
        "the password leaked: {out}"
    );
}
