//! Login: passwords, tokens, and the limit on failed attempts.

pub(crate) mod cache;
mod limiter;
mod password;
pub(crate) mod tokens;

pub use limiter::LoginLimiter;
pub use password::{hash_password, validate_password, verify_password};
pub use tokens::{
    Login, authenticate, csrf_token, login, logout, new_secret, session, start_session,
};
