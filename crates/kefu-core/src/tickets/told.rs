//! Who hears of a move, and who an order goes back to when it comes back
//! reopened: the dealer it is dispatched to, the department it is escalated
//! to, the person it is assigned to, and whoever resolved it.

use super::{CallbackOutcome, Level, Move, Ticket};
use crate::org::{Audience, Source, UserFields};
use crate::sla::firing::workers;

/// The kinds of event whose maker resolved an order.
pub const RESOLVING: &[&str] = &["resolve", "answer"];

/// Whether `m` sends the order back to be worked again.
pub fn reopens(m: Move) -> bool {
    matches!(
        m,
        Move::Reopen | Move::Callback(CallbackOutcome::Dissatisfied)
    )
}

/// Who a reopened order goes to: the person who resolved it, while they are
/// active and still work where the order is (the dealer's staff for an
/// order with a dealer, the department's people for one with a department,
/// the centre's own people at L1). Otherwise nobody in particular: the order
/// waits in the queue of the dealer or department it is with.
pub fn owner_on_reopen(t: &Ticket, resolver: Option<(i64, &UserFields)>) -> Option<i64> {
    let (id, u) = resolver?;
    let still_there = match t.level {
        Level::L2 => t.dealer_id.is_some() && u.dealer_id == t.dealer_id,
        Level::L3 => t.department_id.is_some() && u.department_id == t.department_id,
        Level::L1 => u.dealer_id.is_none() && u.department_id.is_none(),
    };
    (u.active && still_there).then_some(id)
}

/// What a notice of move `m` (already made on `t`) is called and who gets
/// it; none for the moves nobody else needs to hear of.
pub fn told_of_move(m: Move, t: &Ticket) -> Option<(&'static str, Audience)> {
    match m {
        Move::Dispatch => Some((
            "dispatched",
            Audience::first_of(t.dealer_id.map(Source::DealerStaff)),
        )),
        Move::Escalate => Some((
            "escalated",
            Audience::first_of(
                t.department_id
                    .into_iter()
                    .flat_map(|d| [Source::Liaisons(d), Source::DepartmentHead(d)]),
            ),
        )),
        Move::Assign => Some((
            "assigned",
            Audience::first_of(t.assignee_id.map(Source::User)),
        )),
        m if reopens(m) => Some(("reopened", workers(t))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::Role;
    use crate::tickets::Status;

    fn order(level: Level, dealer: Option<i64>, dept: Option<i64>) -> Ticket {
        Ticket {
            dealer_id: dealer,
            department_id: dept,
            callback_attempts: 1,
            ..crate::tickets::fixture::order(level, Status::Reopened)
        }
    }

    fn user(dealer: Option<i64>, dept: Option<i64>, active: bool) -> UserFields {
        UserFields {
            username: "u".into(),
            display_name: "U".into(),
            role: Role::DealerStaff,
            dealer_id: dealer,
            department_id: dept,
            email: None,
            active,
        }
    }

    #[test]
    fn a_reopened_order_goes_back_to_whoever_resolved_it_while_they_are_there() {
        let at_dealer = order(Level::L2, Some(3), None);
        let staff = user(Some(3), None, true);
        assert_eq!(owner_on_reopen(&at_dealer, Some((5, &staff))), Some(5));
        let moved = user(Some(4), None, true);
        assert_eq!(owner_on_reopen(&at_dealer, Some((5, &moved))), None);
        let gone = user(Some(3), None, false);
        assert_eq!(owner_on_reopen(&at_dealer, Some((5, &gone))), None);
        let in_dept = order(Level::L3, Some(3), Some(2));
        assert_eq!(
            owner_on_reopen(&in_dept, Some((6, &user(None, Some(2), true)))),
            Some(6)
        );
        assert_eq!(owner_on_reopen(&in_dept, Some((5, &staff))), None);
        let at_centre = order(Level::L1, None, None);
        assert_eq!(
            owner_on_reopen(&at_centre, Some((7, &user(None, None, true)))),
            Some(7)
        );
        assert_eq!(owner_on_reopen(&at_centre, None), None);
    }

    #[test]
    fn each_move_tells_the_party_it_concerns() {
        let mut t = order(Level::L2, Some(3), None);
        assert_eq!(
            told_of_move(Move::Dispatch, &t),
            Some(("dispatched", Audience::first_of([Source::DealerStaff(3)])))
        );
        t.department_id = Some(2);
        assert_eq!(
            told_of_move(Move::Escalate, &t),
            Some((
                "escalated",
                Audience::first_of([Source::Liaisons(2), Source::DepartmentHead(2)])
            ))
        );
        t.assignee_id = Some(8);
        assert_eq!(
            told_of_move(Move::Assign, &t),
            Some(("assigned", Audience::first_of([Source::User(8)])))
        );
        assert_eq!(
            told_of_move(Move::Callback(CallbackOutcome::Dissatisfied), &t),
            Some(("reopened", Audience::first_of([Source::User(8)])))
        );
        t.assignee_id = None;
        assert_eq!(
            told_of_move(Move::Reopen, &t).map(|(k, _)| k),
            Some("reopened")
        );
        for quiet in [
            Move::Respond,
            Move::Resolve,
            Move::Note,
            Move::Callback(CallbackOutcome::Satisfied),
        ] {
            assert_eq!(told_of_move(quiet, &t), None, "{quiet:?}");
        }
    }
}
