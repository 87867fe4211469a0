//! Breach records: one per clock that ran out, for the overtime analysis.

use chrono::{DateTime, Utc};
use kefu_core::sla::Clock;
use kefu_core::tickets::Ticket;

use crate::{Conn, Result};

/// A breach as stored, for generated history.
#[derive(Debug, Clone)]
pub struct NewBreach {
    pub ticket_id: i64,
    pub clock_id: i64,
    pub kind: &'static str,
    pub step: i64,
    pub level: &'static str,
    pub dealer_id: Option<i64>,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub due_at: DateTime<Utc>,
    /// When the late thing happened; `None` while it has not.
    pub actual_at: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
}

/// Store many breaches at once.
pub async fn insert_many(tx: &mut impl crate::bulk::Rows, rows: &[NewBreach]) -> Result<()> {
    crate::bulk::insert(
        tx,
        "breaches (ticket_id, clock_id, kind, step, level, dealer_id, department_id, \
         assignee_id, due_at, actual_at, recorded_at)",
        11,
        rows,
        |v, b| {
            v.put(b.ticket_id).put(b.clock_id);
            v.put(b.kind).put(b.step).put(b.level);
            v.put(b.dealer_id).put(b.department_id);
            v.put(b.assignee_id);
            v.put(b.due_at.timestamp_millis());
            v.put(b.actual_at.map(|a| a.timestamp_millis()));
            v.put(b.recorded_at.timestamp_millis());
        },
    )
    .await
}

/// Record that `clock` of `ticket` ran out; once per clock.
pub async fn record(
    tx: &mut Conn,
    clock: &Clock,
    ticket: &Ticket,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO breaches (ticket_id, clock_id, kind, step, level, dealer_id, department_id, \
         assignee_id, due_at, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (clock_id) DO NOTHING",
    )
    .bind(ticket.id)
    .bind(clock.id)
    .bind(clock.kind.as_str())
    .bind(clock.step)
    .bind(ticket.level.as_str())
    .bind(clock.dealer_id)
    .bind(clock.department_id)
    .bind(ticket.assignee_id)
    .bind(clock.due_at.timestamp_millis())
    .bind(now.timestamp_millis())
    .execute(tx)
    .await?;
    Ok(())
}

/// The late thing finally happened: the response (`kinds` = response) or
/// the resolution (resolution and escalation steps).
pub async fn settle(
    tx: &mut Conn,
    ticket_id: i64,
    kinds: &[&'static str],
    at: DateTime<Utc>,
) -> Result<()> {
    for kind in kinds {
        sqlx::query("UPDATE breaches SET actual_at = $1 WHERE ticket_id = $2 AND kind = $3 AND actual_at IS NULL")
            .bind(at.timestamp_millis())
            .bind(ticket_id)
            .bind(*kind)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
