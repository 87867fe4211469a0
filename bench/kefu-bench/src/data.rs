//! The data a run measures on: generated once per size with `kefu demo`
//! (or, with a `kefu` that has no `demo` command yet, `kefu serve --demo`
//! plus orders opened through the API), cached, and copied for every run so
//! that one scenario's writes never reach the next.
//!
//! SQLite: a data folder under `<cache>/data/<key>/`, complete once it holds
//! `.kefu-bench-ready`. PostgreSQL: a template database
//! `kefu_bench_tpl_<key>`, and a fresh `CREATE DATABASE ... TEMPLATE` per
//! run, dropped afterwards.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::fixtures;
use crate::load::Rng;
use crate::server::{Launch, Server};

const READY: &str = ".kefu-bench-ready";

/// How much data, and how to make it.
#[derive(Debug, Clone)]
pub struct Want {
    pub kefu: PathBuf,
    pub cache: PathBuf,
    pub customers: u64,
    pub tickets: u64,
    /// How many orders are still open (`kefu demo --open`; its default if unset).
    pub open: Option<u64>,
    pub seed: Option<u64>,
    /// A PostgreSQL server: `postgres://user@host:port/maintenance_db`.
    pub database_url: Option<String>,
    /// Orders opened through the API when `kefu demo` is missing.
    pub fallback_tickets: u64,
}

/// Where prepared data lives.
#[derive(Debug, Clone)]
pub enum Source {
    /// An embedded data folder, never written to: runs work on copies.
    Sqlite { dir: PathBuf, made_by: String },
    /// A template database on a PostgreSQL server.
    Postgres {
        admin_url: String,
        template: String,
        made_by: String,
    },
}

/// One run's own copy.
pub struct Checkout {
    pub data: PathBuf,
    pub database_url: Option<String>,
    drop_database: Option<(String, String)>,
}

impl Source {
    /// Use an existing data folder as it is.
    pub fn existing(dir: &Path) -> anyhow::Result<Source> {
        if !dir.join("kefu.db").is_file() {
            bail!("{} holds no kefu.db", dir.display());
        }
        Ok(Source::Sqlite {
            dir: dir.to_path_buf(),
            made_by: format!("given: {}", dir.display()),
        })
    }

    /// Generate (or find in the cache) the data `want` asks for.
    pub async fn prepare(want: &Want) -> anyhow::Result<Source> {
        let demo = has_demo_command(&want.kefu).await;
        let key = if demo {
            let mut k = format!("c{}-t{}", want.customers, want.tickets);
            if let Some(o) = want.open {
                k.push_str(&format!("-o{o}"));
            }
            if let Some(s) = want.seed {
                k.push_str(&format!("-s{s}"));
            }
            k
        } else {
            format!("serve-demo-t{}", want.fallback_tickets)
        };
        let made_by = if demo {
            format!("kefu {}", demo_args(want).join(" "))
        } else {
            eprintln!(
                "kefu-bench: {} has no `demo` command yet; using `kefu serve --demo` \
                 (about 300 customers) and {} orders opened through the API; \
                 --customers/--tickets are ignored",
                want.kefu.display(),
                want.fallback_tickets
            );
            format!(
                "kefu serve --demo + {} orders over the API",
                want.fallback_tickets
            )
        };
        match &want.database_url {
            None => prepare_sqlite(want, demo, &key, made_by).await,
            Some(url) => prepare_postgres(want, url, demo, &key, made_by).await,
        }
    }

    pub fn made_by(&self) -> &str {
        match self {
            Source::Sqlite { made_by, .. } | Source::Postgres { made_by, .. } => made_by,
        }
    }

    /// The embedded database file, for the read floor.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match self {
            Source::Sqlite { dir, .. } => Some(dir.join("kefu.db")),
            Source::Postgres { .. } => None,
        }
    }

    /// A private copy for one run under `work`.
    pub async fn checkout(&self, work: &Path) -> anyhow::Result<Checkout> {
        static RUN: AtomicU32 = AtomicU32::new(0);
        let n = RUN.fetch_add(1, Ordering::Relaxed);
        let data = work.join(format!("data-{n}"));
        match self {
            Source::Sqlite { dir, .. } => {
                let (from, to) = (dir.clone(), data.clone());
                tokio::task::spawn_blocking(move || copy_folder(&from, &to)).await??;
                Ok(Checkout {
                    data,
                    database_url: None,
                    drop_database: None,
                })
            }
            Source::Postgres {
                admin_url,
                template,
                ..
            } => {
                std::fs::create_dir_all(&data)?;
                let name = format!("kefu_bench_{}_{n}", std::process::id());
                let mut admin = PgConnection::connect(admin_url)
                    .await
                    .with_context(|| format!("connecting to {admin_url}"))?;
                drop_db(&mut admin, &name).await?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
                )))
                .execute(&mut admin)
                .await
                .with_context(|| format!("creating database {name} from {template}"))?;
                Ok(Checkout {
                    data,
                    database_url: Some(with_database(admin_url, &name)?),
                    drop_database: Some((admin_url.clone(), name)),
                })
            }
        }
    }
}

impl Checkout {
    /// How to run `kefu` on this copy.
    pub fn launch(&self, kefu: &Path, log: PathBuf) -> Launch {
        Launch {
            kefu: kefu.to_path_buf(),
            data: self.data.clone(),
            database_url: self.database_url.clone(),
            log,
        }
    }

