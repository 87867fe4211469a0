//! Tokens are looked up by the digest of the secret the client holds; the
//! secret itself is never stored.

use chrono::{DateTime, Utc};
use kefu_core::org::User;

use crate::sql::{Sql, expect_one};
use crate::{Conn, Result, columns};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Api,
    Session,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Api => "api",
            TokenKind::Session => "session",
        }
    }
}

pub async fn insert(
    tx: &mut Conn,
    user_id: i64,
    digest: &str,
    kind: TokenKind,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO tokens (user_id, digest, kind, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(digest.to_owned())
    .bind(kind.as_str())
    .bind(now.timestamp_millis())
    .bind(expires_at.timestamp_millis())
    .fetch_one(tx)
    .await?;
    columns::i64_(&r, "id")
}

/// The active user a live token belongs to: not revoked, not expired, and the
/// user not disabled.
pub async fn user_for(
    conn: &mut Conn,
    digest: &str,
    kind: TokenKind,
    now: DateTime<Utc>,
) -> Result<Option<Verified>> {
    let mut q = Sql::new(
        "SELECT t.id AS token_id, t.expires_at AS token_expires_at, \
         (SELECT n FROM auth_version WHERE id = 1) AS auth_version, \
         u.id, u.username, u.display_name, u.role, u.dealer_id, \
         u.department_id, u.email, u.active, u.created_at, u.updated_at \
         FROM tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.digest = ",
    );
    q.bind(digest.to_owned())
        .push(" AND t.kind = ")
        .bind(kind.as_str())
        .push(" AND t.revoked_at IS NULL AND u.active = 1 AND t.expires_at > ")
        .bind(now.timestamp_millis());
    match q.query().fetch_optional(conn).await? {
        Some(r) => Ok(Some(Verified {
            token_id: columns::i64_(&r, "token_id")?,
            expires_at: columns::instant(&r, "token_expires_at")?,
            auth_version: columns::i64_(&r, "auth_version")?,
            user: crate::org::users::from_row(&r)?,
        })),
        None => Ok(None),
    }
}

/// A live token and its user, with the `auth_version` read in the same
/// statement: while the counter stands there, neither has changed.
#[derive(Debug, Clone)]
pub struct Verified {
    pub token_id: i64,
    pub expires_at: DateTime<Utc>,
    pub auth_version: i64,
    pub user: User,
}

/// Where the counter of user and token changes stands now.
pub async fn auth_version(conn: &mut Conn) -> Result<i64> {
    let r = sqlx::query("SELECT n FROM auth_version WHERE id = 1")
        .fetch_one(conn)
        .await?;
    columns::i64_(&r, "n")
}

pub async fn revoke(tx: &mut Conn, token_id: i64, now: DateTime<Utc>) -> Result<bool> {
    let done =
        sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now.timestamp_millis())
            .bind(token_id)
            .execute(tx)
            .await?;
    expect_one(done)
}

/// Revoke every live token of a user but `keep` (when they are disabled, or
/// their password changes: `keep` is the token that changed it, if theirs).
pub async fn revoke_all(
    tx: &mut Conn,
    user_id: i64,
    keep: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE tokens SET revoked_at = $1 \
         WHERE user_id = $2 AND revoked_at IS NULL AND id <> $3",
    )
    .bind(now.timestamp_millis())
    .bind(user_id)
    .bind(keep.unwrap_or(0))
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}
