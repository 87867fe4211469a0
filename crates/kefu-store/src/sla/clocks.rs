//! Clocks: rows with a `next_at` instant and an index on it. The scheduler
//! asks only for the earliest `next_at` and for the clocks due now; it never
//! reads open orders.

use chrono::{DateTime, Utc};
use kefu_core::sla::{Clock, ClockKind, ClockPlan, EscalationTarget};
use serde::Deserialize;
use sqlx::any::AnyRow;

use crate::sql::Sql;
use crate::{Conn, Result, StoreError, row};

const COLUMNS: &str = "id, ticket_id, kind, step, target, policy_id, calendar_id, dealer_id, \
    department_id, started_at, minutes, due_at, warn_at, warned_at, paused_at, remaining_minutes, \
    stopped_at, fired_at, breached";

/// Where the clocks of an order are counted.
pub use kefu_core::sla::ClockPlace as Place;

/// Start the clocks of `plans` on an order, in one statement.
pub async fn start(
    tx: &mut Conn,
    ticket_id: i64,
    place: Place,
    started_at: DateTime<Utc>,
    plans: &[ClockPlan],
) -> Result<()> {
    crate::bulk::insert(
        tx,
        "clocks (ticket_id, kind, step, target, policy_id, calendar_id, dealer_id, \
         department_id, started_at, minutes, due_at, warn_at, next_at)",
        13,
        plans,
        |v, p| {
            let next_at = match p.warn_at {
                Some(w) if w < p.due_at => w,
                _ => p.due_at,
            };
            v.put(ticket_id).put(p.kind.as_str());
            v.put(p.step).put(p.target.map(|t| t.as_str()));
            v.put(place.policy_id).put(place.calendar_id);
            v.put(place.dealer_id).put(place.department_id);
            v.put(started_at.timestamp_millis()).put(p.minutes);
            v.put(p.due_at.timestamp_millis())
                .put(p.warn_at.map(|w| w.timestamp_millis()));
            v.put(next_at.timestamp_millis());
        },
    )
    .await
}

/// Stop these clocks at `at`, in one statement: a stopped clock needs no
/// more attention.
pub async fn stop(tx: &mut Conn, ids: &[i64], at: DateTime<Utc>) -> Result<()> {
    for chunk in ids.chunks(crate::bulk::IN_LIST) {
        let mut q = Sql::new("UPDATE clocks SET stopped_at = ");
        q.bind(at.timestamp_millis())
            .push(", next_at = NULL WHERE stopped_at IS NULL AND id IN (");
        q.binds(chunk.iter().copied()).push(")");
        q.query().execute(&mut *tx).await?;
    }
    Ok(())
}

/// Store many clocks, in any state, with their ids reserved: for generated
/// data.
pub async fn insert_many(tx: &mut impl crate::bulk::Rows, rows: &[Clock]) -> Result<()> {
    let ms = |d: Option<DateTime<Utc>>| d.map(|d| d.timestamp_millis());
    crate::bulk::insert(
        tx,
        "clocks (id, ticket_id, kind, step, target, policy_id, calendar_id, dealer_id, \
         department_id, started_at, minutes, due_at, warn_at, warned_at, paused_at, \
         remaining_minutes, stopped_at, fired_at, breached, next_at)",
        20,
        rows,
        |v, c| {
            v.put(c.id).put(c.ticket_id);
            v.put(c.kind.as_str()).put(c.step);
            v.put(c.target.map(|t| t.as_str()));
            v.put(c.policy_id).put(c.calendar_id);
            v.put(c.dealer_id).put(c.department_id);
            v.put(c.started_at.timestamp_millis());
            v.put(c.minutes).put(c.due_at.timestamp_millis());
            v.put(ms(c.warn_at)).put(ms(c.warned_at));
            v.put(ms(c.paused_at)).put(c.remaining_minutes);
            v.put(ms(c.stopped_at)).put(ms(c.fired_at));
            v.put(i64::from(c.breached));
            v.put(ms(c.next_at()));
        },
    )
    .await
}

/// Every clock of an order, oldest first.
pub async fn for_ticket(conn: &mut Conn, ticket_id: i64) -> Result<Vec<Clock>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM clocks WHERE ticket_id = ")
        .bind(ticket_id)
        .push(" ORDER BY id");
    q.query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// The clocks of several orders (a page of a queue), in one query.
