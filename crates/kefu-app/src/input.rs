//! Turning JSON into inputs, with the failing field named.
//!
//! Updates are JSON merge patches (RFC 7396, top level): the record's current
//! input is overlaid with the fields sent and validated by the very rules that
//! admitted it, so create and update can never disagree.

use kefu_core::FieldError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Deserialise `value`, reporting the first field that does not fit.
pub fn from_json<T: DeserializeOwned>(value: Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        let inner = e.into_inner().to_string();
        let code = if inner.starts_with("unknown field") {
            "unknown_field"
        } else if inner.starts_with("missing field") {
            "required"
        } else {
            "invalid_type"
        };
        // serde names a missing or unknown field in its message, not its path.
        let field = if field.is_empty() {
            inner.split('`').nth(1).unwrap_or_default().to_owned()
        } else {
            field
        };
        FieldError::new(field, code, inner)
    })
}

/// The input `current` would be after `patch`, read by the same rules as a
/// new one: the failing field is named either way.
pub fn patched<T: Serialize + DeserializeOwned>(
    current: &T,
    patch: Value,
) -> Result<T, FieldError> {
    let base = serde_json::to_value(current)
        .map_err(|e| FieldError::new("", "internal", format!("cannot reread the record: {e}")))?;
    from_json(merge_patch(base, patch)?)
}

/// Overlay `patch` (a JSON object) on `base`; `null` clears a field.
pub fn merge_patch(mut base: Value, patch: Value) -> Result<Value, FieldError> {
    let Value::Object(fields) = patch else {
        return Err(FieldError::new(
            "",
            "invalid_type",
            "an update must be a JSON object",
        ));
    };
    if let Value::Object(target) = &mut base {
        for (k, v) in fields {
            target.insert(k, v);
        }
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        name: String,
        age: Option<u32>,
    }

    #[test]
    fn errors_name_the_field() {
        let e = from_json::<Probe>(json!({"name": 5})).err();
        assert_eq!(
            e.map(|e| (e.field, e.code)),
            Some(("name".into(), "invalid_type"))
        );
        let e = from_json::<Probe>(json!({})).err();
        assert_eq!(
            e.map(|e| (e.field, e.code)),
            Some(("name".into(), "required"))
        );
        let e = from_json::<Probe>(json!({"name": "x", "colour": 1})).err();
        assert_eq!(
            e.map(|e| (e.field, e.code)),
            Some(("colour".into(), "unknown_field"))
        );
    }

    #[test]
    fn merge_overlays_and_clears() {
        let merged = merge_patch(json!({"name": "a", "age": 3}), json!({"age": null}));
        assert_eq!(merged, Ok(json!({"name": "a", "age": null})));
        assert!(merge_patch(json!({}), json!([1])).is_err());
    }
}
