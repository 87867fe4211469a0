//! A posted admin form, and what the page says when the use case refuses it.
//!
//! Forms carry repeated fields (liaisons, checkboxes), so they are read as
//! pairs rather than into a struct. Each input is named after the API field
//! it fills (`weekly.mon`, `match.levels`), so an error the use case reports
//! on `weekly.mon[1]` lands next to the input `weekly.mon`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use kefu_app::AppError;
use serde_json::Value;

use crate::error::Fault;
use crate::extract::body_failure;
use crate::pages::PageError;
use crate::pages::i18n::Tr;

/// The fields of a posted form, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields(Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| PageError::from(body_failure(e)))?;
        Ok(Fields(
            form_urlencoded::parse(&bytes)
                .into_owned()
                .filter(|(k, _)| k != "csrf")
                .collect(),
        ))
    }
}

impl Fields {
    /// A form filled in from a record, to edit it.
    pub fn of<const N: usize>(pairs: [(&str, String); N]) -> Fields {
        Fields(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// Add values, e.g. each of a list.
    pub fn with(mut self, name: &str, values: impl IntoIterator<Item = String>) -> Fields {
        self.0
            .extend(values.into_iter().map(|v| (name.to_owned(), v)));
        self
    }

    /// Whether `value` is among the values sent under `name`.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// The field's text as typed (the first, if sent twice), or "".
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every non-empty value sent under the name: checkboxes, multiple selects.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// Every value sent under the name, empty ones too, in order: the
    /// columns of a table of inputs, read row by row.
    pub fn column(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// A checkbox: sent when ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|(k, v)| k == name && matches!(v.as_str(), "on" | "true" | "1"))
    }

    /// Optional text: empty means none.
    pub fn opt(&self, name: &str) -> Value {
        let v = self.text(name);
        if v.trim().is_empty() {
            Value::Null
        } else {
            Value::String(v)
        }
    }

    /// A number, or none when empty. What is not a number is passed on as
    /// text, so the use case refuses it naming the field.
    pub fn number(&self, name: &str) -> Value {
        number(&self.text(name))
    }

    /// Every value of a repeated number field (the liaisons).
    pub fn numbers(&self, name: &str) -> Value {
        Value::Array(self.all(name).iter().map(|v| number(v)).collect())
    }
}

pub(crate) fn number(raw: &str) -> Value {
    let raw = raw.trim();
    if raw.is_empty() {
        return Value::Null;
    }
    raw.parse::<i64>()
        .map_or_else(|_| Value::String(raw.to_owned()), Value::from)
}

/// What is wrong with a form: next to one of its fields, or above it.
#[derive(Debug, Clone)]
pub(crate) struct FormError {
    field: Option<String>,
    message: Option<String>,
    /// A bad value, or a taken one.
    fault: Fault,
}

impl Default for FormError {
    /// No error yet: the form as first shown.
    fn default() -> Self {
        FormError {
            field: None,
            message: None,
            fault: Fault::Invalid,
        }
    }
}

impl FormError {
    /// The message next to `field`, if that field is at fault.
    pub fn at(&self, field: &str) -> Option<&str> {
        match (&self.field, &self.message) {
            (Some(f), Some(m)) if f == field => Some(m),
            _ => None,
        }
    }

    /// `aria-invalid` for the input of a field at fault.
    pub fn aria(&self, field: &str) -> &'static str {
        if self.at(field).is_some() {
            " aria-invalid=\"true\""
        } else {
            ""
        }
    }

    /// The status the form comes back with.
    pub fn status(&self) -> StatusCode {
        self.fault.status()
    }

    /// An error that belongs to no field of the form.
    pub fn general(&self) -> Option<&str> {
        match (&self.field, &self.message) {
            (None, Some(m)) => Some(m),
            _ => None,
        }
    }

    /// The use case's refusal as the form shows it: a bad field (422) or a
    /// taken value (409) next to the field when the form has it, above the
    /// form when not. Anything else (403, 404...) is for the error page.
    pub fn from_app(e: AppError, t: Tr, on_form: &[&str]) -> Result<FormError, PageError> {
        let fault = Fault::of(&e);
        let (path, message) = match e {
            AppError::Invalid(f) => {
                let words = t.get(&format!("error.{}", f.code));
                (f.field, words.map_or(f.message, str::to_owned))
            }
            AppError::Conflict {
                field: Some(field),
                message,
            } => {
                let words = t.get(&format!("conflict.{}", base(&field)));
                (field, words.map_or(message, str::to_owned))
            }
            AppError::Forbidden(_) => {
                return Err(PageError::forbidden(t.t("admin.forbidden")));
            }
            e => return Err(e.into()),
        };
        let field = base(&path);
        // The admin pages' own word first: a dealer's `name` is not a person's.
        let label = t
            .get(&format!("admin.field.{field}"))
            .or_else(|| t.get(&format!("field.{field}")))
            .map_or_else(|| field.to_owned(), str::to_owned);
        let message = match index(&path) {
            Some(n) => format!("{label} ({n}): {message}"),
            None if field.is_empty() => message,
            None => format!("{label}: {message}"),
        };
        let field = on_form.contains(&field).then(|| field.to_owned());
        Ok(FormError {
            field,
            message: Some(message),
            fault,
        })
    }
}

/// The input a field path belongs to: `weekly.mon[1]` → `weekly.mon`.
fn base(path: &str) -> &str {
    path.split('[').next().unwrap_or(path)
}

/// Which entry of a list is at fault, counted from 1: `holidays[2]` → 3.
fn index(path: &str) -> Option<usize> {
    let (_, rest) = path.split_once('[')?;
    let n: usize = rest.split(']').next()?.parse().ok()?;
    Some(n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::i18n::Lang;

    #[test]
    fn a_field_error_lands_next_to_its_input() {
        let t = Tr::new(Lang::En);
        let e = AppError::invalid("weekly.mon[1]", "invalid_time", "bad");
        let f = FormError::from_app(e, t, &["weekly.mon"])
            .ok()
            .unwrap_or_default();
        assert!(f.at("weekly.mon").is_some_and(|m| m.contains("(2)")));
        assert_eq!(f.general(), None);
        let e = AppError::invalid("timezone", "invalid_timezone", "bad");
        let f = FormError::from_app(e, t, &["name"])
            .ok()
            .unwrap_or_default();
        assert!(f.general().is_some());
        assert!(FormError::from_app(AppError::NotFound, t, &[]).is_err());
    }

    #[test]
    fn numbers_stay_text_when_they_are_not_numbers() {
        assert_eq!(number(" 42 "), Value::from(42));
        assert_eq!(number(""), Value::Null);
        assert_eq!(number("4x"), Value::String("4x".into()));
    }
}
