//! The outbox of e-mails about clock events.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::sql::Sql;
use crate::{Conn, Result, row};

pub async fn enqueue(
    tx: &mut Conn,
    user_id: i64,
    to: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO emails (user_id, to_addr, subject, body, next_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(user_id)
    .bind(to.to_owned())
    .bind(subject.to_owned())
    .bind(body.to_owned())
    .bind(now.timestamp_millis())
    .execute(tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct PendingEmail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// Take up to `limit` due e-mails, leased until `lease`.
pub async fn claim(
    tx: &mut Conn,
    now: DateTime<Utc>,
    lease: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<PendingEmail>> {
    let mut q = Sql::new(
        "SELECT id, to_addr, subject, body, attempts FROM emails WHERE next_at IS NOT NULL AND next_at <= ",
    );
    q.bind(now.timestamp_millis())
        .push(" ORDER BY next_at LIMIT ")
        .bind(limit);
    if tx.backend_name() == "PostgreSQL" {
        q.push(" FOR UPDATE SKIP LOCKED");
    }
    let mut out = Vec::new();
    for r in q.query().fetch_all(&mut *tx).await? {
        out.push(PendingEmail {
            id: row::i64_(&r, "id")?,
            to: row::text(&r, "to_addr")?,
            subject: row::text(&r, "subject")?,
            body: row::text(&r, "body")?,
            attempts: row::i64_(&r, "attempts")?,
        });
    }
    for e in &out {
        sqlx::query("UPDATE emails SET next_at = $1 WHERE id = $2")
            .bind(lease.timestamp_millis())
            .bind(e.id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(out)
}

pub async fn attempted(
    tx: &mut Conn,
    id: i64,
    at: DateTime<Utc>,
    error: Option<&str>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    sqlx::query(
        "UPDATE emails SET attempts = attempts + 1, sent_at = $1, last_error = $2, next_at = $3 WHERE id = $4",
    )
    .bind(error.is_none().then(|| at.timestamp_millis()))
    .bind(error.map(str::to_owned))
    .bind(retry_at.map(|r| r.timestamp_millis()))
    .bind(id)
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn next_due(conn: &mut Conn) -> Result<Option<DateTime<Utc>>> {
    let r = sqlx::query("SELECT min(next_at) AS n FROM emails WHERE next_at IS NOT NULL")
        .fetch_one(conn)
        .await?;
    row::opt_i64(&r, "n")?.map(row::from_millis).transpose()
}

/// How many e-mails were sent and how many wait (for checks and metrics).
pub async fn counts(conn: &mut Conn) -> Result<(i64, i64)> {
    let r = sqlx::query("SELECT count(sent_at) AS sent, count(next_at) AS waiting FROM emails")
        .fetch_one(conn)
        .await?;
    Ok((
        r.try_get::<i64, _>("sent")?,
        r.try_get::<i64, _>("waiting")?,
    ))
}
