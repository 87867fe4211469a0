use chrono::{TimeDelta, TimeZone};

use super::*;
use crate::sla::ClockPlace;
use crate::tickets::Status;

fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap() + TimeDelta::minutes(min)
}

fn order(level: Level, assignee: Option<i64>) -> Ticket {
    Ticket {
        assignee_id: assignee,
        policy_id: Some(1),
        ..crate::tickets::fixture::order(level, Status::InProgress)
    }
}

fn clock(kind: ClockKind, target: Option<EscalationTarget>) -> Clock {
    let mut c = crate::sla::ClockPlan {
        kind,
        step: i64::from(target.is_some()),
        target,
        minutes: 120,
        counts: crate::timers::Counting::WorkingTime,
        due_at: at(120),
        warn_at: Some(at(96)),
    }
    .start(3, 7, ClockPlace::default(), at(0));
    c.warned_at = None;
    c
}

fn manager() -> Source {
    Source::Role(Role::Manager)
}

/// The clock, where the order is and who has it, the step; then the event,
/// whether it is a breach, and who is told.
type Case = (
    ClockKind,
    Option<EscalationTarget>,
    Level,
    Option<i64>,
    Step,
    &'static str,
    bool,
    Audience,
);

#[test]
#[rustfmt::skip]
fn each_clock_step_names_its_event_its_breach_and_who_is_told() {
    use ClockKind::{Callback, Escalation, Resolution, Response};
    use EscalationTarget::{DepartmentHead, Vp};
    let one = |s: Source| Audience::first_of([s]);
    let table: [Case; 8] = [
        (Response, None, Level::L3, None, Step::Warn, "sla_warning", false,
         Audience::first_of([Source::Liaisons(4), Source::User(9)])),
        (Response, None, Level::L2, None, Step::Warn, "sla_warning", false,
         Audience::first_of([Source::DealerStaff(2), Source::User(9)])),
        (Response, None, Level::L2, Some(5), Step::Due, "sla_breach", true,
         one(Source::User(5)).and(one(manager()))),
        (Resolution, None, Level::L1, None, Step::Due, "sla_breach", true,
         one(Source::User(9)).and(one(manager()))),
        (Escalation, Some(DepartmentHead), Level::L3, Some(5), Step::Due, "escalation", true,
         Audience::first_of([Source::DepartmentHead(4), manager()])),
        (Escalation, Some(Vp), Level::L3, None, Step::Due, "escalation", true,
         Audience::first_of([Source::Vp(4), manager()])),
        // A dealer's order has no department head: the managers hear of it.
        (Escalation, Some(DepartmentHead), Level::L2, None, Step::Due, "escalation", true,
         one(manager())),
        (Callback, None, Level::L1, None, Step::Due, "callback_due", false,
         one(Source::User(9))),
    ];
    for (kind, target, level, assignee, step, event, breached, audience) in table {
        let f = fire(&clock(kind, target), &order(level, assignee), step, at(125))
            .expect("a step has consequences");
        let case = format!("{kind:?} {target:?} at {level:?}, {step:?}");
        assert_eq!(f.event, event, "{case}");
        assert_eq!(f.breached, breached, "{case}");
        assert_eq!(f.audience, audience, "{case}");
        assert_eq!(f.data["number"], "GD-20261207-0007", "{case}");
    }
}

#[test]
fn a_breach_says_how_late_and_reaches_every_channel() {
    let f = fire(
        &clock(ClockKind::Response, None),
        &order(Level::L2, None),
        Step::Due,
        at(125),
    )
    .unwrap();
    assert_eq!(f.data["late_ms"], 5 * 60_000);
    assert_eq!(f.reach, Reach::Everywhere);
    let cb = fire(
        &clock(ClockKind::Callback, None),
        &order(Level::L1, None),
        Step::Due,
        at(125),
    )
    .unwrap();
    assert_eq!(
        cb.reach,
        Reach::InApp,
        "a due callback is the agent's own reminder"
    );
}

#[test]
fn a_step_not_taken_has_no_consequences() {
    let c = clock(ClockKind::Response, None);
    assert_eq!(fire(&c, &order(Level::L2, None), Step::Later, at(10)), None);
}
