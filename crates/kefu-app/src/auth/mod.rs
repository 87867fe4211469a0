//! Login: passwords, tokens, and the limit on failed attempts.

mod limiter;
mod password;
mod tokens;

pub use limiter::LoginLimiter;
pub use password::{hash_password, validate_password, verify_password};
pub use tokens::{Login, authenticate, login, logout, new_secret};
