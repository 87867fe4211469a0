//! Passwords are stored as argon2id hashes (PHC strings) and never leave the
//! store except for verification.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use kefu_core::FieldError;

use crate::AppError;

pub const MIN_PASSWORD: usize = 8;
pub const MAX_PASSWORD: usize = 128;

pub fn validate_password(raw: &str) -> Result<(), FieldError> {
    let n = raw.chars().count();
    if n < MIN_PASSWORD {
        return Err(FieldError::new(
            "password",
            "too_short",
            format!("a password has at least {MIN_PASSWORD} characters"),
        ));
    }
    if n > MAX_PASSWORD {
        return Err(FieldError::new(
            "password",
            "too_long",
            format!("a password has at most {MAX_PASSWORD} characters"),
        ));
    }
    Ok(())
}

/// Hash with argon2id and a fresh random salt.
pub fn hash_password(raw: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(raw.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(kefu_store::StoreError::Corrupt(format!("hashing: {e}"))))
}

pub fn verify_password(raw: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(raw.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn length_bounds() {
        assert!(validate_password("1234567").is_err());
        assert!(validate_password("12345678").is_ok());
        assert!(validate_password(&"x".repeat(129)).is_err());
    }
}
