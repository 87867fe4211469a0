//! Work orders (工单): their words and the state machine every move obeys.

mod kinds;
mod machine;
pub mod number;
mod record;

pub use kinds::{Category, Channel, Level, Priority, Status};
pub use machine::{CallbackOutcome, Illegal, Move, TicketState};
pub use record::{Ticket, TicketEvent};
