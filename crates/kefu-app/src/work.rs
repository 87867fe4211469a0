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

    /// A write: its change-log entry and, when a person did it, the audit
    /// line with the record before and after.
    pub(crate) async fn record<T: Serialize>(
        &mut self,
        who: Option<&Actor>,
        at: DateTime<Utc>,
        w: Written<'_, T>,
    ) -> Result<()> {
        crate::journal::record(&mut self.tx, who, at, w).await
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
