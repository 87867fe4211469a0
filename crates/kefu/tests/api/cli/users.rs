//! Users from the command line.

use reqwest::StatusCode;
use tempfile::TempDir;

use super::*;

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

    // A new password, which ends the tokens given for the old one.
    let old_token = server.login("li.agent", "first-password-1").await;
    let (status, _) = server.get(&old_token, "/api/v1/customers").await;
    assert_eq!(status, StatusCode::OK);
    let mut cmd = kefu_in(dir.path(), &["user", "passwd", "li.agent"]);
    cmd.env("KEFU_USER_PASSWORD", "second-password-2");
    let out = run(cmd).ok();
    assert!(out.stdout.contains("li.agent"), "{out}");
    let (status, _) = server.try_login("li.agent", "first-password-1").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    ends_soon(&server, &old_token, "the old password's token").await;
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
    ends_soon(&server, &token, "a disabled user's token").await;
    // The others are untouched.
    server.login("admin", "admin-password-1").await;
}

/// The server keeps verified tokens for a moment and rereads the change
/// counter at least every 50 ms, so a change another process made holds
/// there within that: `token` answers 401 well within a second.
async fn ends_soon(server: &Server, token: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let (status, _) = server.get(token, "/api/v1/customers").await;
        if status == StatusCode::UNAUTHORIZED {
            return;
        }
        assert_eq!(status, StatusCode::OK);
        assert!(Instant::now() < deadline, "{what} still works");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
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
