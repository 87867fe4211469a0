//! The names of records a page mentions by id, one query per kind, so a
//! list of fifty orders costs four small queries rather than two hundred.

use std::collections::HashMap;

use crate::sql::Sql;
use crate::{Conn, Result, bulk, columns};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Customers,
    Users,
    Dealers,
    Departments,
}

impl Named {
    fn select(self) -> &'static str {
        match self {
            Named::Customers => "SELECT id, name FROM customers WHERE id IN (",
            Named::Users => "SELECT id, display_name AS name FROM users WHERE id IN (",
            Named::Dealers => "SELECT id, name FROM dealers WHERE id IN (",
            Named::Departments => "SELECT id, name FROM departments WHERE id IN (",
        }
    }
}

/// id → name for these ids (unknown ids are simply absent).
pub async fn names(conn: &mut Conn, kind: Named, ids: &[i64]) -> Result<HashMap<i64, String>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(bulk::IN_LIST) {
        let mut q = Sql::new(kind.select());
        q.binds(chunk.iter().copied()).push(")");
        for r in q.query().fetch_all(&mut *conn).await? {
            found.insert(columns::i64_(&r, "id")?, columns::text(&r, "name")?);
        }
    }
    Ok(found)
}
