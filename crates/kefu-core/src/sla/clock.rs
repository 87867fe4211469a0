//! The clocks an order runs under once it reaches a dealer or a department,
//! and what each clock does next.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{EscalationTarget, Policy};
use crate::calendar::Calendar;
use crate::timers::{Counting, Timer, after_ms, left_ms};
use crate::word_enum::word_enum;

word_enum!(
    ClockKind, "kind", "invalid_clock_kind" {
        Response = "response", Resolution = "resolution", Escalation = "escalation", Callback = "callback",
    }
);

/// The subject of a work order's clocks among the timers.
pub const SUBJECT: &str = "ticket";

/// A clock about to be started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockPlan {
    pub kind: ClockKind,
    pub step: i64,
    pub target: Option<EscalationTarget>,
    pub minutes: i64,
    pub counts: Counting,
    pub due_at: DateTime<Utc>,
    pub warn_at: Option<DateTime<Utc>>,
}

/// Where a clock counts: the policy and calendar it was started under, and
/// the dealer or department the order was with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClockPlace {
    pub policy_id: Option<i64>,
    pub calendar_id: Option<i64>,
    pub dealer_id: Option<i64>,
    pub department_id: Option<i64>,
}

impl ClockPlan {
    /// The clock this plan starts at `at` on order `ticket_id`, as stored
    /// with id `id`.
    pub fn start(&self, id: i64, ticket_id: i64, place: ClockPlace, at: DateTime<Utc>) -> Clock {
        Clock {
            id,
            ticket_id,
            kind: self.kind,
            step: self.step,
            target: self.target,
            policy_id: place.policy_id,
            calendar_id: place.calendar_id,
            dealer_id: place.dealer_id,
            department_id: place.department_id,
            started_at: at,
            minutes: self.minutes,
            counts: self.counts,
            due_at: self.due_at,
            warn_at: self.warn_at,
            warned_at: None,
            paused_at: None,
            remaining_ms: None,
            stopped_at: None,
            fired_at: None,
            breached: false,
        }
    }
}

/// The response, resolution and escalation clocks for an order that reached
/// a dealer or department at `start`, counted on `calendar` (an escalation
/// step that counts round-the-clock time, on every hour of its time zone).
/// A deadline the calendar cannot place (no working time at all) is left out
/// rather than invented.
pub fn plan_clocks(policy: &Policy, calendar: &Calendar, start: DateTime<Utc>) -> Vec<ClockPlan> {
    let mut plans = Vec::new();
    // The warning point to the second: 50 % of one minute is 30 seconds.
    let warn = |minutes: i64| {
        let secs = minutes
            .saturating_mul(60)
            .saturating_mul(policy.warning_percent.clamp(1, 99))
            / 100;
        (secs > 0)
            .then(|| calendar.add_business_duration(start, TimeDelta::seconds(secs)))
            .flatten()
    };
    for (kind, minutes) in [
        (ClockKind::Response, policy.response_minutes),
        (ClockKind::Resolution, policy.resolution_minutes),
    ] {
        if let Some(m) = minutes.filter(|m| *m > 0)
            && let Some(due_at) = calendar.add_business(start, m)
        {
            plans.push(ClockPlan {
                kind,
                step: 0,
                target: None,
                minutes: m,
                counts: Counting::WorkingTime,
                due_at,
                warn_at: warn(m),
            });
        }
    }
    for (i, step) in policy.escalations.iter().enumerate() {
        let counted_on = step.counts.calendar(calendar);
        if let Some(due_at) = counted_on.add_business(start, step.after_minutes) {
            plans.push(ClockPlan {
                kind: ClockKind::Escalation,
                step: i as i64 + 1,
                target: Some(step.to),
                minutes: step.after_minutes,
                counts: step.counts,
                due_at,
                warn_at: None,
            });
        }
    }
    plans
}

