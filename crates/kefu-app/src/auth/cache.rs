//! Tokens verified a moment ago, kept in memory so that a request pays one
//! round trip to the database (its record), not two (the token, then the
//! record).
//!
//! An entry is trusted only while the database's `auth_version` counter —
//! moved by triggers whenever a user or a token changes — stands where it
//! stood when the token was verified, and only while this process has read
//! the counter within the last [`FRESH`]. So a disabled user, a new password
//! or a revoked token ends access at once in the process that made the
//! change (it empties the cache on commit) and within [`FRESH`] in every
//! other process on the same database. An entry also lapses when its token
//! expires and after [`MAX_AGE`] in any case.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use kefu_store::auth::tokens::TokenKind;

use crate::Actor;

/// How old the last reading of the counter may be for a hit.
pub const FRESH: Duration = Duration::from_millis(50);
/// No entry is trusted longer than this, whatever the counter says.
const MAX_AGE: Duration = Duration::from_secs(60);
/// Past this many entries the cache starts again (bounded memory).
const MAX_ENTRIES: usize = 50_000;
/// No reading yet.
const UNREAD: i64 = i64::MIN;

pub struct TokenCache {
    started: Instant,
    /// The counter as last read, and when (ms since `started`).
    version: AtomicI64,
    read_at_ms: AtomicI64,
    /// By token digest: each secret is one kind, the entry says which.
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    kind: TokenKind,
    actor: Actor,
    expires_at: DateTime<Utc>,
    version: i64,
    verified: Instant,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            version: AtomicI64::new(UNREAD),
            read_at_ms: AtomicI64::new(UNREAD),
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl TokenCache {
    /// Whether the counter was read within [`FRESH`]; if not, the caller
    /// reads it ([`TokenCache::saw`]) or verifies the token in full.
    pub fn fresh(&self) -> bool {
        let at = self.read_at_ms.load(Ordering::Acquire);
        at != UNREAD && self.ms() - at < FRESH.as_millis() as i64
    }

    /// The counter as just read from the database; a move empties the cache.
    pub fn saw(&self, version: i64) {
        if self.version.swap(version, Ordering::AcqRel) != version {
            self.clear();
        }
        self.read_at_ms.store(self.ms(), Ordering::Release);
    }

    /// The actor of a token verified while the counter stood where it stands.
    pub fn get(&self, digest: &str, kind: TokenKind, now: DateTime<Utc>) -> Option<Actor> {
        if !self.fresh() {
            return None;
        }
        let version = self.version.load(Ordering::Acquire);
        let entries = self.lock();
        let e = entries.get(digest)?;
        (e.kind == kind
            && e.version == version
            && e.expires_at > now
            && e.verified.elapsed() < MAX_AGE)
            .then(|| e.actor.clone())
    }

    /// A token just verified, with the counter read in the same statement.
    pub fn put(
        &self,
        digest: &str,
        kind: TokenKind,
        actor: &Actor,
        expires_at: DateTime<Utc>,
        version: i64,
    ) {
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            digest.to_owned(),
            Entry {
                kind,
                actor: actor.clone(),
                expires_at,
                version,
                verified: Instant::now(),
            },
        );
    }

    /// Forget everything: called after this process changed a user or a
    /// token, so that the change holds here at once.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn ms(&self) -> i64 {
        self.started.elapsed().as_millis() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::org::Role;

    fn actor() -> Actor {
        Actor {
            user_id: 7,
            username: "li.agent".into(),
            role: Role::Agent,
            dealer_id: None,
            department_id: None,
            token_id: Some(3),
        }
    }

    #[test]
    fn a_hit_needs_a_fresh_reading_of_an_unmoved_counter() {
        let c = TokenCache::default();
        let now = Utc::now();
        let later = now + chrono::Duration::hours(1);
        c.put("d", TokenKind::Api, &actor(), later, 5);
        assert!(c.get("d", TokenKind::Api, now).is_none(), "never read");
        // The first reading starts afresh: what came before is not trusted.
        c.saw(5);
        assert!(c.get("d", TokenKind::Api, now).is_none());
        c.put("d", TokenKind::Api, &actor(), later, 5);
        assert_eq!(c.get("d", TokenKind::Api, now).map(|a| a.user_id), Some(7));
        assert!(
            c.get("d", TokenKind::Session, now).is_none(),
            "another kind"
        );
        assert!(c.get("d", TokenKind::Api, later).is_none(), "expired");
        c.saw(6);
        assert!(
            c.get("d", TokenKind::Api, now).is_none(),
            "the counter moved"
        );
        c.put("d", TokenKind::Api, &actor(), later, 6);
        assert!(c.get("d", TokenKind::Api, now).is_some());
        std::thread::sleep(FRESH + Duration::from_millis(20));
        assert!(
            c.get("d", TokenKind::Api, now).is_none(),
            "the reading is stale"
        );
        c.saw(6);
        assert!(c.get("d", TokenKind::Api, now).is_some());
        c.clear();
        assert!(c.get("d", TokenKind::Api, now).is_none());
    }
}
