//! One row's values for a multi-row insert, borrowed from the row where they
//! can be: a loader that binds in place copies each text once, into SQLite.

use std::borrow::Cow;

/// A value of a row: an integer or a text, either possibly NULL. A NULL
/// keeps its type, which PostgreSQL checks against the column's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    Int(Option<i64>),
    Text(Option<Cow<'a, str>>),
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}

impl From<Option<i64>> for Value<'_> {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}

impl From<i32> for Value<'_> {
    fn from(v: i32) -> Self {
        Value::Int(Some(i64::from(v)))
    }
}

impl From<Option<i32>> for Value<'_> {
    fn from(v: Option<i32>) -> Self {
        Value::Int(v.map(i64::from))
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(Some(Cow::Borrowed(v)))
    }
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Value::Text(v.map(Cow::Borrowed))
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(Some(Cow::Borrowed(v)))
    }
}

impl<'a> From<&'a Option<String>> for Value<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Value::Text(v.as_deref().map(Cow::Borrowed))
    }
}

impl From<String> for Value<'_> {
    fn from(v: String) -> Self {
        Value::Text(Some(Cow::Owned(v)))
    }
}

impl From<Option<String>> for Value<'_> {
    fn from(v: Option<String>) -> Self {
        Value::Text(v.map(Cow::Owned))
    }
}

/// The values of one row, in the order of its columns.
#[derive(Debug, Default)]
pub struct Values<'a> {
    list: Vec<Value<'a>>,
}

impl<'a> Values<'a> {
    /// Append the next column's value.
    pub fn put(&mut self, v: impl Into<Value<'a>>) -> &mut Self {
        self.list.push(v.into());
        self
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    pub(crate) fn clear(&mut self) {
        self.list.clear();
    }

    pub(crate) fn drain(&mut self) -> std::vec::Drain<'_, Value<'a>> {
        self.list.drain(..)
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Value<'a>> {
        self.list.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_order_and_the_type_of_their_nulls() {
        let name = String::from("王芳");
        let none: Option<String> = None;
        let mut v = Values::default();
        v.put(7_i64)
            .put(&name)
            .put(&none)
            .put(None::<i64>)
            .put(String::from("沪A"));
        let got: Vec<Value<'_>> = v.drain().collect();
        assert_eq!(
            got,
            vec![
                Value::Int(Some(7)),
                Value::Text(Some(Cow::Borrowed("王芳"))),
                Value::Text(None),
                Value::Int(None),
                Value::Text(Some(Cow::Owned("沪A".to_owned()))),
            ]
        );
        assert!(matches!(got[1], Value::Text(Some(Cow::Borrowed(_)))));
        assert_eq!(v.len(), 0);
    }
}
