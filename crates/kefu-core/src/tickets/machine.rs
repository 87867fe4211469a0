//! The work order state machine. A move the machine forbids changes nothing
//! and is reported as [`Illegal`], which the API answers with 409.

use super::{Level, Status};

/// What a person does to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// L1: solved on the call.
    Answer,
    /// L2: sent to a dealer.
    Dispatch,
    /// L3: sent to a back-office department.
    Escalate,
    Assign,
    /// The first response; stops the response clock.
    Respond,
    /// Waiting on the customer: clocks pause.
    Wait,
    Resume,
    Resolve,
    /// The confirmation call with the customer.
    Callback(CallbackOutcome),
    Reopen,
    Note,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// Reached, satisfaction 3 or more: the order closes.
    Satisfied,
    /// Reached and dissatisfied: the order reopens.
    Dissatisfied,
    /// Not reached; `last` when no attempt remains, which closes the order
    /// as unreachable.
    Unreached { last: bool },
}

impl Move {
    pub fn name(self) -> &'static str {
        match self {
            Move::Answer => "answer",
            Move::Dispatch => "dispatch",
            Move::Escalate => "escalate",
            Move::Assign => "assign",
            Move::Respond => "respond",
            Move::Wait => "wait",
            Move::Resume => "resume",
            Move::Resolve => "resolve",
            Move::Callback(_) => "callback",
            Move::Reopen => "reopen",
            Move::Note => "note",
        }
    }
}

/// The part of an order the machine decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketState {
    pub status: Status,
    pub level: Level,
    /// Where a waiting order returns on resume.
    pub before_wait: Option<Status>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {status} order cannot be {verb}")]
pub struct Illegal {
    pub status: &'static str,
    pub verb: &'static str,
}

impl TicketState {
    pub fn new() -> Self {
        TicketState {
            status: Status::New,
            level: Level::L1,
            before_wait: None,
        }
    }

    /// The state after `m`, or why `m` is not allowed now.
    pub fn apply(self, m: Move) -> Result<TicketState, Illegal> {
        use Status::*;
        let s = self.status;
        let to = |status: Status| TicketState { status, ..self };
        let next = match m {
            Move::Answer if matches!(s, New | Reopened) && self.level == Level::L1 => to(Resolved),
            Move::Dispatch
                if matches!(s, New | Reopened | InProgress) && self.level != Level::L3 =>
            {
                TicketState {
                    status: Dispatched,
                    level: Level::L2,
                    before_wait: None,
                }
            }
            Move::Escalate if matches!(s, New | Reopened | Dispatched | InProgress) => {
                TicketState {
                    status: Escalated,
                    level: Level::L3,
                    before_wait: None,
                }
            }
            Move::Assign
                if matches!(
                    s,
                    Dispatched | Escalated | InProgress | WaitingCustomer | Reopened
                ) =>
            {
                self
            }
            Move::Respond if matches!(s, Dispatched | Escalated | Reopened) => to(InProgress),
            Move::Wait if matches!(s, Dispatched | Escalated | InProgress | Reopened) => {
                TicketState {
                    status: WaitingCustomer,
                    level: self.level,
                    before_wait: Some(s),
                }
            }
            Move::Resume if s == WaitingCustomer => TicketState {
                status: self.before_wait.unwrap_or(InProgress),
                level: self.level,
                before_wait: None,
            },
            Move::Resolve
                if matches!(
                    s,
                    Dispatched | Escalated | InProgress | WaitingCustomer | Reopened
                ) =>
            {
                TicketState {
                    status: Resolved,
                    level: self.level,
                    before_wait: None,
                }
            }
            Move::Callback(outcome) if s == Resolved => match outcome {
                CallbackOutcome::Satisfied | CallbackOutcome::Unreached { last: true } => {
                    to(Closed)
                }
                CallbackOutcome::Dissatisfied => to(Reopened),
                CallbackOutcome::Unreached { last: false } => self,
            },
            Move::Reopen if matches!(s, Resolved | Closed) => to(Reopened),
            Move::Note => self,
            _ => {
                return Err(Illegal {
                    status: s.as_str(),
                    verb: past_tense(m),
                });
            }
        };
        Ok(next)
    }

    /// The moves the machine allows now (for showing exactly those buttons).
    pub fn allowed(self) -> Vec<Move> {
        let all = [
            Move::Answer,
            Move::Dispatch,
            Move::Escalate,
            Move::Assign,
            Move::Respond,
            Move::Wait,
            Move::Resume,
            Move::Resolve,
            Move::Callback(CallbackOutcome::Satisfied),
            Move::Reopen,
            Move::Note,
        ];
        all.into_iter().filter(|m| self.apply(*m).is_ok()).collect()
    }
}

