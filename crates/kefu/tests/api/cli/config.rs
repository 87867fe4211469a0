//! Configuration and migrations.

use tempfile::TempDir;

use super::*;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_proxies_in_kefu_toml_name_the_client_behind_them() {
    let dir = TempDir::new().unwrap();
    write_file(
        dir.path(),
        "kefu.toml",
        "trusted_proxies = [\"127.0.0.0/8\"]\n",
    );
    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);
    let attempt = |client: &'static str, password: &'static str| {
        server
            .client
            .post(server.url("/api/v1/auth/token"))
            .header("x-forwarded-for", client)
            .json(&json!({"username": "admin", "password": password}))
            .send()
    };
    for _ in 0..5 {
        let res = attempt("10.1.1.1", "wrong-password").await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = attempt("10.1.1.1", "admin-password-1").await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = attempt("10.2.2.2", "admin-password-1").await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "another client is not locked out"
    );
}

#[test]
fn a_bad_trusted_proxy_in_kefu_toml_is_named() {
    let dir = TempDir::new().unwrap();
    write_file(
        dir.path(),
        "kefu.toml",
        "trusted_proxies = [\"10.0.0.0/33\"]\n",
    );
    let mut cmd = kefu_in(dir.path(), &["serve"]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let out = try_serve(cmd)
        .err()
        .expect("started with a bad proxy range");
    assert!(!out.status.success(), "{out}");
    assert!(
        out.stderr.contains("trusted_proxies") && out.stderr.contains("10.0.0.0/33"),
        "{out}"
    );
}
