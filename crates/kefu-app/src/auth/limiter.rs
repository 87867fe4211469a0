//! Failed logins are counted per username and per client address; past the
//! limit, further attempts are refused until the window has passed, even with
//! the right password. Kept in memory: a restart forgives.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::AppConfig;

pub struct LoginLimiter {
    per_user: u32,
    per_address: u32,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

impl LoginLimiter {
    pub fn new(c: &AppConfig) -> Self {
        Self {
            per_user: c.login_failures_per_user,
            per_address: c.login_failures_per_address,
            window: c.login_window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait before another attempt, if either key is locked out.
    pub fn blocked(&self, username: &str, address: &str, now: DateTime<Utc>) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let u = self.wait(&mut map, &user_key(username), self.per_user, now);
        let a = self.wait(&mut map, &address_key(address), self.per_address, now);
        u.max(a)
    }

    pub fn failed(&self, username: &str, address: &str, now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in [user_key(username), address_key(address)] {
            map.entry(key).or_default().push(now);
        }
        // Keep memory bounded under a flood of distinct usernames.
        if map.len() > 100_000 {
            let horizon = now - self.window;
            map.retain(|_, v| v.last().is_some_and(|t| *t > horizon));
        }
    }

    pub fn succeeded(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&user_key(username));
    }

    fn wait(
        &self,
        map: &mut HashMap<String, Vec<DateTime<Utc>>>,
        key: &str,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Option<u64> {
        let horizon = now - self.window;
        let times = map.get_mut(key)?;
        times.retain(|t| *t > horizon);
        if times.len() < limit as usize {
            return None;
        }
        // Locked until the oldest counted failure leaves the window.
        let oldest = times.first()?;
        let until = *oldest + self.window;
        Some(
            ((until - now).num_milliseconds().max(0) as u64)
                .div_ceil(1000)
                .max(1),
        )
    }
}

fn user_key(username: &str) -> String {
    format!("u:{}", username.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("a:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_frees_after_the_window() {
        let c = AppConfig::default();
        let l = LoginLimiter::new(&c);
        let t0 = Utc::now();
        for _ in 0..c.login_failures_per_user {
            assert_eq!(l.blocked("zhang", "1.2.3.4", t0), None);
            l.failed("zhang", "1.2.3.4", t0);
        }
        let wait = l.blocked("zhang", "9.9.9.9", t0);
        assert_eq!(wait, Some(c.login_window.as_secs()));
        assert_eq!(l.blocked("li", "9.9.9.9", t0), None);
        let later = t0 + c.login_window + chrono::Duration::seconds(1);
        assert_eq!(l.blocked("zhang", "1.2.3.4", later), None);
    }
}
