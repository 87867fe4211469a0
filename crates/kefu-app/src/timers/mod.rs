//! Timers for any subject, and the scheduler that fires them. A workflow
//! adds a kind of timer by implementing [`TimerKind`] for its subject and
//! listing it in [`builtin`]; the scheduler's loop ([`scheduler`], run by
//! [`crate::workers`]) stays as it is: it claims the timers that have come
//! up, takes each one's step ([`Timer::step_at`]), hands it to its kind in
//! the same transaction, saves the timer and appends the change.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use kefu_core::timers::{Step, Timer};

use crate::work::Work;
use crate::{App, Result};

mod scheduler;
#[cfg(test)]
mod tests;

pub use scheduler::run_due;
pub(crate) use scheduler::{Ran, run_due_or_next};

/// What firing a timer does, as a future borrowing its arguments.
pub type Firing<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// The timers of one subject: what their steps mean.
pub trait TimerKind: Send + Sync + 'static {
    /// The subject whose timers these are, as stored in `timers.subject`.
    fn subject(&self) -> &'static str;

    /// Take `step` of `timer` at `now`, in `work`'s transaction: apply the
    /// subject's rule (events, breaches, who is told, through
    /// [`crate::tell`]). The scheduler has already marked the step on the
    /// timer and saves it afterwards, with any change made here (a breach
    /// flag, a stop when the subject is gone).
    fn fire<'a>(
        &'a self,
        app: &'a App,
        work: &'a mut Work,
        timer: &'a mut Timer,
        step: Step,
        now: DateTime<Utc>,
    ) -> Firing<'a>;
}

/// Every kind of timer kefu has. A new workflow lists its kind here.
fn builtin() -> Vec<Arc<dyn TimerKind>> {
    vec![Arc::new(crate::sla::OrderClocks)]
}

/// The kinds of timer this application fires, by subject.
pub struct TimerKinds {
    kinds: RwLock<HashMap<&'static str, Arc<dyn TimerKind>>>,
}

impl Default for TimerKinds {
    fn default() -> Self {
        let kinds = TimerKinds {
            kinds: RwLock::default(),
        };
        for k in builtin() {
            kinds.register(k);
        }
        kinds
    }
}

impl TimerKinds {
    /// Fire `kind`'s timers with it (replacing any kind of the same
    /// subject).
    pub fn register(&self, kind: Arc<dyn TimerKind>) {
        let mut kinds = self.kinds.write().unwrap_or_else(|e| e.into_inner());
        kinds.insert(kind.subject(), kind);
    }

    fn of(&self, subject: &str) -> Option<Arc<dyn TimerKind>> {
        let kinds = self.kinds.read().unwrap_or_else(|e| e.into_inner());
        kinds.get(subject).cloned()
    }
}
