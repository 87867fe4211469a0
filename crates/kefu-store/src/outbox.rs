//! What leaves kefu through an outbox (webhook deliveries, e-mails): rows
//! written with the event, then leased, sent outside any transaction, and
//! recorded — the same bookkeeping for every outbox table.

use chrono::{DateTime, Utc};

use crate::sql::Sql;
use crate::{Conn, Dialect, Result, columns};

#[derive(Debug, Clone, Copy)]
pub enum Outbox {
    Deliveries,
    Emails,
}

impl Outbox {
    pub(crate) fn table(self) -> &'static str {
        match self {
            Outbox::Deliveries => "deliveries",
            Outbox::Emails => "emails",
        }
    }
}

/// Append the sub-query of the ids of up to `limit` rows due at `now`,
/// claimed so another instance skips them (use inside the claiming
/// transaction).
pub(crate) fn push_due(
    q: &mut Sql,
    outbox: Outbox,
    now: DateTime<Utc>,
    limit: i64,
    dialect: Dialect,
) {
    q.push("SELECT id FROM ").push(outbox.table());
    q.push(" WHERE next_at IS NOT NULL AND next_at <= ")
        .bind(now.timestamp_millis());
    q.push(" ORDER BY next_at LIMIT ").bind(limit);
    q.push(dialect.skip_locked());
}

/// Hold claimed rows until `until`, so no one else sends them meanwhile.
pub(crate) async fn lease(
    tx: &mut Conn,
    outbox: Outbox,
    ids: &[i64],
    until: DateTime<Utc>,
) -> Result<()> {
    for id in ids {
        let mut q = Sql::new("UPDATE ");
        q.push(outbox.table())
            .push(" SET next_at = ")
            .bind(until.timestamp_millis());
        q.push(" WHERE id = ").bind(*id);
        q.query().execute(&mut *tx).await?;
    }
    Ok(())
}

/// Record an attempt: delivered, or failed with when to try again (none:
/// given up).
pub async fn attempted(
    tx: &mut Conn,
    outbox: Outbox,
    id: i64,
    at: DateTime<Utc>,
    error: Option<&str>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let mut q = Sql::new("UPDATE ");
    q.push(outbox.table())
        .push(" SET attempts = attempts + 1, delivered_at = ");
    q.bind(error.is_none().then(|| at.timestamp_millis()));
    q.push(", last_error = ").bind(error.map(str::to_owned));
    q.push(", next_at = ")
        .bind(retry_at.map(|r| r.timestamp_millis()));
    q.push(" WHERE id = ").bind(id);
    q.query().execute(tx).await?;
    Ok(())
}

/// The earliest row due.
pub async fn next_due(conn: &mut Conn, outbox: Outbox) -> Result<Option<DateTime<Utc>>> {
    let mut q = Sql::new("SELECT min(next_at) AS n FROM ");
    q.push(outbox.table()).push(" WHERE next_at IS NOT NULL");
    let r = q.query().fetch_one(conn).await?;
    columns::opt_i64(&r, "n")?
        .map(columns::from_millis)
        .transpose()
}
