//! Notifications for people: a clock's warning, breach or escalation, work
//! dispatched, escalated, assigned or reopened to them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use crate::sql::{Sql, expect_one};
use crate::{Conn, Page, PageRequest, Result, columns};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub ticket_id: Option<i64>,
    /// `sla_warning`, `sla_breach`, `escalation`, `callback_due`,
    /// `dispatched`, `escalated`, `assigned`, `reopened`.
    pub kind: String,
    pub at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The work order it is about, as it is now.
    pub ticket: Option<AboutTicket>,
}

/// What a notice shows of its work order.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AboutTicket {
    pub number: String,
    pub subject: String,
    /// The customer's name.
    pub customer: String,
}

/// A notification with its order and customer.
const SELECT: &str = "SELECT n.id, n.user_id, n.ticket_id, n.kind, n.at, n.read_at, n.data, \
    t.number AS t_number, t.subject AS t_subject, c.name AS c_name \
    FROM notifications n LEFT JOIN tickets t ON t.id = n.ticket_id \
    LEFT JOIN customers c ON c.id = t.customer_id";

pub async fn insert(
    tx: &mut Conn,
    user_ids: &[i64],
    ticket_id: Option<i64>,
    kind: &str,
    at: DateTime<Utc>,
    data: &serde_json::Value,
) -> Result<()> {
    for user in user_ids {
        sqlx::query("INSERT INTO notifications (user_id, ticket_id, kind, at, data) VALUES ($1, $2, $3, $4, $5)")
            .bind(*user)
            .bind(ticket_id)
            .bind(kind.to_owned())
            .bind(at.timestamp_millis())
            .bind(data.to_string())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// A user's notifications, newest first.
pub async fn list(
    conn: &mut Conn,
    user_id: i64,
    unread_only: bool,
    page: PageRequest,
) -> Result<Page<Notification>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE n.user_id = ").bind(user_id);
    if unread_only {
        q.push(" AND n.read_at IS NULL");
    }
    if let Some(after) = page.after {
        q.push(" AND n.id < ").bind(after);
    }
    q.push(" ORDER BY n.id DESC LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |n| n.id))
}

pub async fn unread_count(conn: &mut Conn, user_id: i64) -> Result<i64> {
    let r = sqlx::query(
        "SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    columns::i64_(&r, "n")
}

/// Mark one of the user's notifications read (or unread); false if it is
/// not theirs.
pub async fn mark(
    tx: &mut Conn,
    user_id: i64,
    id: i64,
    read_at: Option<DateTime<Utc>>,
) -> Result<bool> {
    let done = sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3")
        .bind(read_at.map(|d| d.timestamp_millis()))
        .bind(id)
        .bind(user_id)
        .execute(tx)
        .await?;
    expect_one(done)
}

pub async fn get(conn: &mut Conn, user_id: i64, id: i64) -> Result<Option<Notification>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE n.id = ").bind(id);
    q.push(" AND n.user_id = ").bind(user_id);
    let r = q.query().fetch_optional(conn).await?;
    r.as_ref().map(from_row).transpose()
}

fn from_row(r: &AnyRow) -> Result<Notification> {
    Ok(Notification {
        id: columns::i64_(r, "id")?,
        user_id: columns::i64_(r, "user_id")?,
        ticket_id: columns::opt_i64(r, "ticket_id")?,
        kind: columns::text(r, "kind")?,
        at: columns::instant(r, "at")?,
        read_at: columns::opt_instant(r, "read_at")?,
        data: columns::json(r, "data")?,
        ticket: match columns::opt_text(r, "t_number")? {
            Some(number) => Some(AboutTicket {
                number,
                subject: columns::text(r, "t_subject")?,
                customer: columns::opt_text(r, "c_name")?.unwrap_or_default(),
            }),
            None => None,
        },
    })
}
