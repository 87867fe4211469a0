//! A user's own notifications.

use kefu_store::notifications::{self, Notification};
use kefu_store::{Page, PageRequest};

use crate::work::Work;
use crate::{Actor, App, AppError, Result};

pub async fn list(
    app: &App,
    who: &Actor,
    unread_only: bool,
    page: PageRequest,
) -> Result<Page<Notification>> {
    let mut conn = app.store.read().await?;
    Ok(notifications::list(&mut conn, who.user_id, unread_only, page).await?)
}

pub async fn unread_count(app: &App, who: &Actor) -> Result<i64> {
    let mut conn = app.store.read().await?;
    Ok(notifications::unread_count(&mut conn, who.user_id).await?)
}

/// Another user's notification does not exist for the caller (404).
pub async fn mark(app: &App, who: &Actor, id: i64, read: bool) -> Result<Notification> {
    let mut tx = Work::begin(app).await?;
    let at = read.then(|| app.now());
    if !notifications::mark(&mut tx, who.user_id, id, at).await? {
        return Err(AppError::NotFound);
    }
    let n = notifications::get(&mut tx, who.user_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit(app).await?;
    Ok(n)
}
