//! Reading kefu's column conventions: instants are milliseconds since the
//! epoch, dates ISO text, flags 0/1, lists JSON text.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

pub(crate) fn i64_(row: &AnyRow, col: &str) -> Result<i64> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn opt_i64(row: &AnyRow, col: &str) -> Result<Option<i64>> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

pub(crate) fn flag(row: &AnyRow, col: &str) -> Result<bool> {
    Ok(i64_(row, col)? != 0)
}

pub(crate) fn instant(row: &AnyRow, col: &str) -> Result<DateTime<Utc>> {
    from_millis(i64_(row, col)?)
}

pub(crate) fn opt_instant(row: &AnyRow, col: &str) -> Result<Option<DateTime<Utc>>> {
    opt_i64(row, col)?.map(from_millis).transpose()
}

pub(crate) fn opt_date(row: &AnyRow, col: &str) -> Result<Option<NaiveDate>> {
    opt_text(row, col)?
        .map(|s| {
            NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map_err(|_| StoreError::Corrupt(format!("{col} holds {s:?}, not a date")))
        })
        .transpose()
}

pub(crate) fn json<T: DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T> {
    let raw = text(row, col)?;
    serde_json::from_str(&raw).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

/// Parse a stored value with the same rule that admitted it.
pub(crate) fn parsed<T, E>(
    row: &AnyRow,
    col: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T> {
    let raw = text(row, col)?;
    parse(&raw).map_err(|_| StoreError::Corrupt(format!("{col} holds {raw:?}")))
}

pub(crate) fn from_millis(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Corrupt(format!("{ms} is not an instant")))
}

pub(crate) fn date_text(d: Option<NaiveDate>) -> Option<String> {
    // `NaiveDate` displays as `YYYY-MM-DD`.
    d.map(|d| d.to_string())
}

pub(crate) fn to_json(v: &impl serde::Serialize) -> String {
    // Serialising kefu's own plain structs into a String cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}
