//! Recording a write: the change log entry and, when a person did it, the
//! audit line with the record before and after. Called inside the use case's
//! transaction.

use chrono::{DateTime, Utc};
use kefu_store::{Change, Conn, NewAudit, append_change, audit_record};
use serde::Serialize;

use crate::{Actor, Result};

pub(crate) struct Written<'a, T: Serialize> {
    pub entity: &'static str,
    pub id: i64,
    pub action: &'a str,
    pub change: Change,
    pub before: Option<&'a T>,
    pub after: Option<&'a T>,
}

pub(crate) async fn record<T: Serialize>(
    tx: &mut Conn,
    who: Option<&Actor>,
    at: DateTime<Utc>,
    w: Written<'_, T>,
) -> Result<()> {
    append_change(tx, w.entity, w.id, w.change, at).await?;
    let json = |v: Option<&T>| v.and_then(|v| serde_json::to_value(v).ok());
    audit_record(
        tx,
        NewAudit {
            at,
            actor_id: who.map(|a| a.user_id),
            action: w.action,
            entity: w.entity,
            entity_id: Some(w.id),
            before: json(w.before),
            after: json(w.after),
        },
    )
    .await?;
    Ok(())
}

pub(crate) async fn commit(tx: kefu_store::Tx) -> Result<()> {
    tx.commit().await.map_err(kefu_store::StoreError::from)?;
    Ok(())
}
