//! Users. Their password hashes leave this module only through
//! [`credentials`], never inside a [`User`].

use chrono::{DateTime, Utc};
use kefu_core::org::{Role, Scope, User, UserFields};
use sqlx::any::AnyRow;

use crate::sql::{Sql, expect_one};
use crate::{Conn, Page, PageRequest, Result, columns};

const COLUMNS: &str = "id, username, display_name, role, dealer_id, department_id, email, active, created_at, updated_at";

pub async fn insert(
    tx: &mut Conn,
    f: &UserFields,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<User> {
    let r = sqlx::query(
        "INSERT INTO users (username, display_name, role, dealer_id, department_id, password_hash, \
         active, created_at, updated_at, email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) \
         RETURNING id, username, display_name, role, dealer_id, department_id, email, active, created_at, \
         updated_at",
    )
    .bind(f.username.clone())
    .bind(f.display_name.clone())
    .bind(f.role.as_str())
    .bind(f.dealer_id)
    .bind(f.department_id)
    .bind(password_hash.to_owned())
    .bind(i64::from(f.active))
    .bind(now.timestamp_millis())
    .bind(f.email.clone())
    .fetch_one(tx)
    .await?;
    from_row(&r)
}

pub async fn update(tx: &mut Conn, id: i64, f: &UserFields, now: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET username = $1, display_name = $2, role = $3, dealer_id = $4, \
         department_id = $5, active = $6, updated_at = $7, email = $9 WHERE id = $8",
    )
    .bind(f.username.clone())
    .bind(f.display_name.clone())
    .bind(f.role.as_str())
    .bind(f.dealer_id)
    .bind(f.department_id)
    .bind(i64::from(f.active))
    .bind(now.timestamp_millis())
    .bind(id)
    .bind(f.email.clone())
    .execute(tx)
    .await?;
    expect_one(done)
}

pub async fn set_password(
    tx: &mut Conn,
    id: i64,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(password_hash.to_owned())
        .bind(now.timestamp_millis())
        .bind(id)
        .execute(tx)
        .await?;
    expect_one(done)
}

/// A user as the caller may see them: dealer-bound callers see only the
/// people of their own dealer.
pub async fn get(conn: &mut Conn, scope: Scope, id: i64) -> Result<Option<User>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM users WHERE id = ").bind(id);
    scoped(&mut q, scope);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn by_username(conn: &mut Conn, username: &str) -> Result<Option<User>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM users WHERE username = ")
        .bind(username.to_owned());
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The user and their password hash, for checking a login.
pub async fn credentials(conn: &mut Conn, username: &str) -> Result<Option<(User, String)>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(", password_hash FROM users WHERE username = ")
        .bind(username.to_owned());
    match q.query().fetch_optional(conn).await? {
        Some(r) => Ok(Some((from_row(&r)?, columns::text(&r, "password_hash")?))),
        None => Ok(None),
    }
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub dealer_id: Option<i64>,
    pub department_id: Option<i64>,
    pub active: Option<bool>,
}

pub async fn list(
    conn: &mut Conn,
    scope: Scope,
    f: &UserFilter,
    page: PageRequest,
) -> Result<Page<User>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM users WHERE 1 = 1");
    scoped(&mut q, scope);
    if let Some(r) = f.role {
        q.push(" AND role = ").bind(r.as_str());
    }
    if let Some(d) = f.dealer_id {
        q.push(" AND dealer_id = ").bind(d);
    }
    if let Some(d) = f.department_id {
        q.push(" AND department_id = ").bind(d);
    }
    if let Some(a) = f.active {
        q.push(" AND active = ").bind(i64::from(a));
    }
    if let Some(after) = page.after {
        q.push(" AND id > ").bind(after);
    }
    q.push(" ORDER BY id LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |u| u.id))
}

/// How many users exist at all (first start creates `admin` when none do).
pub async fn count(conn: &mut Conn) -> Result<i64> {
    let r = sqlx::query("SELECT count(*) AS n FROM users")
        .fetch_one(conn)
        .await?;
    columns::i64_(&r, "n")
}

fn scoped(q: &mut Sql, scope: Scope) {
    match scope {
        Scope::Group => {}
        Scope::Dealer(d) => {
            q.push(" AND dealer_id = ").bind(d);
        }
        // Department scopes apply to work orders only.
        Scope::Department(_) | Scope::Nothing => {
            q.push(" AND 1 = 0");
        }
    }
}

pub(crate) fn from_row(r: &AnyRow) -> Result<User> {
    Ok(User {
        id: columns::i64_(r, "id")?,
        fields: UserFields {
            username: columns::text(r, "username")?,
            display_name: columns::text(r, "display_name")?,
            role: columns::parsed(r, "role", Role::parse)?,
            dealer_id: columns::opt_i64(r, "dealer_id")?,
            department_id: columns::opt_i64(r, "department_id")?,
            email: columns::opt_text(r, "email")?,
            active: columns::flag(r, "active")?,
        },
        created_at: columns::instant(r, "created_at")?,
        updated_at: columns::instant(r, "updated_at")?,
    })
}
