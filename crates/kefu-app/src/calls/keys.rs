//! Integration keys: what a telephony system authenticates with. Only an
//! admin creates one, the secret is shown once, and a key may do nothing but
//! report calls.

use kefu_core::org::Permission;
use kefu_core::text;
use kefu_store::calls::{self, IntegrationKey};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::new_secret;
use crate::auth::tokens::digest;
use crate::work::Work;
use crate::{Actor, App, AppError, Result};

/// A new key with its secret, which is not stored and not shown again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewKey {
    #[serde(flatten)]
    pub info: IntegrationKey,
    /// The secret: send as `Authorization: Bearer <key>`.
    pub key: String,
}

pub async fn create(app: &App, who: &Actor, name: &str) -> Result<NewKey> {
    who.require(Permission::ManageIntegrations)?;
    let name = text::text("name", name, 100)?;
    let secret = new_secret()?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let key = calls::insert_key(&mut tx, &name, &digest(&secret), who.user_id, now).await?;
    tx.created(who, now, "integration_key", key.id, &key)
        .await?;
    tx.commit(app).await?;
    Ok(NewKey {
        info: key,
        key: secret,
    })
}

pub async fn list(app: &App, who: &Actor) -> Result<Vec<IntegrationKey>> {
    who.require(Permission::ManageIntegrations)?;
    let mut conn = app.store.read().await?;
    Ok(calls::list_keys(&mut conn).await?)
}

pub async fn revoke(app: &App, who: &Actor, id: i64) -> Result<()> {
    who.require(Permission::ManageIntegrations)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = calls::get_key(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if calls::revoke_key(&mut tx, id, now).await? {
        let after = IntegrationKey {
            revoked_at: Some(now),
            ..before.clone()
        };
        tx.audited(
            who,
            now,
            "integration_key",
            id,
            "revoke",
            Some(&before),
            Some(&after),
        )
        .await?;
    }
    tx.commit(app).await?;
    Ok(())
}

/// The live key behind a secret, if it is one.
pub async fn authenticate(app: &App, secret: &str) -> Result<Option<IntegrationKey>> {
    let mut conn = app.store.read().await?;
    Ok(calls::live_key(&mut conn, &digest(secret)).await?)
}
