//! What a work order's clock does when it comes up: warn the people working
//! the order, tell the agent a callback attempt is due, or record a breach
//! and tell the workers and the managers, or the next person up the ladder.
//! The scheduler in kefu-app takes the step and applies this.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{Clock, ClockKind, EscalationTarget};
use crate::org::{Audience, Role, Source};
use crate::tickets::{Level, Ticket};
use crate::timers::Step;

/// How far a notice goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The bell of the people told.
    InApp,
    /// The bell, the signed webhooks and the e-mail of the people told.
    Everywhere,
}

/// The consequences of a clock's step.
#[derive(Debug, Clone, PartialEq)]
pub struct Firing {
    /// The event on the order's timeline and the kind of the notice.
    pub event: &'static str,
    pub data: Value,
    /// The clock ran out on work not yet done: a breach to record.
    pub breached: bool,
    pub audience: Audience,
    pub reach: Reach,
}

/// The consequences of `step` of clock `c` on order `t` at `now`; none for
/// [`Step::Later`].
pub fn fire(c: &Clock, t: &Ticket, step: Step, now: DateTime<Utc>) -> Option<Firing> {
    match step {
        Step::Later => None,
        Step::Warn => Some(Firing {
            event: "sla_warning",
            data: json!({ "clock": c.kind.as_str(), "due_at": c.due_at, "number": t.number }),
            breached: false,
            audience: workers(t),
            reach: Reach::Everywhere,
        }),
        // Time to call the customer again; no one is late.
        Step::Due if c.kind == ClockKind::Callback => Some(Firing {
            event: "callback_due",
            data: json!({ "attempt": c.step, "number": t.number }),
            breached: false,
            audience: Audience::first_of(t.created_by.map(Source::User)),
            reach: Reach::InApp,
        }),
        Step::Due => {
            let data = json!({
                "clock": c.kind.as_str(), "step": c.step, "to": c.target.map(|t| t.as_str()),
                "due_at": c.due_at, "late_ms": (now - c.due_at).num_milliseconds(),
                "number": t.number,
            });
            let (event, audience) = match c.kind {
                ClockKind::Escalation => ("escalation", escalation(t, c.target)),
                _ => (
                    "sla_breach",
                    workers(t).and(Audience::first_of([Source::Role(Role::Manager)])),
                ),
            };
            Some(Firing {
                event,
                data,
                breached: true,
                audience,
                reach: Reach::Everywhere,
            })
        }
    }
}

/// Who works the order now: its assignee, else the department's liaisons
/// (L3) or the dealer's staff (L2), else the agent who opened it.
pub fn workers(t: &Ticket) -> Audience {
    if let Some(a) = t.assignee_id {
        return Audience::first_of([Source::User(a)]);
    }
    let at_place = match (t.level, t.department_id, t.dealer_id) {
        (Level::L3, Some(d), _) => Some(Source::Liaisons(d)),
        (Level::L2, _, Some(d)) => Some(Source::DealerStaff(d)),
        _ => None,
    };
    Audience::first_of(at_place.into_iter().chain(t.created_by.map(Source::User)))
}

/// Who an escalation step goes to; the managers when the order has no such
/// person (a dealer's order has no department head).
pub fn escalation(t: &Ticket, to: Option<EscalationTarget>) -> Audience {
    let person = match (to, t.department_id) {
        (Some(EscalationTarget::DepartmentHead), Some(d)) => Some(Source::DepartmentHead(d)),
        (Some(EscalationTarget::Vp), Some(d)) => Some(Source::Vp(d)),
        (Some(EscalationTarget::Liaison), Some(d)) => Some(Source::Liaisons(d)),
        _ => None,
    };
    Audience::first_of(person.into_iter().chain([Source::Role(Role::Manager)]))
}

#[cfg(test)]
mod tests;
