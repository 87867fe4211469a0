//! What happens now, for the pages that are open: a ringing call for an
//! agent's screen pop. In-process: the pages listen on the server that
//! serves them.

use tokio::sync::{broadcast, watch};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// A call is ringing at this user's phone (the stored call's id).
    Pop { user_id: i64, call: i64 },
}

impl LiveEvent {
    pub fn user_id(&self) -> i64 {
        match self {
            LiveEvent::Pop { user_id, .. } => *user_id,
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
