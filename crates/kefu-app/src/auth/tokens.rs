//! Logging in with a password gives a bearer token; only its SHA-256 digest
//! is stored, so a copy of the database cannot be used to log in.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use kefu_core::org::User;
use kefu_store::auth::tokens::{self, TokenKind};
use kefu_store::org::users;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{LoginLimiter, hash_password, verify_password};
use crate::work::Work;
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Login {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// A fresh random secret, e.g. a token: 32 bytes as hex behind a `kefu_` tag
/// so a leaked one is easy to recognise.
pub fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        AppError::Internal(kefu_store::StoreError::Corrupt(format!(
            "no randomness: {e}"
        )))
    })?;
    Ok(format!("kefu_{}", hex(&bytes)))
}

pub(crate) fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Log in for the API: a bearer token.
pub async fn login(app: &App, username: &str, password: &str, address: &str) -> Result<Login> {
    login_as(app, username, password, address, TokenKind::Api).await
}

/// Log in to the workbench: a session, kept in a cookie.
pub async fn start_session(
    app: &App,
    username: &str,
    password: &str,
    address: &str,
) -> Result<Login> {
    login_as(app, username, password, address, TokenKind::Session).await
}

async fn login_as(
    app: &App,
    username: &str,
    password: &str,
    address: &str,
    kind: TokenKind,
) -> Result<Login> {
    let now = app.now();
    let limiter: &LoginLimiter = &app.limiter;
    if let Some(retry_after_secs) = limiter.blocked(username, address, now) {
        return Err(AppError::RateLimited { retry_after_secs });
    }
    let found = {
        let mut conn = app.store.read().await?;
        users::credentials(&mut conn, username).await?
    };
    let ok = match &found {
        Some((user, hash)) => verify_password(password, hash) && user.fields.active,
        None => {
            // Spend the same time as a real check so that timing does not
            // reveal which usernames exist.
            verify_password(password, dummy_hash());
            false
        }
    };
    let Some((user, _)) = found.filter(|_| ok) else {
        limiter.failed(username, address, now);
        return Err(AppError::Unauthenticated);
    };
    limiter.succeeded(username, address);
    let secret = new_secret()?;
    let expires_at = now + app.config.token_ttl;
    let mut tx = Work::begin(app).await?;
    tokens::insert(&mut tx, user.id, &digest(&secret), kind, now, expires_at).await?;
    tx.commit(app).await?;
    Ok(Login {
        token: secret,
        expires_at,
        user,
    })
}

/// The caller behind a bearer token, if it is live and its user active.
pub async fn authenticate(app: &App, secret: &str) -> Result<Actor> {
    verify(app, secret, TokenKind::Api).await
}

/// The user behind a workbench session cookie, if it is live and its user
/// active: a disabled user's sessions end at once.
pub async fn session(app: &App, secret: &str) -> Result<Actor> {
    verify(app, secret, TokenKind::Session).await
}

/// A token's actor from the cache when it may be trusted (see
/// [`super::cache`]), else from the database, then kept.
async fn verify(app: &App, secret: &str, kind: TokenKind) -> Result<Actor> {
    let digest = digest(secret);
    let now = app.now();
    let cache = &app.tokens;
    if let Some(actor) = cache.get(&digest, kind, now) {
        return Ok(actor);
    }
    let mut conn = app.store.read().await?;
    if !cache.fresh() {
        cache.saw(tokens::auth_version(&mut conn).await?);
        if let Some(actor) = cache.get(&digest, kind, now) {
            return Ok(actor);
        }
    }
    let found = tokens::user_for(&mut conn, &digest, kind, now).await?;
    let v = found.ok_or(AppError::Unauthenticated)?;
    let actor = Actor::from_user(&v.user, Some(v.token_id));
    cache.put(&digest, kind, &actor, v.expires_at, v.auth_version);
    Ok(actor)
}

/// The CSRF token of a session: derived from its secret, so it needs no
/// storage, and useless without the cookie it belongs to.
pub fn csrf_token(session_secret: &str) -> String {
    hex(&Sha256::digest(
        format!("kefu csrf {session_secret}").as_bytes(),
    ))
}

/// Revoke the token the caller used.
pub async fn logout(app: &App, who: &Actor) -> Result<()> {
    let Some(token_id) = who.token_id else {
        return Ok(());
    };
    let mut tx = Work::begin(app).await?;
    tokens::revoke(&mut tx, token_id, app.now()).await?;
    tx.commit(app).await?;
    app.tokens.clear();
    Ok(())
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("kefu dummy password").unwrap_or_default())
}
