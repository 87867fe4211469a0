//! One module per subcommand.

pub mod backup;
pub mod calendar;
pub mod demo;
pub mod export;
pub mod import;
pub mod migrate;
pub mod serve;
pub mod user;

use anyhow::Context;
use kefu_app::{App, AppConfig, Clock};
use kefu_store::{Store, StoreOptions};

use crate::config::Settings;

/// Open the database named by the settings, without changing its schema.
pub async fn open_store(s: &Settings) -> anyhow::Result<Store> {
    let opts = StoreOptions::default();
    match &s.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Store::open_postgres(url, &opts)
                .await
                .context("connecting to PostgreSQL")
        }
        Some(url) => anyhow::bail!(
            "unsupported database URL {:?}: use postgres://...",
            redact(url)
        ),
        None => {
            std::fs::create_dir_all(&s.data)
                .with_context(|| format!("creating the data folder {}", s.data.display()))?;
            Store::open_sqlite(&s.data, &opts)
                .await
                .with_context(|| format!("opening the database in {}", s.data.display()))
        }
    }
}

/// Open and migrate, then build the application.
pub async fn open_app(s: &Settings) -> anyhow::Result<App> {
    let store = open_store(s).await?;
    store.migrate().await?;
    let config = AppConfig {
        token_ttl: s.token_ttl,
        trusted_proxies: s.trusted_proxies.clone(),
        webhook_allowed_hosts: s.webhook_allowed_hosts.clone(),
        smtp: s.smtp.clone(),
        ..AppConfig::default()
    };
    Ok(App::new(store, config, Clock::System))
}

fn redact(url: &str) -> String {
    match url.split_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => url.to_owned(),
    }
}

/// A password from the environment, or asked for on the terminal.
pub fn read_password(var: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    eprint!("password: ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// A one-line progress bar on stderr.
pub fn progress(label: &str, done: u64, total: u64) {
    use std::io::Write;
    let width = 30;
    let filled = (done * width)
        .checked_div(total)
        .unwrap_or(width)
        .min(width);
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r{label:<10}[{}{}] {done}/{total}",
        "#".repeat(filled as usize),
        " ".repeat((width - filled) as usize)
    );
    let _ = err.flush();
}
