//! Webhooks and the outbox of their deliveries.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use crate::outbox::{self, Outbox};
use crate::sql::{Sql, expect_one};
use crate::{Conn, Dialect, Page, PageRequest, Result, columns};

const COLUMNS: &str = "id, name, url, format, kinds, active, created_at, updated_at";

/// A webhook as shown: never with its secret.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Webhook {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// `kefu` (kefu's JSON) or `wecom` (a WeCom group-robot message).
    pub format: String,
    /// The event kinds sent; empty: all.
    pub kinds: Vec<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewWebhook<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub secret: &'a str,
    pub format: &'a str,
    pub kinds: &'a [String],
}

pub async fn insert(tx: &mut Conn, w: &NewWebhook<'_>, now: DateTime<Utc>) -> Result<Webhook> {
    let r = sqlx::query(
        "INSERT INTO webhooks (name, url, secret, format, kinds, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id, name, url, format, kinds, active, created_at, updated_at",
    )
    .bind(w.name.to_owned())
    .bind(w.url.to_owned())
    .bind(w.secret.to_owned())
    .bind(w.format.to_owned())
    .bind(columns::to_json(&w.kinds))
    .bind(now.timestamp_millis())
    .fetch_one(tx)
    .await?;
    from_row(&r)
}

pub async fn set_active(tx: &mut Conn, id: i64, active: bool, now: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query("UPDATE webhooks SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(active))
        .bind(now.timestamp_millis())
        .bind(id)
        .execute(tx)
        .await?;
    expect_one(done)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Webhook>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM webhooks WHERE id = ").bind(id);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn list(conn: &mut Conn, page: PageRequest) -> Result<Page<Webhook>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM webhooks WHERE 1 = 1");
    if let Some(after) = page.after {
        q.push(" AND id > ").bind(after);
    }
    q.push(" ORDER BY id LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |w| w.id))
}

/// The active webhooks, to write deliveries for.
pub async fn active(conn: &mut Conn) -> Result<Vec<Webhook>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM webhooks WHERE active = 1 ORDER BY id");
    q.query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn enqueue(
    tx: &mut Conn,
    webhook_id: i64,
    kind: &str,
    ticket_id: Option<i64>,
    body: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO deliveries (webhook_id, kind, ticket_id, body, next_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(webhook_id)
    .bind(kind.to_owned())
    .bind(ticket_id)
    .bind(body.to_owned())
    .bind(now.timestamp_millis())
    .execute(tx)
    .await?;
    Ok(())
}

/// A delivery to send, with what it is signed with.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub kind: String,
    pub body: String,
    pub attempts: i64,
}

/// Take up to `limit` deliveries that are due, leasing them until `lease`
/// so no other instance sends them meanwhile.
pub async fn claim(
    tx: &mut Conn,
    now: DateTime<Utc>,
    lease: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Pending>> {
    let mut q = Sql::new(
        "SELECT d.id, w.url, w.secret, d.kind, d.body, d.attempts FROM deliveries d \
         JOIN webhooks w ON w.id = d.webhook_id WHERE d.id IN (",
    );
    outbox::push_due(&mut q, Outbox::Deliveries, now, limit, Dialect::of(tx));
    q.push(")");
    let mut out = Vec::new();
    for r in q.query().fetch_all(&mut *tx).await? {
        out.push(Pending {
            id: columns::i64_(&r, "id")?,
            url: columns::text(&r, "url")?,
            secret: columns::text(&r, "secret")?,
            kind: columns::text(&r, "kind")?,
            body: columns::text(&r, "body")?,
            attempts: columns::i64_(&r, "attempts")?,
        });
    }
    let ids: Vec<i64> = out.iter().map(|p| p.id).collect();
    outbox::lease(tx, Outbox::Deliveries, &ids, lease).await?;
    Ok(out)
}

/// A delivery as shown to admins.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub attempts: i64,
    pub next_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A webhook's deliveries, newest first.
pub async fn deliveries(
    conn: &mut Conn,
    webhook_id: i64,
    page: PageRequest,
) -> Result<Page<Delivery>> {
    let mut q = Sql::new(
        "SELECT id, webhook_id, kind, ticket_id, attempts, next_at, delivered_at, last_error, created_at \
         FROM deliveries WHERE webhook_id = ",
    );
    q.bind(webhook_id);
    if let Some(after) = page.after {
        q.push(" AND id < ").bind(after);
    }
    q.push(" ORDER BY id DESC LIMIT ").bind(page.limit + 1);
    let mut items = Vec::new();
    for r in q.query().fetch_all(conn).await? {
        items.push(Delivery {
            id: columns::i64_(&r, "id")?,
            webhook_id: columns::i64_(&r, "webhook_id")?,
            kind: columns::text(&r, "kind")?,
            ticket_id: columns::opt_i64(&r, "ticket_id")?,
            attempts: columns::i64_(&r, "attempts")?,
            next_at: columns::opt_instant(&r, "next_at")?,
            delivered_at: columns::opt_instant(&r, "delivered_at")?,
            last_error: columns::opt_text(&r, "last_error")?,
            created_at: columns::instant(&r, "created_at")?,
        });
    }
    Ok(Page::from_rows(items, page, |d| d.id))
}

fn from_row(r: &AnyRow) -> Result<Webhook> {
    Ok(Webhook {
        id: columns::i64_(r, "id")?,
        name: columns::text(r, "name")?,
        url: columns::text(r, "url")?,
        format: columns::text(r, "format")?,
        kinds: columns::json(r, "kinds")?,
        active: columns::flag(r, "active")?,
        created_at: columns::instant(r, "created_at")?,
        updated_at: columns::instant(r, "updated_at")?,
    })
}
