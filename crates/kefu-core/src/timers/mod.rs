//! Timers: a deadline on any subject (a work order, a care task, an
//! appointment...), kept in one table and fired by one scheduler. A timer
//! knows only when it must next be looked at and what step of its life it is
//! at; what firing it means is the subject's rule (for a work order,
//! [`crate::sla::firing`]).

use chrono::{DateTime, TimeDelta, Utc};

use crate::calendar::Calendar;
use crate::word_enum::word_enum;

word_enum!(
    /// How a timer counts its time: the working time of its calendar, or
    /// every hour of the day ("48 hours" on a ladder means two days).
    Counting, "counts", "invalid_counting" {
        WorkingTime = "working_time", RoundTheClock = "round_the_clock",
    }
);

// `word_enum!` writes the enum and derives no `Default`.
#[allow(clippy::derivable_impls)]
impl Default for Counting {
    fn default() -> Self {
        Counting::WorkingTime
    }
}

impl Counting {
    /// The calendar time is counted on: `calendar` for working time, every
    /// hour in its time zone for round-the-clock time.
    pub fn calendar(self, calendar: &Calendar) -> std::borrow::Cow<'_, Calendar> {
        match self {
            Counting::WorkingTime => std::borrow::Cow::Borrowed(calendar),
            Counting::RoundTheClock => {
                std::borrow::Cow::Owned(Calendar::round_the_clock(calendar.timezone()))
            }
        }
    }
}

/// A timer as stored, whatever its subject. The subject's own view of it
/// (a work order's [`crate::sla::Clock`]) reads its words from `kind` and
/// `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timer {
    pub id: i64,
    /// What the timer belongs to, as a word: `ticket`, ...
    pub subject: String,
    pub subject_id: i64,
    /// The subject's kind of timer (`response`, `callback`, ...).
    pub kind: String,
    /// A step on a ladder or the number of an attempt; 0 when neither.
    pub step: i64,
    /// Who a step goes to, in the subject's words.
    pub target: Option<String>,
    pub policy_id: Option<i64>,
    pub calendar_id: Option<i64>,
    pub dealer_id: Option<i64>,
    pub department_id: Option<i64>,
    pub started_at: DateTime<Utc>,
    /// The target in minutes, counted as `counts` says.
    pub minutes: i64,
    pub counts: Counting,
    pub due_at: DateTime<Utc>,
    pub warn_at: Option<DateTime<Utc>>,
    pub warned_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    /// The time left when paused, in milliseconds (counted as `counts`
    /// says), so a pause and a resume move the deadline by exactly the
    /// paused time.
    pub remaining_ms: Option<i64>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub fired_at: Option<DateTime<Utc>>,
    /// Came due before its subject was done with it.
    pub breached: bool,
}

/// What a timer that has come up at `now` is to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Its warning point has passed and its deadline has not.
    Warn,
    /// Its deadline has passed: it fires, once.
    Due,
    /// Nothing: it moved since it was read (a resume), or is done.
    Later,
}

/// When a timer must next be looked at: its warning point until the warning
/// is given, then its due instant; never while paused, stopped or fired.
pub fn next_at(
    live: bool,
    paused: bool,
    due_at: DateTime<Utc>,
    warn_at: Option<DateTime<Utc>>,
    warned_at: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    if !live || paused {
        return None;
    }
    match (warn_at, warned_at) {
        (Some(w), None) if w < due_at => Some(w),
        _ => Some(due_at),
    }
}

impl Timer {
    /// Still counting or paused: neither stopped nor fired.
    pub fn live(&self) -> bool {
        self.stopped_at.is_none() && self.fired_at.is_none()
    }

    pub fn next_at(&self) -> Option<DateTime<Utc>> {
        next_at(
            self.live(),
            self.paused_at.is_some(),
            self.due_at,
            self.warn_at,
            self.warned_at,
        )
    }

    /// What this timer does at `now`.
    pub fn step_at(&self, now: DateTime<Utc>) -> Step {
        if !self.live() || self.paused_at.is_some() {
            Step::Later
        } else if self.due_at <= now {
            Step::Due
        } else if self.warned_at.is_none() && self.warn_at.is_some_and(|w| w <= now) {
            Step::Warn
        } else {
            Step::Later
        }
    }

    /// Take the step: mark the warning given or the timer fired at `now`.
    /// The subject's rule decides the rest (whether it was a breach, who is
    /// told).
    pub fn take(&mut self, step: Step, now: DateTime<Utc>) {
        match step {
            Step::Warn => self.warned_at = Some(now),
            Step::Due => self.fired_at = Some(now),
            Step::Later => {}
        }
    }
}

/// The time left, in milliseconds, from `now` to `due_at` counted on
/// `calendar`; never negative.
pub fn left_ms(calendar: &Calendar, now: DateTime<Utc>, due_at: DateTime<Utc>) -> i64 {
    calendar
        .business_between(now, due_at)
        .num_milliseconds()
        .max(0)
}

/// The instant `ms` milliseconds of `calendar`'s time after `now`.
pub fn after_ms(calendar: &Calendar, now: DateTime<Utc>, ms: i64) -> Option<DateTime<Utc>> {
    calendar.add_business_duration(now, TimeDelta::milliseconds(ms))
}

#[cfg(test)]
mod tests;
