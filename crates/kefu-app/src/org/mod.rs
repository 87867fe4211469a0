//! Organisation use cases: dealers, departments, users, the group's settings.

pub mod dealers;
pub mod departments;
pub mod group;
pub mod users;
