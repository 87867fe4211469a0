//! What happens now, for the pages that are open: a ringing call for an
//! agent's screen pop. Each instance fans events out to the pages it
//! serves; on PostgreSQL the events travel between instances through the
//! database (`kefu_store::live`), so a page on one instance hears of a call
//! reported to another.

use tokio::sync::{broadcast, watch};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// A call is ringing at this user's phone (the stored call's id).
    Pop { user_id: i64, call: i64 },
    /// Something was written to this user's bell.
    Notice { user_id: i64 },
}

impl LiveEvent {
    pub fn user_id(&self) -> i64 {
        match self {
            LiveEvent::Pop { user_id, .. } | LiveEvent::Notice { user_id } => *user_id,
        }
    }

    /// As sent between instances: `pop <user> <call>`.
    pub fn encode(&self) -> String {
        match self {
            LiveEvent::Pop { user_id, call } => format!("pop {user_id} {call}"),
            LiveEvent::Notice { user_id } => format!("notice {user_id}"),
        }
    }

    pub fn decode(text: &str) -> Option<LiveEvent> {
        let parts: Vec<&str> = text.split(' ').collect();
        match parts[..] {
            ["pop", user, call] => Some(LiveEvent::Pop {
                user_id: user.parse().ok()?,
                call: call.parse().ok()?,
            }),
            ["notice", user] => Some(LiveEvent::Notice {
                user_id: user.parse().ok()?,
            }),
            _ => None,
        }
    }
}

/// Publish `e` with the transaction that made it true: on PostgreSQL through
/// the database to every instance (this one included, by [`relay`]); on
/// SQLite to this instance's pages once `tx` has committed, by the caller
/// with [`Live::send`] — see [`Publish`].
pub(crate) async fn publish(
    app: &crate::App,
    tx: &mut kefu_store::Conn,
    e: &LiveEvent,
) -> crate::Result<Publish> {
    kefu_store::live::announce(&app.store, tx, &e.encode()).await?;
    Ok(if app.store.dialect().shared() {
        Publish::Sent
    } else {
        Publish::AfterCommit(e.clone())
    })
}

/// What is left to do after the commit.
#[must_use]
pub(crate) enum Publish {
    Sent,
    AfterCommit(LiveEvent),
}

impl Publish {
    pub fn after_commit(self, live: &Live) {
        if let Publish::AfterCommit(e) = self {
            live.send(e);
        }
    }
}

/// On PostgreSQL: hand what other instances (and this one) announce to this
/// instance's pages, until the server shuts down. Nothing on SQLite.
pub async fn relay(app: crate::App) {
    let mut closing = app.live.closing();
    loop {
        let mut listener = match kefu_store::live::Listener::open(&app.store).await {
            Ok(Some(l)) => l,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for live events; trying again");
                tokio::select! {
                    _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => continue,
                    _ = closing.changed() => return,
                }
            }
        };
        loop {
            let next = tokio::select! {
                n = listener.next() => n,
                _ = closing.changed() => return,
            };
            match next {
                Ok(text) => match LiveEvent::decode(&text) {
                    Some(e) => app.live.send(e),
                    None => tracing::warn!(%text, "an unknown live event"),
                },
                Err(e) => {
                    tracing::warn!(error = %e, "listening for live events failed; opening again");
                    break;
                }
            }
        }
    }
}

/// A fan-out to every open page; a page that is not listening misses nothing
/// it could act on, as a pop is only useful while the phone rings.
#[derive(Debug, Clone)]
pub struct Live {
    tx: broadcast::Sender<LiveEvent>,
    /// Set when the server shuts down, so open streams end and the shutdown
    /// does not wait on pages that never leave.
    closing: watch::Sender<bool>,
}

impl Live {
    pub fn new() -> Live {
        // Enough for a burst of calls across a large centre; a page that
        // falls this far behind skips the oldest.
        let (tx, _) = broadcast::channel(1024);
        let (closing, _) = watch::channel(false);
        Live { tx, closing }
    }

    /// Changes once, when the server begins to shut down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }

    pub fn send(&self, e: LiveEvent) {
        // No page listening is not an error.
        let _ = self.tx.send(e);
    }
}

impl Default for Live {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_cross_between_instances_unchanged() {
        let e = LiveEvent::Pop {
            user_id: 7,
            call: 123_456,
        };
        assert_eq!(LiveEvent::decode(&e.encode()), Some(e));
        for bad in ["", "pop", "pop 1", "pop 1 x", "pop 1 2 3", "ring 1 2"] {
            assert_eq!(LiveEvent::decode(bad), None, "{bad}");
        }
    }
}
