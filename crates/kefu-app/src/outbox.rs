//! The bookkeeping every outbox (webhook deliveries, e-mails) shares: how a
//! sent or failed attempt is recorded, when to try again, what is due next.

use chrono::{DateTime, Utc};
use kefu_store::outbox::{self, Outbox};

use crate::journal::commit;
use crate::{App, Result};

/// Pauses before the 2nd, 3rd... attempt; after the last the message is
/// given up (and stays listed with its error).
const RETRY_MINUTES: [i64; 6] = [1, 5, 15, 60, 180, 360];
/// How long a claimed message is held while it is being sent.
pub(crate) const LEASE: chrono::Duration = chrono::Duration::minutes(2);
/// Messages claimed per transaction.
pub(crate) const BATCH: i64 = 50;

/// Record one attempt at message `id`, which had been tried `attempts`
/// times before.
pub(crate) async fn record(
    app: &App,
    which: Outbox,
    id: i64,
    attempts: i64,
    outcome: &std::result::Result<(), String>,
) -> Result<()> {
    let at = app.now();
    let retry_at = match outcome {
        Ok(()) => None,
        Err(e) => {
            tracing::warn!(outbox = ?which, id, error = %e, "sending failed");
            RETRY_MINUTES
                .get(attempts as usize)
                .map(|m| at + chrono::Duration::minutes(*m))
        }
    };
    let mut tx = app.store.begin().await?;
    outbox::attempted(
        &mut tx,
        which,
        id,
        at,
        outcome.as_ref().err().map(String::as_str),
        retry_at,
    )
    .await?;
    commit(tx).await
}

pub(crate) async fn next_due(app: &App, which: Outbox) -> Result<Option<DateTime<Utc>>> {
    let mut conn = app.store.read().await?;
    Ok(outbox::next_due(&mut conn, which).await?)
}
