//! The application handle every use case takes.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use kefu_store::Store;

use crate::auth::LoginLimiter;

#[derive(Debug, Clone)]
pub struct AppConfig {
    /// How long an API token lives.
    pub token_ttl: Duration,
    /// Failed logins a username-and-address pair may make before it waits
    /// (30 s, doubling after each further failure, at most `login_window`).
    pub login_failures_per_user: u32,
    /// Failed logins allowed per client address within `login_window`.
    pub login_failures_per_address: u32,
    pub login_window: Duration,
    /// Proxies whose `X-Forwarded-For` names the client; none: the header is
    /// ignored and the peer is the client.
    pub trusted_proxies: Vec<kefu_core::net::AddrRange>,
    /// Hosts inside the network that webhooks may be sent to anyway
    /// (`[webhooks] allowed_hosts`); every other internal address is refused.
    pub webhook_allowed_hosts: Vec<String>,
    /// Where e-mails about late work are sent from; none: no e-mail.
    pub smtp: Option<SmtpConfig>,
}

/// `smtp://host:25`, `smtp://host:587?tls=required` or
/// `smtps://user:password@host:465`, and the sender.
#[derive(Clone)]
pub struct SmtpConfig {
    pub url: String,
    pub from: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let host = self.url.rsplit('@').next().unwrap_or_default();
        f.debug_struct("SmtpConfig")
            .field("host", &host)
            .field("from", &self.from)
            .finish()
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            token_ttl: Duration::from_secs(12 * 3600),
            login_failures_per_user: 5,
            login_failures_per_address: 20,
            login_window: Duration::from_secs(15 * 60),
            trusted_proxies: Vec::new(),
            webhook_allowed_hosts: Vec::new(),
            smtp: None,
        }
    }
}

/// Where "now" comes from. Tests move a manual clock instead of sleeping.
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Manual(Arc<AtomicI64>),
}

impl Clock {
    pub fn manual(start: DateTime<Utc>) -> Clock {
        Clock::Manual(Arc::new(AtomicI64::new(start.timestamp_millis())))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Manual(ms) => {
                DateTime::from_timestamp_millis(ms.load(Ordering::SeqCst)).unwrap_or_default()
            }
        }
    }

    /// Move a manual clock forward; the system clock cannot be moved.
    pub fn advance(&self, by: Duration) {
        if let Clock::Manual(ms) = self {
            ms.fetch_add(by.as_millis() as i64, Ordering::SeqCst);
        }
    }
}

#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub config: Arc<AppConfig>,
    pub clock: Clock,
    pub(crate) limiter: Arc<LoginLimiter>,
    /// Tokens verified a moment ago.
    pub(crate) tokens: Arc<crate::auth::cache::TokenCache>,
    /// Wakes the scheduler when a clock may have come due sooner.
    pub clock_wake: Arc<tokio::sync::Notify>,
    /// Wakes the webhook deliverer and the mailer when messages were written.
    pub delivery_wake: Arc<tokio::sync::Notify>,
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Ringing calls for the open pages.
    pub live: crate::Live,
    /// New orders waiting to be written together.
    pub(crate) openings: Arc<crate::tickets::Openings>,
    /// The SLA policies and calendars new orders are planned with.
    pub(crate) sla_settings: Arc<crate::sla::SettingsCache>,
    /// The group's time zone and order-number prefix.
    pub(crate) group: Arc<crate::org::group::GroupCache>,
    /// The thread write transactions run on (SQLite).
    pub(crate) writing: Arc<crate::write_thread::Writing>,
    /// The kinds of timer the scheduler fires.
    pub timers: Arc<crate::timers::TimerKinds>,
}

impl App {
    pub fn new(store: Store, config: AppConfig, clock: Clock) -> App {
        let limiter = Arc::new(LoginLimiter::new(&config));
        App {
            store,
            config: Arc::new(config),
            clock,
            limiter,
            tokens: Arc::default(),
            clock_wake: Arc::new(tokio::sync::Notify::new()),
            delivery_wake: Arc::new(tokio::sync::Notify::new()),
            mail_wake: Arc::new(tokio::sync::Notify::new()),
            live: crate::Live::new(),
            openings: Arc::default(),
            sla_settings: Arc::default(),
            group: Arc::default(),
            writing: Arc::default(),
            timers: Arc::default(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in the group's time zone: bounds birthdays and other days that
    /// have already been.
    pub async fn today(&self) -> crate::Result<chrono::NaiveDate> {
        let zone = crate::org::group::settings(self).await?.timezone;
        Ok(self.now().with_timezone(&zone).date_naive())
    }

    /// Where webhooks may be sent inside the network.
    pub(crate) fn webhook_destinations(&self) -> crate::webhooks::Allowed {
        crate::webhooks::Allowed::new(&self.config.webhook_allowed_hosts)
    }
}
