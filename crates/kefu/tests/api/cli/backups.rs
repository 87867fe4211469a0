//! `kefu backup`, `kefu restore` and `kefu export` on a running kefu, and
//! the scheduled backups of `[backup]` in kefu.toml.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tempfile::TempDir;

use super::*;
use crate::helpers;

const PASSWORD: &str = "admin-password-1";

/// Customers written one after another until `stop`; `acked` counts those
/// kefu answered 201 to.
fn keep_writing(
    server: &Server,
    token: &str,
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicU64>,
) -> tokio::task::JoinHandle<()> {
    let client = server.client.clone();
    let url = server.url("/api/v1/customers");
    let token = token.to_owned();
    tokio::spawn(async move {
        let mut i = 0u64;
        while !stop.load(Ordering::SeqCst) {
            let res = client
                .post(&url)
                .bearer_auth(&token)
                .json(&json!({"name": format!("客户{i}"), "phone": format!("139{:08}", i)}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::CREATED);
            acked.fetch_add(1, Ordering::SeqCst);
            i += 1;
        }
    })
}

fn lines(dir: &Path, file: &str) -> usize {
    std::fs::read_to_string(dir.join(file))
        .unwrap()
        .lines()
        .count()
}

/// Every file of an export, by name, with its bytes (workbooks by name only:
/// they carry the time they were written).
fn export_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = if name.ends_with(".xlsx") {
                Vec::new()
            } else {
                std::fs::read(&p).unwrap()
            };
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_writes_restores_and_exports_as_the_original() {
    let dir = TempDir::new().unwrap();
    let data = dir.path().join("data");
    let mut cmd = serve_cmd(&data, &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", PASSWORD);
    let server = serve(cmd);
    let token = server.login("admin", PASSWORD).await;
    let (stop, acked) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicU64::new(0)),
    );
    let writer = keep_writing(&server, &token, stop.clone(), acked.clone());
    while acked.load(Ordering::SeqCst) < 20 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Under writes: the copy holds every write acknowledged before it began.
    let before = acked.load(Ordering::SeqCst) as usize;
    let first = dir.path().join("first.db");
    let cmd = kefu_in(&data, &["backup", "--to", first.to_str().unwrap()]);
    let out = tokio::task::spawn_blocking(move || run(cmd))
        .await
        .unwrap()
        .ok();
    assert!(out.stdout.contains("backed up"), "{out}");
    let after = acked.load(Ordering::SeqCst) as usize;
    assert!(after > before, "writes went on during the backup");
    let restored = dir.path().join("restored");
    run(kefu_in(&restored, &["restore", first.to_str().unwrap()])).ok();
    let e1 = dir.path().join("e1");
    run(kefu_in(
        &restored,
        &["export", "--to", e1.to_str().unwrap()],
    ))
    .ok();
    let customers = lines(&e1, "customers.ndjson");
    assert!(
        (before..=after + 1).contains(&customers),
        "{before} <= {customers} <= {after}"
    );

    // At rest: backup, restore, export equals the export of the original.
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let second = dir.path().join("second.db");
    run(kefu_in(
        &data,
        &["backup", "--to", second.to_str().unwrap()],
    ))
    .ok();
    let again = dir.path().join("again");
    run(kefu_in(&again, &["restore", second.to_str().unwrap()])).ok();
    let (e_orig, e_back) = (dir.path().join("e-orig"), dir.path().join("e-back"));
    run(kefu_in(
        &data,
        &["export", "--to", e_orig.to_str().unwrap()],
    ))
    .ok();
    run(kefu_in(
        &again,
        &["export", "--to", e_back.to_str().unwrap()],
    ))
    .ok();
    let (orig, back) = (export_of(&e_orig), export_of(&e_back));
    assert_eq!(
        orig.iter().map(|f| &f.0).collect::<Vec<_>>(),
        back.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(orig == back, "the exports differ");
    assert_eq!(
        lines(&e_orig, "customers.ndjson"),
        acked.load(Ordering::SeqCst) as usize
    );
    for book in ["customers.xlsx", "vehicles.xlsx", "orders.xlsx"] {
        assert!(e_orig.join(book).is_file(), "{book}");
    }
    assert!(!e_orig.join("tokens.ndjson").exists(), "no tokens");
    let users = std::fs::read_to_string(e_orig.join("users.ndjson")).unwrap();
    assert!(
        users.contains("\"admin\"") && !users.contains("password_hash"),
        "{users}"
    );
    server.terminate();

    // Nothing is overwritten.
    let out = run(kefu_in(
        &data,
        &["backup", "--to", second.to_str().unwrap()],
    ))
    .fails();
    assert!(out.stderr.contains("exists already"), "{out}");
    let out = run(kefu_in(&again, &["restore", first.to_str().unwrap()])).fails();
    assert!(out.stderr.contains("holds a database already"), "{out}");
    let out = run(kefu_in(
        &again,
        &["export", "--to", e_back.to_str().unwrap()],
    ))
    .fails();
    assert!(out.stderr.contains("not empty"), "{out}");
    let junk = write_file(dir.path(), "junk.db", "not a database");
    let out = run(kefu_in(
        &dir.path().join("new"),
        &["restore", junk.to_str().unwrap()],
    ))
    .fails();
    assert!(out.stderr.contains("not a whole kefu backup"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_folder_is_never_restored_over() {
    let dir = TempDir::new().unwrap();
    let data = dir.path().join("data");
    let mut cmd = serve_cmd(&data, &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", PASSWORD);
    let server = serve(cmd);
    let copy = dir.path().join("copy.db");
    run(kefu_in(&data, &["backup", "--to", copy.to_str().unwrap()])).ok();
    let out = run(kefu_in(&data, &["restore", copy.to_str().unwrap()])).fails();
    assert!(out.stderr.contains("already running"), "{out}");
    server.login("admin", PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_are_taken_on_schedule_and_the_oldest_dropped() {
    let dir = TempDir::new().unwrap();
    write_file(
        dir.path(),
        "kefu.toml",
        "[backup]\nevery = \"1s\"\nkeep = 2\nfolder = \"copies\"\n",
    );
    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", PASSWORD);
    let server = serve(cmd);
    let folder = dir.path().join("copies");
    let deadline = Instant::now() + Duration::from_secs(30);
    // The copies kept; not one being written (`.partial`).
    let taken = |f: &Path| -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = std::fs::read_dir(f)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        v.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "db"));
        v.sort();
        v
    };
    // Four have been taken once the first is gone and the fourth is there.
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 4 {
        assert!(Instant::now() < deadline, "only {seen:?}");
        let now = taken(&folder);
        assert!(now.len() <= 2, "kept more than two: {now:?}");
        seen.extend(now);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let last = taken(&folder).pop().unwrap();
    let restored = dir.path().join("restored");
    run(kefu_in(&restored, &["restore", last.to_str().unwrap()])).ok();
    server.terminate();
    let bad = TempDir::new().unwrap();
    write_file(bad.path(), "kefu.toml", "[backup]\nevery = \"1w\"\n");
    let out = run(kefu_in(bad.path(), &["backup", "--to", "x.db"])).fails();
    assert!(out.stderr.contains("every = \"1w\""), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_backup_points_to_pg_dump_and_export_works() {
    if helpers::pg_url().is_none() {
        return;
    }
    let url = helpers::fresh_pg_schema().await;
    let dir = TempDir::new().unwrap();
    let mut cmd = serve_cmd(dir.path(), &["--database-url", &url]);
    cmd.env("KEFU_ADMIN_PASSWORD", PASSWORD);
    let server = serve(cmd);
    let token = server.login("admin", PASSWORD).await;
    let (s, _) = server
        .post(
            &token,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let out = run(kefu_in(
        dir.path(),
        &["backup", "--to", "x.db", "--database-url", &url],
    ))
    .fails();
    assert!(out.stderr.contains("pg_dump"), "{out}");
    let e = dir.path().join("export");
    run(kefu_in(
        dir.path(),
        &[
            "export",
            "--to",
            e.to_str().unwrap(),
            "--database-url",
            &url,
        ],
    ))
    .ok();
    let customers = std::fs::read_to_string(e.join("customers.ndjson")).unwrap();
    assert!(customers.contains("张伟"), "{customers}");
    assert!(e.join("orders.xlsx").is_file());
    server.terminate();
}
