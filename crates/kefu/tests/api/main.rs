//! The API, tested through HTTP against the real server on SQLite and
//! PostgreSQL.

#![allow(clippy::unwrap_used)]

mod helpers;

mod auth;
mod bad_input;
mod calendars;
mod cli;
mod clocks;
mod clocks_exact;
mod clocks_live;
mod customers;
mod faults;
mod group_settings;
mod imports;
mod mail;
mod org;
mod pages;
mod reports;
mod scoping;
mod sla_settings;
mod system;
mod tickets;
mod tickets_at_once;
mod vehicles;
mod webhooks;
