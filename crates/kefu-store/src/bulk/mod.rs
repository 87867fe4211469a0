//! Writing many rows at once, for imports and generated data: ids are
//! reserved first, then rows go in as multi-row inserts. Used inside a write
//! transaction, which on SQLite holds the only write lock.

mod load;
mod sqlite;
mod values;

use sqlx::{AssertSqlSafe, Row};

use crate::sql::Sql;
use crate::{Conn, Dialect, Result, StoreError};

#[cfg(test)]
mod tests;

pub use load::{Load, LoadTx};
pub use sqlite::Loader;
pub use values::{Value, Values};

/// How many rows of `columns` values to put in one statement.
fn rows_per_statement(columns: usize, dialect: Dialect) -> usize {
    (dialect.values_per_statement() / columns.max(1)).max(1)
}

/// Tables whose ids may be reserved.
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Customers,
    Vehicles,
    Tickets,
    TicketEvents,
    Timers,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Customers => "customers",
            Table::Vehicles => "vehicles",
            Table::Tickets => "tickets",
            Table::TicketEvents => "ticket_events",
            Table::Timers => "timers",
        }
    }
}

/// `n` fresh ids for `table`, ascending, for rows the caller writes in the
/// same transaction.
pub async fn reserve_ids(tx: &mut impl Rows, table: Table, n: usize) -> Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if let Some(conn) = tx.conn()
        && let Some(q) = Dialect::of(conn).next_ids(table.name(), n as i64)
    {
        let mut ids = q
            .query()
            .fetch_all(conn)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>("id").map_err(StoreError::from))
            .collect::<Result<Vec<_>>>()?;
        ids.sort_unstable();
        return Ok(ids);
    }
    // No sequence (SQLite): a new row gets max(id) + 1, and holding the
    // write lock we may take the next n ourselves.
    let sql = format!("SELECT coalesce(max(id), 0) AS m FROM {}", table.name());
    let max = match tx.target() {
        Target::Store(conn) => sqlx::query(AssertSqlSafe(sql))
            .fetch_one(conn)
            .await?
            .try_get("m")?,
        Target::Loader(loader) => loader.query_i64(&sql)?,
    };
    Ok((1..=n as i64).map(|i| max + i).collect())
}

/// Where multi-row inserts go: a transaction of the store ([`Conn`], or
/// [`Tx`](crate::Tx)), or of a bulk load ([`LoadTx`]), which on SQLite
/// binds values in place.
pub trait Rows: Send {
    fn target(&mut self) -> Target<'_>;

    /// The store's own connection, when the rows go through it.
    fn conn(&mut self) -> Option<&mut Conn> {
        match self.target() {
            Target::Store(conn) => Some(conn),
            Target::Loader(_) => None,
        }
    }
}

/// What a [`Rows`] writes through.
pub enum Target<'c> {
    Store(&'c mut Conn),
    Loader(&'c mut Loader),
}

impl Rows for Conn {
    fn target(&mut self) -> Target<'_> {
        Target::Store(self)
    }
}

impl Rows for crate::Tx {
    fn target(&mut self) -> Target<'_> {
        Target::Store(self)
    }
}

/// Insert `rows` into `head` (`table (col, ...)`, naming `columns` columns)
/// in as few statements as the engine takes well, each ending with `tail`
/// (an `ON CONFLICT` clause or nothing); `row` gives one row's values, in
/// the order of the columns.
pub(crate) async fn insert_then<T: Sync>(
    tx: &mut impl Rows,
    head: &str,
    columns: usize,
    rows: &[T],
    tail: &str,
    row: impl for<'r> FnMut(&mut Values<'r>, &'r T) + Send,
) -> Result<()> {
    match tx.target() {
        Target::Store(conn) => insert_through(conn, head, columns, rows, tail, row).await,
        Target::Loader(loader) => loader.insert(head, columns, rows, tail, row),
    }
}

/// [`insert_then`] without a tail.
pub(crate) async fn insert<T: Sync>(
    tx: &mut impl Rows,
    head: &str,
    columns: usize,
    rows: &[T],
    row: impl for<'r> FnMut(&mut Values<'r>, &'r T) + Send,
) -> Result<()> {
    insert_then(tx, head, columns, rows, "", row).await
}

