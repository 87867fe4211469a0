//! Imports and the demo from the command line.

use reqwest::StatusCode;
use serde_json::json;
use tempfile::TempDir;

use super::*;

// ---------------------------------------------------------------------------
// 7. Imports.

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
