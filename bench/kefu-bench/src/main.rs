//! `kefu-bench`: a load generator for kefu. It prepares data, starts a
//! release `kefu serve` (or targets a running one), drives it over HTTP with
//! N concurrent clients, and prints throughput, latency percentiles and the
//! server's CPU and memory beside floors measured in the same run
//! (ENGINEERING §7).
//!
//! Adding a scenario: a module in `scenarios/` with `pub async fn run(b: &mut
//! Bench) -> anyhow::Result<()>`, a variant of [`Scenario`] and its arm in
//! [`run_one`].

mod bench;
mod data;
mod fixtures;
mod floors;
mod load;
mod process;
mod report;
mod scenarios;
mod server;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};

use bench::Bench;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "kefu-bench",
    about = "Load generator for kefu, with floors measured in the same run"
)]
pub struct Opts {
    /// What to measure.
    #[arg(value_enum)]
    pub scenario: Scenario,
    /// Concurrent clients, each with its own connection.
    #[arg(long, default_value_t = 64)]
    pub clients: usize,
    /// Seconds measured, after the warm-up.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Seconds of unrecorded load first.
    #[arg(long, default_value_t = 2.0)]
    pub warmup: f64,
    /// Stop after this many recorded calls instead of after --duration.
    #[arg(long)]
    pub count: Option<u64>,
    /// Worker threads of the load generator (the server shares the cores).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// The kefu binary [default: target/release/kefu of this workspace].
    #[arg(long, value_name = "PATH")]
    pub kefu: Option<PathBuf>,
    /// Measure a kefu that is already running at this address instead.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// With --url: the server's process id, for its CPU and memory.
    #[arg(long)]
    pub pid: Option<u32>,
    /// Use this prepared data folder (copied per run) instead of generating one.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Run on PostgreSQL: a server URL whose database the bench connects to in
    /// order to create (and drop) a fresh database per run.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Customers to generate (`kefu demo --customers`).
    #[arg(long, default_value_t = 1_000_000)]
    pub customers: u64,
    /// Work orders to generate (`kefu demo --tickets`).
    #[arg(long, default_value_t = 1_000_000)]
    pub tickets: u64,
    /// How many of them are still open (`kefu demo --open`) [default: kefu's].
    #[arg(long)]
    pub open: Option<u64>,
    /// Seed for `kefu demo` and for the bench's random choices.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where generated data and run folders live [default: target/kefu-bench].
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// `clocks`: how many running clocks are moved to come due.
    #[arg(long, default_value_t = 1000)]
    pub due: usize,
    /// `clocks`: seconds of quiet, with no requests, to measure idle CPU over.
    #[arg(long, default_value_t = 60.0)]
    pub quiet: f64,
    /// `start`: how many starts.
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
    /// Write the JSON document to FILE (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub json: Option<String>,
    /// The user the clients log in as.
    #[arg(long, default_value = "agent")]
    pub user: String,
    #[arg(long, default_value = fixtures::DEMO_PASSWORD)]
    pub password: String,
    /// Rows per transaction of the batched insert floor.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Read connections of the read floor (kefu's default pool is 8).
    #[arg(long, default_value_t = 8)]
    pub read_pool: u32,
    /// Customers and vehicles sampled for phones, VINs and plates.
    #[arg(long, default_value_t = 2000)]
    pub sample: u64,
    /// Skip the floors.
    #[arg(long)]
    pub no_floors: bool,
    /// Keep this run's folder (data copies, server logs).
    #[arg(long)]
    pub keep: bool,
}

/// The scenarios. `all` runs every one that is not a floor (floors come with
/// the scenarios that need them) nor `clocks`, which wants data of its own
/// (every order open) and minutes of waiting.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Open new work orders.
    Create,
    /// GET a work order.
    Read,
    /// The screen pop: phone → customer, their vehicles, their open orders.
    Pop,
    /// Vehicle by plate or by the last six of the VIN.
    Lookup,
    /// A queue page of work orders.
    List,
    /// An agent's day: 60 % reads, 20 % lookups, 15 % creates, 5 % triage moves.
    Mixed,
    /// From exec to a healthy /healthz.
    Start,
    /// The workbench's pages: home and a work order, rendered on the server.
    Pages,
    /// Clocks coming due among a million open orders: firing lateness, idle CPU.
    Clocks,
    /// All floors.
    Floors,
    /// An empty axum handler over the same HTTP client.
    FloorHttp,
    /// Raw SQLite inserts of work-order rows.
    FloorInsert,
    /// Primary-key reads of work orders in SQLite.
    FloorRead,
    /// Every scenario with its floors.
    All,
}

impl Scenario {
    fn in_all(self) -> bool {
        !matches!(
            self,
            Scenario::All
                | Scenario::Clocks
                | Scenario::Floors
                | Scenario::FloorHttp
                | Scenario::FloorInsert
                | Scenario::FloorRead
        )
    }
}

async fn run_one(b: &mut Bench, s: Scenario) -> anyhow::Result<()> {
    match s {
        Scenario::Create => scenarios::create::run(b).await,
        Scenario::Read => scenarios::read::run(b).await,
        Scenario::Pop => scenarios::pop::run(b).await,
        Scenario::Lookup => scenarios::lookup::run(b).await,
        Scenario::List => scenarios::list::run(b).await,
        Scenario::Mixed => scenarios::mixed::run(b).await,
        Scenario::Start => scenarios::start::run(b).await,
        Scenario::Pages => scenarios::pages::run(b).await,
        Scenario::Clocks => scenarios::clocks::run(b).await,
        Scenario::Floors => floors::all(b).await,
        Scenario::FloorHttp => b.floor(floors::Floor::Http).await.map(drop),
        Scenario::FloorInsert => b.floor(floors::Floor::InsertSingle).await.map(drop),
        Scenario::FloorRead => b.floor(floors::Floor::Read).await.map(drop),
        Scenario::All => Ok(()),
    }
}

fn main() -> ExitCode {
    let opts = Opts::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(opts.threads.max(1))
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kefu-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(main_async(opts)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kefu-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn main_async(opts: Opts) -> anyhow::Result<()> {
    let list: Vec<Scenario> = if opts.scenario == Scenario::All {
        Scenario::value_variants()
            .iter()
            .copied()
            .filter(|s| s.in_all())
            .collect()
    } else {
        vec![opts.scenario]
    };
    let mut b = Bench::new(opts)?;
    let mut failed = Vec::new();
    for s in list {
        eprintln!("kefu-bench: == {s:?}");
        // One scenario failing must not hide the others' figures.
        if let Err(e) = run_one(&mut b, s).await {
            eprintln!("kefu-bench: {s:?} failed: {e:#}");
            failed.push(format!("{s:?}: {e:#}"));
        }
    }
    b.finish(&failed).await?;
    if !failed.is_empty() {
        anyhow::bail!("{} scenario(s) failed", failed.len());
    }
    Ok(())
}
