//! SLA policies and the clocks they set on work orders: which policy applies,
//! when each deadline falls on a business calendar, and what a clock does
//! next. Pure: the store keeps clocks, the scheduler in kefu-app fires them.

mod clock;
pub mod firing;
mod policy;

pub use clock::{Clock, ClockKind, ClockPlace, ClockPlan, SUBJECT, plan_clocks};
pub use policy::{EscalationStep, EscalationTarget, OrderFacts, Policy, PolicyMatch, choose};
