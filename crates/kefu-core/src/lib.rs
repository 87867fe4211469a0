//! kefu-core: the rules of kefu with no I/O, no async and no clock reads.
//!
//! Values that enter kefu are parsed here once (phones, VINs, plates, bounded
//! text, dates) and trusted afterwards: a `Phone` that exists is a valid phone.

pub mod calendar;
pub mod customers;
pub mod error;
pub mod net;
pub mod org;
pub mod sla;
pub mod text;
pub mod tickets;
pub mod timers;
pub mod vehicles;
mod word_enum;

pub use error::FieldError;
