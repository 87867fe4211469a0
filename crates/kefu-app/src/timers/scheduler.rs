//! Firing timers: the scheduler (a [`crate::workers`] job) calls `run_due`
//! when the earliest timer needs attention or a new timer was added. Firing
//! happens in one transaction per batch that also moves each timer on, so a
//! timer fires once even across restarts and several instances (on
//! PostgreSQL the claimed rows are locked with SKIP LOCKED).

use chrono::{DateTime, Utc};
use kefu_core::timers::{Step, Timer};
use kefu_store::{Change, timers};

use crate::work::Work;
use crate::{App, Result};

/// Timers fired per transaction.
const BATCH: i64 = 200;

/// How long a timer whose kind is unknown to this build waits before it is
/// looked at again (a newer instance may know it).
const UNKNOWN_KIND_RETRY: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Fire every timer due at `now`; returns how many timer steps were taken.
pub async fn run_due(app: &App, now: DateTime<Utc>) -> Result<usize> {
    Ok(match run_due_or_next(app, now).await? {
        Ran::Fired(n) => n,
        Ran::NothingDue { .. } => 0,
    })
}

/// What a run of the scheduler did.
pub(crate) enum Ran {
    /// Fired this many timer steps.
    Fired(usize),
    /// Nothing was due; the earliest instant a timer needs attention, as
    /// read to find that out.
    NothingDue { next: Option<DateTime<Utc>> },
}

/// [`run_due`], telling the caller when nothing was due what it read to
/// know, so the scheduler's loop need not read it again.
pub(crate) async fn run_due_or_next(app: &App, now: DateTime<Utc>) -> Result<Ran> {
    // Woken for every new order, most often with nothing due yet: a read
    // says so without taking the one writer from the orders being opened.
    let next = timers::next_due(&mut *app.store.read().await?).await?;
    if next.is_none_or(|at| at > now) {
        return Ok(Ran::NothingDue { next });
    }
    Ok(Ran::Fired(fire_all(app, now).await?))
}

async fn fire_all(app: &App, now: DateTime<Utc>) -> Result<usize> {
    let mut total = 0;
    loop {
        match fire_batch(app, now).await {
            Ok(n) => {
                total += n;
                if (n as i64) < BATCH {
                    return Ok(total);
                }
            }
            Err(e) => {
                // One bad timer must not hold up the others: go one by one.
                tracing::warn!(error = %e, "a batch of timers failed; firing them one at a time");
                return Ok(total + fire_one_by_one(app, now).await?);
            }
        }
    }
}

async fn fire_batch(app: &App, now: DateTime<Utc>) -> Result<usize> {
    let mut work = Work::begin(app).await?;
    let due = timers::claim_due(&mut work, now, BATCH).await?;
    let n = due.len();
    for mut t in due {
        fire(app, &mut work, &mut t, now).await?;
    }
    work.commit(app).await?;
    Ok(n)
}

/// Each timer in its own transaction; one that fails is looked at again in
/// a minute, and the error is logged.
async fn fire_one_by_one(app: &App, now: DateTime<Utc>) -> Result<usize> {
    let mut fired = 0;
    loop {
        let mut work = Work::begin(app).await?;
        let Some(mut t) = timers::claim_due(&mut work, now, 1).await?.pop() else {
            return Ok(fired);
        };
        match fire(app, &mut work, &mut t, now).await {
            Ok(()) => {
                work.commit(app).await?;
                fired += 1;
            }
            Err(e) => {
                drop(work);
                tracing::error!(timer = t.id, subject = %t.subject, subject_id = t.subject_id,
                    error = %e, "cannot fire a timer; retrying in a minute");
                let mut work = Work::begin(app).await?;
                timers::defer(&mut work, t.id, now + chrono::Duration::minutes(1)).await?;
                work.commit(app).await?;
            }
        }
    }
}

/// Take a timer's next step with its kind, save it and log the change.
async fn fire(app: &App, work: &mut Work, t: &mut Timer, now: DateTime<Utc>) -> Result<()> {
    let step = t.step_at(now);
    if step == Step::Later {
        // Moved since it was claimed (a resume); just look again later.
        timers::save(work, t).await?;
        return Ok(());
    }
    let Some(kind) = app.timers.of(&t.subject) else {
        tracing::error!(timer = t.id, subject = %t.subject, "no kind of timer fires this subject");
        timers::defer(work, t.id, now + UNKNOWN_KIND_RETRY).await?;
        return Ok(());
    };
    t.take(step, now);
    kind.fire(app, work, t, step, now).await?;
    timers::save(work, t).await?;
    work.changed("timer", t.id, Change::Updated, now).await?;
    Ok(())
}
