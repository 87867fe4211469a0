//! Imports against a real SQLite store in a temporary folder.

mod customers;
mod files;
mod vehicles;

use kefu_core::customers::Customer;
use kefu_core::org::Scope;
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
        calendar_id: None,
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

pub(super) fn invalid_code<T: std::fmt::Debug>(result: Result<T>) -> &'static str {
    match result {
        Err(AppError::Invalid(e)) => e.code,
        other => panic!("expected a validation error, got {other:?}"),
    }
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