pub async fn for_tickets(conn: &mut Conn, ticket_ids: &[i64]) -> Result<Vec<Clock>> {
    if ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM clocks WHERE ticket_id IN (");
    q.binds(ticket_ids.iter().copied()).push(") ORDER BY id");
    q.query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Write a clock's changeable state and when to look at it next.
pub async fn save(tx: &mut Conn, c: &Clock) -> Result<()> {
    let ms = |d: Option<DateTime<Utc>>| d.map(|d| d.timestamp_millis());
    let mut q = Sql::new(
        "UPDATE clocks SET (due_at, warn_at, warned_at, paused_at, remaining_minutes, stopped_at, \
         fired_at, breached, next_at) = (",
    );
    q.bind(c.due_at.timestamp_millis())
        .push(", ")
        .bind(ms(c.warn_at));
    q.push(", ")
        .bind(ms(c.warned_at))
        .push(", ")
        .bind(ms(c.paused_at));
    q.push(", ")
        .bind(c.remaining_minutes)
        .push(", ")
        .bind(ms(c.stopped_at));
    q.push(", ")
        .bind(ms(c.fired_at))
        .push(", ")
        .bind(i64::from(c.breached));
    q.push(", ")
        .bind(ms(c.next_at()))
        .push(") WHERE id = ")
        .bind(c.id);
    q.query().execute(tx).await?;
    Ok(())
}

/// Clocks whose next instant has come, earliest first, claimed for this
/// transaction: on PostgreSQL rows another instance holds are skipped, so
/// several `kefu serve` never fire one clock twice.
pub async fn claim_due(tx: &mut Conn, now: DateTime<Utc>, limit: i64) -> Result<Vec<Clock>> {
    let postgres = tx.backend_name() == "PostgreSQL";
    due_query(now, limit, postgres)
        .query()
        .fetch_all(tx)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub(crate) fn due_query(now: DateTime<Utc>, limit: i64, postgres: bool) -> Sql {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM clocks WHERE next_at IS NOT NULL AND next_at <= ");
    q.bind(now.timestamp_millis())
        .push(" ORDER BY next_at LIMIT ")
        .bind(limit);
    if postgres {
        q.push(" FOR UPDATE SKIP LOCKED");
    }
    q
}

pub(crate) const NEXT_DUE: &str = "SELECT min(next_at) AS n FROM clocks WHERE next_at IS NOT NULL";

/// Look at a clock again at `until` (one that could not be fired now).
pub async fn defer(tx: &mut Conn, id: i64, until: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE clocks SET next_at = $1 WHERE id = $2")
        .bind(until.timestamp_millis())
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// The earliest instant any clock needs attention.
pub async fn next_due(conn: &mut Conn) -> Result<Option<DateTime<Utc>>> {
    let r = sqlx::query(NEXT_DUE).fetch_one(conn).await?;
    row::opt_i64(&r, "n")?.map(row::from_millis).transpose()
}

fn from_row(r: &AnyRow) -> Result<Clock> {
    Stored {
        id: row::i64_(r, "id")?,
        ticket_id: row::i64_(r, "ticket_id")?,
        kind: row::text(r, "kind")?,
        step: row::i64_(r, "step")?,
        target: row::opt_text(r, "target")?,
        policy_id: row::opt_i64(r, "policy_id")?,
        calendar_id: row::opt_i64(r, "calendar_id")?,
        dealer_id: row::opt_i64(r, "dealer_id")?,
        department_id: row::opt_i64(r, "department_id")?,
        started_at: row::i64_(r, "started_at")?,
        minutes: row::i64_(r, "minutes")?,
        due_at: row::i64_(r, "due_at")?,
        warn_at: row::opt_i64(r, "warn_at")?,
        warned_at: row::opt_i64(r, "warned_at")?,
        paused_at: row::opt_i64(r, "paused_at")?,
        remaining_minutes: row::opt_i64(r, "remaining_minutes")?,
        stopped_at: row::opt_i64(r, "stopped_at")?,
        fired_at: row::opt_i64(r, "fired_at")?,
        breached: row::i64_(r, "breached")?,
    }
    .clock()
}

/// An expression for the clocks of the order `t` of the outer statement,
/// oldest first, as one JSON array of rows in the order of [`COLUMNS`]:
/// an order is read with its clocks in one statement rather than two, and
/// without repeating the order's columns for each clock as a join would.
/// Read back with [`from_json`].
pub(crate) fn json_of_order(sqlite: bool) -> String {
    if sqlite {
        format!(
            "(SELECT json_group_array(json_array({COLUMNS}) ORDER BY id) \
             FROM clocks WHERE ticket_id = t.id)"
        )
    } else {
        format!(
            "coalesce((SELECT json_agg(json_build_array({COLUMNS}) ORDER BY id) \
             FROM clocks WHERE ticket_id = t.id), '[]')::text"
        )
    }
}

/// The clocks of [`json_of_order`], from the column `col` of `r`.
pub(crate) fn from_json(r: &AnyRow, col: &str) -> Result<Vec<Clock>> {
    row::json::<Vec<Stored>>(r, col)?
        .into_iter()
        .map(Stored::clock)
        .collect()
}

/// A clock as stored, in the order of [`COLUMNS`] (which is also the order
/// of the arrays of [`json_of_order`]), before its values are checked.
#[derive(Deserialize)]
struct Stored {
    id: i64,
    ticket_id: i64,
    kind: String,
    step: i64,
    target: Option<String>,
    policy_id: Option<i64>,
    calendar_id: Option<i64>,
    dealer_id: Option<i64>,
    department_id: Option<i64>,
    started_at: i64,
    minutes: i64,
    due_at: i64,
    warn_at: Option<i64>,
    warned_at: Option<i64>,
    paused_at: Option<i64>,
    remaining_minutes: Option<i64>,
    stopped_at: Option<i64>,
    fired_at: Option<i64>,
    breached: i64,
}

impl Stored {
    fn clock(self) -> Result<Clock> {
        let instant = |ms: Option<i64>| ms.map(row::from_millis).transpose();
        Ok(Clock {
            id: self.id,
            ticket_id: self.ticket_id,
            kind: ClockKind::parse(&self.kind).map_err(|_| {
                StoreError::Corrupt(format!("clock {} has kind {:?}", self.id, self.kind))
            })?,
            step: self.step,
            target: self.target.and_then(|t| EscalationTarget::parse(&t).ok()),
            policy_id: self.policy_id,
            calendar_id: self.calendar_id,
            dealer_id: self.dealer_id,
            department_id: self.department_id,
            started_at: row::from_millis(self.started_at)?,
            minutes: self.minutes,
            due_at: row::from_millis(self.due_at)?,
            warn_at: instant(self.warn_at)?,
            warned_at: instant(self.warned_at)?,
            paused_at: instant(self.paused_at)?,
            remaining_minutes: self.remaining_minutes,
            stopped_at: instant(self.stopped_at)?,
            fired_at: instant(self.fired_at)?,
            breached: self.breached != 0,
        })
    }
}
