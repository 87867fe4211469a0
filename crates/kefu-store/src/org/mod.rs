//! Dealers, departments and users.

pub mod dealers;
pub mod departments;
pub mod users;
