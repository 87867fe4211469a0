//! The one transaction a use case writes in. It dereferences to the store's
//! connection, so the store's functions take it as they take a transaction;
//! it records every write in the change log (and a person's act in the audit
//! trail, with the record before and after); and it runs what must happen
//! after the commit — waking the scheduler or the outboxes, pushing to open
//! pages — only once the commit has succeeded. Dropped without a commit, it
//! rolls back and nothing after it runs.

use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Utc};
use kefu_store::{Change, Conn, Tx, append_change};
use serde::Serialize;

use crate::journal::Written;
use crate::live::LiveEvent;
use crate::{Actor, App, Result};

/// What to do once the transaction has committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// A timer may have come due sooner.
    WakeTimers,
    /// Webhook deliveries and e-mails were written.
    WakeOutboxes,
    /// Tell this instance's open pages (on PostgreSQL the database carries
    /// it to every instance; see [`crate::live`]).
    Live(LiveEvent),
}

pub struct Work {
    tx: Tx,
    after: Vec<After>,
}

impl Work {
    pub async fn begin(app: &App) -> Result<Work> {
        Ok(Work {
            tx: app.store.begin().await?,
            after: Vec::new(),
        })
    }

    /// An act of a person (or of the operator, `None`) on a record: its change-log entry and the audit line
    /// `{entity}.{verb}` with the record before and after. `create` makes
    /// the change a creation, `delete` a deletion (the record may stay,
    /// marked), any other verb an update.
    #[allow(clippy::too_many_arguments)]
    pub async fn audited<'w, T: Serialize>(
        &mut self,
        who: impl Into<Option<&'w Actor>>,
        at: DateTime<Utc>,
        entity: &'static str,
        id: i64,
        verb: &str,
        before: Option<&T>,
        after: Option<&T>,
    ) -> Result<()> {
        let change = match verb {
            "create" => Change::Created,
            "delete" => Change::Deleted,
            _ => Change::Updated,
        };
        let w = Written {
            entity,
            id,
            action: &format!("{entity}.{verb}"),
            change,
            before,
            after,
        };
        crate::journal::record(&mut self.tx, who.into(), at, w).await
    }

    /// [`Work::audited`] for a record a person created.
    pub async fn created<'w, T: Serialize>(
        &mut self,
        who: impl Into<Option<&'w Actor>>,
        at: DateTime<Utc>,
        entity: &'static str,
        id: i64,
        after: &T,
    ) -> Result<()> {
        self.audited(who, at, entity, id, "create", None, Some(after))
            .await
    }

    /// [`Work::audited`] for a record a person changed.
    pub async fn updated<'w, T: Serialize>(
        &mut self,
        who: impl Into<Option<&'w Actor>>,
        at: DateTime<Utc>,
        entity: &'static str,
        id: i64,
        before: &T,
        after: &T,
    ) -> Result<()> {
        self.audited(who, at, entity, id, "update", Some(before), Some(after))
            .await
    }

    /// A write kefu made by itself (a timer fired): its change-log entry.
    pub async fn changed(
        &mut self,
        entity: &'static str,
        id: i64,
        change: Change,
        at: DateTime<Utc>,
    ) -> Result<()> {
        Ok(append_change(&mut self.tx, entity, id, change, at).await?)
    }

    /// Do `a` after the commit (once, however often it is asked for).
    pub fn after(&mut self, a: After) {
        if !self.after.contains(&a) {
            self.after.push(a);
        }
    }

    /// Commit, then do what was left for after it.
    pub async fn commit(self, app: &App) -> Result<()> {
        crate::journal::commit(self.tx).await?;
        for a in self.after {
            match a {
                After::WakeTimers => app.clock_wake.notify_one(),
                After::WakeOutboxes => {
                    app.delivery_wake.notify_one();
                    app.mail_wake.notify_one();
                }
                After::Live(e) => app.live.send(e),
            }
        }
        Ok(())
    }
}

impl Deref for Work {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.tx
    }
}

impl DerefMut for Work {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.tx
    }
}
