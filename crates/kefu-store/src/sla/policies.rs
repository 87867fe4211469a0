//! SLA policies. Few rows, read whole when an order reaches a dealer or
//! department.

use chrono::{DateTime, Utc};
use kefu_core::sla::{EscalationStep, Policy, PolicyMatch};
use sqlx::any::AnyRow;

use crate::sql::{Sql, expect_one};
use crate::{Conn, Page, PageRequest, Result, columns};

const COLUMNS: &str = "id, name, calendar_id, rank, match, response_minutes, resolution_minutes, \
    warning_percent, escalations, callback_attempts, callback_spacing_minutes, active";

fn bind_fields(q: &mut Sql, p: &Policy) {
    q.bind(p.name.clone())
        .push(", ")
        .bind(p.calendar_id)
        .push(", ")
        .bind(p.rank);
    q.push(", ")
        .bind(columns::to_json(&p.matches))
        .push(", ")
        .bind(p.response_minutes);
    q.push(", ")
        .bind(p.resolution_minutes)
        .push(", ")
        .bind(p.warning_percent);
    q.push(", ")
        .bind(columns::to_json(&p.escalations))
        .push(", ")
        .bind(p.callback_attempts);
    q.push(", ")
        .bind(p.callback_spacing_minutes)
        .push(", ")
        .bind(i64::from(p.active));
}

/// Store a new policy; its `id` is ignored and the new one returned.
pub async fn insert(tx: &mut Conn, p: &Policy, now: DateTime<Utc>) -> Result<i64> {
    let mut q = Sql::new(
        "INSERT INTO sla_policies (name, calendar_id, rank, match, response_minutes, resolution_minutes, \
         warning_percent, escalations, callback_attempts, callback_spacing_minutes, active, created_at, \
         updated_at) VALUES (",
    );
    bind_fields(&mut q, p);
    q.push(", ")
        .bind(now.timestamp_millis())
        .push(", ")
        .bind(now.timestamp_millis());
    q.push(") RETURNING id");
    let r = q.query().fetch_one(tx).await?;
    columns::i64_(&r, "id")
}

pub async fn update(tx: &mut Conn, p: &Policy, now: DateTime<Utc>) -> Result<bool> {
    let mut q = Sql::new(
        "UPDATE sla_policies SET (name, calendar_id, rank, match, response_minutes, resolution_minutes, \
         warning_percent, escalations, callback_attempts, callback_spacing_minutes, active, updated_at) = (",
    );
    bind_fields(&mut q, p);
    q.push(", ")
        .bind(now.timestamp_millis())
        .push(") WHERE id = ")
        .bind(p.id);
    expect_one(q.query().execute(tx).await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Policy>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM sla_policies WHERE id = ")
        .bind(id);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn list(conn: &mut Conn, page: PageRequest) -> Result<Page<Policy>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM sla_policies WHERE 1 = 1");
    if let Some(after) = page.after {
        q.push(" AND id > ").bind(after);
    }
    q.push(" ORDER BY id LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |p| p.id))
}

/// Every active policy, lowest rank first.
pub async fn active(conn: &mut Conn) -> Result<Vec<Policy>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM sla_policies WHERE active = 1 ORDER BY rank, id");
    q.query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    let r = sqlx::query("SELECT count(*) AS n FROM sla_policies")
        .fetch_one(conn)
        .await?;
    columns::i64_(&r, "n")
}

fn from_row(r: &AnyRow) -> Result<Policy> {
    Ok(Policy {
        id: columns::i64_(r, "id")?,
        name: columns::text(r, "name")?,
        calendar_id: columns::opt_i64(r, "calendar_id")?,
        rank: columns::i64_(r, "rank")?,
        matches: columns::json::<PolicyMatch>(r, "match")?,
        response_minutes: columns::opt_i64(r, "response_minutes")?,
        resolution_minutes: columns::opt_i64(r, "resolution_minutes")?,
        warning_percent: columns::i64_(r, "warning_percent")?,
        escalations: columns::json::<Vec<EscalationStep>>(r, "escalations")?,
        callback_attempts: columns::i64_(r, "callback_attempts")?,
        callback_spacing_minutes: columns::i64_(r, "callback_spacing_minutes")?,
        active: columns::flag(r, "active")?,
    })
}
