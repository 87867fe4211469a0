//! Group commit of new orders. Orders opened at the same moment are written
//! together: one transaction, one multi-row insert per table, where each
//! alone would take the one writer for a dozen statements of its own.
//!
//! Every caller queues its order and then waits for its answer or its turn
//! at the writer, whichever comes first; the caller whose turn it is writes
//! everything queued so far (up to [`BATCH`]), its own order or not, and
//! hands each caller its answer. While one batch is being written the next
//! gathers; when the writer is free an order goes alone at once.
//!
//! An order is checked on a reader before it queues, so what it was checked
//! against may change before it is written, as if it had been opened a
//! moment earlier. Should a batch fail (say an order's car was removed
//! meanwhile), every order in it is written again on its own, checked anew
//! inside its own transaction: one bad order never fails the others, and
//! each caller gets the answer its own order deserves.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use kefu_core::org::group::GroupSettings;
use kefu_core::sla::Clock;
use kefu_core::tickets::{Ticket, TicketEvent};
use kefu_store::bulk::{Table, reserve_ids};
use kefu_store::{Change, Conn, NewAudit, StoreError, append_changes, audit_records, tickets};
use tokio::sync::oneshot;

use super::TicketView;
use super::create::{Draft, prepare};
use crate::sla::PlacePlan;
use crate::work::{After, Work};
use crate::{Actor, App, AppError, Result};

#[cfg(test)]
mod tests;

/// The most orders one transaction writes.
const BATCH: usize = 128;

/// An order checked and planned, waiting to be written.
pub(super) struct Opening {
    pub who: Actor,
    pub draft: Draft,
    pub now: DateTime<Utc>,
    /// As it will be stored, without its id and number.
    pub ticket: Ticket,
    pub clocks: Option<PlacePlan>,
    /// The group's settings it is numbered by, as they were when checked.
    pub numbering: Arc<GroupSettings>,
}

struct Queued {
    opening: Opening,
    answer: oneshot::Sender<Result<TicketView>>,
}

/// The orders waiting to be written, and the turn at writing them.
#[derive(Default)]
pub struct Openings {
    queue: Mutex<Vec<Queued>>,
    turn: tokio::sync::Mutex<()>,
}

/// Write a batch and wait until it is written, on the writing thread (see
/// [`crate::writing`]). It is written to the end even if this caller goes
/// away, so the others in it get theirs.
async fn write_batch(app: &App, batch: Vec<Queued>) -> Result<()> {
    let writer = app.clone();
    app.writing(async move {
        write_and_answer(&writer, batch).await;
        Ok(())
    })
    .await
}

