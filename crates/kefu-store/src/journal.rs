//! The change log (what derived data follows) and the audit trail (who did
//! what, with the record before and after). Both are appended inside the
//! use case's transaction, so a write and its record stand or fall together.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use crate::columns;
use crate::sql::Sql;
use crate::{Conn, Dialect, Page, PageRequest, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Updated,
    Deleted,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Updated => "updated",
            Change::Deleted => "deleted",
        }
    }
}

pub async fn append_change(
    tx: &mut Conn,
    entity: &'static str,
    id: i64,
    kind: Change,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("INSERT INTO changes (entity, entity_id, kind, at) VALUES ($1, $2, $3, $4)")
        .bind(entity)
        .bind(id)
        .bind(kind.as_str())
        .bind(at.timestamp_millis())
        .execute(tx)
        .await?;
    Ok(())
}

/// The change log entries for many records of one kind at once: the ids go
/// as one JSON array, which the engine unfolds into rows, rather than as a
/// bound value per row. A bulk load on SQLite, which binds in place,
/// inserts them as rows.
pub async fn append_changes(
    rows: &mut impl crate::bulk::Rows,
    entity: &'static str,
    ids: &[i64],
    kind: Change,
    at: DateTime<Utc>,
) -> Result<()> {
    let Some(tx) = rows.conn() else {
        let at = at.timestamp_millis();
        return crate::bulk::insert(
            rows,
            "changes (entity, entity_id, kind, at)",
            4,
            ids,
            |v, id| {
                v.put(entity).put(*id).put(kind.as_str()).put(at);
            },
        )
        .await;
    };
    let sql = format!(
        "INSERT INTO changes (entity, entity_id, kind, at) SELECT $1, value, $2, $3 FROM {}",
        Dialect::of(tx).json_integers("$4")
    );
    for chunk in ids.chunks(crate::bulk::JSON_ROWS) {
        let mut list = String::with_capacity(chunk.len() * 9 + 2);
        list.push('[');
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            let _ = write!(list, "{id}");
        }
        list.push(']');
        // kefu's own statement, built from constants.
        sqlx::query(AssertSqlSafe(sql.clone()))
            .bind(entity)
            .bind(kind.as_str())
            .bind(at.timestamp_millis())
            .bind(list)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// One line of the audit trail to append.
pub struct NewAudit<'a> {
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'static str,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub async fn audit_record(tx: &mut Conn, a: NewAudit<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit (at, actor_id, action, entity, entity_id, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(a.at.timestamp_millis())
    .bind(a.actor_id)
    .bind(a.action.to_owned())
    .bind(a.entity)
    .bind(a.entity_id)
    .bind(a.before.map(|v| v.to_string()))
    .bind(a.after.map(|v| v.to_string()))
    .execute(tx)
    .await?;
    Ok(())
}

/// Many lines of the audit trail at once.
pub async fn audit_records(tx: &mut impl crate::bulk::Rows, rows: &[NewAudit<'_>]) -> Result<()> {
    crate::bulk::insert(
        tx,
        "audit (at, actor_id, action, entity, entity_id, before, after)",
        7,
        rows,
        |v, a| {
            v.put(a.at.timestamp_millis()).put(a.actor_id).put(a.action);
            v.put(a.entity).put(a.entity_id);
            v.put(a.before.as_ref().map(|j| j.to_string()))
                .put(a.after.as_ref().map(|j| j.to_string()));
        },
    )
    .await
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
}

/// Newest first.
pub async fn audit_list(
    conn: &mut Conn,
    f: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditEntry>> {
    let mut q = Sql::new(
        "SELECT id, at, actor_id, action, entity, entity_id, before, after FROM audit WHERE 1 = 1",
    );
    if let Some(e) = &f.entity {
        q.push(" AND entity = ").bind(e.clone());
    }
    if let Some(id) = f.entity_id {
        q.push(" AND entity_id = ").bind(id);
    }
    if let Some(a) = f.actor_id {
        q.push(" AND actor_id = ").bind(a);
    }
    if let Some(after) = page.after {
        q.push(" AND id < ").bind(after);
    }
    q.push(" ORDER BY id DESC LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(conn).await?;
    let items = rows
        .iter()
        .map(audit_from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |a| a.id))
}

fn audit_from_row(r: &AnyRow) -> Result<AuditEntry> {
    let json = |col| -> Result<Option<serde_json::Value>> {
        Ok(columns::opt_text(r, col)?.and_then(|s| serde_json::from_str(&s).ok()))
    };
    Ok(AuditEntry {
        id: columns::i64_(r, "id")?,
        at: columns::instant(r, "at")?,
        actor_id: columns::opt_i64(r, "actor_id")?,
        action: columns::text(r, "action")?,
        entity: columns::text(r, "entity")?,
        entity_id: columns::opt_i64(r, "entity_id")?,
        before: json("before")?,
        after: json("after")?,
    })
}
