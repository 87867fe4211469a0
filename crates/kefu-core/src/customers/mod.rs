//! The customer record's rules.

mod phone;
mod record;

pub use phone::Phone;
pub use record::{Customer, CustomerFields, CustomerKind, Gender, Needs, Tier};
