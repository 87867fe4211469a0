use chrono::{TimeDelta, TimeZone};

use super::*;

fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap() + TimeDelta::minutes(min)
}

fn order(level: Level, status: Status) -> Ticket {
    crate::tickets::fixture::order(level, status)
}

#[test]
#[rustfmt::skip]
fn who_may_make_which_move() {
    use Refused::{Lacks, NotTheirs};
    let triage = Err(Lacks(Permission::TriageTickets));
    let work = Err(Lacks(Permission::WorkTickets));
    let assign = Err(Lacks(Permission::AssignTickets));
    let dealer = Scope::Dealer(2);
    let dept = Scope::Department(4);
    // (role, scope, the order's level, move, answer)
    let table = [
        (Role::Agent, Scope::Group, Level::L1, Move::Dispatch, Ok(())),
        (Role::Agent, Scope::Group, Level::L2, Move::Resolve, Ok(())),
        (Role::Agent, Scope::Group, Level::L1, Move::Assign, assign),
        (Role::DealerStaff, dealer, Level::L2, Move::Respond, Ok(())),
        (Role::DealerStaff, dealer, Level::L3, Move::Respond, Err(NotTheirs)),
        (Role::DealerStaff, dealer, Level::L2, Move::Escalate, triage),
        (Role::DealerStaff, dealer, Level::L2, Move::Assign, Ok(())),
        (Role::Liaison, dept, Level::L3, Move::Resolve, Ok(())),
        (Role::Liaison, dept, Level::L2, Move::Wait, Err(NotTheirs)),
        (Role::Liaison, dept, Level::L3, Move::Callback(CallbackOutcome::Satisfied), triage),
        (Role::Vp, Scope::Group, Level::L3, Move::Resolve, work),
        (Role::Vp, Scope::Group, Level::L3, Move::Note, Ok(())),
        (Role::Manager, Scope::Group, Level::L3, Move::Resume, Ok(())),
    ];
    for (role, scope, level, m, answer) in table {
        let t = order(level, Status::InProgress);
        assert_eq!(may_move(role, scope, &t, m), answer, "{role:?} {m:?} at {level:?}");
    }
}

#[test]
fn a_callback_is_satisfied_from_three_and_the_last_attempt_closes() {
    use CallbackOutcome::*;
    let table = [
        (true, Some(5), 1, 3, Satisfied),
        (true, Some(3), 1, 3, Satisfied),
        (true, Some(2), 1, 3, Dissatisfied),
        (true, None, 1, 3, Dissatisfied),
        (false, None, 1, 3, Unreached { last: false }),
        (false, None, 3, 3, Unreached { last: true }),
        (false, None, 4, 3, Unreached { last: true }),
    ];
    for (reached, score, attempt, allowed, outcome) in table {
        assert_eq!(
            callback_outcome(reached, score, attempt, allowed),
            outcome,
            "reached {reached}, score {score:?}, attempt {attempt} of {allowed}"
        );
    }
}

#[test]
#[rustfmt::skip]
fn each_move_changes_the_clocks_it_should() {
    use CallbackOutcome::*;
    let all = &["response", "resolution", "escalation"][..];
    let table = [
        (Move::Dispatch, Status::Dispatched, ClockChange::Restart),
        (Move::Escalate, Status::Escalated, ClockChange::Restart),
        (Move::Respond, Status::InProgress, ClockChange::Stop(Clocks::Response, &["response"])),
        (Move::Wait, Status::WaitingCustomer, ClockChange::Pause),
        (Move::Resume, Status::InProgress, ClockChange::Resume),
        (Move::Answer, Status::Resolved, ClockChange::Stop(Clocks::All, all)),
        (Move::Resolve, Status::Resolved, ClockChange::Stop(Clocks::All, all)),
        (Move::Callback(Dissatisfied), Status::Reopened, ClockChange::Restart),
        (Move::Reopen, Status::Reopened, ClockChange::Restart),
        (Move::Callback(Unreached { last: false }), Status::Resolved, ClockChange::NextCallback),
        (Move::Callback(Unreached { last: true }), Status::Closed, ClockChange::Stop(Clocks::Callback, &[])),
        (Move::Callback(Satisfied), Status::Closed, ClockChange::Stop(Clocks::Callback, &[])),
        (Move::Assign, Status::InProgress, ClockChange::Keep),
        (Move::Note, Status::InProgress, ClockChange::Keep),
    ];
    for (m, status, change) in table {
        assert_eq!(clocks_on_move(m, status), change, "{m:?} to {status:?}");
    }
}

#[test]
fn entering_a_state_keeps_the_dates_in_step() {
    let mut t = order(Level::L2, Status::InProgress);
    let resolved = t.state().apply(Move::Resolve).unwrap();
    enter(&mut t, resolved, at(10));
    assert_eq!((t.resolved_at, t.updated_at), (Some(at(10)), at(10)));
    let closed = t
        .state()
        .apply(Move::Callback(CallbackOutcome::Satisfied))
        .unwrap();
    enter(&mut t, closed, at(20));
    assert_eq!(t.closed_at, Some(at(20)));
    assert_eq!(t.close_reason.as_deref(), Some("satisfied"));
    let reopened = t.state().apply(Move::Reopen).unwrap();
    enter(&mut t, reopened, at(30));
    assert_eq!(
        (t.resolved_at, t.closed_at, t.close_reason),
        (None, None, None)
    );
}
