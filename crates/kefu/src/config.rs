//! Configuration, read once at start: flags, then `KEFU_*` environment, then
//! `kefu.toml` in the data folder, then defaults.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde::Deserialize;

#[derive(Parser)]
#[command(
    name = "kefu",
    version,
    about = "kefu (客服): the customer-service centre for car dealers"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the web workbench, the JSON API and the clocks.
    Serve(ServeArgs),
    /// Bring the database schema up to date and exit.
    Migrate(DbArgs),
    /// Add users, set passwords, disable users.
    User(UserArgs),
    /// Import customers or vehicles from a CSV or Excel (.xlsx) file.
    Import(ImportArgs),
    /// Fill an empty database with a believable dealer group of any size.
    Demo(DemoArgs),
    /// Enter a year's official holidays into the default calendar.
    Calendar(CalendarArgs),
    /// Copy the embedded database while kefu runs (on PostgreSQL: says how with pg_dump).
    Backup(BackupArgs),
    /// Put a backup in place as a new data folder's database.
    Restore(RestoreArgs),
    /// Write every table's rows as JSON lines, and customers, vehicles and orders as Excel.
    Export(ExportArgs),
}

#[derive(Args)]
pub struct CalendarArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub action: CalendarAction,
}

#[derive(Subcommand)]
pub enum CalendarAction {
    /// A year's official holidays and make-up workdays from a file, one line
    /// per date or range: `2027-02-06~2027-02-12 休`, `2027-02-14 班`.
    ImportHolidays { file: PathBuf },
}

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The file to write; it must not exist.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A file written by `kefu backup`.
    pub file: PathBuf,
}

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A new or empty folder.
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
}

/// Where the data lives. Global, so that `kefu user add NAME --data DIR`
/// works as well as `kefu user --data DIR add NAME`.
#[derive(Args, Clone)]
pub struct DbArgs {
    /// The data folder (embedded database, kefu.toml).
    #[arg(long, env = "KEFU_DATA", value_name = "DIR", global = true)]
    pub data: Option<PathBuf>,
    /// Use PostgreSQL instead of the embedded database: postgres://user@host/db
    #[arg(
        long,
        env = "KEFU_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<String>,
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "KEFU_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// Fill an empty database with a small demo dealer group and print its logins.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(Subcommand)]
pub enum UserAction {
    /// Create a user; the password is read from KEFU_USER_PASSWORD or asked for.
    Add {
        username: String,
        /// admin, manager, agent, dealer_staff, sales, liaison, dept_head, vp
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        /// The dealer's code, for dealer_staff and sales.
        #[arg(long)]
        dealer: Option<String>,
        /// The department's id, for liaison and dept_head.
        #[arg(long)]
        department_id: Option<i64>,
        /// Where e-mails about late work go.
        #[arg(long)]
        email: Option<String>,
    },
    /// Set a user's password, read from KEFU_USER_PASSWORD or asked for.
    Passwd { username: String },
    /// Disable a user: they can no longer log in and their tokens stop working.
    Disable { username: String },
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// customers or vehicles
    pub kind: String,
    /// A .csv (UTF-8) or .xlsx file with Chinese or English column headers.
    pub file: PathBuf,
}

#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// How many customers (with one or two cars each, most of them).
    #[arg(long, default_value_t = 10_000)]
    pub customers: u64,
    /// How many work orders, over the past months up to now.
    #[arg(long, default_value_t = 10_000)]
    pub tickets: u64,
    /// How many of the most recent orders are still open (older ones may be
    /// too, while their callback is to come) [default: one in twenty].
    #[arg(long)]
    pub open: Option<u64>,
    /// The same seed and sizes give the same data.
    #[arg(long, default_value_t = kefu_app::demo::DEFAULT_SEED)]
    pub seed: u64,
}

/// `kefu.toml` in the data folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    /// How long an API token lives, in hours (default 12).
    pub token_ttl_hours: Option<u64>,
    /// Reverse proxies whose `X-Forwarded-For` names the client, as addresses
    /// or ranges: `["127.0.0.1", "10.0.0.0/8"]`. None: the header is ignored.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// Where e-mails about late work are sent through.
    pub smtp: Option<SmtpFile>,
    pub webhooks: Option<WebhooksFile>,
    pub backup: Option<BackupFile>,
}

/// `[backup]` in kefu.toml: scheduled backups of the embedded database.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupFile {
    /// How often: `1d`, `12h`, `30m`, `90s`.
    pub every: String,
    /// How many to keep, newest first (default 7).
    pub keep: Option<usize>,
    /// Where (default `backups` in the data folder).
    pub folder: Option<PathBuf>,
}

/// `[webhooks]` in kefu.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksFile {
    /// Hosts inside the network that webhooks may be sent to anyway, as
    /// names or addresses: `["dms.dealer.lan", "10.1.2.3"]`.
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
}

