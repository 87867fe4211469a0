//! A small builder for statements whose shape depends on the request (filters,
//! cursors, multi-row inserts). It writes `$n` placeholders, which both SQLite
//! and PostgreSQL understand; sqlx's own `QueryBuilder` writes `?` for `Any`.

use std::fmt::Write;

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, AssertSqlSafe, Encode, Type};

use crate::{Result, StoreError};

pub(crate) struct Sql {
    text: String,
    args: AnyArguments,
    n: usize,
    /// Write `?` rather than `$n`: SQLite looks a numbered parameter up by
    /// name when binding, a cost that grows with the statement's parameter
    /// count, while anonymous ones are bound by position. Only for
    /// statements whose values are bound in the order they appear.
    anonymous: bool,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: AnyArguments::default(),
            n: 0,
            anonymous: false,
        }
    }

    /// A statement with anonymous `?` placeholders (SQLite only).
    pub fn anonymous(text: &str) -> Self {
        Self {
            anonymous: true,
            ..Self::new(text)
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Append a placeholder for `value`.
    pub fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: Encode<'static, Any> + Type<Any> + Send + 'static,
    {
        self.n += 1;
        if self.anonymous {
            self.text.push('?');
        } else {
            let _ = write!(self.text, "${}", self.n);
        }
        // Encoding into `Any` only moves the value into a buffer; it cannot fail
        // for the plain types kefu binds.
        let _ = self.args.add(value);
        self
    }

    /// Bind row values separated by commas.
    pub fn values<'a>(
        &mut self,
        values: impl IntoIterator<Item = crate::bulk::Value<'a>>,
    ) -> &mut Self {
        use crate::bulk::Value;
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            match v {
                Value::Int(n) => self.bind(n),
                Value::Text(t) => self.bind(t.map(std::borrow::Cow::into_owned)),
            };
        }
        self
    }

    /// The statement, prefixed (e.g. with `EXPLAIN QUERY PLAN`).
    #[cfg(test)]
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.text.insert_str(0, prefix);
        self
    }

    /// Bind several values separated by commas.
    pub fn binds<T>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self
    where
        T: Encode<'static, Any> + Type<Any> + Send + 'static,
    {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(v);
        }
        self
    }

    pub fn query(self) -> sqlx::query::Query<'static, Any, AnyArguments> {
        sqlx::query_with(AssertSqlSafe(self.text), self.args)
    }
}

/// Run a statement that must touch exactly one row, or say it touched none.
pub(crate) fn expect_one(done: sqlx::any::AnyQueryResult) -> Result<bool> {
    match done.rows_affected() {
        0 => Ok(false),
        1 => Ok(true),
        n => Err(StoreError::Corrupt(format!(
            "{n} rows changed where one was meant"
        ))),
    }
}
