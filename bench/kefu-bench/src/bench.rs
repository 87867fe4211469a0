//! One invocation's context: options, where things live, the prepared data
//! (made once, shared by every scenario), the floors (measured once, put
//! beside every scenario that needs them) and the rows measured so far.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::Opts;
use crate::data::{Checkout, Source, Want};
use crate::fixtures;
use crate::floors::{self, Floor};
use crate::load::Spec;
use crate::process::Watch;
use crate::report::{Document, Machine, Row, print_table};
use crate::server::Server;

pub struct Bench {
    pub opts: Opts,
    pub kefu: PathBuf,
    pub cache: PathBuf,
    /// This invocation's folder: data copies, server logs, scratch databases.
    pub work: PathBuf,
    machine: Machine,
    date: String,
    git: Option<String>,
    source: Option<Source>,
    floors: Vec<(Floor, Row)>,
    pub rows: Vec<Row>,
}

/// The server a scenario measures, logged in.
pub struct Target {
    pub base: String,
    pub token: String,
    pub pid: Option<u32>,
    server: Option<Server>,
    checkout: Option<Checkout>,
}

impl Target {
    /// What to watch during the load.
    pub fn watch(&self) -> Vec<Watch> {
        self.pid.map(Watch::Process).into_iter().collect()
    }

    /// Stop the server and drop its copy of the data.
    pub async fn finish(self) -> anyhow::Result<()> {
        let stopped = match self.server {
            Some(s) => s.stop().await,
            None => Ok(()),
        };
        if let Some(c) = self.checkout {
            c.release().await?;
        }
        stopped
    }
}

