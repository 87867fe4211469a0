//! Our own `Json`, `Query` and `Path` extractors: a rejection becomes an
//! error envelope that names the field, never axum's plain-text answer.
//! `Caller` turns a bearer token into the acting user.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use kefu_app::{Actor, App};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Failure, Fault};

/// A JSON body: 400 when it is not JSON, 422 naming the field that does not
/// fit, 413 when it is larger than the route allows.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        if !is_json {
            return Err(ApiError::new(
                Fault::UnsupportedMediaType,
                "unsupported_media_type",
                "send the body as application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
        kefu_app::from_json(value)
            .map(Json)
            .map_err(|f| ApiError::from(kefu_app::AppError::Invalid(f)))
    }
}

pub(crate) fn body_error(e: axum::extract::rejection::BytesRejection) -> ApiError {
    body_failure(e).into()
}

/// A body that could not be read: too large (413), or cut off (400).
pub(crate) fn body_failure(e: axum::extract::rejection::BytesRejection) -> Failure {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Failure::new(Fault::TooLarge, "the request body is too large")
    } else {
        Failure::new(Fault::BadRequest, e.body_text())
    }
}

/// Query parameters: 400 naming the parameter that does not fit.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        query(parts).map(Query).map_err(ApiError::from)
    }
}

/// Read the query string into `T`; a parameter that does not fit its type,
/// or is unknown, is a malformed request naming the parameter. The pages
/// read their query strings with this too.
pub(crate) fn query<T: DeserializeOwned>(parts: &Parts) -> Result<T, Failure> {
    let raw = parts.uri.query().unwrap_or_default();
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner().to_string();
        let field = if field == "." {
            inner.split('`').nth(1).unwrap_or_default().to_owned()
        } else {
            field
        };
        Failure::new(
            Fault::BadRequest,
            format!("query parameter {field}: {inner}"),
        )
        .with_field(field)
    })
}

/// A numeric id in the path; anything else is a 404, as no record has it.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::not_found())?;
        raw.parse::<i64>()
            .map(Id)
            .map_err(|_| ApiError::not_found())
    }
}

/// The user behind the request's bearer token.
pub struct Caller(pub Actor);

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        if let Some(actor) = parts.extensions.get::<Actor>() {
            return Ok(Caller(actor.clone()));
        }
        let token = bearer(parts)?;
        match kefu_app::auth::authenticate(app, token).await {
            Ok(actor) => {
                parts.extensions.insert(actor.clone());
                Ok(Caller(actor))
            }
            Err(kefu_app::AppError::Unauthenticated)
                if kefu_app::calls::keys::authenticate(app, token)
                    .await?
                    .is_some() =>
            {
                Err(
                    kefu_app::AppError::forbidden("an integration key may only report calls")
                        .into(),
                )
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Who reports a call: an integration key, or an agent's own token.
pub struct CallReporter(pub kefu_app::calls::Reporter);

impl FromRequestParts<App> for CallReporter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        if let Some(key) = kefu_app::calls::keys::authenticate(app, token).await? {
            return Ok(CallReporter(kefu_app::calls::Reporter::Key(key)));
        }
        let actor = kefu_app::auth::authenticate(app, token).await?;
        Ok(CallReporter(kefu_app::calls::Reporter::Agent(actor)))
    }
}

/// The bearer token a request carries.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or_else(|| ApiError::from(kefu_app::AppError::Unauthenticated))
}

/// The address of the client behind the connection: the peer, or the first
/// hop in `X-Forwarded-For` that no trusted proxy (`trusted_proxies`) wrote.
pub struct ClientAddress(pub std::net::IpAddr);

impl FromRequestParts<App> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |c| {
                c.0.ip()
            });
        // Several headers are one list, in the order they arrived.
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
        Ok(ClientAddress(kefu_core::net::client_address(
            peer,
            forwarded.as_deref(),
            &app.config.trusted_proxies,
        )))
    }
}
