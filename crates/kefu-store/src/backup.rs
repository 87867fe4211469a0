//! Copies of the data: a consistent backup of the embedded database taken
//! while kefu keeps writing, the check that a file is such a backup, and
//! every table's rows in a fixed order for an export.
//!
//! kefu keeps no derived data in the database today (no search index, no
//! materialised totals); should it, the backup would leave it out and the
//! restored kefu rebuild it.

use std::path::Path;

use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, Row};

use crate::{Conn, Dialect, Result, StoreError};

/// Write a consistent copy of the SQLite database `db_file` to `to` (which
/// must not exist) with `VACUUM INTO`: one read transaction, so writers go
/// on and the copy is the database as of its start, compacted.
pub async fn sqlite_copy(db_file: &Path, to: &Path) -> Result<()> {
    let (from, to) = (db_file.to_owned(), to.to_owned());
    blocking(move || {
        let conn = rusqlite::Connection::open_with_flags(
            &from,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.execute("VACUUM INTO ?1", [to.to_string_lossy().as_ref()])?;
        Ok(())
    })
    .await
}

/// Whether `file` is a whole kefu database: SQLite's integrity check passes
/// and it has kefu's schema. Answers its schema version.
pub async fn sqlite_check(file: &Path) -> Result<i64> {
    let file = file.to_owned();
    blocking(move || {
        let conn = rusqlite::Connection::open_with_flags(
            &file,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let verdict: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            return Err(StoreError::Corrupt(format!(
                "the integrity check says: {verdict}"
            )));
        }
        let kefu: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'kefu_migrations'",
            [],
            |r| r.get(0),
        )?;
        if kefu == 0 {
            return Err(StoreError::Corrupt("this is not a kefu database".into()));
        }
        Ok(conn.query_row(
            "SELECT coalesce(max(version), 0) FROM kefu_migrations",
            [],
            |r| r.get(0),
        )?)
    })
    .await
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Corrupt(format!("the copy stopped: {e}")))?
}

/// A table and its columns, in the order the schema declares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
}

/// Every table of kefu's schema, by name.
pub async fn tables(conn: &mut Conn, dialect: Dialect) -> Result<Vec<Table>> {
    let names: Vec<String> = sqlx::query(dialect.table_names())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("name"))
        .collect::<std::result::Result<_, _>>()?;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let columns = sqlx::query(dialect.column_names())
            .bind(&name)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>("name"))
            .collect::<std::result::Result<_, _>>()?;
        out.push(Table { name, columns });
    }
    Ok(out)
}

/// A stored value: kefu's columns hold integers or text (instants are text
/// in RFC 3339, flags are 0 and 1), or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

/// Hand every row of `table`, its `columns` only, to `each`, ordered by
/// those columns so that two copies of the same data give the same rows in
/// the same order. Stops at the first error `each` returns and answers it.
pub async fn each_row<E>(
    conn: &mut Conn,
    table: &str,
    columns: &[String],
    mut each: impl FnMut(&[Value]) -> std::result::Result<(), E>,
) -> Result<std::result::Result<u64, E>> {
    let quoted: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    let order: Vec<String> = (1..=columns.len()).map(|i| i.to_string()).collect();
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {}",
        quoted.join(", "),
        quote(table),
        order.join(", ")
    );
    let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *conn);
    let mut values = Vec::with_capacity(columns.len());
    let mut n = 0;
    while let Some(row) = rows.try_next().await? {
        values.clear();
        for i in 0..columns.len() {
            let v = match row.try_get::<Option<i64>, _>(i) {
                Ok(Some(v)) => Value::Int(v),
                Ok(None) => Value::Null,
                Err(_) => row
                    .try_get::<Option<String>, _>(i)?
                    .map_or(Value::Null, Value::Text),
            };
            values.push(v);
        }
        if let Err(e) = each(&values) {
            return Ok(Err(e));
        }
        n += 1;
    }
    Ok(Ok(n))
}

/// An identifier in double quotes: table and column names come from the
/// schema, and quoting keeps a name that is also a keyword a name.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
