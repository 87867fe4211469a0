//! Back-office departments with their head, VP in charge and liaisons.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_core::org::{Department, DepartmentFields};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::sql::{Sql, expect_one};
use crate::{Conn, Page, PageRequest, Result, columns};

const COLUMNS: &str = "id, code, name, head_id, vp_id, calendar_id, active, created_at, updated_at";

pub async fn insert(tx: &mut Conn, f: &DepartmentFields, now: DateTime<Utc>) -> Result<Department> {
    let id: i64 = sqlx::query(
        "INSERT INTO departments (code, name, head_id, vp_id, calendar_id, active, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(f.code.clone())
    .bind(f.name.clone())
    .bind(f.head_id)
    .bind(f.vp_id)
    .bind(f.calendar_id)
    .bind(i64::from(f.active))
    .bind(now.timestamp_millis())
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    set_liaisons(tx, id, &f.liaison_ids).await?;
    Ok(Department {
        id,
        fields: f.clone(),
        created_at: now,
        updated_at: now,
    })
}

pub async fn update(
    tx: &mut Conn,
    id: i64,
    f: &DepartmentFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE departments SET code = $1, name = $2, head_id = $3, vp_id = $4, \
         calendar_id = $5, active = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(f.code.clone())
    .bind(f.name.clone())
    .bind(f.head_id)
    .bind(f.vp_id)
    .bind(f.calendar_id)
    .bind(i64::from(f.active))
    .bind(now.timestamp_millis())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if !expect_one(done)? {
        return Ok(false);
    }
    set_liaisons(tx, id, &f.liaison_ids).await?;
    Ok(true)
}

async fn set_liaisons(tx: &mut Conn, id: i64, liaisons: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM department_liaisons WHERE department_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for user in liaisons {
        sqlx::query("INSERT INTO department_liaisons (department_id, user_id) VALUES ($1, $2)")
            .bind(id)
            .bind(*user)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Department>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM departments WHERE id = ")
        .bind(id);
    let rows = q.query().fetch_all(&mut *conn).await?;
    Ok(with_liaisons(conn, rows).await?.pop())
}

pub async fn list(conn: &mut Conn, page: PageRequest) -> Result<Page<Department>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM departments WHERE 1 = 1");
    if let Some(after) = page.after {
        q.push(" AND id > ").bind(after);
    }
    q.push(" ORDER BY id LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(&mut *conn).await?;
    let items = with_liaisons(conn, rows).await?;
    Ok(Page::from_rows(items, page, |d| d.id))
}

/// Departments from rows, with their liaisons fetched in one query.
async fn with_liaisons(conn: &mut Conn, rows: Vec<AnyRow>) -> Result<Vec<Department>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut depts = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    let mut q =
        Sql::new("SELECT department_id, user_id FROM department_liaisons WHERE department_id IN (");
    for (i, d) in depts.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(d.id);
    }
    q.push(") ORDER BY user_id");
    let mut by_dept: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in q.query().fetch_all(conn).await? {
        by_dept
            .entry(columns::i64_(&r, "department_id")?)
            .or_default()
            .push(columns::i64_(&r, "user_id")?);
    }
    for d in &mut depts {
        d.fields.liaison_ids = by_dept.remove(&d.id).unwrap_or_default();
    }
    Ok(depts)
}

fn from_row(r: &AnyRow) -> Result<Department> {
    Ok(Department {
        id: columns::i64_(r, "id")?,
        fields: DepartmentFields {
            code: columns::text(r, "code")?,
            name: columns::text(r, "name")?,
            head_id: columns::opt_i64(r, "head_id")?,
            vp_id: columns::opt_i64(r, "vp_id")?,
            liaison_ids: Vec::new(),
            calendar_id: columns::opt_i64(r, "calendar_id")?,
            active: columns::flag(r, "active")?,
        },
        created_at: columns::instant(r, "created_at")?,
        updated_at: columns::instant(r, "updated_at")?,
    })
}
