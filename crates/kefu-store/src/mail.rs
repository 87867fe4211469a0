//! The outbox of e-mails about clock events.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::outbox::{self, Outbox};
use crate::sql::Sql;
use crate::{Conn, Dialect, Result, columns};

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
    let mut q = Sql::new("SELECT id, to_addr, subject, body, attempts FROM emails WHERE id IN (");
    outbox::push_due(&mut q, Outbox::Emails, now, limit, Dialect::of(tx));
    q.push(")");
    let mut out = Vec::new();
    for r in q.query().fetch_all(&mut *tx).await? {
        out.push(PendingEmail {
            id: columns::i64_(&r, "id")?,
            to: columns::text(&r, "to_addr")?,
            subject: columns::text(&r, "subject")?,
            body: columns::text(&r, "body")?,
            attempts: columns::i64_(&r, "attempts")?,
        });
    }
    let ids: Vec<i64> = out.iter().map(|e| e.id).collect();
    outbox::lease(tx, Outbox::Emails, &ids, lease).await?;
    Ok(out)
}

/// How many e-mails were sent and how many wait (for checks and metrics).
pub async fn counts(conn: &mut Conn) -> Result<(i64, i64)> {
    let r =
        sqlx::query("SELECT count(delivered_at) AS sent, count(next_at) AS waiting FROM emails")
            .fetch_one(conn)
            .await?;
    Ok((
        r.try_get::<i64, _>("sent")?,
        r.try_get::<i64, _>("waiting")?,
    ))
}
