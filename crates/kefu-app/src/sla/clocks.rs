//! Starting, stopping, pausing and resuming an order's clocks as it moves.
//! Called inside the move's transaction, so an order and its clocks never
//! disagree.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Utc};
use kefu_core::calendar::Calendar;
use kefu_core::sla::{Clock, ClockKind, ClockPlan};
use kefu_core::tickets::rules::{ClockChange, Clocks, clocks_on_move};
use kefu_core::tickets::{Level, Move, Status, Ticket};
use kefu_core::timers::Counting;
use kefu_store::sla::{breaches, clocks, policies};
use kefu_store::{Conn, tickets};

use super::settings::SettingsCache;
use crate::{Actor, App, AppError, Result};

/// Start the clocks of the policy that fits the order where it is now.
pub(crate) async fn start_at_place(
    tx: &mut Conn,
    settings: &SettingsCache,
    t: &mut Ticket,
    now: DateTime<Utc>,
) -> Result<()> {
    let facts = tickets::place_facts(tx, t.customer_id, t.dealer_id, t.department_id).await?;
    let place_calendar = match t.level {
        Level::L3 => facts.department_calendar,
        Level::L2 | Level::L1 => facts.dealer_calendar,
    };
    // The copy in memory if it is of the version read now, in this
    // transaction: a change to the policies or calendars counts at once.
    let plan = settings
        .at(tx, facts.settings_version)
        .await?
        .plan(tx, t, facts.tier, place_calendar, now)
        .await?;
    t.policy_id = match plan {
        Some(plan) => {
            clocks::start(tx, t.id, plan.place, now, &plan.plans).await?;
            Some(plan.policy_id)
        }
        None => None,
    };
    Ok(())
}

/// Bring the clocks in line with a move that has just been made, as
/// [`clocks_on_move`] says.
pub(crate) async fn on_move(
    tx: &mut Conn,
    settings: &SettingsCache,
    t: &mut Ticket,
    m: Move,
    now: DateTime<Utc>,
) -> Result<()> {
    match clocks_on_move(m, t.status) {
        ClockChange::Keep => {}
        ClockChange::Restart => {
            stop(tx, t.id, now, Clocks::All).await?;
            start_at_place(tx, settings, t, now).await?;
        }
        ClockChange::Stop(which, settled) => {
            stop(tx, t.id, now, which).await?;
            if !settled.is_empty() {
                breaches::settle(tx, t.id, settled, now).await?;
            }
        }
        ClockChange::Pause => pause(tx, t.id, now, true).await?,
        ClockChange::Resume => pause(tx, t.id, now, false).await?,
        ClockChange::NextCallback => {
            stop(tx, t.id, now, Clocks::Callback).await?;
            schedule_callback(tx, t, now).await?;
        }
    }
    Ok(())
}

/// How many callback attempts the order's policy allows.
pub(crate) async fn callback_attempts(tx: &mut Conn, t: &Ticket) -> Result<i64> {
    Ok(match t.policy_id {
        Some(id) => policies::get(tx, id).await?.map(|p| p.callback_attempts),
        None => None,
    }
    .unwrap_or(crate::tickets::CALLBACK_ATTEMPTS))
}

/// The next callback attempt, the policy's spacing later in business time
/// (default: one working day, 480 minutes, on the default calendar).
async fn schedule_callback(tx: &mut Conn, t: &Ticket, now: DateTime<Utc>) -> Result<()> {
    let policy = match t.policy_id {
        Some(id) => policies::get(tx, id).await?,
        None => None,
    };
    let minutes = policy.as_ref().map_or(480, |p| p.callback_spacing_minutes);
    let (calendar_id, calendar) =
        crate::calendars::load(tx, policy.as_ref().and_then(|p| p.calendar_id)).await?;
    let Some(due_at) = calendar.add_business(now, minutes) else {
        return Ok(());
    };
    let plan = ClockPlan {
        kind: ClockKind::Callback,
        step: t.callback_attempts + 1,
        target: None,
        minutes,
        counts: Counting::WorkingTime,
        due_at,
        warn_at: None,
    };
    let place = clocks::Place {
        policy_id: t.policy_id,
        calendar_id: Some(calendar_id),
        dealer_id: t.dealer_id,
        department_id: t.department_id,
    };
    clocks::start(tx, t.id, place, now, &[plan]).await?;
    Ok(())
}

/// Stop the chosen clocks, fired ones included (a response that came late
/// no longer makes the order red).
async fn stop(tx: &mut Conn, ticket_id: i64, now: DateTime<Utc>, which: Clocks) -> Result<()> {
    let ids: Vec<i64> = clocks::for_ticket(tx, ticket_id)
        .await?
        .iter()
        .filter(|c| {
            c.stopped_at.is_none()
                && match which {
                    Clocks::All => true,
                    Clocks::Response => c.kind == ClockKind::Response,
                    Clocks::Callback => c.kind == ClockKind::Callback,
                }
        })
        .map(|c| c.id)
        .collect();
    Ok(clocks::stop(tx, &ids, now).await?)
}

async fn pause(tx: &mut Conn, ticket_id: i64, now: DateTime<Utc>, pausing: bool) -> Result<()> {
    let mut calendars: HashMap<Option<i64>, Calendar> = HashMap::new();
    for mut c in clocks::for_ticket(tx, ticket_id).await? {
        if !c.live() {
            continue;
        }
        let cal = match calendars.entry(c.calendar_id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(crate::calendars::load(tx, c.calendar_id).await?.1),
        };
        if pausing {
            c.pause(now, cal);
        } else {
            c.resume(now, cal);
        }
        clocks::save(tx, &c).await?;
    }
    Ok(())
}

/// green (counting), yellow (warned), red (breached), grey (paused), or
/// `none` when no clock runs on the order.
pub fn sla_state(t: &Ticket, clocks: &[Clock]) -> &'static str {
    if !t.status.is_open() {
        return "none";
    }
    let current: Vec<&Clock> = clocks
        .iter()
        .filter(|c| c.stopped_at.is_none() && c.kind != ClockKind::Callback)
        .collect();
    if current.is_empty() {
        "none"
    } else if current.iter().any(|c| c.breached) {
        "red"
    } else if t.status == Status::WaitingCustomer || current.iter().any(|c| c.paused()) {
        "grey"
    } else if current.iter().any(|c| c.warned_at.is_some()) {
        "yellow"
    } else {
        "green"
    }
}

/// The clocks of an order the caller can see.
pub async fn for_ticket(app: &App, who: &Actor, id: i64) -> Result<Vec<Clock>> {
    let mut conn = app.store.read().await?;
    tickets::get(&mut conn, who.ticket_scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(clocks::for_ticket(&mut conn, id).await?)
}
