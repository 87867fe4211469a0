//! Imports against a real SQLite store in a temporary folder.

mod vehicles;

use std::sync::Mutex;

use kefu_core::customers::Customer;
use kefu_core::org::{Role, Scope};
use kefu_store::customers::CustomerFilter;
use kefu_store::{AuditEntry, AuditFilter, PageRequest, StoreOptions};
use sqlx::{Connection, Row};
use tempfile::TempDir;

use super::*;
use crate::org::dealers::DealerInput;
use crate::{AppConfig, AppError, Clock};

pub(super) struct Env {
    pub dir: TempDir,
    pub app: App,
    pub admin: Actor,
    /// The dealer `SH001`.
    pub dealer: i64,
}

pub(super) async fn env() -> Env {
    let dir = TempDir::new().expect("temp dir");
    let store = kefu_store::Store::open_sqlite(dir.path(), &StoreOptions::default())
        .await
        .expect("store");
    store.migrate().await.expect("migrate");
    let app = App::new(store, AppConfig::default(), Clock::System);
    crate::org::users::ensure_admin(&app, Some("password123"))
        .await
        .expect("admin");
    let user = crate::org::users::by_username(&app, "admin")
        .await
        .expect("admin user");
    let admin = Actor::from_user(&user, None);
    let input = DealerInput {
        code: "SH001".into(),
        name: "上海一店".into(),
        region: None,
        timezone: None,
        active: None,
    };
    let dealer = crate::org::dealers::create(&app, &admin, input)
        .await
        .expect("dealer")
        .id;
    Env {
        dir,
        app,
        admin,
        dealer,
    }
}

pub(super) fn quiet(_: usize, _: usize) {}

pub(super) async fn run(
    env: &Env,
    kind: ImportKind,
    format: Format,
    data: &[u8],
) -> Result<ImportReport> {
    import(&env.app, Some(&env.admin), kind, format, data, &quiet).await
}

pub(super) async fn csv(env: &Env, kind: ImportKind, text: &str) -> ImportReport {
    run(env, kind, Format::Csv, text.as_bytes())
        .await
        .expect("import")
}

pub(super) async fn customers_in(env: &Env) -> Vec<Customer> {
    let mut conn = env.app.store.read().await.expect("read");
    let page = kefu_store::customers::list(
        &mut conn,
        Scope::Group,
        &CustomerFilter::default(),
        PageRequest::first(10_000),
    )
    .await
    .expect("list");
    page.items
}

pub(super) async fn audit_of(env: &Env, entity: &str) -> Vec<AuditEntry> {
    let mut conn = env.app.store.read().await.expect("read");
    let filter = AuditFilter {
        entity: Some(entity.to_owned()),
        ..AuditFilter::default()
    };
    kefu_store::audit_list(&mut conn, &filter, PageRequest::first(100))
        .await
        .expect("audit")
        .items
}

