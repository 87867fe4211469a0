//! The one way a rule says "this input is wrong": which field, a stable code
//! integrations can branch on, and a sentence a person can read.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The name of the field as the API spells it (`phone`, `vin`, `plate`...).
    pub field: String,
    /// A stable machine code (`invalid_phone`, `too_long`...).
    pub code: &'static str,
    /// A human sentence that says what is wrong.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    /// The same error reported under another field name, e.g. `other_phones[2]`.
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}
