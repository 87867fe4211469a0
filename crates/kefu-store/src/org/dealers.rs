//! Dealers (门店). Every role may read them; only admins write.

use chrono::{DateTime, Utc};
use kefu_core::org::{Dealer, DealerFields};
use sqlx::any::AnyRow;

use crate::sql::{Sql, expect_one};
use crate::{Conn, Page, PageRequest, Result, columns};

const COLUMNS: &str =
    "id, code, name, region, timezone, calendar_id, active, created_at, updated_at";

pub async fn insert(tx: &mut Conn, f: &DealerFields, now: DateTime<Utc>) -> Result<Dealer> {
    let r = sqlx::query(
        "INSERT INTO dealers (code, name, region, timezone, calendar_id, active, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
         RETURNING id, code, name, region, timezone, calendar_id, active, created_at, updated_at",
    )
    .bind(f.code.clone())
    .bind(f.name.clone())
    .bind(f.region.clone())
    .bind(f.timezone.clone())
    .bind(f.calendar_id)
    .bind(i64::from(f.active))
    .bind(now.timestamp_millis())
    .fetch_one(tx)
    .await?;
    from_row(&r)
}

pub async fn update(tx: &mut Conn, id: i64, f: &DealerFields, now: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE dealers SET code = $1, name = $2, region = $3, timezone = $4, calendar_id = $5, \
         active = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(f.code.clone())
    .bind(f.name.clone())
    .bind(f.region.clone())
    .bind(f.timezone.clone())
    .bind(f.calendar_id)
    .bind(i64::from(f.active))
    .bind(now.timestamp_millis())
    .bind(id)
    .execute(tx)
    .await?;
    expect_one(done)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Dealer>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM dealers WHERE id = ").bind(id);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn by_code(conn: &mut Conn, code: &str) -> Result<Option<Dealer>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM dealers WHERE code = ")
        .bind(code.to_owned());
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn list(
    conn: &mut Conn,
    active: Option<bool>,
    page: PageRequest,
) -> Result<Page<Dealer>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM dealers WHERE 1 = 1");
    if let Some(a) = active {
        q.push(" AND active = ").bind(i64::from(a));
    }
    if let Some(after) = page.after {
        q.push(" AND id > ").bind(after);
    }
    q.push(" ORDER BY id LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |d| d.id))
}

fn from_row(r: &AnyRow) -> Result<Dealer> {
    Ok(Dealer {
        id: columns::i64_(r, "id")?,
        fields: DealerFields {
            code: columns::text(r, "code")?,
            name: columns::text(r, "name")?,
            region: columns::opt_text(r, "region")?,
            timezone: columns::text(r, "timezone")?,
            calendar_id: columns::opt_i64(r, "calendar_id")?,
            active: columns::flag(r, "active")?,
        },
        created_at: columns::instant(r, "created_at")?,
        updated_at: columns::instant(r, "updated_at")?,
    })
}
