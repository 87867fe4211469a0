//! kefu-app: the use cases. Each one checks the caller's permission, opens one
//! transaction, writes, appends to the change log and the audit trail, and
//! commits: all or nothing. The web layer and the CLI call only these.

mod actor;
mod app;
mod error;
mod input;
mod journal;
pub mod live;
mod outbox;
mod tell;
pub mod work;
mod write_thread;

pub mod audit;
pub mod auth;
pub mod calendars;
pub mod calls;
pub mod customers;
pub mod demo;
pub mod imports;
pub mod mail;
pub mod notifications;
pub mod org;
pub mod reports;
pub mod sla;
pub mod tickets;
pub mod timers;
pub mod vehicles;
pub mod webhooks;
pub mod workbench;
pub mod workers;

pub use actor::Actor;
pub use app::{App, AppConfig, Clock, SmtpConfig};
pub use error::AppError;
pub use input::{from_json, merge_patch, patched};
pub use kefu_store::{Page, PageRequest};
pub use live::{Live, LiveEvent};

pub type Result<T, E = AppError> = std::result::Result<T, E>;
