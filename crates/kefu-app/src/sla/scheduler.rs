//! Firing clocks: the scheduler (a [`crate::workers`] job) calls `run_due`
//! when the earliest clock needs attention or a new clock was added. Firing happens in one
//! transaction per batch that also moves each clock on, so a clock fires
//! once even across restarts and several instances (on PostgreSQL the
//! claimed rows are locked with SKIP LOCKED).

use chrono::{DateTime, Utc};
use kefu_core::org::{Role, Scope};
use kefu_core::sla::{Clock, ClockKind, EscalationTarget};
use kefu_core::tickets::{Level, Ticket};
use kefu_store::org::departments;
use kefu_store::org::users::{self, UserFilter};
use kefu_store::sla::{breaches, clocks};
use kefu_store::{Conn, PageRequest, notifications, tickets};
use serde_json::json;

use crate::journal::commit;
use crate::{App, Result};

/// Clocks fired per transaction.
const BATCH: i64 = 200;

/// Fire every clock due at `now`; returns how many clock steps were taken.
pub async fn run_due(app: &App, now: DateTime<Utc>) -> Result<usize> {
    Ok(match run_due_or_next(app, now).await? {
        Ran::Fired(n) => n,
        Ran::NothingDue { .. } => 0,
    })
}

/// What a run of the scheduler did.
pub(crate) enum Ran {
    /// Fired this many clock steps.
    Fired(usize),
    /// Nothing was due; the earliest instant a clock needs attention, as
    /// read to find that out.
    NothingDue { next: Option<DateTime<Utc>> },
}

/// [`run_due`], telling the caller when nothing was due what it read to
/// know, so the scheduler's loop need not read it again.
pub(crate) async fn run_due_or_next(app: &App, now: DateTime<Utc>) -> Result<Ran> {
    // Woken for every new order, most often with nothing due yet: a read
    // says so without taking the one writer from the orders being opened.
    let next = clocks::next_due(&mut *app.store.read().await?).await?;
    if next.is_none_or(|at| at > now) {
        return Ok(Ran::NothingDue { next });
    }
    Ok(Ran::Fired(fire_all(app, now).await?))
}

async fn fire_all(app: &App, now: DateTime<Utc>) -> Result<usize> {
    let mut total = 0;
    loop {
        match fire_batch(app, now, app.config.smtp.is_some()).await {
            Ok(n) => {
                total += n;
                if (n as i64) < BATCH {
                    return Ok(total);
                }
            }
            Err(e) => {
                // One bad clock must not hold up the others: go one by one.
                tracing::warn!(error = %e, "a batch of clocks failed; firing them one at a time");
                return Ok(total + fire_one_by_one(app, now, app.config.smtp.is_some()).await?);
            }
        }
    }
}

async fn fire_batch(app: &App, now: DateTime<Utc>, mail: bool) -> Result<usize> {
    let mut tx = app.store.begin().await?;
    let due = clocks::claim_due(&mut tx, now, BATCH).await?;
    let n = due.len();
    for mut c in due {
        fire(&mut tx, &mut c, now, mail).await?;
    }
    commit(tx).await?;
    if n > 0 {
        // Webhook deliveries and e-mails the firing wrote go out at once.
        app.delivery_wake.notify_one();
        app.mail_wake.notify_one();
    }
    Ok(n)
}

/// Each clock in its own transaction; one that fails is looked at again in
/// a minute, and the error is logged.
async fn fire_one_by_one(app: &App, now: DateTime<Utc>, mail: bool) -> Result<usize> {
    let mut fired = 0;
    loop {
        let mut tx = app.store.begin().await?;
        let Some(mut c) = clocks::claim_due(&mut tx, now, 1).await?.pop() else {
            return Ok(fired);
        };
        match fire(&mut tx, &mut c, now, mail).await {
            Ok(()) => {
                commit(tx).await?;
                app.delivery_wake.notify_one();
                app.mail_wake.notify_one();
                fired += 1;
            }
            Err(e) => {
                drop(tx);
                tracing::error!(clock = c.id, ticket = c.ticket_id, error = %e, "cannot fire a clock; retrying in a minute");
                let mut tx = app.store.begin().await?;
                clocks::defer(&mut tx, c.id, now + chrono::Duration::minutes(1)).await?;
                commit(tx).await?;
            }
        }
    }
}

