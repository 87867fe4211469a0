//! SLA policies, the clocks on work orders, and the breaches they record.

pub mod breaches;
pub mod clocks;
pub mod policies;
