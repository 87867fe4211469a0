//! Business calendars. The calendar itself is stored as its admin-facing
//! spec (JSON text) and checked again by kefu-core when it is used; one row
//! may be the default (`is_default = 1`, at most one by a partial unique
//! index), which dealers and departments without a calendar of their own use.

use chrono::{DateTime, Utc};
use kefu_core::calendar::CalendarSpec;
use serde::Serialize;
use sqlx::any::AnyRow;
use utoipa::ToSchema;
use utoipa::openapi::{RefOr, Schema};

use crate::sql::{Sql, expect_one};
use crate::{Conn, Page, PageRequest, Result, columns};

const COLUMNS: &str = "id, name, spec, is_default, created_at, updated_at";

/// A stored calendar. Its spec is flattened, so the record reads like the
/// body that created it plus `id`, `is_default` and the timestamps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarRecord {
    pub id: i64,
    pub name: String,
    #[serde(flatten)]
    pub spec: CalendarSpec,
    /// The calendar of every dealer and department that names none.
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The record's own fields, for its schema.
#[derive(ToSchema)]
#[allow(dead_code)]
struct RecordFields {
    id: i64,
    name: String,
    /// The calendar of every dealer and department that names none.
    is_default: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

// One object with the spec's properties and the record's: the derive would
// write `allOf` of the spec, which allows no other property, and the record.
impl utoipa::PartialSchema for CalendarRecord {
    fn schema() -> RefOr<Schema> {
        let (RefOr::T(Schema::Object(mut all)), RefOr::T(Schema::Object(own))) =
            (CalendarSpec::schema(), RecordFields::schema())
        else {
            return CalendarSpec::schema();
        };
        all.properties.extend(own.properties);
        all.required.extend(own.required);
        all.description = Some("A stored calendar: its spec, plus its id and timestamps.".into());
        RefOr::T(Schema::Object(all))
    }
}

impl ToSchema for CalendarRecord {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        <CalendarSpec as ToSchema>::schemas(schemas);
    }
}

/// A new calendar. With `is_default` set while a default exists, the write
/// fails with `Conflict { field: "id" }` (the partial unique index).
pub async fn insert(
    tx: &mut Conn,
    name: &str,
    spec: &CalendarSpec,
    is_default: bool,
    now: DateTime<Utc>,
) -> Result<CalendarRecord> {
    let r = sqlx::query(
        "INSERT INTO calendars (name, spec, is_default, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) \
         RETURNING id, name, spec, is_default, created_at, updated_at",
    )
    .bind(name.to_owned())
    .bind(columns::to_json(spec))
    .bind(i64::from(is_default))
    .bind(now.timestamp_millis())
    .fetch_one(tx)
    .await?;
    from_row(&r)
}

/// Change a calendar's name and spec; `false` when there is no such calendar.
pub async fn update(
    tx: &mut Conn,
    id: i64,
    name: &str,
    spec: &CalendarSpec,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done =
        sqlx::query("UPDATE calendars SET name = $1, spec = $2, updated_at = $3 WHERE id = $4")
            .bind(name.to_owned())
            .bind(columns::to_json(spec))
            .bind(now.timestamp_millis())
            .bind(id)
            .execute(tx)
            .await?;
    expect_one(done)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<CalendarRecord>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM calendars WHERE id = ").bind(id);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The default calendar, if one has been made.
pub async fn default(conn: &mut Conn) -> Result<Option<CalendarRecord>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM calendars WHERE is_default = ")
        .bind(1_i64);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn list(conn: &mut Conn, page: PageRequest) -> Result<Page<CalendarRecord>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM calendars WHERE 1 = 1");
    if let Some(after) = page.after {
        q.push(" AND id > ").bind(after);
    }
    q.push(" ORDER BY id LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |c| c.id))
}

fn from_row(r: &AnyRow) -> Result<CalendarRecord> {
    Ok(CalendarRecord {
        id: columns::i64_(r, "id")?,
        name: columns::text(r, "name")?,
        spec: columns::json(r, "spec")?,
        is_default: columns::flag(r, "is_default")?,
        created_at: columns::instant(r, "created_at")?,
        updated_at: columns::instant(r, "updated_at")?,
    })
}
