//! Incoming calls as the telephony system reported them, and the integration
//! keys such systems authenticate with (only a digest of a key is kept).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use crate::sql::Sql;
use crate::{Conn, Page, PageRequest, Result, columns};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Call {
    pub id: i64,
    /// The telephony system's id of the call.
    pub call_id: String,
    /// The calling number as reported.
    pub caller: String,
    pub callee: Option<String>,
    /// The agent whose phone rang.
    pub agent_id: i64,
    /// The customer the calling number belongs to, when one does.
    pub customer_id: Option<i64>,
    /// The integration key it was reported with (none: the agent's own token).
    pub key_id: Option<i64>,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewCall<'a> {
    pub call_id: &'a str,
    pub caller: &'a str,
    pub callee: Option<&'a str>,
    pub agent_id: i64,
    pub customer_id: Option<i64>,
    pub key_id: Option<i64>,
    pub received_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, call_id, caller, callee, agent_id, customer_id, key_id, received_at";

pub async fn insert(tx: &mut Conn, c: &NewCall<'_>) -> Result<Call> {
    let mut q = Sql::new(
        "INSERT INTO calls (call_id, caller, callee, agent_id, customer_id, key_id, received_at) VALUES (",
    );
    q.bind(c.call_id.to_owned())
        .push(", ")
        .bind(c.caller.to_owned())
        .push(", ")
        .bind(c.callee.map(str::to_owned))
        .push(", ")
        .bind(c.agent_id)
        .push(", ")
        .bind(c.customer_id)
        .push(", ")
        .bind(c.key_id)
        .push(", ")
        .bind(c.received_at.timestamp_millis())
        .push(") RETURNING ")
        .push(COLUMNS);
    from_row(&q.query().fetch_one(tx).await?)
}

pub async fn by_call_id(conn: &mut Conn, call_id: &str) -> Result<Option<Call>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM calls WHERE call_id = ")
        .bind(call_id.to_owned());
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Call>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM calls WHERE id = ").bind(id);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

#[derive(Debug, Clone, Default)]
pub struct CallFilter {
    pub agent_id: Option<i64>,
    pub customer_id: Option<i64>,
}

/// Newest first.
pub async fn list(conn: &mut Conn, f: &CallFilter, page: PageRequest) -> Result<Page<Call>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM calls WHERE 1 = 1");
    if let Some(a) = f.agent_id {
        q.push(" AND agent_id = ").bind(a);
    }
    if let Some(c) = f.customer_id {
        q.push(" AND customer_id = ").bind(c);
    }
    if let Some(after) = page.after {
        q.push(" AND id < ").bind(after);
    }
    q.push(" ORDER BY id DESC LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |c| c.id))
}

fn from_row(r: &AnyRow) -> Result<Call> {
    Ok(Call {
        id: columns::i64_(r, "id")?,
        call_id: columns::text(r, "call_id")?,
        caller: columns::text(r, "caller")?,
        callee: columns::opt_text(r, "callee")?,
        agent_id: columns::i64_(r, "agent_id")?,
        customer_id: columns::opt_i64(r, "customer_id")?,
        key_id: columns::opt_i64(r, "key_id")?,
        received_at: columns::instant(r, "received_at")?,
    })
}

/// A key a telephony system reports calls with.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IntegrationKey {
    pub id: i64,
    pub name: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const KEY_COLUMNS: &str = "id, name, created_by, created_at, revoked_at";

pub async fn insert_key(
    tx: &mut Conn,
    name: &str,
    digest: &str,
    created_by: i64,
    now: DateTime<Utc>,
) -> Result<IntegrationKey> {
    let mut q =
        Sql::new("INSERT INTO integration_keys (name, digest, created_by, created_at) VALUES (");
    q.bind(name.to_owned())
        .push(", ")
        .bind(digest.to_owned())
        .push(", ")
        .bind(created_by)
        .push(", ")
        .bind(now.timestamp_millis())
        .push(") RETURNING ")
        .push(KEY_COLUMNS);
    key_from_row(&q.query().fetch_one(tx).await?)
}

/// The live (not revoked) key with this digest.
pub async fn live_key(conn: &mut Conn, digest: &str) -> Result<Option<IntegrationKey>> {
    let mut q = Sql::new("SELECT ");
    q.push(KEY_COLUMNS)
        .push(" FROM integration_keys WHERE revoked_at IS NULL AND digest = ")
        .bind(digest.to_owned());
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(key_from_row)
        .transpose()
}

pub async fn list_keys(conn: &mut Conn) -> Result<Vec<IntegrationKey>> {
    let mut q = Sql::new("SELECT ");
    q.push(KEY_COLUMNS)
        .push(" FROM integration_keys ORDER BY id");
    q.query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(key_from_row)
        .collect()
}

pub async fn get_key(conn: &mut Conn, id: i64) -> Result<Option<IntegrationKey>> {
    let mut q = Sql::new("SELECT ");
    q.push(KEY_COLUMNS)
        .push(" FROM integration_keys WHERE id = ")
        .bind(id);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(key_from_row)
        .transpose()
}

pub async fn revoke_key(tx: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let mut q = Sql::new("UPDATE integration_keys SET revoked_at = ");
    q.bind(now.timestamp_millis())
        .push(" WHERE revoked_at IS NULL AND id = ")
        .bind(id);
    Ok(q.query().execute(tx).await?.rows_affected() == 1)
}

fn key_from_row(r: &AnyRow) -> Result<IntegrationKey> {
    Ok(IntegrationKey {
        id: columns::i64_(r, "id")?,
        name: columns::text(r, "name")?,
        created_by: columns::opt_i64(r, "created_by")?,
        created_at: columns::instant(r, "created_at")?,
        revoked_at: columns::opt_instant(r, "revoked_at")?,
    })
}
