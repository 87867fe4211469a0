//! The pages' form bodies (`application/x-www-form-urlencoded`) and query
//! strings, read as the API reads JSON and queries: bytes that are not UTF-8
//! are refused, naming the field, rather than turned into U+FFFD and stored;
//! a refusal gets the API's status for the same fault.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::PageError;
use crate::extract::{body_failure, query};

/// Query parameters, as the API's `Query` reads them (400 naming the
/// parameter that does not fit), refused with a page.
pub(crate) struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        query(parts).map(Query).map_err(PageError::from)
    }
}

/// A numeric id in the path; anything else is a 404, as no record has it.
pub(crate) struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| PageError::not_found())?;
        raw.parse::<i64>()
            .map(Id)
            .map_err(|_| PageError::not_found())
    }
}

pub(crate) struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| PageError::from(body_failure(e)))?;
        if let Some(field) = not_utf8(&bytes) {
            return Err(invalid(
                &field,
                "invalid_encoding",
                &format!("{field} is not UTF-8 text"),
            ));
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(Form)
            .map_err(|e| invalid("form", "invalid", &e.to_string()))
    }
}

fn invalid(field: &str, code: &'static str, message: &str) -> PageError {
    PageError::invalid(field, code, message)
}

/// The first key or value whose percent-decoded bytes are not UTF-8: the
/// key's name (`form` when the key itself is not).
fn not_utf8(body: &[u8]) -> Option<String> {
    for pair in body.split(|b| *b == b'&') {
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        let Ok(key) = String::from_utf8(decode(key)) else {
            return Some("form".to_owned());
        };
        if std::str::from_utf8(&decode(value)).is_err() {
            return Some(key);
        }
    }
    None
}

/// `+` is a space and `%XX` a byte; a `%` without two hex digits stays.
fn decode(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let escaped = match raw.get(i..i + 3) {
            Some([b'%', h, l]) => hex(*h).zip(hex(*l)).map(|(h, l)| (h * 16 + l) as u8),
            _ => None,
        };
        match (escaped, raw[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_name_their_field() {
        assert_eq!(not_utf8(b"name=%E5%BC%A0%E4%BC%9F&note=a+b"), None);
        assert_eq!(not_utf8(b"name=%E5%BC&note=x").as_deref(), Some("name"));
        assert_eq!(not_utf8(b"name=ok&note=%FF").as_deref(), Some("note"));
        assert_eq!(not_utf8(b"%FF=1").as_deref(), Some("form"));
        assert_eq!(
            not_utf8(b"pct=100%&x=%2"),
            None,
            "a lone % is kept as it is"
        );
        assert_eq!(decode(b"a+b%20c%zz"), b"a b c%zz");
    }
}
