//! Work orders (工单): their words, the state machine every move obeys, and
//! the rules of a move (who may make it, what it does to the clocks).

#[cfg(test)]
pub(crate) mod fixture;
mod kinds;
mod machine;
pub mod number;
mod record;
pub mod rules;
pub mod told;

pub use kinds::{Category, Channel, Level, Priority, Status};
pub use machine::{CallbackOutcome, Illegal, Move, TicketState};
pub use record::{Ticket, TicketEvent};