/// A clock as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Clock {
    pub id: i64,
    pub ticket_id: i64,
    pub kind: ClockKind,
    /// 0 for response and resolution; 1, 2... for the escalation ladder.
    pub step: i64,
    /// Who an escalation goes to.
    pub target: Option<EscalationTarget>,
    pub policy_id: Option<i64>,
    pub calendar_id: Option<i64>,
    pub dealer_id: Option<i64>,
    pub department_id: Option<i64>,
    pub started_at: DateTime<Utc>,
    /// The target in minutes, counted as `counts` says.
    pub minutes: i64,
    /// Working time on the calendar or round-the-clock time.
    pub counts: Counting,
    pub due_at: DateTime<Utc>,
    pub warn_at: Option<DateTime<Utc>>,
    pub warned_at: Option<DateTime<Utc>>,
    /// Set while the order waits on the customer.
    pub paused_at: Option<DateTime<Utc>>,
    /// The time left when paused, in milliseconds.
    #[serde(skip)]
    pub remaining_ms: Option<i64>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub fired_at: Option<DateTime<Utc>>,
    pub breached: bool,
}

impl Clock {
    pub fn paused(&self) -> bool {
        self.paused_at.is_some()
    }

    /// Still counting or paused: neither stopped nor fired.
    pub fn live(&self) -> bool {
        self.stopped_at.is_none() && self.fired_at.is_none()
    }

    /// When the scheduler must next look at this clock: its warning point
    /// until the warning is given, then its due instant; never while paused,
    /// stopped or fired.
    pub fn next_at(&self) -> Option<DateTime<Utc>> {
        crate::timers::next_at(
            self.live(),
            self.paused(),
            self.due_at,
            self.warn_at,
            self.warned_at,
        )
    }

    /// The clock read from its timer (of subject [`SUBJECT`]).
    pub fn from_timer(t: &Timer) -> Result<Clock, String> {
        if t.subject != SUBJECT {
            return Err(format!(
                "timer {} belongs to a {}, not a work order",
                t.id, t.subject
            ));
        }
        let kind = ClockKind::parse(&t.kind)
            .map_err(|_| format!("timer {} has kind {:?}", t.id, t.kind))?;
        Ok(Clock {
            id: t.id,
            ticket_id: t.subject_id,
            kind,
            step: t.step,
            target: t
                .target
                .as_deref()
                .and_then(|w| EscalationTarget::parse(w).ok()),
            policy_id: t.policy_id,
            calendar_id: t.calendar_id,
            dealer_id: t.dealer_id,
            department_id: t.department_id,
            started_at: t.started_at,
            minutes: t.minutes,
            counts: t.counts,
            due_at: t.due_at,
            warn_at: t.warn_at,
            warned_at: t.warned_at,
            paused_at: t.paused_at,
            remaining_ms: t.remaining_ms,
            stopped_at: t.stopped_at,
            fired_at: t.fired_at,
            breached: t.breached,
        })
    }

    /// The clock as a timer, to store.
    pub fn to_timer(&self) -> Timer {
        Timer {
            id: self.id,
            subject: SUBJECT.to_owned(),
            subject_id: self.ticket_id,
            kind: self.kind.as_str().to_owned(),
            step: self.step,
            target: self.target.map(|t| t.as_str().to_owned()),
            policy_id: self.policy_id,
            calendar_id: self.calendar_id,
            dealer_id: self.dealer_id,
            department_id: self.department_id,
            started_at: self.started_at,
            minutes: self.minutes,
            counts: self.counts,
            due_at: self.due_at,
            warn_at: self.warn_at,
            warned_at: self.warned_at,
            paused_at: self.paused_at,
            remaining_ms: self.remaining_ms,
            stopped_at: self.stopped_at,
            fired_at: self.fired_at,
            breached: self.breached,
        }
    }

    /// Pause at `now`: remember the time left, to the millisecond, counted
    /// on `calendar` (or round the clock, as the clock counts).
    pub fn pause(&mut self, now: DateTime<Utc>, calendar: &Calendar) {
        if self.live() && !self.paused() {
            let cal = self.counts.calendar(calendar);
            self.remaining_ms = Some(left_ms(&cal, now, self.due_at));
            self.paused_at = Some(now);
        }
    }

