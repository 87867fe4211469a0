//! Breach records: one per clock that ran out, for the overtime analysis.

use chrono::{DateTime, Utc};
use kefu_core::sla::Clock;
use kefu_core::tickets::Ticket;

use crate::{Conn, Result};

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