    /// Remove the copy.
    pub async fn release(self) -> anyhow::Result<()> {
        if let Some((admin_url, name)) = &self.drop_database {
            let mut admin = PgConnection::connect(admin_url).await?;
            drop_db(&mut admin, name).await?;
        }
        let data = self.data.clone();
        tokio::task::spawn_blocking(move || std::fs::remove_dir_all(data)).await??;
        Ok(())
    }
}

async fn prepare_sqlite(
    want: &Want,
    demo: bool,
    key: &str,
    made_by: String,
) -> anyhow::Result<Source> {
    let dir = want.cache.join("data").join(key);
    if dir.join(READY).is_file() {
        return Ok(Source::Sqlite { dir, made_by });
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    let launch = Launch {
        kefu: want.kefu.clone(),
        data: dir.clone(),
        database_url: None,
        log: want.cache.join(format!("generate-{key}.log")),
    };
    let started = Instant::now();
    generate(want, &launch, demo).await?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!("kefu-bench: generated {} in {secs:.1} s", dir.display());
    std::fs::write(
        dir.join(READY),
        serde_json::json!({ "made_by": made_by, "seconds": secs }).to_string(),
    )?;
    Ok(Source::Sqlite { dir, made_by })
}

async fn prepare_postgres(
    want: &Want,
    url: &str,
    demo: bool,
    key: &str,
    made_by: String,
) -> anyhow::Result<Source> {
    let template = format!("kefu_bench_tpl_{}", key.replace('-', "_"));
    let mut admin = PgConnection::connect(url)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&template)
        .fetch_optional(&mut admin)
        .await?;
    if exists.is_some() {
        return Ok(Source::Postgres {
            admin_url: url.into(),
            template,
            made_by,
        });
    }
    // Fill under a temporary name, rename when complete: a template that
    // exists is a finished one.
    let filling = format!("{template}_filling");
    drop_db(&mut admin, &filling).await?;
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{filling}\"")))
        .execute(&mut admin)
        .await?;
    let folder = want.cache.join("data").join(format!("pg-{key}"));
    std::fs::create_dir_all(&folder)?;
    let launch = Launch {
        kefu: want.kefu.clone(),
        data: folder,
        database_url: Some(with_database(url, &filling)?),
        log: want.cache.join(format!("generate-pg-{key}.log")),
    };
    let started = Instant::now();
    generate(want, &launch, demo).await?;
    eprintln!(
        "kefu-bench: generated database {template} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    sqlx::raw_sql(AssertSqlSafe(format!(
        "ALTER DATABASE \"{filling}\" RENAME TO \"{template}\""
    )))
    .execute(&mut admin)
    .await?;
    Ok(Source::Postgres {
        admin_url: url.into(),
        template,
        made_by,
    })
}

/// Fill an empty database.
async fn generate(want: &Want, launch: &Launch, demo: bool) -> anyhow::Result<()> {
    if demo {
        let args = demo_args(want);
        eprintln!("kefu-bench: generating data: kefu {}", args.join(" "));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        return launch.run(&args).await;
    }
    eprintln!("kefu-bench: generating data: kefu serve --demo");
    let server = Server::start(launch, &["--demo"]).await?;
    let token = fixtures::login(&server.base, "agent", fixtures::DEMO_PASSWORD).await?;
    let max_vehicle = fixtures::max_id(&server.base, &token, "vehicles").await?;
    let mut rng = Rng::new(want.seed.unwrap_or(1));
    let vehicles =
        fixtures::sample_vehicles(&server.base, &token, max_vehicle, 1000, &mut rng).await?;
    fixtures::open_orders(
        &server.base,
        &token,
        &vehicles,
        want.fallback_tickets,
        &mut rng,
    )
    .await?;
    server.stop().await
}

/// `demo --customers N --tickets M [--open O] [--seed S]`.
fn demo_args(want: &Want) -> Vec<String> {
    let mut args = vec![
        "demo".to_owned(),
        "--customers".to_owned(),
        want.customers.to_string(),
        "--tickets".to_owned(),
        want.tickets.to_string(),
    ];
    if let Some(o) = want.open {
        args.extend(["--open".to_owned(), o.to_string()]);
    }
    if let Some(s) = want.seed {
        args.extend(["--seed".to_owned(), s.to_string()]);
    }
    args
}

/// Whether this `kefu` has the `demo` command (it is being written).
async fn has_demo_command(kefu: &Path) -> bool {
    let kefu = kefu.to_path_buf();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(kefu)
            .args(["demo", "--help"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
    .await
    .unwrap_or(false)
}

/// Copy the files of a data folder (not its lock, not the marker).
fn copy_folder(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "kefu.lock" || name == READY || !entry.file_type()?.is_file() {
            continue;
        }
        let copy = to.join(&name);
        std::fs::copy(entry.path(), &copy)
            .with_context(|| format!("copying {}", entry.path().display()))?;
        // On disk before the server starts: else SQLite's first checkpoint
        // (an fsync of the database) writes out the whole fresh copy, and a
        // request in the measured window waits 1.5 s for it.
        std::fs::File::open(&copy)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("syncing {}", copy.display()))?;
    }
    Ok(())
}

async fn drop_db(admin: &mut PgConnection, name: &str) -> anyhow::Result<()> {
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(admin)
    .await
    .with_context(|| format!("dropping database {name}"))?;
    Ok(())
}

/// `url` with its database name replaced, query string kept.
pub fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let scheme_end = url.find("://").context("a database URL has a scheme")? + 3;
    let (main, query) = match url.find('?') {
        Some(q) => url.split_at(q),
        None => (url, ""),
    };
    let host_end = main[scheme_end..]
        .find('/')
        .map_or(main.len(), |i| scheme_end + i);
    Ok(format!("{}/{name}{query}", &main[..host_end]))
}
