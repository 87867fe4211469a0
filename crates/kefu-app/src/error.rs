//! The use cases' one error type; kefu-web turns it into status codes.

use kefu_core::FieldError;
use kefu_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A field failed validation (422).
    #[error("{0}")]
    Invalid(FieldError),
    #[error("authentication required")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    /// A unique value is taken, or the record's state forbids the change (409).
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    #[error("too many failed logins; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error(transparent)]
    Internal(StoreError),
}

impl AppError {
    pub fn invalid(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        AppError::Invalid(FieldError::new(field, code, message))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { field } => AppError::Conflict {
                field: Some(field.to_owned()),
                message: format!("{field} already exists"),
            },
            StoreError::MissingReference => AppError::invalid(
                "id",
                "unknown_reference",
                "a referenced record does not exist",
            ),
            other => AppError::Internal(other),
        }
    }
}
