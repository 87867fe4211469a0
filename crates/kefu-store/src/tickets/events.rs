//! The events of an order's life, oldest first.

use chrono::{DateTime, Utc};
use kefu_core::tickets::TicketEvent;
use sqlx::any::AnyRow;

use crate::sql::Sql;
use crate::{Conn, Page, PageRequest, Result, columns};

pub async fn insert_event(
    tx: &mut Conn,
    ticket_id: i64,
    kind: &str,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    data: serde_json::Value,
) -> Result<TicketEvent> {
    let r = sqlx::query(
        "INSERT INTO ticket_events (ticket_id, kind, at, actor_id, data) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id",
    )
    .bind(ticket_id)
    .bind(kind.to_owned())
    .bind(at.timestamp_millis())
    .bind(actor_id)
    .bind(data.to_string())
    .fetch_one(tx)
    .await?;
    Ok(TicketEvent {
        id: columns::i64_(&r, "id")?,
        ticket_id,
        kind: kind.to_owned(),
        at,
        actor_id,
        data,
    })
}

/// Store many events with their ids reserved, for generated data.
pub async fn insert_events(tx: &mut impl crate::bulk::Rows, rows: &[TicketEvent]) -> Result<()> {
    crate::bulk::insert(
        tx,
        "ticket_events (id, ticket_id, kind, at, actor_id, data)",
        6,
        rows,
        |v, e| {
            v.put(e.id).put(e.ticket_id).put(&e.kind);
            v.put(e.at.timestamp_millis())
                .put(e.actor_id)
                .put(e.data.to_string());
        },
    )
    .await
}

/// The caller must already have checked that the order is visible.
pub async fn list_events(
    conn: &mut Conn,
    ticket_id: i64,
    page: PageRequest,
) -> Result<Page<TicketEvent>> {
    let mut q = Sql::new(
        "SELECT id, ticket_id, kind, at, actor_id, data FROM ticket_events WHERE ticket_id = ",
    );
    q.bind(ticket_id);
    if let Some(after) = page.after {
        q.push(" AND id > ").bind(after);
    }
    q.push(" ORDER BY id LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |e| e.id))
}

/// Who made the last of these kinds of event on an order (the person who
/// last resolved it, say), newest first through the order's event index.
pub async fn last_actor(conn: &mut Conn, ticket_id: i64, kinds: &[&str]) -> Result<Option<i64>> {
    let mut q = Sql::new("SELECT actor_id FROM ticket_events WHERE ticket_id = ");
    q.bind(ticket_id).push(" AND kind IN (");
    q.binds(kinds.iter().map(|k| (*k).to_owned())).push(")");
    q.push(" AND actor_id IS NOT NULL ORDER BY id DESC LIMIT 1");
    match q.query().fetch_optional(conn).await? {
        Some(r) => columns::opt_i64(&r, "actor_id"),
        None => Ok(None),
    }
}

fn from_row(r: &AnyRow) -> Result<TicketEvent> {
    Ok(TicketEvent {
        id: columns::i64_(r, "id")?,
        ticket_id: columns::i64_(r, "ticket_id")?,
        kind: columns::text(r, "kind")?,
        at: columns::instant(r, "at")?,
        actor_id: columns::opt_i64(r, "actor_id")?,
        data: columns::json(r, "data")?,
    })
}
