//! Timers of every subject: rows with a `next_at` instant and an index on
//! it. The scheduler asks only for the earliest `next_at` and for the
//! timers due now; it never reads the subjects' tables. A subject keeps its
//! own view of its timers (a work order's clocks: [`crate::sla::clocks`]).

use chrono::{DateTime, Utc};
use kefu_core::timers::{Counting, Timer};
use serde::Deserialize;
use sqlx::any::AnyRow;

use crate::sql::Sql;
use crate::{Conn, Dialect, Result, StoreError, columns};

pub(crate) const COLUMNS: &str = "id, subject, subject_id, kind, step, target, policy_id, \
    calendar_id, dealer_id, department_id, started_at, minutes, counts, due_at, warn_at, \
    warned_at, paused_at, remaining_ms, stopped_at, fired_at, breached";

/// The columns a new timer is written with, in the order [`put`] binds them.
pub(crate) const NEW_COLUMNS: &str = "subject, subject_id, kind, step, target, policy_id, \
    calendar_id, dealer_id, department_id, started_at, minutes, counts, due_at, warn_at, next_at";

/// Start `timers` (their ids are ignored), in one statement.
pub async fn start(tx: &mut Conn, timers: &[Timer]) -> Result<()> {
    crate::bulk::insert(tx, &format!("timers ({NEW_COLUMNS})"), 15, timers, put).await
}

/// The values of [`NEW_COLUMNS`] for `t`.
pub(crate) fn put<'r>(v: &mut crate::bulk::Values<'r>, t: &'r Timer) {
    v.put(t.subject.as_str()).put(t.subject_id);
    v.put(t.kind.as_str()).put(t.step).put(t.target.as_deref());
    v.put(t.policy_id).put(t.calendar_id);
    v.put(t.dealer_id).put(t.department_id);
    v.put(t.started_at.timestamp_millis()).put(t.minutes);
    v.put(t.counts.as_str());
    v.put(t.due_at.timestamp_millis())
        .put(t.warn_at.map(|w| w.timestamp_millis()));
    v.put(t.next_at().map(|n| n.timestamp_millis()));
}

/// Every timer of one subject, oldest first.
pub async fn of_subject(conn: &mut Conn, subject: &str, id: i64) -> Result<Vec<Timer>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM timers WHERE subject = ")
        .bind(subject.to_owned())
        .push(" AND subject_id = ")
        .bind(id)
        .push(" ORDER BY id");
    q.query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Write a timer's changeable state and when to look at it next.
pub async fn save(tx: &mut Conn, t: &Timer) -> Result<()> {
    let ms = |d: Option<DateTime<Utc>>| d.map(|d| d.timestamp_millis());
    let mut q = Sql::new(
        "UPDATE timers SET (due_at, warn_at, warned_at, paused_at, remaining_ms, stopped_at, \
         fired_at, breached, next_at) = (",
    );
    q.bind(t.due_at.timestamp_millis())
        .push(", ")
        .bind(ms(t.warn_at));
    q.push(", ")
        .bind(ms(t.warned_at))
        .push(", ")
        .bind(ms(t.paused_at));
    q.push(", ")
        .bind(t.remaining_ms)
        .push(", ")
        .bind(ms(t.stopped_at));
    q.push(", ")
        .bind(ms(t.fired_at))
        .push(", ")
        .bind(i64::from(t.breached));
    q.push(", ")
        .bind(ms(t.next_at()))
        .push(") WHERE id = ")
        .bind(t.id);
    q.query().execute(tx).await?;
    Ok(())
}