/// Write `opening` with whatever else is waiting, and give its answer.
pub(super) async fn open(app: &App, opening: Opening) -> Result<TicketView> {
    let (answer, mut mine) = oneshot::channel();
    lock(&app.openings.queue).push(Queued { opening, answer });
    loop {
        // A caller whose order another caller's turn has written leaves the
        // line at once: were it to wait for a turn of its own, every turn
        // would write only what came in since the one before.
        let turn = tokio::select! {
            biased;
            done = &mut mine => return done.map_err(|_| never_written())?,
            turn = app.openings.turn.lock() => turn,
        };
        match mine.try_recv() {
            Ok(done) => return done,
            Err(oneshot::error::TryRecvError::Closed) => return Err(never_written()),
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let batch: Vec<Queued> = {
            let mut queue = lock(&app.openings.queue);
            let n = queue.len().min(BATCH);
            queue.drain(..n).collect()
        };
        if !batch.is_empty() {
            write_batch(app, batch).await?;
        }
        drop(turn);
    }
}

fn never_written() -> AppError {
    AppError::Internal(StoreError::Corrupt(
        "the order was queued but never written".to_owned(),
    ))
}

fn lock(queue: &Mutex<Vec<Queued>>) -> std::sync::MutexGuard<'_, Vec<Queued>> {
    // The queue is only pushed to and drained, never left half-changed.
    queue
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn write_and_answer(app: &App, batch: Vec<Queued>) {
    let (openings, answers): (Vec<Opening>, Vec<_>) =
        batch.into_iter().map(|q| (q.opening, q.answer)).unzip();
    match write_together(app, &openings).await {
        Ok(views) => {
            for (view, answer) in views.into_iter().zip(answers) {
                let _ = answer.send(Ok(view));
            }
        }
        Err(error) => {
            tracing::warn!(%error, orders = openings.len(), "writing new orders failed; checking and writing each alone");
            for (o, answer) in openings.into_iter().zip(answers) {
                let _ = answer.send(write_alone(app, o).await);
            }
        }
    }
}

async fn write_together(app: &App, openings: &[Opening]) -> Result<Vec<TicketView>> {
    let started = std::time::Instant::now();
    let mut tx = Work::begin(app).await?;
    let locked = started.elapsed();
    let views = write(&mut tx, openings).await?;
    tx.after(After::WakeTimers);
    tx.commit(app).await?;
    tracing::debug!(
        orders = openings.len(),
        waited_us = locked.as_micros() as u64,
        wrote_us = (started.elapsed() - locked).as_micros() as u64,
        "orders written together"
    );
    Ok(views)
}

/// One order in its own transaction, checked again inside it.
async fn write_alone(app: &App, o: Opening) -> Result<TicketView> {
    let mut tx = Work::begin(app).await?;
    let (ticket, clocks, numbering) = prepare(&mut tx, app, &o.who, &o.draft, o.now).await?;
    let fresh = Opening {
        ticket,
        clocks,
        numbering,
        ..o
    };
    let mut views = write(&mut tx, std::slice::from_ref(&fresh)).await?;
    tx.after(After::WakeTimers);
    tx.commit(app).await?;
    views
        .pop()
        .ok_or_else(|| AppError::Internal(StoreError::Corrupt("an order was not written".into())))
}

/// Store the orders with their numbers, clocks, first events, change-log
/// entries and audit lines; their views, in the same order.
async fn write(tx: &mut Conn, openings: &[Opening]) -> Result<Vec<TicketView>> {
    let numbers = numbers(tx, openings).await?;
    let ids = reserve_ids(tx, Table::Tickets, openings.len()).await?;
    let clock_count = openings
        .iter()
        .map(|o| o.clocks.as_ref().map_or(0, |p| p.plans.len()))
        .sum();
    let mut clock_ids = reserve_ids(tx, Table::Timers, clock_count)
        .await?
        .into_iter();
    let event_ids = reserve_ids(tx, Table::TicketEvents, openings.len()).await?;

    let mut orders = Vec::with_capacity(openings.len());
    let mut clocks: Vec<Vec<Clock>> = Vec::with_capacity(openings.len());
    for ((o, id), number) in openings.iter().zip(&ids).zip(numbers) {
        let mut t = o.ticket.clone();
        t.id = *id;
        t.number = number;
        clocks.push(match &o.clocks {
            Some(plan) => plan
                .plans
                .iter()
                .zip(&mut clock_ids)
                .map(|(p, id)| p.start(id, t.id, plan.place, o.now))
                .collect(),
            None => Vec::new(),
        });
        orders.push(t);
    }
    let events: Vec<TicketEvent> = openings
        .iter()
        .zip(&orders)
        .zip(event_ids)
        .map(|((o, t), id)| TicketEvent {
            id,
            ticket_id: t.id,
            kind: "created".to_owned(),
            at: o.now,
            actor_id: Some(o.who.user_id),
            data: serde_json::json!({
                "channel": t.channel.as_str(),
                "category": t.category.as_str(),
                "priority": t.priority.as_str(),
            }),
        })
        .collect();
    let audit: Vec<NewAudit<'_>> = openings
        .iter()
        .zip(&orders)
        .map(|(o, t)| NewAudit {
            at: o.now,
            actor_id: Some(o.who.user_id),
            action: "ticket.create",
            entity: "ticket",
            entity_id: Some(t.id),
            before: None,
            after: serde_json::to_value(t).ok(),
        })
        .collect();
    let latest = openings.iter().map(|o| o.now).max().unwrap_or_default();

    tickets::insert_many(tx, &orders).await?;
    let all_clocks: Vec<Clock> = clocks.iter().flatten().cloned().collect();
    kefu_store::sla::clocks::insert_many(tx, &all_clocks).await?;
    tickets::insert_events(tx, &events).await?;
    append_changes(tx, "ticket", &ids, Change::Created, latest).await?;
    audit_records(tx, &audit).await?;

    Ok(orders
        .into_iter()
        .zip(clocks)
        .map(|(t, clocks)| TicketView {
            sla_state: crate::sla::sla_state(&t, &clocks),
            ticket: t,
            clocks: Some(clocks),
        })
        .collect())
}

/// The orders' numbers, `GD-20261123-0042` (see
/// [`kefu_core::tickets::number`]): each day of the group's own clock (not
/// UTC) counts from 1, a batch taking its numbers in one step.
async fn numbers(tx: &mut Conn, openings: &[Opening]) -> Result<Vec<String>> {
    let numberings: Vec<_> = openings.iter().map(|o| o.numbering.numbering()).collect();
    let days: Vec<String> = openings
        .iter()
        .zip(&numberings)
        .map(|(o, n)| n.day(o.now))
        .collect();
    let mut per_day: BTreeMap<&str, i64> = BTreeMap::new();
    for d in &days {
        *per_day.entry(d).or_default() += 1;
    }
    let mut next: BTreeMap<&str, i64> = BTreeMap::new();
    for (day, count) in per_day {
        let last = tickets::next_numbers(tx, day, count).await?;
        next.insert(day, last - count + 1);
    }
    Ok(days
        .iter()
        .zip(&numberings)
        .map(|(d, n)| {
            let seq = next.get_mut(d.as_str()).map_or(0, |seq| {
                *seq += 1;
                *seq - 1
            });
            n.number(d, seq)
        })
        .collect())
}
