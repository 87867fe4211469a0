//! SLA policies: which clocks an order runs under once it reaches a dealer
//! or a department, and the defaults the seed asks for.

mod clocks;
mod policies;
mod scheduler;
mod settings;

pub(crate) use clocks::{callback_attempts, on_move};
pub use clocks::{for_ticket, sla_state};
pub use policies::{PolicyInput, create, ensure_defaults, get, list, update};
pub use scheduler::run_due;
pub(crate) use scheduler::{Ran, run_due_or_next};
pub(crate) use settings::PlacePlan;
pub use settings::SettingsCache;