/// Take a clock's next step; with `mail`, e-mail the people told as well.
async fn fire(tx: &mut Conn, c: &mut Clock, now: DateTime<Utc>, mail: bool) -> Result<()> {
    let Some(t) = tickets::get(tx, Scope::Group, c.ticket_id).await? else {
        c.stopped_at = Some(now);
        clocks::save(tx, c).await?;
        return Ok(());
    };
    let warning_due =
        c.warned_at.is_none() && c.warn_at.is_some_and(|w| w <= now) && c.due_at > now;
    if warning_due {
        c.warned_at = Some(now);
        clocks::save(tx, c).await?;
        let data = json!({ "clock": c.kind.as_str(), "due_at": c.due_at, "number": t.number });
        tickets::insert_event(tx, t.id, "sla_warning", now, None, data.clone()).await?;
        let people = workers(tx, &t).await?;
        notifications::insert(tx, &people, Some(t.id), "sla_warning", now, &data).await?;
        crate::webhooks::enqueue(tx, "sla_warning", &t, &data, now).await?;
        if mail {
            crate::mail::enqueue(tx, &people, "sla_warning", &t, &data, now).await?;
        }
        return Ok(());
    }
    if c.due_at > now {
        // Moved since it was claimed (a resume); just look again later.
        clocks::save(tx, c).await?;
        return Ok(());
    }
    c.fired_at = Some(now);
    if c.kind == ClockKind::Callback {
        // Time to call the customer again; no one is late.
        clocks::save(tx, c).await?;
        let data = json!({ "attempt": c.step, "number": t.number });
        tickets::insert_event(tx, t.id, "callback_due", now, None, data.clone()).await?;
        let people: Vec<i64> = t.created_by.into_iter().collect();
        notifications::insert(tx, &people, Some(t.id), "callback_due", now, &data).await?;
        return Ok(());
    }
    c.breached = true;
    clocks::save(tx, c).await?;
    breaches::record(tx, c, &t, now).await?;
    let late_ms = (now - c.due_at).num_milliseconds();
    let data = json!({
        "clock": c.kind.as_str(), "step": c.step, "to": c.target.map(|t| t.as_str()),
        "due_at": c.due_at, "late_ms": late_ms, "number": t.number,
    });
    let (kind, people) = match c.kind {
        ClockKind::Escalation => ("escalation", target(tx, &t, c.target).await?),
        _ => {
            let mut people = workers(tx, &t).await?;
            people.extend(with_role(tx, Role::Manager, None).await?);
            people.sort_unstable();
            people.dedup();
            ("sla_breach", people)
        }
    };
    tickets::insert_event(tx, t.id, kind, now, None, data.clone()).await?;
    notifications::insert(tx, &people, Some(t.id), kind, now, &data).await?;
    crate::webhooks::enqueue(tx, kind, &t, &data, now).await?;
    if mail {
        crate::mail::enqueue(tx, &people, kind, &t, &data, now).await?;
    }
    Ok(())
}

/// Who works the order now: its assignee, else the department's liaisons
/// (L3) or the dealer's staff (L2), else the agent who opened it.
async fn workers(tx: &mut Conn, t: &Ticket) -> Result<Vec<i64>> {
    if let Some(a) = t.assignee_id {
        return Ok(vec![a]);
    }
    let people = match (t.level, t.department_id, t.dealer_id) {
        (Level::L3, Some(d), _) => departments::get(tx, d)
            .await?
            .map(|d| d.fields.liaison_ids)
            .unwrap_or_default(),
        (Level::L2, _, Some(d)) => with_role(tx, Role::DealerStaff, Some(d)).await?,
        _ => Vec::new(),
    };
    Ok(if people.is_empty() {
        t.created_by.into_iter().collect()
    } else {
        people
    })
}

/// Who an escalation step goes to; the managers when the order has no such
/// person (a dealer's order has no department head).
async fn target(tx: &mut Conn, t: &Ticket, to: Option<EscalationTarget>) -> Result<Vec<i64>> {
    let dept = match t.department_id {
        Some(d) => departments::get(tx, d).await?,
        None => None,
    };
    let people: Vec<i64> = match (to, &dept) {
        (Some(EscalationTarget::DepartmentHead), Some(d)) => d.fields.head_id.into_iter().collect(),
        (Some(EscalationTarget::Vp), Some(d)) => d.fields.vp_id.into_iter().collect(),
        (Some(EscalationTarget::Liaison), Some(d)) => d.fields.liaison_ids.clone(),
        _ => Vec::new(),
    };
    if people.is_empty() {
        with_role(tx, Role::Manager, None).await
    } else {
        Ok(people)
    }
}

async fn with_role(tx: &mut Conn, role: Role, dealer_id: Option<i64>) -> Result<Vec<i64>> {
    let filter = UserFilter {
        role: Some(role),
        dealer_id,
        active: Some(true),
        ..UserFilter::default()
    };
    let page = users::list(
        tx,
        Scope::Group,
        &filter,
        PageRequest::first(PageRequest::MAX_LIMIT),
    )
    .await?;
    Ok(page.items.iter().map(|u| u.id).collect())
}