async fn insert_through<T: Sync>(
    conn: &mut Conn,
    head: &str,
    columns: usize,
    rows: &[T],
    tail: &str,
    mut row: impl for<'r> FnMut(&mut Values<'r>, &'r T) + Send,
) -> Result<()> {
    let dialect = Dialect::of(conn);
    let mut build = |chunk: &[T]| {
        let mut values = Values::default();
        let mut q = dialect.in_order("INSERT INTO ");
        q.push(head).push(" VALUES ");
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(");
            row(&mut values, r);
            debug_assert_eq!(values.len(), columns, "{head}");
            q.values(values.drain());
            q.push(")");
        }
        q.push(tail);
        q
    };
    // Each statement is made while the one before runs: the engine works on
    // a thread of its own (SQLite) or across the network (PostgreSQL).
    let mut chunks = rows.chunks(rows_per_statement(columns, dialect));
    let mut next = chunks.next().map(&mut build);
    while let Some(q) = next.take() {
        let running = q.query().execute(&mut *conn);
        let (done, following) = tokio::join!(running, async { chunks.next().map(&mut build) });
        done?;
        next = following;
    }
    Ok(())
}

/// Rows passed at once as one JSON array.
pub(crate) const JSON_ROWS: usize = 10_000;

/// Chunks for `IN (...)` lists of one value each.
pub(crate) const IN_LIST: usize = 240;

/// A part of the schema a load into an empty database goes without, as the
/// statements that drop it and make it again: a secondary index, or on
/// PostgreSQL a foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    drop: String,
    make: String,
}

/// The secondary indexes of these tables: not those behind a primary key or
/// a UNIQUE constraint, and not unique ones, so a load without them still
/// refuses duplicates. Filling an empty database is faster without them and
/// with each built once at the end than with every row inserted into each.
pub async fn secondary_indexes(conn: &mut Conn, tables: &[&str]) -> Result<Vec<SetAside>> {
    let mut q = Sql::new(Dialect::of(conn).secondary_indexes());
    q.binds(tables.iter().map(|t| (*t).to_owned()))
        .push(") ORDER BY name");
    let rows = q.query().fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            // Names come from the catalogue, never from a user.
            Ok(SetAside {
                drop: format!("DROP INDEX {}", crate::columns::text(r, "name")?),
                make: crate::columns::text(r, "def")?,
            })
        })
        .collect()
}

/// The foreign keys of these tables on PostgreSQL, which checks each one
/// with a query per inserted row (a trigger): filling an empty database is
/// faster without them, each added again at the end and checked then in one
/// pass, so a load still refuses a row whose parent is missing. None on
/// SQLite, which cannot drop a constraint and checks one by an index probe.
pub async fn foreign_keys(conn: &mut Conn, tables: &[&str]) -> Result<Vec<SetAside>> {
    let Some(keys) = Dialect::of(conn).foreign_keys() else {
        return Ok(Vec::new());
    };
    let mut q = Sql::new(keys);
    q.binds(tables.iter().map(|t| (*t).to_owned()))
        .push(") ORDER BY t.relname, c.conname");
    let rows = q.query().fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let (table, name) = (
                crate::columns::text(r, "tbl")?,
                crate::columns::text(r, "name")?,
            );
            let def = crate::columns::text(r, "def")?;
            Ok(SetAside {
                drop: format!("ALTER TABLE \"{table}\" DROP CONSTRAINT \"{name}\""),
                make: format!("ALTER TABLE \"{table}\" ADD CONSTRAINT \"{name}\" {def}"),
            })
        })
        .collect()
}

/// Drop these parts of the schema.
pub async fn set_aside(tx: &mut impl Rows, parts: &[SetAside]) -> Result<()> {
    for p in parts {
        execute(tx, &p.drop).await?;
    }
    Ok(())
}

/// Make them again, in order: an index is built, a key checked against
/// every row.
pub async fn put_back(tx: &mut impl Rows, parts: &[SetAside]) -> Result<()> {
    for p in parts {
        execute(tx, &p.make).await?;
    }
    Ok(())
}

/// Run a statement of kefu's own, without values.
async fn execute(tx: &mut impl Rows, sql: &str) -> Result<()> {
    match tx.target() {
        Target::Store(conn) => {
            sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .execute(conn)
                .await?;
        }
        Target::Loader(loader) => loader.execute(sql)?,
    }
    Ok(())
}

/// After a bulk load on PostgreSQL, gather the planner's statistics now
/// rather than when autovacuum comes round: until then it plans the queues
/// as if the tables were empty. Nothing on SQLite, whose planner works from
/// the schema alone.
pub async fn analyze(conn: &mut Conn, tables: &[&str]) -> Result<()> {
    let dialect = Dialect::of(conn);
    for t in tables {
        // Table names come from kefu's own list, never from a user.
        if let Some(analyze) = dialect.analyze(t) {
            sqlx::raw_sql(AssertSqlSafe(analyze))
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}