/// Timers whose next instant has come, earliest first, claimed for this
/// transaction: on PostgreSQL rows another instance holds are skipped, so
/// several `kefu serve` never fire one timer twice.
pub async fn claim_due(tx: &mut Conn, now: DateTime<Utc>, limit: i64) -> Result<Vec<Timer>> {
    due_query(now, limit, Dialect::of(tx))
        .query()
        .fetch_all(tx)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub(crate) fn due_query(now: DateTime<Utc>, limit: i64, d: Dialect) -> Sql {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM timers WHERE next_at IS NOT NULL AND next_at <= ");
    q.bind(now.timestamp_millis())
        .push(" ORDER BY next_at LIMIT ")
        .bind(limit)
        .push(d.skip_locked());
    q
}

pub(crate) const NEXT_DUE: &str = "SELECT min(next_at) AS n FROM timers WHERE next_at IS NOT NULL";

/// Look at a timer again at `until` (one that could not be fired now).
pub async fn defer(tx: &mut Conn, id: i64, until: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE timers SET next_at = $1 WHERE id = $2")
        .bind(until.timestamp_millis())
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// The earliest instant any timer needs attention.
pub async fn next_due(conn: &mut Conn) -> Result<Option<DateTime<Utc>>> {
    let r = sqlx::query(NEXT_DUE).fetch_one(conn).await?;
    columns::opt_i64(&r, "n")?
        .map(columns::from_millis)
        .transpose()
}

pub(crate) fn from_row(r: &AnyRow) -> Result<Timer> {
    Stored {
        id: columns::i64_(r, "id")?,
        subject: columns::text(r, "subject")?,
        subject_id: columns::i64_(r, "subject_id")?,
        kind: columns::text(r, "kind")?,
        step: columns::i64_(r, "step")?,
        target: columns::opt_text(r, "target")?,
        policy_id: columns::opt_i64(r, "policy_id")?,
        calendar_id: columns::opt_i64(r, "calendar_id")?,
        dealer_id: columns::opt_i64(r, "dealer_id")?,
        department_id: columns::opt_i64(r, "department_id")?,
        started_at: columns::i64_(r, "started_at")?,
        minutes: columns::i64_(r, "minutes")?,
        counts: columns::text(r, "counts")?,
        due_at: columns::i64_(r, "due_at")?,
        warn_at: columns::opt_i64(r, "warn_at")?,
        warned_at: columns::opt_i64(r, "warned_at")?,
        paused_at: columns::opt_i64(r, "paused_at")?,
        remaining_ms: columns::opt_i64(r, "remaining_ms")?,
        stopped_at: columns::opt_i64(r, "stopped_at")?,
        fired_at: columns::opt_i64(r, "fired_at")?,
        breached: columns::i64_(r, "breached")?,
    }
    .timer()
}

/// A timer as stored, in the order of [`COLUMNS`] (also the order of the
/// JSON arrays a subject may read its timers as), before its instants are
/// checked.
#[derive(Deserialize)]
pub(crate) struct Stored {
    id: i64,
    subject: String,
    subject_id: i64,
    kind: String,
    step: i64,
    target: Option<String>,
    policy_id: Option<i64>,
    calendar_id: Option<i64>,
    dealer_id: Option<i64>,
    department_id: Option<i64>,
    started_at: i64,
    minutes: i64,
    counts: String,
    due_at: i64,
    warn_at: Option<i64>,
    warned_at: Option<i64>,
    paused_at: Option<i64>,
    remaining_ms: Option<i64>,
    stopped_at: Option<i64>,
    fired_at: Option<i64>,
    breached: i64,
}

impl Stored {
    pub(crate) fn timer(self) -> Result<Timer> {
        let instant = |ms: Option<i64>| ms.map(columns::from_millis).transpose();
        Ok(Timer {
            id: self.id,
            subject: self.subject,
            subject_id: self.subject_id,
            kind: self.kind,
            step: self.step,
            target: self.target,
            policy_id: self.policy_id,
            calendar_id: self.calendar_id,
            dealer_id: self.dealer_id,
            department_id: self.department_id,
            started_at: columns::from_millis(self.started_at)?,
            minutes: self.minutes,
            counts: Counting::parse(&self.counts)
                .map_err(|e| StoreError::Corrupt(format!("timer {}: {}", self.id, e.message)))?,
            due_at: columns::from_millis(self.due_at)?,
            warn_at: instant(self.warn_at)?,
            warned_at: instant(self.warned_at)?,
            paused_at: instant(self.paused_at)?,
            remaining_ms: self.remaining_ms,
            stopped_at: instant(self.stopped_at)?,
            fired_at: instant(self.fired_at)?,
            breached: self.breached != 0,
        })
    }
}
