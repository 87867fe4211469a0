//! Writing many rows at once, for imports and generated data: ids are
//! reserved first, then rows go in as multi-row inserts. Used inside a write
//! transaction, which on SQLite holds the only write lock.

use sqlx::Row;

use crate::sql::Sql;
use crate::{Conn, Result, StoreError};

/// Bound values per statement. sqlx binds SQLite parameters by looking up
/// each one's name, which costs time linear in the parameter count, so a
/// statement's binding grows with the square of its parameters: many small
/// statements beat a few huge ones (measured: 1,000 rows of 17 values bound
/// at ~2,000 rows/s, 14 rows at tens of thousands).
const VALUES_PER_STATEMENT: usize = 240;

/// How many rows of `columns` values to put in one statement.
pub(crate) const fn rows_per_statement(columns: usize) -> usize {
    let n = VALUES_PER_STATEMENT / if columns == 0 { 1 } else { columns };
    if n == 0 { 1 } else { n }
}

/// Tables whose ids may be reserved.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Table {
    Customers,
    Vehicles,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Customers => "customers",
            Table::Vehicles => "vehicles",
        }
    }
}

/// `n` fresh ids for `table`, ascending.
pub(crate) async fn reserve_ids(tx: &mut Conn, table: Table, n: usize) -> Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if tx.backend_name() == "PostgreSQL" {
        let mut q = Sql::new("SELECT nextval(pg_get_serial_sequence(");
        q.bind(table.name())
            .push(", 'id')) AS id FROM generate_series(1, ")
            .bind(n as i64)
            .push(")");
        let mut ids = q
            .query()
            .fetch_all(tx)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>("id").map_err(StoreError::from))
            .collect::<Result<Vec<_>>>()?;
        ids.sort_unstable();
        Ok(ids)
    } else {
        // SQLite gives a new row max(id) + 1; holding the write lock, we may
        // take the next n ourselves.
        let sql = match table {
            Table::Customers => "SELECT coalesce(max(id), 0) AS m FROM customers",
            Table::Vehicles => "SELECT coalesce(max(id), 0) AS m FROM vehicles",
        };
        let max: i64 = sqlx::query(sql).fetch_one(tx).await?.try_get("m")?;
        Ok((1..=n as i64).map(|i| max + i).collect())
    }
}

/// Start a multi-row insert: `INSERT INTO <head> VALUES ` followed by one
/// `(...)` group per row, each filled by `row`.
pub(crate) fn values<T>(head: &str, rows: &[T], mut row: impl FnMut(&mut Sql, &T)) -> Sql {
    let mut q = Sql::new("INSERT INTO ");
    q.push(head).push(" VALUES ");
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push("(");
        row(&mut q, r);
        q.push(")");
    }
    q
}
