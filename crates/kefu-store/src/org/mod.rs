//! Dealers, departments and users.

pub mod dealers;
pub mod departments;
pub mod group;
pub mod users;
