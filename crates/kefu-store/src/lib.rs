//! kefu-store: every SQL statement of kefu, written once for SQLite and
//! PostgreSQL through sqlx's `Any` driver.
//!
//! Reads take a [`Scope`](kefu_core::org::Scope) so rows the caller may not
//! see are absent; writes run in a [`Tx`] that the use case commits after it
//! has also appended to the change log and the audit trail.

pub mod backup;
pub mod bulk;
mod columns;
mod db;
mod dialect;
mod error;
mod journal;
pub mod mail;
mod migrate;
mod page;
mod sql;
#[cfg(test)]
mod tests;

pub mod auth;
pub mod calendars;
pub mod calls;
pub mod customers;
pub mod live;
pub mod names_by_id;
pub mod notifications;
pub mod org;
pub mod outbox;
pub mod reports;
pub mod sla;
/// The PostgreSQL server of kefu's test suites (tests only).
#[doc(hidden)]
pub mod testing;
pub mod tickets;
pub mod timers;
pub mod vehicles;
pub mod webhooks;

pub use db::{Conn, ReadConn, Store, StoreOptions, Tx};
pub use dialect::Dialect;
/// [`Dialect`] by its older name.
pub use dialect::Dialect as Backend;
pub use error::StoreError;
pub use journal::{
    AuditEntry, AuditFilter, Change, NewAudit, append_change, append_changes, audit_list,
    audit_record, audit_records,
};
pub use migrate::{MigrationStatus, SCHEMA_VERSION};
pub use page::{Page, PageRequest};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
