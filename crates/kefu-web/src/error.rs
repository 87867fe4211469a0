//! The only place that knows HTTP status codes. [`Fault::status`] is the one
//! table: the API and the workbench pages both answer with it, so the same
//! fault gets the same status wherever it happens. The API sends a fault as
//! `{"error":{"code","message","field"}}`; a page shows it in the viewer's
//! language (`pages::PageError`).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kefu_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// What kind of fault a request met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The request itself is malformed: the body is not JSON, a query or path
    /// parameter is not of its type, a parameter is unknown.
    BadRequest,
    /// No session or token, or one that expired or was revoked.
    Unauthenticated,
    Forbidden,
    /// Also for another dealer's record: never reveal that it exists.
    NotFound,
    /// A unique value is taken, or the record's state forbids the change.
    Conflict,
    TooLarge,
    UnsupportedMediaType,
    /// A value of the right type that the rules refuse, the field named: a
    /// bad phone, an unknown status in a filter.
    Invalid,
    /// Too many failed logins.
    RateLimited,
    Internal,
}

impl Fault {
    /// The kind of an application error.
    pub fn of(e: &AppError) -> Fault {
        match e {
            AppError::Invalid(_) => Fault::Invalid,
            AppError::Unauthenticated => Fault::Unauthenticated,
            AppError::Forbidden(_) => Fault::Forbidden,
            AppError::NotFound => Fault::NotFound,
            AppError::Conflict { .. } => Fault::Conflict,
            AppError::RateLimited { .. } => Fault::RateLimited,
            AppError::Internal(_) => Fault::Internal,
        }
    }

    /// The table.
    pub fn status(self) -> StatusCode {
        match self {
            Fault::BadRequest => StatusCode::BAD_REQUEST,
            Fault::Unauthenticated => StatusCode::UNAUTHORIZED,
            Fault::Forbidden => StatusCode::FORBIDDEN,
            Fault::NotFound => StatusCode::NOT_FOUND,
            Fault::Conflict => StatusCode::CONFLICT,
            Fault::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Fault::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Fault::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            Fault::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Fault::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The envelope's `code` when nothing finer is known (a field error has
    /// its own, such as `invalid_phone`).
    pub fn code(self) -> &'static str {
        match self {
            Fault::BadRequest => "bad_request",
            Fault::Unauthenticated => "unauthenticated",
            Fault::Forbidden => "forbidden",
            Fault::NotFound => "not_found",
            Fault::Conflict => "conflict",
            Fault::TooLarge => "too_large",
            Fault::UnsupportedMediaType => "unsupported_media_type",
            Fault::Invalid => "invalid",
            Fault::RateLimited => "rate_limited",
            Fault::Internal => "internal",
        }
    }
}

/// A fault and what to say about it: what the API's envelope carries, and
/// what a page shows.
#[derive(Debug, Clone)]
pub struct Failure {
    pub fault: Fault,
    pub code: &'static str,
    pub message: String,
    /// The input field at fault, when there is one.
    pub field: Option<String>,
    /// For [`Fault::RateLimited`]: when to try again.
    pub retry_after: Option<u64>,
}

impl Failure {
    pub fn new(fault: Fault, message: impl Into<String>) -> Self {
        Self {
            fault,
            code: fault.code(),
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// A field the rules refuse (422), with the rule's code.
    pub fn invalid(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Fault::Invalid, message)
            .with_code(code)
            .with_field(field)
    }

    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        let f = field.into();
        self.field = (!f.is_empty()).then_some(f);
        self
    }

    pub fn status(&self) -> StatusCode {
        self.fault.status()
    }

    /// The headers that go with the status, on a page as in the API.
    pub fn add_headers(&self, res: &mut Response) {
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        let fault = Fault::of(&e);
        match e {
            AppError::Invalid(f) => Failure::invalid(f.field, f.code, f.message),
            AppError::Unauthenticated => {
                Failure::new(fault, "authentication required: log in and send the token")
            }
            AppError::Forbidden(m) => Failure::new(fault, m),
            AppError::NotFound => Failure::new(fault, "not found"),
            AppError::Conflict { field, message } => {
                let f = Failure::new(fault, message);
                match field {
                    Some(field) => f.with_field(field),
                    None => f,
                }
            }
            AppError::RateLimited { retry_after_secs } => Failure {
                retry_after: Some(retry_after_secs),
                ..Failure::new(
                    fault,
                    format!("too many failed logins; try again in {retry_after_secs} s"),
                )
            },
            AppError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                Failure::new(fault, "internal error")
            }
        }
    }
}

/// A fault as the API answers it: in the envelope.
#[derive(Debug)]
pub struct ApiError(Failure);

/// The error envelope.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `validation` codes such as `invalid_phone`,
    /// or `bad_request`, `unauthenticated`, `forbidden`, `not_found`,
    /// `conflict`, `too_large`, `rate_limited`, `internal`.
    code: String,
    message: String,
    /// The input field at fault, when there is one.
    field: Option<String>,
}

impl ApiError {
    pub fn new(fault: Fault, code: &'static str, message: impl Into<String>) -> Self {
        ApiError(Failure::new(fault, message).with_code(code))
    }

    pub fn field(self, field: impl Into<String>) -> Self {
        ApiError(self.0.with_field(field))
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError(Failure::new(Fault::BadRequest, message))
    }

    pub fn not_found() -> Self {
        ApiError(Failure::new(Fault::NotFound, "not found"))
    }
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> Self {
        ApiError(f)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let f = self.0;
        let status = f.status();
        let mut res = (
            status,
            Json(ErrorBody {
                error: ErrorDetail {
                    code: f.code.to_owned(),
                    message: f.message.clone(),
                    field: f.field.clone(),
                },
            }),
        )
            .into_response();
        f.add_headers(&mut res);
        if f.fault == Fault::Unauthenticated {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_application_error_has_its_status() {
        let cases = [
            (AppError::invalid("phone", "invalid_phone", "bad"), 422),
            (AppError::Unauthenticated, 401),
            (AppError::forbidden("no"), 403),
            (AppError::NotFound, 404),
            (
                AppError::Conflict {
                    field: None,
                    message: "taken".into(),
                },
                409,
            ),
            (
                AppError::RateLimited {
                    retry_after_secs: 60,
                },
                429,
            ),
        ];
        for (e, status) in cases {
            let f = Failure::from(e);
            assert_eq!(f.status().as_u16(), status, "{f:?}");
        }
    }

    #[test]
    fn a_locked_login_says_when_to_try_again() {
        let f = Failure::from(AppError::RateLimited {
            retry_after_secs: 42,
        });
        let res = ApiError::from(f).into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "42");
    }
}
