//! Failed logins slow down the username-and-address pair that made them, and
//! an address that fails too often is refused for a while.
//!
//! The right password from another address always passes: a stranger who
//! types an admin's name five times wrong slows down only themself. Past
//! `login_failures_per_user` failures a pair waits 30 s, then twice as long
//! after each further failure, up to `login_window`. An address with
//! `login_failures_per_address` failures within the window waits until the
//! oldest of them leaves it. Kept in memory: a restart forgives.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::AppConfig;

/// The first wait of a pair past its free failures.
const FIRST_DELAY: Duration = Duration::from_secs(30);
/// Past this many entries, forgotten ones are swept out.
const SWEEP_AT: usize = 100_000;

pub struct LoginLimiter {
    per_pair: u32,
    per_address: u32,
    window: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// (lowercased username, address) → failures in a row and the last one.
    pairs: HashMap<(String, String), Streak>,
    /// address → times of its failures within the window, oldest first.
    addresses: HashMap<String, Vec<DateTime<Utc>>>,
}

struct Streak {
    failures: u32,
    last: DateTime<Utc>,
}

impl LoginLimiter {
    pub fn new(c: &AppConfig) -> Self {
        Self {
            per_pair: c.login_failures_per_user,
            per_address: c.login_failures_per_address,
            window: c.login_window,
            state: Mutex::new(State::default()),
        }
    }

    /// Seconds to wait before another attempt, if the pair or the address
    /// must wait.
    pub fn blocked(&self, username: &str, address: &str, now: DateTime<Utc>) -> Option<u64> {
        let mut state = self.lock();
        let pair = state.pairs.get(&pair_key(username, address)).and_then(|s| {
            let wait = pair_delay(self.per_pair, self.window, s.failures)?;
            self.until(s.last + wait, now)
        });
        let addr = self.address_wait(&mut state, address, now);
        pair.max(addr)
    }

    pub fn failed(&self, username: &str, address: &str, now: DateTime<Utc>) {
        let mut state = self.lock();
        let window = self.window;
        let streak = state
            .pairs
            .entry(pair_key(username, address))
            .or_insert(Streak {
                failures: 0,
                last: now,
            });
        // A streak is forgotten after a quiet window past its wait.
        let wait = pair_delay(self.per_pair, window, streak.failures).unwrap_or_default();
        if now - streak.last > wait + to_chrono(window) {
            streak.failures = 0;
        }
        streak.failures = streak.failures.saturating_add(1);
        streak.last = now;
        state
            .addresses
            .entry(address.to_owned())
            .or_default()
            .push(now);
        if state.pairs.len() + state.addresses.len() > SWEEP_AT {
            let horizon = now - to_chrono(window) * 2;
            state.pairs.retain(|_, s| s.last > horizon);
            state
                .addresses
                .retain(|_, v| v.last().is_some_and(|t| *t > horizon));
        }
    }

    /// The right password ends the pair's streak; the address keeps its
    /// count, so that one good login cannot launder a flood of guesses.
    pub fn succeeded(&self, username: &str, address: &str) {
        self.lock().pairs.remove(&pair_key(username, address));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn address_wait(&self, state: &mut State, address: &str, now: DateTime<Utc>) -> Option<u64> {
        let horizon = now - to_chrono(self.window);
        let times = state.addresses.get_mut(address)?;
        times.retain(|t| *t > horizon);
        if times.len() < self.per_address as usize {
            return None;
        }
        // Waits until the oldest counted failure leaves the window.
        self.until(*times.first()? + to_chrono(self.window), now)
    }

    fn until(&self, until: DateTime<Utc>, now: DateTime<Utc>) -> Option<u64> {
        let ms = (until - now).num_milliseconds();
        (ms > 0).then(|| (ms as u64).div_ceil(1000))
    }
}

/// How long a pair waits after its last failure, if at all.
fn pair_delay(free: u32, most: Duration, failures: u32) -> Option<chrono::Duration> {
    let past = failures.checked_sub(free)?;
    let delay = FIRST_DELAY
        .checked_mul(1u32.checked_shl(past).unwrap_or(u32::MAX))
        .unwrap_or(most)
        .min(most);
    Some(to_chrono(delay))
}

fn pair_key(username: &str, address: &str) -> (String, String) {
    (username.to_lowercase(), address.to_owned())
}

fn to_chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: i64) -> chrono::Duration {
        chrono::Duration::seconds(n)
    }

    #[test]
    fn a_pair_waits_longer_after_each_failure_past_the_free_ones() {
        let c = AppConfig::default();
        let l = LoginLimiter::new(&c);
        let t0 = Utc::now();
        for _ in 0..c.login_failures_per_user {
            assert_eq!(l.blocked("zhang", "1.2.3.4", t0), None);
            l.failed("zhang", "1.2.3.4", t0);
        }
        assert_eq!(l.blocked("Zhang", "1.2.3.4", t0), Some(30));
        // The same name from another address, and another name, pass.
        assert_eq!(l.blocked("zhang", "9.9.9.9", t0), None);
        assert_eq!(l.blocked("li", "1.2.3.4", t0), None);
        // After the wait, one more failure doubles it, and so on to the window.
        let (mut t, mut wait) = (t0, 30i64);
        for expected in [60, 120, 240, 480, 900, 900] {
            t += secs(wait + 1);
            wait = expected;
            assert_eq!(l.blocked("zhang", "1.2.3.4", t), None);
            l.failed("zhang", "1.2.3.4", t);
            assert_eq!(l.blocked("zhang", "1.2.3.4", t), Some(expected as u64));
        }
        // The right password ends the streak.
        l.succeeded("zhang", "1.2.3.4");
        assert_eq!(l.blocked("zhang", "1.2.3.4", t), None);
    }

    #[test]
    fn a_streak_is_forgotten_after_a_quiet_window_past_its_wait() {
        let c = AppConfig::default();
        let l = LoginLimiter::new(&c);
        let t0 = Utc::now();
        for _ in 0..c.login_failures_per_user {
            l.failed("zhang", "1.2.3.4", t0);
        }
        // 30 s of waiting, then a quiet window.
        let later = t0 + secs(30) + to_chrono(c.login_window) + secs(1);
        l.failed("zhang", "1.2.3.4", later);
        assert_eq!(l.blocked("zhang", "1.2.3.4", later), None, "one in a row");
    }

    #[test]
    fn an_address_that_fails_too_often_waits_for_the_window() {
        let c = AppConfig::default();
        let l = LoginLimiter::new(&c);
        let t0 = Utc::now();
        for i in 0..c.login_failures_per_address {
            assert_eq!(l.blocked("admin", "5.5.5.5", t0), None);
            l.failed(&format!("guess{i}"), "5.5.5.5", t0);
        }
        assert_eq!(
            l.blocked("admin", "5.5.5.5", t0),
            Some(c.login_window.as_secs())
        );
        assert_eq!(l.blocked("admin", "6.6.6.6", t0), None);
        let later = t0 + to_chrono(c.login_window) + secs(1);
        assert_eq!(l.blocked("admin", "5.5.5.5", later), None);
    }
}
