//! The vehicle record's rules.

mod plate;
mod record;
mod vin;

pub use plate::Plate;
pub use record::{Vehicle, VehicleFields};
pub use vin::Vin;
