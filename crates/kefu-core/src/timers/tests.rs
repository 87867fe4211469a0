use chrono::{TimeDelta, TimeZone};

use super::*;

fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap() + TimeDelta::minutes(min)
}

fn timer(warn: Option<i64>, due: i64) -> Timer {
    Timer {
        id: 1,
        subject: "ticket".into(),
        subject_id: 7,
        kind: "response".into(),
        step: 0,
        target: None,
        policy_id: None,
        calendar_id: None,
        dealer_id: None,
        department_id: None,
        started_at: at(0),
        minutes: due,
        counts: Counting::WorkingTime,
        due_at: at(due),
        warn_at: warn.map(at),
        warned_at: None,
        paused_at: None,
        remaining_ms: None,
        stopped_at: None,
        fired_at: None,
        breached: false,
    }
}

#[test]
fn a_timer_steps_from_its_warning_to_its_deadline_once_each() {
    // (minutes after start, warned already, step, next look after it)
    let table = [
        (10, false, Step::Later, Some(at(96))),
        (96, false, Step::Warn, Some(at(120))),
        (100, true, Step::Later, Some(at(120))),
        (120, true, Step::Due, None),
        (121, false, Step::Due, None),
    ];
    for (now, warned, step, next) in table {
        let mut t = timer(Some(96), 120);
        if warned {
            t.warned_at = Some(at(96));
        }
        assert_eq!(t.step_at(at(now)), step, "at +{now} min");
        t.take(step, at(now));
        assert_eq!(t.next_at(), next, "after +{now} min");
        assert_eq!(t.step_at(at(now)), Step::Later, "a step is taken once");
    }
}

#[test]
fn paused_stopped_and_fired_timers_are_not_looked_at() {
    let mut paused = timer(None, 60);
    paused.paused_at = Some(at(5));
    let mut stopped = timer(None, 60);
    stopped.stopped_at = Some(at(5));
    let mut fired = timer(None, 60);
    fired.fired_at = Some(at(60));
    for t in [paused, stopped, fired] {
        assert_eq!(t.next_at(), None);
        assert_eq!(t.step_at(at(500)), Step::Later);
    }
}

#[test]
fn a_warning_at_or_after_the_deadline_is_never_given() {
    let t = timer(Some(60), 60);
    assert_eq!(t.next_at(), Some(at(60)));
    assert_eq!(t.step_at(at(60)), Step::Due);
}
