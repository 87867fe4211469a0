//! `kefu backup` and `kefu restore`, and the scheduled backups of a running
//! `kefu serve` on the embedded database.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;

use crate::config::{BackupArgs, RestoreArgs, Settings, resolve};

/// What `kefu backup` says on PostgreSQL, whose own tools copy it better.
const ON_POSTGRES: &str = "kefu is on PostgreSQL here: back it up with PostgreSQL's own tools, \
     e.g. `pg_dump --format=custom --file=kefu.dump DATABASE_URL`, and restore with \
     `pg_restore --dbname=DATABASE_URL kefu.dump`";

pub async fn run(args: BackupArgs) -> anyhow::Result<()> {
    let settings = resolve(&args.db, None)?;
    if settings.database_url.is_some() {
        anyhow::bail!(ON_POSTGRES);
    }
    let done = copy(&settings.data, &args.to).await?;
    println!(
        "backed up {} to {} ({}, schema version {})",
        settings.data.join("kefu.db").display(),
        args.to.display(),
        size(done.bytes),
        done.version
    );
    Ok(())
}

pub struct Copied {
    pub bytes: u64,
    pub version: i64,
}

/// A checked copy of the data folder's database at `to`, which must not
/// exist: written beside it under another name, checked, then renamed, so
/// that `to` is never a half-written file.
pub async fn copy(data: &Path, to: &Path) -> anyhow::Result<Copied> {
    let db = data.join("kefu.db");
    if !db.is_file() {
        anyhow::bail!("there is no database at {}", db.display());
    }
    if to.exists() {
        anyhow::bail!("{} exists already; name a new file", to.display());
    }
    let partial = partial_name(to);
    let _ = std::fs::remove_file(&partial);
    let result = async {
        kefu_store::backup::sqlite_copy(&db, &partial)
            .await
            .with_context(|| format!("copying {} to {}", db.display(), partial.display()))?;
        let version = kefu_store::backup::sqlite_check(&partial)
            .await
            .context("checking the copy")?;
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, to)
            .with_context(|| format!("renaming the copy to {}", to.display()))?;
        let bytes = std::fs::metadata(to)?.len();
        anyhow::Ok(Copied { bytes, version })
    }
    .await;
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn partial_name(to: &Path) -> PathBuf {
    let mut name = to.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    to.with_file_name(name)
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let settings = resolve(&args.db, None)?;
    if settings.database_url.is_some() {
        anyhow::bail!(ON_POSTGRES);
    }
    let version = kefu_store::backup::sqlite_check(&args.file)
        .await
        .with_context(|| format!("{} is not a whole kefu backup", args.file.display()))?;
    // A running kefu holds the folder's lock; a folder with a database is
    // someone's data. Neither is overwritten.
    let _owner = super::serve::own_data_folder(&settings.data)?;
    let db = settings.data.join("kefu.db");
    for live in [db.clone(), settings.data.join("kefu.db-wal")] {
        if live.exists() {
            anyhow::bail!(
                "{} holds a database already ({}); restore into a new folder",
                settings.data.display(),
                live.display()
            );
        }
    }
    let partial = partial_name(&db);
    std::fs::copy(&args.file, &partial)
        .with_context(|| format!("copying {} to {}", args.file.display(), partial.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &db)?;
    println!(
        "restored {} into {} (schema version {version}); start it with `kefu serve --data {}`",
        args.file.display(),
        settings.data.display(),
        settings.data.display()
    );
    Ok(())
}

/// `[backup]` in kefu.toml, resolved.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub every: Duration,
    pub keep: usize,
    pub folder: PathBuf,
}

/// While `kefu serve` runs on the embedded database: a backup every
/// `every` into `folder`, named by its time, keeping the newest `keep`.
pub fn schedule(settings: &Settings) -> Option<tokio::task::JoinHandle<()>> {
    let plan = settings.backup.clone()?;
    if settings.database_url.is_some() {
        tracing::warn!("[backup] is for the embedded database; on PostgreSQL use pg_dump");
        return None;
    }
    let data = settings.data.clone();
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(plan.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            match scheduled_once(&data, &plan).await {
                Ok(path) => tracing::info!(path = %path.display(), "backup written"),
                Err(e) => tracing::error!(error = format!("{e:#}"), "scheduled backup failed"),
            }
        }
    }))
}

async fn scheduled_once(data: &Path, plan: &Schedule) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(&plan.folder)
        .with_context(|| format!("creating {}", plan.folder.display()))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let to = plan.folder.join(format!("kefu-{stamp}.db"));
    copy(data, &to).await?;
    // Names sort by time: drop the oldest beyond `keep`.
    let mut ours: Vec<PathBuf> = std::fs::read_dir(&plan.folder)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("kefu-") && n.ends_with(".db"))
        })
        .collect();
    ours.sort();
    let extra = ours.len().saturating_sub(plan.keep.max(1));
    for old in &ours[..extra] {
        std::fs::remove_file(old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(to)
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30)),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b => format!("{:.1} KiB", b as f64 / 1024.0),
    }
}