/// Straight to the database file: the change log has no reader in the store.
pub(super) async fn sql_count(env: &Env, sql: &'static str) -> i64 {
    let url = format!("sqlite://{}", env.dir.path().join("kefu.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    let row = sqlx::query(sql).fetch_one(&mut conn).await.expect("count");
    row.get::<i64, _>(0)
}

/// `(line, field)` of every rejected row.
pub(super) fn rejected(report: &ImportReport) -> Vec<(usize, Option<&str>)> {
    report
        .rejected
        .iter()
        .map(|r| (r.line, r.field.as_deref()))
        .collect()
}

fn invalid_code<T: std::fmt::Debug>(result: Result<T>) -> &'static str {
    match result {
        Err(AppError::Invalid(e)) => e.code,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn chinese_headers_with_a_bom() {
    let env = env().await;
    let file = "\u{feff}姓名,手机号,其他电话,客户类型,性别,生日,门店编码,客户等级,标签\n\
                张伟,138 1234 5678,13912345678；010-12345678,个人,男,1990/3/5,SH001,a级,VIP，试驾\n\
                李娜,+86 139-8765-4321,,公司,女,,,,\n";
    let calls = Mutex::new(Vec::new());
    let progress = |done, total| calls.lock().expect("lock").push((done, total));
    let report = import(
        &env.app,
        Some(&env.admin),
        ImportKind::Customers,
        Format::Csv,
        file.as_bytes(),
        &progress,
    )
    .await
    .expect("import");
    assert_eq!(
        (report.kind.as_str(), report.rows, report.accepted),
        ("customers", 2, 2)
    );
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(*calls.lock().expect("lock"), [(2, 2)]);

    let all = customers_in(&env).await;
    let zhang = &all[0].fields;
    assert_eq!(
        (zhang.name.as_str(), zhang.phone.as_str()),
        ("张伟", "13812345678")
    );
    let others: Vec<&str> = zhang.other_phones.iter().map(|p| p.as_str()).collect();
    assert_eq!(others, ["13912345678", "01012345678"]);
    assert_eq!(
        zhang.birthday.map(|d| d.to_string()).as_deref(),
        Some("1990-03-05")
    );
    assert_eq!(zhang.dealer_id, Some(env.dealer));
    assert_eq!(zhang.tier.map(|t| t.as_str()), Some("A"));
    assert_eq!(zhang.gender.map(|g| g.as_str()), Some("male"));
    assert_eq!(zhang.tags, ["VIP", "试驾"]);
    let li = &all[1].fields;
    assert_eq!(
        (li.kind.as_str(), li.phone.as_str(), li.dealer_id),
        ("company", "13987654321", None)
    );

    let audit = audit_of(&env, "customer").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "customer.import");
    assert_eq!(
        (audit[0].actor_id, audit[0].entity_id),
        (Some(env.admin.user_id), None)
    );
    assert_eq!(
        audit[0].after,
        Some(serde_json::json!({"rows": 2, "accepted": 2, "rejected": 0}))
    );
    assert_eq!(
        sql_count(
            &env,
            "SELECT count(*) FROM changes WHERE entity = 'customer'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn english_headers_any_case_and_the_operator() {
    let env = env().await;
    let file =
        " Name ,PHONE,Dealer Code,gender,Tier,Other_Phones\n王芳,13700001111,SH001,female,b,\n";
    let report = import(
        &env.app,
        None,
        ImportKind::Customers,
        Format::Csv,
        file.as_bytes(),
        &quiet,
    )
    .await
    .expect("import");
    assert_eq!(report.accepted, 1);
    let c = &customers_in(&env).await[0].fields;
    assert_eq!(
        (c.dealer_id, c.tier.map(|t| t.as_str())),
        (Some(env.dealer), Some("B"))
    );
    assert_eq!(audit_of(&env, "customer").await[0].actor_id, None);
}

#[tokio::test]
async fn bad_rows_are_reported_and_the_rest_written() {
    let env = env().await;
    let file = "姓名,手机号,门店编码,生日\n\
                张伟,13812345678,SH001,\n\
                李娜,12345,,\n\
                王芳,13700001111,NOPE,\n\
                张伟,+86 13812345678,,\n\
                ,13600001111,,\n\
                赵敏,13500001111,,1990-02-30\n\
                孙丽,#N/A,,\n\
                \n\
                周杰,13400001111,,\n";
    let report = csv(&env, ImportKind::Customers, file).await;
    assert_eq!((report.rows, report.accepted), (8, 2));
    assert_eq!(
        rejected(&report),
        [
            (3, Some("phone")),
            (4, Some("dealer_code")),
            (5, None),
            (6, Some("name")),
            (7, Some("birthday")),
            (8, Some("phone")),
        ]
    );
    assert_eq!(
        report.rejected[2].reason,
        "duplicate of line 2 (same name and phone)"
    );
    assert_eq!(customers_in(&env).await.len(), 2);
    assert_eq!(
        audit_of(&env, "customer").await[0].after,
        Some(serde_json::json!({"rows": 8, "accepted": 2, "rejected": 6}))
    );
}

#[tokio::test]
async fn importing_the_same_customers_again_rejects_every_row() {
    let env = env().await;
    let file = "姓名,手机号\n张伟,13812345678\n李娜,13987654321\n";
    assert_eq!(csv(&env, ImportKind::Customers, file).await.accepted, 2);
    let again = csv(&env, ImportKind::Customers, file).await;
    assert_eq!((again.rows, again.accepted), (2, 0));
    assert!(
        again
            .rejected
            .iter()
            .all(|r| r.reason.contains("already exists")),
        "{:?}",
        again.rejected
    );
    assert_eq!(customers_in(&env).await.len(), 2);
    // The same phone under another name is another person.
    assert_eq!(
        csv(
            &env,
            ImportKind::Customers,
            "姓名,手机号\n张伟伟,13812345678\n"
        )
        .await
        .accepted,
        1
    );
}

#[tokio::test]
async fn only_admins_and_managers_import() {
    let env = env().await;
    let file = b"name,phone\nA,13812345678\n";
    let as_role = |role| Actor {
        role,
        ..env.admin.clone()
    };
    for role in [Role::Agent, Role::DealerStaff, Role::Vp] {
        let result = import(
            &env.app,
            Some(&as_role(role)),
            ImportKind::Customers,
            Format::Csv,
            file,
            &quiet,
        )
        .await;
        assert!(
            matches!(result, Err(AppError::Forbidden(_))),
            "{role:?}: {result:?}"
        );
    }
    let manager = as_role(Role::Manager);
    let report = import(
        &env.app,
        Some(&manager),
        ImportKind::Customers,
        Format::Csv,
        file,
        &quiet,
    )
    .await;
    assert_eq!(report.map(|r| r.accepted).ok(), Some(1));
}

#[tokio::test]
async fn a_bad_file_writes_nothing() {
    let env = env().await;
    let cases: &[(&str, &str)] = &[
        (
            "姓名,手机号,爱好\n张伟,13812345678,钓鱼\n",
            "unknown_column",
        ),
        ("姓名,手机号,\n张伟,13812345678,钓鱼\n", "unknown_column"),
        ("姓名,手机号\n张伟,13812345678,多余\n", "unknown_column"),
        (
            "姓名,电话,手机号\n张伟,13812345678,13812345678\n",
            "duplicate_column",
        ),
        ("姓名,微信\n张伟,zw\n", "missing_column"),
        ("", "empty_file"),
        ("\u{feff}", "empty_file"),
    ];
    for (file, code) in cases {
        let result = run(&env, ImportKind::Customers, Format::Csv, file.as_bytes()).await;
        assert_eq!(invalid_code(result), *code, "{file:?}");
    }
    let result = run(
        &env,
        ImportKind::Customers,
        Format::Csv,
        b"\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\n",
    )
    .await;
    assert_eq!(invalid_code(result), "invalid_encoding");
    let result = run(
        &env,
        ImportKind::Vehicles,
        Format::Csv,
        "车架号,品牌\nX,Y\n".as_bytes(),
    )
    .await;
    assert_eq!(invalid_code(result), "missing_column");
    assert!(customers_in(&env).await.is_empty());
    assert!(audit_of(&env, "customer").await.is_empty());

    let header_only = csv(&env, ImportKind::Customers, "姓名,手机号\n").await;
    assert_eq!(
        (
            header_only.rows,
            header_only.accepted,
            header_only.rejected.len()
        ),
        (0, 0, 0)
    );
}

#[tokio::test]
async fn templates_are_valid_headers() {
    let env = env().await;
    for kind in [ImportKind::Customers, ImportKind::Vehicles] {
        let report = csv(&env, kind, templates(kind)).await;
        assert_eq!(report.rows, 0, "{kind:?}");
    }
}

#[tokio::test]
async fn excel_workbooks_with_numeric_phones_and_date_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
    let env = env().await;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    for (col, header) in ["姓名", "手机号", "生日", "门店编码", "客户等级"]
        .into_iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, header).expect("header");
    }
    sheet.write_string(1, 0, "张伟").expect("cell");
    sheet.write_number(1, 1, 13812345678.0).expect("cell");
    let birthday = ExcelDateTime::from_ymd(1990, 3, 5).expect("date");
    sheet
        .write_datetime_with_format(1, 2, &birthday, &date)
        .expect("cell");
    sheet.write_string(1, 3, "SH001").expect("cell");
    sheet.write_string(1, 4, "C").expect("cell");
    // Row 3 is left empty; row 4 has a bad phone.
    sheet.write_string(3, 0, "李娜").expect("cell");
    sheet.write_number(3, 1, 12345.0).expect("cell");
    let data = book.save_to_buffer().expect("xlsx");

    assert_eq!(Format::detect(Some("客户.csv"), &data), Format::Xlsx);
    let report = run(&env, ImportKind::Customers, Format::Xlsx, &data)
        .await
        .expect("import");
    assert_eq!((report.rows, report.accepted), (2, 1));
    assert_eq!(rejected(&report), [(4, Some("phone"))]);
    let c = &customers_in(&env).await[0].fields;
    assert_eq!(c.phone.as_str(), "13812345678");
    assert_eq!(
        c.birthday.map(|d| d.to_string()).as_deref(),
        Some("1990-03-05")
    );
    assert_eq!(c.dealer_id, Some(env.dealer));
}

#[tokio::test]
async fn a_failure_while_writing_rolls_everything_back() {
    let env = env().await;
    // A trigger makes the 1,200th insert fail after the first batch is written.
    let url = format!("sqlite://{}", env.dir.path().join("kefu.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    sqlx::query(
        "CREATE TRIGGER boom BEFORE INSERT ON customers WHEN NEW.name = 'boom' \
         BEGIN SELECT RAISE(ABORT, 'boom'); END",
    )
    .execute(&mut conn)
    .await
    .expect("trigger");
    drop(conn);
    let mut file = String::from("姓名,手机号\n");
    for i in 0..1_500 {
        let name = if i == 1_199 {
            "boom".to_owned()
        } else {
            format!("客户{i}")
        };
        file.push_str(&format!("{name},138{i:08}\n"));
    }
    let calls = Mutex::new(Vec::new());
    let progress = |done, total| calls.lock().expect("lock").push((done, total));
    let result = import(
        &env.app,
        None,
        ImportKind::Customers,
        Format::Csv,
        file.as_bytes(),
        &progress,
    )
    .await;
    assert!(matches!(result, Err(AppError::Internal(_))), "{result:?}");
    assert_eq!(*calls.lock().expect("lock"), [(1_000, 1_500)]);
    assert!(customers_in(&env).await.is_empty());
    assert_eq!(
        sql_count(
            &env,
            "SELECT count(*) FROM changes WHERE entity = 'customer'"
        )
        .await,
        0
    );
    assert_eq!(
        sql_count(&env, "SELECT count(*) FROM customer_phones").await,
        0
    );
    assert!(audit_of(&env, "customer").await.is_empty());
}

#[test]
fn kinds_and_formats() {
    assert_eq!(ImportKind::parse(" Vehicles "), Ok(ImportKind::Vehicles));
    assert_eq!(
        ImportKind::parse("tickets").map_err(|e| e.field),
        Err("kind".to_owned())
    );
    assert_eq!(Format::from_file_name("客户.XLSX"), Some(Format::Xlsx));
    assert_eq!(Format::from_file_name("a.csv"), Some(Format::Csv));
    assert_eq!(Format::from_file_name("a.xls"), None);
    assert_eq!(Format::from_file_name("noext"), None);
    assert_eq!(Format::sniff(b"PK\x03\x04rest"), Format::Xlsx);
    assert_eq!(Format::detect(Some("a.xlsx"), b"name,phone"), Format::Xlsx);
    assert_eq!(Format::detect(None, b"name,phone"), Format::Csv);
}

/// The web layer awaits `import` in a handler, so its future must be `Send`.
#[allow(dead_code)]
fn import_is_send(app: &App) {
    fn send<T: Send>(_: T) {}
    send(import(
        app,
        None,
        ImportKind::Customers,
        Format::Csv,
        b"",
        &quiet,
    ));
}