/// `[smtp]` in kefu.toml.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpFile {
    /// `smtp://host:25`, `smtp://host:587?tls=required`, `smtps://user:password@host:465`
    pub url: String,
    /// The sender, e.g. `客服中心 <kefu@example.com>`.
    pub from: String,
}

impl std::fmt::Debug for SmtpFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpFile")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// Everything resolved.
pub struct Settings {
    pub data: PathBuf,
    pub database_url: Option<String>,
    pub listen: String,
    pub token_ttl: Duration,
    pub trusted_proxies: Vec<kefu_core::net::AddrRange>,
    pub webhook_allowed_hosts: Vec<String>,
    pub backup: Option<crate::commands::backup::Schedule>,
    pub smtp: Option<kefu_app::SmtpConfig>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("data", &self.data)
            .field(
                "database_url",
                &self.database_url.as_ref().map(|_| "<redacted>"),
            )
            .field("listen", &self.listen)
            .finish()
    }
}

pub fn resolve(db: &DbArgs, listen: Option<&str>) -> anyhow::Result<Settings> {
    let data = db
        .data
        .clone()
        .unwrap_or_else(|| PathBuf::from("kefu-data"));
    let file = read_file_config(&data)?;
    Ok(Settings {
        database_url: db
            .database_url
            .clone()
            .or(file.database_url)
            .filter(|u| !u.is_empty()),
        listen: listen
            .map(str::to_owned)
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
        token_ttl: Duration::from_secs(file.token_ttl_hours.unwrap_or(12).max(1) * 3600),
        trusted_proxies: file
            .trusted_proxies
            .iter()
            .map(|r| kefu_core::net::AddrRange::parse(r))
            .collect::<Result<_, _>>()
            .map_err(|e| anyhow::anyhow!("{}: {}", e.field, e.message))
            .with_context(|| format!("reading {}", data.join("kefu.toml").display()))?,
        webhook_allowed_hosts: file.webhooks.map(|w| w.allowed_hosts).unwrap_or_default(),
        backup: file
            .backup
            .map(|b| schedule(b, &data))
            .transpose()
            .with_context(|| format!("reading {}", data.join("kefu.toml").display()))?,
        smtp: smtp(file.smtp),
        data,
    })
}

fn schedule(b: BackupFile, data: &Path) -> anyhow::Result<crate::commands::backup::Schedule> {
    let every = interval(&b.every).ok_or_else(|| {
        anyhow::anyhow!(
            "[backup] every = {:?}: write a number and d, h, m or s, e.g. \"1d\"",
            b.every
        )
    })?;
    Ok(crate::commands::backup::Schedule {
        every,
        keep: b.keep.unwrap_or(7).max(1),
        folder: match b.folder {
            Some(f) if f.is_absolute() => f,
            Some(f) => data.join(f),
            None => data.join("backups"),
        },
    })
}

/// `1d`, `12h`, `30m`, `90s`: at least a second, at most a year.
fn interval(raw: &str) -> Option<Duration> {
    let raw = raw.trim();
    let unit = raw.chars().last()?;
    let n: u64 = raw[..raw.len() - unit.len_utf8()].trim().parse().ok()?;
    let secs = match unit {
        'd' => n.checked_mul(86_400)?,
        'h' => n.checked_mul(3_600)?,
        'm' => n.checked_mul(60)?,
        's' => n,
        _ => return None,
    };
    (1..=366 * 86_400)
        .contains(&secs)
        .then(|| Duration::from_secs(secs))
}

/// `KEFU_SMTP_URL` and `KEFU_SMTP_FROM` win over `[smtp]` in kefu.toml.
fn smtp(file: Option<SmtpFile>) -> Option<kefu_app::SmtpConfig> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let file = file.unwrap_or_default();
    let url = env("KEFU_SMTP_URL").or(Some(file.url).filter(|u| !u.is_empty()))?;
    let from = env("KEFU_SMTP_FROM").or(Some(file.from).filter(|f| !f.is_empty()))?;
    Some(kefu_app::SmtpConfig { url, from })
}

fn read_file_config(data: &Path) -> anyhow::Result<FileConfig> {
    let path = data.join("kefu.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).with_context(|| format!("reading {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileConfig::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Logs go to stderr; `KEFU_LOG` sets the filter (e.g. `warn`, `kefu=debug`).
/// Colours only on a terminal, so log files and the journal stay plain text.
pub fn init_logging() {
    use std::io::IsTerminal;
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    let filter: Targets = std::env::var("KEFU_LOG")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| "info,sqlx=warn".parse().unwrap_or_default());
    let ansi = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(ansi),
        )
        .with(filter)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_as_written() {
        assert_eq!(interval("1d"), Some(Duration::from_secs(86_400)));
        assert_eq!(interval(" 12h "), Some(Duration::from_secs(43_200)));
        assert_eq!(interval("90s"), Some(Duration::from_secs(90)));
        for bad in [
            "",
            "d",
            "0s",
            "1w",
            "-1d",
            "1.5h",
            "400d",
            "99999999999999999999d",
        ] {
            assert_eq!(interval(bad), None, "{bad}");
        }
    }
}
