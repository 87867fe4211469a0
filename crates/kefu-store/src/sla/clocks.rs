//! A work order's clocks: its timers (subject `ticket`), read here as
//! [`Clock`]s. The queries that join orders to their clocks (queues, the
//! overtime report) read the view `clocks`, which names the subject's id
//! `ticket_id`; the scheduler reads them as [`crate::timers`].

use chrono::{DateTime, Utc};
use kefu_core::sla::{Clock, ClockPlan, SUBJECT};
use kefu_core::timers::Timer;
use sqlx::any::AnyRow;

use crate::sql::Sql;
use crate::{Conn, Dialect, Result, StoreError, columns};

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
    let timers: Vec<Timer> = plans
        .iter()
        .map(|p| p.start(0, ticket_id, place, started_at).to_timer())
        .collect();
    crate::timers::start(tx, &timers).await
}

/// Stop these clocks at `at`, in one statement: a stopped clock needs no
/// more attention.
pub async fn stop(tx: &mut Conn, ids: &[i64], at: DateTime<Utc>) -> Result<()> {
    for chunk in ids.chunks(crate::bulk::IN_LIST) {
        let mut q = Sql::new("UPDATE timers SET stopped_at = ");
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
        "timers (id, subject, subject_id, kind, step, target, policy_id, calendar_id, dealer_id, \
         department_id, started_at, minutes, counts, due_at, warn_at, warned_at, paused_at, \
         remaining_ms, stopped_at, fired_at, breached, next_at)",
        22,
        rows,
        |v, c| {
            v.put(c.id).put(SUBJECT).put(c.ticket_id);
            v.put(c.kind.as_str()).put(c.step);
            v.put(c.target.map(|t| t.as_str()));
            v.put(c.policy_id).put(c.calendar_id);
            v.put(c.dealer_id).put(c.department_id);
            v.put(c.started_at.timestamp_millis());
            v.put(c.minutes).put(c.counts.as_str());
            v.put(c.due_at.timestamp_millis());
            v.put(ms(c.warn_at)).put(ms(c.warned_at));
            v.put(ms(c.paused_at)).put(c.remaining_ms);
            v.put(ms(c.stopped_at)).put(ms(c.fired_at));
            v.put(i64::from(c.breached));
            v.put(ms(c.next_at()));
        },
    )
    .await
}

/// Every clock of an order, oldest first.
pub async fn for_ticket(conn: &mut Conn, ticket_id: i64) -> Result<Vec<Clock>> {
    crate::timers::of_subject(conn, SUBJECT, ticket_id)
        .await?
        .iter()
        .map(clock)
        .collect()
}

/// The clocks of several orders (a page of a queue), in one query.
pub async fn for_tickets(conn: &mut Conn, ticket_ids: &[i64]) -> Result<Vec<Clock>> {
    if ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT ");
    q.push(crate::timers::COLUMNS)
        .push(" FROM timers WHERE subject = ")
        .bind(SUBJECT.to_owned())
        .push(" AND subject_id IN (");
    q.binds(ticket_ids.iter().copied()).push(") ORDER BY id");
    q.query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| clock(&crate::timers::from_row(r)?))
        .collect()
}

fn clock(t: &Timer) -> Result<Clock> {
    Clock::from_timer(t).map_err(StoreError::Corrupt)
}

/// Write a clock's changeable state and when to look at it next.
pub async fn save(tx: &mut Conn, c: &Clock) -> Result<()> {
    crate::timers::save(tx, &c.to_timer()).await
}

/// An expression for the clocks of the order `t` of the outer statement,
/// oldest first, as one JSON array of rows in the order of the timers'
/// columns: an order is read with its clocks in one statement rather than
/// two, and without repeating the order's columns for each clock as a join
/// would. Read back with [`from_json`].
pub(crate) fn json_of_order(d: Dialect) -> String {
    d.json_rows(
        crate::timers::COLUMNS,
        &format!("timers WHERE subject = '{SUBJECT}' AND subject_id = t.id"),
        "id",
    )
}

/// The clocks of [`json_of_order`], from the column `col` of `r`.
pub(crate) fn from_json(r: &AnyRow, col: &str) -> Result<Vec<Clock>> {
    columns::json::<Vec<crate::timers::Stored>>(r, col)?
        .into_iter()
        .map(|s| clock(&s.timer()?))
        .collect()
}
