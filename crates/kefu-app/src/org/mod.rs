//! Organisation use cases: dealers, departments, users.

pub mod dealers;
pub mod departments;
pub mod users;