impl Default for TicketState {
    fn default() -> Self {
        Self::new()
    }
}

fn past_tense(m: Move) -> &'static str {
    match m {
        Move::Answer => "answered",
        Move::Dispatch => "dispatched",
        Move::Escalate => "escalated",
        Move::Assign => "assigned",
        Move::Respond => "responded to",
        Move::Wait => "put on hold",
        Move::Resume => "resumed",
        Move::Resolve => "resolved",
        Move::Callback(_) => "called back",
        Move::Reopen => "reopened",
        Move::Note => "noted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    fn st(status: Status, level: Level) -> TicketState {
        TicketState {
            status,
            level,
            before_wait: None,
        }
    }

    fn run(moves: &[Move]) -> Result<TicketState, Illegal> {
        moves
            .iter()
            .try_fold(TicketState::new(), |s, m| s.apply(*m))
    }

    #[test]
    fn the_three_triage_paths() {
        use CallbackOutcome::*;
        let l1 = run(&[Move::Answer, Move::Callback(Satisfied)]).unwrap();
        assert_eq!((l1.status, l1.level), (Closed, Level::L1));
        let l2 = run(&[
            Move::Dispatch,
            Move::Respond,
            Move::Resolve,
            Move::Callback(Dissatisfied),
        ])
        .unwrap();
        assert_eq!((l2.status, l2.level), (Reopened, Level::L2));
        let l3 = run(&[Move::Escalate, Move::Assign, Move::Respond, Move::Resolve]).unwrap();
        assert_eq!((l3.status, l3.level), (Resolved, Level::L3));
        let dealer_gives_up = run(&[Move::Dispatch, Move::Respond, Move::Escalate]).unwrap();
        assert_eq!(
            (dealer_gives_up.status, dealer_gives_up.level),
            (Escalated, Level::L3)
        );
    }

    #[test]
    fn waiting_returns_where_it_was() {
        let s = run(&[Move::Escalate, Move::Wait]).unwrap();
        assert_eq!(s.status, WaitingCustomer);
        assert_eq!(s.apply(Move::Resume).unwrap().status, Escalated);
        let s = run(&[Move::Dispatch, Move::Respond, Move::Wait, Move::Resume]).unwrap();
        assert_eq!(s.status, InProgress);
    }

    #[test]
    fn unreached_callbacks_retry_then_close() {
        let s = run(&[
            Move::Answer,
            Move::Callback(CallbackOutcome::Unreached { last: false }),
        ])
        .unwrap();
        assert_eq!(s.status, Resolved);
        let s = s
            .apply(Move::Callback(CallbackOutcome::Unreached { last: true }))
            .unwrap();
        assert_eq!(s.status, Closed);
    }

    #[test]
    fn forbidden_moves_are_refused() {
        let cases = [
            (st(New, Level::L1), Move::Respond),
            (st(New, Level::L1), Move::Resolve),
            (
                st(New, Level::L1),
                Move::Callback(CallbackOutcome::Satisfied),
            ),
            (st(New, Level::L1), Move::Resume),
            (st(Closed, Level::L1), Move::Answer),
            (st(Closed, Level::L2), Move::Dispatch),
            (st(Resolved, Level::L3), Move::Escalate),
            (st(Escalated, Level::L3), Move::Dispatch),
            (st(Escalated, Level::L3), Move::Answer),
            (st(Dispatched, Level::L2), Move::Answer),
            (st(InProgress, Level::L2), Move::Reopen),
            (st(WaitingCustomer, Level::L2), Move::Wait),
        ];
        for (s, m) in cases {
            let e = s.apply(m).err();
            assert!(e.is_some(), "{s:?} + {m:?} should be refused");
        }
        let e = st(Closed, Level::L1).apply(Move::Resolve).err().unwrap();
        assert_eq!(e.to_string(), "a closed order cannot be resolved");
    }

    #[test]
    fn notes_go_anywhere_and_change_nothing() {
        for status in Status::ALL {
            let s = st(*status, Level::L2);
            assert_eq!(s.apply(Move::Note), Ok(s));
        }
    }

    #[test]
    fn allowed_lists_exactly_the_legal_moves() {
        let names: Vec<&str> = TicketState::new()
            .allowed()
            .iter()
            .map(|m| m.name())
            .collect();
        assert_eq!(names, ["answer", "dispatch", "escalate", "note"]);
        let names: Vec<&str> = st(Closed, Level::L2)
            .allowed()
            .iter()
            .map(|m| m.name())
            .collect();
        assert_eq!(names, ["reopen", "note"]);
    }
}
