//! SLA policies: which clocks an order runs under once it reaches a dealer
//! or a department, and the defaults the seed asks for.

mod clocks;
mod order_clocks;
mod policies;
mod settings;

pub(crate) use clocks::{callback_attempts, on_move};
pub use clocks::{for_ticket, sla_state};
pub use order_clocks::OrderClocks;
pub use policies::{PolicyInput, create, ensure_defaults, get, list, update};
pub(crate) use settings::PlacePlan;
pub use settings::SettingsCache;
