//! The rules of a move besides the state machine: who may make it, what a
//! callback's answer means, what the move does to the order's dates, and
//! what it does to the order's clocks. kefu-app loads the order, asks these,
//! and writes what they say in one transaction.

use chrono::{DateTime, Utc};

use super::{CallbackOutcome, Level, Move, Status, Ticket, TicketState};
use crate::org::{Permission, Role, Scope};

/// Why a person may not make a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Their role lacks this permission.
    Lacks(Permission),
    /// The order is not at their level (a dealer's staff on an order with a
    /// department, say).
    NotTheirs,
}

/// Whether `role`, seeing orders in `scope`, may make `m` on `t`. The order
/// is already known to be in the caller's scope (a dealer's staff only reach
/// their dealer's orders, a liaison only their department's).
pub fn may_move(role: Role, scope: Scope, t: &Ticket, m: Move) -> Result<(), Refused> {
    let need = |p: Permission| {
        if role.allows(p) {
            Ok(())
        } else {
            Err(Refused::Lacks(p))
        }
    };
    match m {
        Move::Answer | Move::Dispatch | Move::Escalate | Move::Callback(_) | Move::Reopen => {
            need(Permission::TriageTickets)
        }
        Move::Respond | Move::Wait | Move::Resume | Move::Resolve => {
            need(Permission::WorkTickets)?;
            let at_their_level = match scope {
                Scope::Dealer(_) => t.level == Level::L2,
                Scope::Department(_) => t.level == Level::L3,
                _ => role.allows(Permission::TriageTickets),
            };
            if at_their_level {
                Ok(())
            } else {
                Err(Refused::NotTheirs)
            }
        }
        Move::Assign => need(Permission::AssignTickets),
        Move::Note => Ok(()),
    }
}

/// What a callback's answer means: a reached customer scoring 3 or more is
/// satisfied; not reached, the attempt made now (`attempt`, from 1) is the
/// last when it reaches the `allowed` attempts.
pub fn callback_outcome(
    reached: bool,
    satisfaction: Option<i64>,
    attempt: i64,
    allowed: i64,
) -> CallbackOutcome {
    if reached {
        if satisfaction.unwrap_or(0) >= 3 {
            CallbackOutcome::Satisfied
        } else {
            CallbackOutcome::Dissatisfied
        }
    } else {
        CallbackOutcome::Unreached {
            last: attempt >= allowed,
        }
    }
}

/// Put `t` in state `next` after a move at `now`: the dates and the reason
/// it closed follow the status.
pub fn enter(t: &mut Ticket, next: TicketState, now: DateTime<Utc>) {
    let was = t.status;
    t.set_state(next);
    t.updated_at = now;
    match t.status {
        Status::Resolved if was != t.status => t.resolved_at = Some(now),
        Status::Closed => t.closed_at = Some(now),
        Status::Reopened => {
            t.resolved_at = None;
            t.closed_at = None;
            t.close_reason = None;
        }
        _ => {}
    }
    if t.status == Status::Closed && t.close_reason.is_none() {
        t.close_reason = Some("satisfied".into());
    }
}

/// Which clocks of an order a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clocks {
    All,
    Response,
    Callback,
}

/// What a move does to the order's clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockChange {
    /// Nothing.
    Keep,
    /// Stop them all and start those of the policy that fits where the order
    /// is now (it reached a dealer or department, or came back reopened).
    Restart,
    /// Stop these; the breaches of these kinds of clock got their answer.
    Stop(Clocks, &'static [&'static str]),
    /// Waiting on the customer: the clocks stop counting.
    Pause,
    Resume,
    /// The customer was not reached: the next attempt is a clock of its own.
    NextCallback,
}

/// The clock change of move `m`, which left the order in `status`.
pub fn clocks_on_move(m: Move, status: Status) -> ClockChange {
    match m {
        Move::Dispatch | Move::Escalate => ClockChange::Restart,
        Move::Respond => ClockChange::Stop(Clocks::Response, &["response"]),
        Move::Wait => ClockChange::Pause,
        Move::Resume => ClockChange::Resume,
        Move::Answer | Move::Resolve => {
            ClockChange::Stop(Clocks::All, &["response", "resolution", "escalation"])
        }
        Move::Callback(_) | Move::Reopen if status == Status::Reopened => ClockChange::Restart,
        Move::Callback(CallbackOutcome::Unreached { last: false }) => ClockChange::NextCallback,
        Move::Callback(_) => ClockChange::Stop(Clocks::Callback, &[]),
        Move::Assign | Move::Reopen | Move::Note => ClockChange::Keep,
    }
}

#[cfg(test)]
mod tests;
