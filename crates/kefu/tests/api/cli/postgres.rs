//! The binary on PostgreSQL.

use reqwest::StatusCode;
use serde_json::json;
use tempfile::TempDir;

use super::*;
use crate::helpers;

// ---------------------------------------------------------------------------
// 9. PostgreSQL.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_is_migrated_and_served() {
    if helpers::pg_url().is_none() {
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
