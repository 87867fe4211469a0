//! Version, help, the first start and shutdown.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::TempDir;

use super::*;

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
