//! Filling an SQLite database in bulk with SQLite's own prepared statements,
//! bound in place. Through sqlx each value of a row is copied into its
//! arguments, converted into SQLite's, and copied again by SQLite, one
//! allocation each, on the way to a worker thread; bound here, a text is
//! copied once, by SQLite, and the statement runs on the caller's thread.
//! For `kefu demo`, which writes millions of rows into an empty database.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};

use super::{Value, Values, rows_per_statement};
use crate::{Dialect, Result};

/// A connection of its own to the store's SQLite file, which takes the write
/// lock for each of its transactions (`BEGIN IMMEDIATE`), like the store's
/// writer: the two never write at once. A transaction not committed when
/// the loader is dropped is rolled back.
pub struct Loader {
    conn: rusqlite::Connection,
}

impl std::fmt::Debug for Loader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loader").finish_non_exhaustive()
    }
}

impl Loader {
    /// Open `file` for a bulk load, with the settings of the store's writer
    /// but for these: the loader keeps up to 1 GiB of pages (the unique
    /// indexes and the parents that foreign keys look up are touched at
    /// random, and at a million rows outgrow the writer's cache), copies its
    /// log into the database every 400 MB rather than every 4 MB (pages
    /// written by several batches are copied once), and sorts for index
    /// builds on a second thread.
    pub(crate) fn open(file: &Path, busy: Duration) -> Result<Loader> {
        let conn = rusqlite::Connection::open(file)?;
        conn.busy_timeout(busy)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
             PRAGMA temp_store = MEMORY; PRAGMA cache_size = -1048576; \
             PRAGMA wal_autocheckpoint = 100000; PRAGMA threads = 2;",
        )?;
        Ok(Loader { conn })
    }

    /// Run statements of kefu's own, without values.
    pub(crate) fn execute(&mut self, sql: &str) -> Result<()> {
        Ok(blocking(|| self.conn.execute_batch(sql))?)
    }

    /// Begin a transaction, holding SQLite's write lock from the start.
    pub(crate) fn begin(&mut self) -> Result<()> {
        Ok(blocking(|| self.conn.execute_batch("BEGIN IMMEDIATE"))?)
    }

    pub(crate) fn commit(&mut self) -> Result<()> {
        Ok(blocking(|| self.conn.execute_batch("COMMIT"))?)
    }

    /// Roll back the transaction in progress, if any.
    pub(crate) fn rollback(&mut self) -> Result<()> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }

    /// Insert rows as [`super::insert_then`] does. The statements run on
    /// the caller's thread; on a runtime with several threads, others take
    /// over its tasks meanwhile.
    pub(crate) fn insert<T>(
        &mut self,
        head: &str,
        columns: usize,
        rows: &[T],
        tail: &str,
        row: impl for<'r> FnMut(&mut Values<'r>, &'r T),
    ) -> Result<()> {
        blocking(|| self.insert_now(head, columns, rows, tail, row))
    }

    fn insert_now<T>(
        &mut self,
        head: &str,
        columns: usize,
        rows: &[T],
        tail: &str,
        mut row: impl for<'r> FnMut(&mut Values<'r>, &'r T),
    ) -> Result<()> {
        let per = rows_per_statement(columns, Dialect::Sqlite);
        // Full chunks share one statement, kept prepared; only a shorter
        // last chunk needs another.
        let full = statement(head, columns, per, tail);
        let mut values = Values::default();
        for chunk in rows.chunks(per) {
            let mut stmt = if chunk.len() == per {
                self.conn.prepare_cached(&full)?
            } else {
                self.conn
                    .prepare_cached(&statement(head, columns, chunk.len(), tail))?
            };
            let mut at = 1;
            for r in chunk {
                row(&mut values, r);
                debug_assert_eq!(values.len(), columns, "{head}");
                for v in values.iter() {
                    stmt.raw_bind_parameter(at, Bound(v))?;
                    at += 1;
                }
                values.clear();
            }
            stmt.raw_execute()?;
        }
        Ok(())
    }

    /// The first column of the first row `sql` returns, as an integer.
    pub(crate) fn query_i64(&mut self, sql: &str) -> Result<i64> {
        Ok(blocking(|| self.conn.query_row(sql, [], |r| r.get(0)))?)
    }
}

/// Run blocking SQLite work from async code: on a runtime with several
/// threads, others take over this thread's tasks meanwhile.
fn blocking<R>(work: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// `INSERT INTO head VALUES (?, ...), ... tail` for `rows` rows.
fn statement(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let mut one = String::with_capacity(columns * 3 + 2);
    one.push('(');
    for c in 0..columns {
        one.push_str(if c == 0 { "?" } else { ", ?" });
    }
    one.push(')');
    let mut sql = String::with_capacity(head.len() + tail.len() + 20 + rows * (one.len() + 2));
    sql.push_str("INSERT INTO ");
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&one);
    }
    sql.push_str(tail);
    sql
}

/// A value as SQLite binds it: a text borrowed, for SQLite to copy.
struct Bound<'v, 'a>(&'v Value<'a>);

impl ToSql for Bound<'_, '_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Value::Int(Some(i)) => ValueRef::Integer(*i),
            Value::Text(Some(t)) => ValueRef::Text(t.as_bytes()),
            Value::Int(None) | Value::Text(None) => ValueRef::Null,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_has_a_placeholder_for_every_value() {
        assert_eq!(
            statement("t (a, b)", 2, 3, " ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?) ON CONFLICT DO NOTHING"
        );
    }
}