    /// Resume at `now`: the deadlines move by exactly the paused time (as
    /// the clock counts it), the warning keeping its distance to the
    /// deadline.
    pub fn resume(&mut self, now: DateTime<Utc>, calendar: &Calendar) {
        let Some(remaining) = self.remaining_ms.take().filter(|_| self.paused()) else {
            return;
        };
        let cal = self.counts.calendar(calendar);
        let gap = self.warn_at.map(|w| left_ms(&cal, w, self.due_at));
        self.paused_at = None;
        if let Some(due) = after_ms(&cal, now, remaining) {
            self.due_at = due;
        }
        if self.warned_at.is_none() {
            self.warn_at = gap.and_then(|g| {
                let left = remaining - g;
                (left > 0).then(|| after_ms(&cal, now, left)).flatten()
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Asia::Shanghai;

    use super::*;
    use crate::sla::{EscalationStep, PolicyMatch};

    fn seed_policy() -> Policy {
        Policy {
            id: 1,
            name: "部门".into(),
            calendar_id: None,
            rank: 100,
            matches: PolicyMatch::default(),
            response_minutes: Some(120),
            resolution_minutes: None,
            warning_percent: 80,
            escalations: vec![
                EscalationStep {
                    after_minutes: 2880,
                    to: EscalationTarget::DepartmentHead,
                    counts: Counting::RoundTheClock,
                },
                EscalationStep {
                    after_minutes: 4320,
                    to: EscalationTarget::Vp,
                    counts: Counting::RoundTheClock,
                },
            ],
            callback_attempts: 3,
            callback_spacing_minutes: 1440,
            active: true,
        }
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Shanghai
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_seed_ladder_on_a_round_the_clock_calendar() {
        let cal = Calendar::round_the_clock(Shanghai);
        let start = at(2025, 3, 3, 10, 0);
        let plans = plan_clocks(&seed_policy(), &cal, start);
        let due: Vec<(ClockKind, i64, DateTime<Utc>)> =
            plans.iter().map(|p| (p.kind, p.step, p.due_at)).collect();
        assert_eq!(
            due,
            [
                (ClockKind::Response, 0, at(2025, 3, 3, 12, 0)),
                (ClockKind::Escalation, 1, at(2025, 3, 5, 10, 0)),
                (ClockKind::Escalation, 2, at(2025, 3, 6, 10, 0)),
            ]
        );
        assert_eq!(
            plans[0].warn_at,
            Some(at(2025, 3, 3, 11, 36)),
            "80 % of 120 minutes"
        );
    }

    #[test]
    fn warning_points_are_exact_to_the_second() {
        let cal = Calendar::round_the_clock(Shanghai);
        let policy = Policy {
            response_minutes: Some(1),
            warning_percent: 50,
            escalations: Vec::new(),
            ..seed_policy()
        };
        let start = at(2025, 3, 3, 10, 0);
        let plans = plan_clocks(&policy, &cal, start);
        assert_eq!(plans[0].warn_at, Some(start + TimeDelta::seconds(30)));
    }

    #[test]
    fn two_working_hours_skip_the_night_on_an_office_calendar() {
        let cal = Calendar::china_office(Shanghai);
        let plans = plan_clocks(&seed_policy(), &cal, at(2025, 3, 3, 17, 0));
        assert_eq!(plans[0].due_at, at(2025, 3, 4, 10, 0));
    }

    #[test]
    fn the_seed_ladder_counts_hours_round_the_clock_and_the_response_in_working_time() {
        // Escalated on Monday 2026-12-07 at 10:00 on an office calendar.
        let cal = Calendar::china_office(Shanghai);
        let plans = plan_clocks(&seed_policy(), &cal, at(2026, 12, 7, 10, 0));
        let due: Vec<(ClockKind, Counting, DateTime<Utc>)> =
            plans.iter().map(|p| (p.kind, p.counts, p.due_at)).collect();
        assert_eq!(
            due,
            [
                (
                    ClockKind::Response,
                    Counting::WorkingTime,
                    at(2026, 12, 7, 12, 0)
                ),
                (
                    ClockKind::Escalation,
                    Counting::RoundTheClock,
                    at(2026, 12, 9, 10, 0)
                ),
                (
                    ClockKind::Escalation,
                    Counting::RoundTheClock,
                    at(2026, 12, 10, 10, 0)
                ),
            ],
            "48 hours to the head, 24 more to the VP"
        );
        let working = Policy {
            escalations: vec![EscalationStep {
                counts: Counting::WorkingTime,
                ..seed_policy().escalations[0].clone()
            }],
            ..seed_policy()
        };
        let plans = plan_clocks(&working, &cal, at(2026, 12, 7, 10, 0));
        assert_eq!(
            plans[1].due_at,
            at(2026, 12, 15, 10, 0),
            "2,880 working minutes are six working days of eight hours"
        );
    }

    #[test]
    fn a_pause_of_seconds_moves_the_deadline_by_exactly_those_seconds() {
        // In the afternoon: two working hours end before the day does.
        let cal = Calendar::china_office(Shanghai);
        let start = at(2026, 12, 7, 14, 0);
        let plan = &plan_clocks(&seed_policy(), &cal, start)[0];
        let mut c = plan.start(1, 1, ClockPlace::default(), start);
        let (due, warn) = (c.due_at, c.warn_at);
        assert_eq!(due, at(2026, 12, 7, 16, 0));
        let paused = start + TimeDelta::milliseconds(95_250);
        c.pause(paused, &cal);
        c.resume(paused + TimeDelta::seconds(8), &cal);
        assert_eq!(c.due_at, due + TimeDelta::seconds(8));
        assert_eq!(c.warn_at, warn.map(|w| w + TimeDelta::seconds(8)));
    }

    #[test]
    fn a_round_the_clock_step_paused_overnight_moves_by_the_whole_night() {
        let cal = Calendar::china_office(Shanghai);
        let start = at(2026, 12, 7, 10, 0);
        let plans = plan_clocks(&seed_policy(), &cal, start);
        let mut head = plans[1].start(2, 1, ClockPlace::default(), start);
        let mut response = plans[0].start(1, 1, ClockPlace::default(), start);
        let (p, r) = (at(2026, 12, 7, 11, 0), at(2026, 12, 8, 11, 0));
        for c in [&mut head, &mut response] {
            c.pause(p, &cal);
            c.resume(r, &cal);
        }
        assert_eq!(head.due_at, at(2026, 12, 10, 10, 0), "24 hours later");
        assert_eq!(
            response.due_at,
            at(2026, 12, 8, 12, 0),
            "an hour of working time was left at 11:00"
        );
    }

    #[test]
    fn pausing_moves_the_deadlines_by_the_paused_business_time() {
        let cal = Calendar::round_the_clock(Shanghai);
        let plan = &plan_clocks(&seed_policy(), &cal, at(2025, 3, 3, 10, 0))[0];
        let place = ClockPlace {
            policy_id: Some(1),
            ..ClockPlace::default()
        };
        let mut c = plan.start(1, 1, place, at(2025, 3, 3, 10, 0));
        assert_eq!(c.minutes, 120);
        assert_eq!(c.next_at(), Some(at(2025, 3, 3, 11, 36)));
        c.pause(at(2025, 3, 3, 11, 0), &cal);
        assert_eq!(c.next_at(), None, "a paused clock is not looked at");
        c.resume(at(2025, 3, 3, 14, 0), &cal);
        assert_eq!(c.due_at, at(2025, 3, 3, 15, 0), "three paused hours later");
        assert_eq!(c.warn_at, Some(at(2025, 3, 3, 14, 36)));
        c.warned_at = c.warn_at;
        assert_eq!(c.next_at(), Some(c.due_at));
        c.fired_at = Some(c.due_at);
        assert_eq!(c.next_at(), None);
    }
}