impl Bench {
    pub fn new(opts: Opts) -> anyhow::Result<Bench> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let root = root.canonicalize().unwrap_or(root);
        let kefu = opts
            .kefu
            .clone()
            .unwrap_or_else(|| root.join("target/release/kefu"));
        let cache = opts
            .cache
            .clone()
            .unwrap_or_else(|| root.join("target/kefu-bench"));
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let work = cache.join(format!("run-{stamp}-{}", std::process::id()));
        std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
        let git = std::process::Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["describe", "--always", "--dirty"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned());
        Ok(Bench {
            machine: Machine::read(),
            date: chrono::Local::now().to_rfc3339(),
            git,
            kefu,
            cache,
            work,
            opts,
            source: None,
            floors: Vec::new(),
            rows: Vec::new(),
        })
    }

    /// The load shape from the options.
    pub fn spec(&self, watch: Vec<Watch>) -> Spec {
        Spec {
            clients: self.opts.clients.max(1),
            warmup: Duration::from_secs_f64(self.opts.warmup.max(0.0)),
            duration: Duration::from_secs_f64(self.opts.duration.max(0.1)),
            count: self.opts.count,
            seed: self.seed(),
            watch,
        }
    }

    pub fn seed(&self) -> u64 {
        self.opts.seed.unwrap_or(0x6b65_6675)
    }

    fn require_kefu(&self) -> anyhow::Result<()> {
        if !self.kefu.is_file() {
            bail!(
                "{} not found: build it with `cargo build --release -p kefu`, or pass --kefu",
                self.kefu.display()
            );
        }
        Ok(())
    }

    /// The prepared data, made on first use.
    pub async fn source(&mut self) -> anyhow::Result<Source> {
        if let Some(s) = &self.source {
            return Ok(s.clone());
        }
        let s = match &self.opts.data {
            Some(dir) => Source::existing(dir)?,
            None => {
                self.require_kefu()?;
                Source::prepare(&Want {
                    kefu: self.kefu.clone(),
                    cache: self.cache.clone(),
                    customers: self.opts.customers,
                    tickets: self.opts.tickets,
                    open: self.opts.open,
                    seed: self.opts.seed,
                    database_url: self.opts.database_url.clone(),
                    fallback_tickets: 2000,
                })
                .await?
            }
        };
        self.source = Some(s.clone());
        Ok(s)
    }

    /// A fresh copy of the data served by a fresh `kefu serve`, or the
    /// server given with `--url`; logged in as `--user`.
    pub async fn target(&mut self, name: &str) -> anyhow::Result<Target> {
        if let Some(url) = self.opts.url.clone() {
            let token = fixtures::login(&url, &self.opts.user, &self.opts.password).await?;
            return Ok(Target {
                base: url,
                token,
                pid: self.opts.pid,
                server: None,
                checkout: None,
            });
        }
        let source = self.source().await?;
        self.require_kefu()?;
        let checkout = source.checkout(&self.work).await?;
        let launch = checkout.launch(&self.kefu, self.work.join(format!("serve-{name}.log")));
        let server = match Server::start(&launch, &[]).await {
            Ok(s) => s,
            Err(e) => {
                checkout.release().await?;
                return Err(e);
            }
        };
        let token = fixtures::login(&server.base, &self.opts.user, &self.opts.password).await?;
        Ok(Target {
            base: server.base.clone(),
            token,
            pid: Some(server.pid),
            server: Some(server),
            checkout: Some(checkout),
        })
    }

    /// A floor, measured on first use and then reused; `None` with
    /// `--no-floors` or when it cannot be measured here.
    pub async fn floor(&mut self, f: Floor) -> anyhow::Result<Option<Row>> {
        if self.opts.no_floors && !is_floor_scenario(self.opts.scenario) {
            return Ok(None);
        }
        if let Some((_, r)) = self.floors.iter().find(|(g, _)| *g == f) {
            return Ok(Some(r.clone()));
        }
        eprintln!("kefu-bench: floor {}", f.name());
        let measured = floors::measure(self, f).await?;
        for (g, r) in &measured {
            self.rows.push(r.clone());
            self.floors.push((*g, r.clone()));
        }
        Ok(measured.into_iter().find(|(g, _)| *g == f).map(|(_, r)| r))
    }

    /// Put every floor in `fs` that could be measured beside `row`.
    pub async fn against(&mut self, row: &mut Row, fs: &[Floor]) -> anyhow::Result<()> {
        for f in fs {
            if let Some(floor) = self.floor(*f).await? {
                row.against(&floor);
            }
        }
        Ok(())
    }

    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// Print the table, write the JSON, clean up.
    pub async fn finish(self, failed: &[String]) -> anyhow::Result<()> {
        // With `--json -` stdout is the JSON alone; the table goes to stderr.
        if self.opts.json.as_deref() == Some("-") {
            print_table(&self.rows, &mut std::io::stderr().lock())?;
        } else {
            print_table(&self.rows, &mut std::io::stdout().lock())?;
        }
        let database = if self.opts.database_url.is_some() {
            "postgres"
        } else {
            "sqlite"
        };
        let doc = Document {
            tool: "kefu-bench",
            date: self.date.clone(),
            command: std::env::args().collect(),
            git: self.git.clone(),
            machine: self.machine.clone(),
            setup: serde_json::json!({
                "kefu": self.kefu,
                // The tree may be dirty: when the binary was built says which.
                "kefu_built": std::fs::metadata(&self.kefu)
                    .and_then(|m| m.modified())
                    .ok()
                    .map(|t| chrono::DateTime::<chrono::Local>::from(t).to_rfc3339()),
                "url": self.opts.url,
                "database": database,
                "data": self.source.as_ref().map(|s| s.made_by().to_owned()),
                "customers_requested": self.opts.customers,
                "tickets_requested": self.opts.tickets,
                "open_requested": self.opts.open,
                "clients": self.opts.clients,
                "duration_s": self.opts.duration,
                "warmup_s": self.opts.warmup,
                "count": self.opts.count,
                "bench_threads": self.opts.threads,
                "failed": failed,
            }),
            rows: self.rows,
        };
        if let Some(to) = &self.opts.json {
            doc.write_json(to)?;
        }
        if !self.opts.keep {
            let work = self.work.clone();
            tokio::task::spawn_blocking(move || std::fs::remove_dir_all(work)).await??;
        } else {
            eprintln!("kefu-bench: kept {}", self.work.display());
        }
        Ok(())
    }
}

fn is_floor_scenario(s: crate::Scenario) -> bool {
    use crate::Scenario::*;
    matches!(s, Floors | FloorHttp | FloorInsert | FloorRead)
}
