//! Floors: what the same work costs with nothing of kefu in the way, measured
//! in the same run so that every figure reads as a ratio to the limit.
//!
//! - `floor-http`: an empty axum handler in this process (its own runtime
//!   with a worker per core, like `kefu serve`), driven by the same clients.
//! - `floor-insert-1` / `floor-insert-batch`: work-order rows inserted into
//!   a fresh SQLite file with kefu's own migrations (WAL, synchronous =
//!   NORMAL, foreign keys on) through one prepared statement: one row per
//!   transaction, then `--batch` rows per transaction.
//! - `floor-read`: `SELECT * FROM tickets WHERE id = ?` on the prepared data
//!   through a pool of read-only connections, as many as kefu's read pool.
//! - `floor-exec`: exec of `kefu --version` to its exit, for `start`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Connection, SqliteConnection};

use crate::bench::Bench;
use crate::data::Source;
use crate::load::{self, ClientState, Http, Outcome, Workload};
use crate::process::{Watch, current_tid};
use crate::report::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    Http,
    InsertSingle,
    InsertBatched,
    Read,
    Exec,
}

impl Floor {
    pub fn name(self) -> &'static str {
        match self {
            Floor::Http => "floor-http",
            Floor::InsertSingle => "floor-insert-1",
            Floor::InsertBatched => "floor-insert-batch",
            Floor::Read => "floor-read",
            Floor::Exec => "floor-exec",
        }
    }
}

/// `floors`: the three of the issue (the insert floor is two rows).
pub async fn all(b: &mut Bench) -> anyhow::Result<()> {
    for f in [Floor::Http, Floor::InsertSingle, Floor::Read] {
        b.floor(f).await?;
    }
    Ok(())
}

/// Measure `f` (the insert floors come together).
pub async fn measure(b: &mut Bench, f: Floor) -> anyhow::Result<Vec<(Floor, Row)>> {
    Ok(match f {
        Floor::Http => vec![(f, http(b).await?)],
        Floor::InsertSingle | Floor::InsertBatched => insert(b).await?,
        Floor::Read => read(b).await?.map(|r| (f, r)).into_iter().collect(),
        Floor::Exec => vec![(f, exec(b).await?)],
    })
}

// ---- floor-http -------------------------------------------------------------

struct Empty {
    base: String,
}

impl Workload for Empty {
    type Client = Http;
    async fn connect(&self, _: usize) -> anyhow::Result<Http> {
        Http::new(&self.base, None)
    }
    async fn call(&self, c: &mut Http, _: &mut ClientState) -> Outcome {
        Outcome::of(0, c.get("/").await.map(drop))
    }
}

async fn http(b: &mut Bench) -> anyhow::Result<Row> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let tids = Arc::new(Mutex::new(Vec::new()));
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let seen = tids.clone();
    let thread = std::thread::spawn(move || -> anyhow::Result<()> {
        let record = move || {
            if let (Some(t), Ok(mut v)) = (current_tid(), seen.lock()) {
                v.push(t);
            }
        };
        record();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .on_thread_start(record)
            .build()?;
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            addr_tx.send(listener.local_addr()?)?;
            let app = axum::Router::new().route("/", axum::routing::get(|| async {}));
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await?;
            Ok(())
        })
    });
    let addr = tokio::task::spawn_blocking(move || addr_rx.recv_timeout(Duration::from_secs(10)))
        .await?
        .context("the empty axum server did not start")?;
    // Let the runtime's workers start so their ids are known.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let watch = Watch::Threads(tids.lock().map(|v| v.clone()).unwrap_or_default());
    let w = Arc::new(Empty {
        base: format!("http://{addr}"),
    });
    let spec = b.spec(vec![watch]);
    let run = load::run(w, &spec).await;
    let _ = stop_tx.send(());
    tokio::task::spawn_blocking(move || thread.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the empty axum server panicked"))??;
    let mut row = Row::from_run(
        Floor::Http.name(),
        "GET / → 200, empty axum handler in-process",
        spec.clients,
        &run?,
        1.0,
        "req/s",
    );
    row.note("server CPU is the in-process axum runtime's threads; it has no RSS of its own");
    Ok(row)
}

// ---- floor-insert -----------------------------------------------------------

const INSERT: &str = "INSERT INTO tickets (number, customer_id, vehicle_id, dealer_id, department_id, \
    assignee_id, channel, category, priority, subject, description, status, level, before_wait, \
    received_at, created_by, resolution, close_reason, satisfaction, callback_attempts, created_at, \
    updated_at, resolved_at, closed_at, policy_id) \
    VALUES (?, ?, ?, ?, NULL, NULL, 'phone', 'complaint', 'normal', ?, ?, 'new', 'L1', NULL, ?, ?, \
    NULL, NULL, NULL, 0, ?, ?, NULL, NULL, NULL)";

/// The parents a work order points at, so foreign keys hold.
const PARENTS: &str = "\
    INSERT INTO dealers (id, code, name, created_at, updated_at) VALUES (1, 'SH01', '上海浦东店', 0, 0);
    INSERT INTO users (id, username, display_name, role, dealer_id, password_hash, created_at, updated_at)
        VALUES (1, 'agent', '李坐席', 'agent', NULL, 'x', 0, 0);
    INSERT INTO customers (id, kind, name, phone, dealer_id, created_at, updated_at)
        VALUES (1, 'person', '张伟', '13800138000', 1, 0, 0);
    INSERT INTO vehicles (id, customer_id, vin, vin_last6, plate, dealer_id, created_at, updated_at)
        VALUES (1, 1, 'LSVAA4182E2100001', '100001', '沪A10000', 1, 0, 0);";

struct Insert {
    file: PathBuf,
    rows: usize,
    next: AtomicU64,
}

impl Workload for Insert {
    type Client = SqliteConnection;
    async fn connect(&self, _: usize) -> anyhow::Result<SqliteConnection> {
        Ok(SqliteConnection::connect_with(&write_options(&self.file)).await?)
    }
    async fn call(&self, c: &mut SqliteConnection, _: &mut ClientState) -> Outcome {
        Outcome::of(0, self.batch(c).await.map_err(|e| e.to_string()))
    }
}

impl Insert {
    async fn batch(&self, c: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        let mut tx = c.begin().await?;
        for _ in 0..self.rows {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            let now = chrono::Utc::now().timestamp_millis();
            sqlx::query(INSERT)
                .bind(format!("GD-BENCH-{n:09}"))
                .bind(1i64)
                .bind(1i64)
                .bind(1i64)
                .bind("保养后发动机异响")
                .bind("客户来电反映情况，坐席已记录，请门店跟进处理。（压测数据）")
                .bind(now)
                .bind(1i64)
                .bind(now)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }
}

fn write_options(file: &std::path::Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
}

/// kefu's SQLite migrations, in order.
fn migrations() -> anyhow::Result<Vec<(String, String)>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../crates/kefu-store/migrations/sqlite");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let sql =
                std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
            Ok((
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                sql,
            ))
        })
        .collect()
}

async fn insert(b: &mut Bench) -> anyhow::Result<Vec<(Floor, Row)>> {
    let mut out = Vec::new();
    for (floor, rows) in [
        (Floor::InsertSingle, 1),
        (Floor::InsertBatched, b.opts.batch.max(1)),
    ] {
        let file = b.work.join(format!("{}.db", floor.name()));
        {
            let mut c = SqliteConnection::connect_with(&write_options(&file)).await?;
            for (name, sql) in migrations()? {
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .with_context(|| format!("migration {name}"))?;
            }
            sqlx::raw_sql(PARENTS)
                .execute(&mut c)
                .await
                .context("parent rows")?;
            c.close().await?;
        }
        let w = Arc::new(Insert {
            file: file.clone(),
            rows,
            next: AtomicU64::new(0),
        });
        let mut spec = b.spec(Vec::new());
        spec.clients = 1;
        spec.count = None;
        let run = load::run(w, &spec).await?;
        let what = if rows == 1 {
            "INSERT a work-order row, one row per transaction".to_owned()
        } else {
            format!("INSERT work-order rows, {rows} per transaction")
        };
        let mut row = Row::from_run(floor.name(), &what, 1, &run, rows as f64, "rows/s");
        row.note(
            "SQLite, kefu's migrations, WAL, synchronous=NORMAL, foreign keys on, one writer; \
             latency is per transaction",
        );
        out.push((floor, row));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
    }
    Ok(out)
}

// ---- floor-read -------------------------------------------------------------

struct PkRead<P> {
    pool: P,
    max: i64,
}

impl Workload for PkRead<sqlx::SqlitePool> {
    type Client = sqlx::SqlitePool;
    async fn connect(&self, _: usize) -> anyhow::Result<Self::Client> {
        Ok(self.pool.clone())
    }
    async fn call(&self, pool: &mut Self::Client, st: &mut ClientState) -> Outcome {
        let id = st.rng.id(self.max as u64);
        let r = sqlx::query("SELECT * FROM tickets WHERE id = ?")
            .bind(id)
            .fetch_optional(&*pool)
            .await;
        Outcome::of(0, found(r.map(|o| o.is_some())))
    }
}

impl Workload for PkRead<sqlx::PgPool> {
    type Client = sqlx::PgPool;
    async fn connect(&self, _: usize) -> anyhow::Result<Self::Client> {
        Ok(self.pool.clone())
    }
    async fn call(&self, pool: &mut Self::Client, st: &mut ClientState) -> Outcome {
        let id = st.rng.id(self.max as u64);
        let r = sqlx::query("SELECT * FROM tickets WHERE id = $1")
            .bind(id)
            .fetch_optional(&*pool)
            .await;
        Outcome::of(0, found(r.map(|o| o.is_some())))
    }
}

fn found(r: Result<bool, sqlx::Error>) -> Result<(), String> {
    match r {
        Ok(true) => Ok(()),
        Ok(false) => Err("row missing".into()),
        Err(e) => Err(e.to_string()),
    }
}

async fn read(b: &mut Bench) -> anyhow::Result<Option<Row>> {
    let source = match (&b.opts.url, &b.opts.data) {
        (Some(_), None) => {
            eprintln!("kefu-bench: floor-read needs the data: pass --data with --url");
            return Ok(None);
        }
        _ => b.source().await?,
    };
    let spec = b.spec(Vec::new());
    let pool_size = b.opts.read_pool.max(1);
    let (run, what) = match &source {
        Source::Sqlite { .. } => {
            let file = source.sqlite_file().context("no database file")?;
            let opts = SqliteConnectOptions::new().filename(&file).read_only(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(pool_size)
                .connect_with(opts)
                .await
                .with_context(|| format!("opening {}", file.display()))?;
            let max: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM tickets")
                .fetch_one(&pool)
                .await?;
            let max = max
                .filter(|m| *m > 0)
                .context("the data holds no work orders")?;
            let run = load::run(
                Arc::new(PkRead {
                    pool: pool.clone(),
                    max,
                }),
                &spec,
            )
            .await?;
            pool.close().await;
            (
                run,
                format!(
                    "SELECT * FROM tickets WHERE id = ? ({max} orders, {pool_size} read-only connections)"
                ),
            )
        }
        Source::Postgres { .. } => {
            let checkout = source.checkout(&b.work).await?;
            let url = checkout.database_url.clone().context("no database URL")?;
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(pool_size)
                .connect(&url)
                .await?;
            let max: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM tickets")
                .fetch_one(&pool)
                .await?;
            let max = max
                .filter(|m| *m > 0)
                .context("the data holds no work orders")?;
            let run = load::run(
                Arc::new(PkRead {
                    pool: pool.clone(),
                    max,
                }),
                &spec,
            )
            .await;
            pool.close().await;
            checkout.release().await?;
            (
                run?,
                format!(
                    "SELECT * FROM tickets WHERE id = $1 ({max} orders, PostgreSQL, pool of {pool_size})"
                ),
            )
        }
    };
    Ok(Some(Row::from_run(
        Floor::Read.name(),
        &what,
        spec.clients,
        &run,
        1.0,
        "req/s",
    )))
}

// ---- floor-exec -------------------------------------------------------------

async fn exec(b: &mut Bench) -> anyhow::Result<Row> {
    let kefu = b.kefu.clone();
    let repeat = b.opts.repeat.max(1);
    let times = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<u32>> {
        let mut times = Vec::new();
        for _ in 0..repeat {
            let t0 = Instant::now();
            let out = std::process::Command::new(&kefu)
                .arg("--version")
                .output()
                .with_context(|| format!("running {} --version", kefu.display()))?;
            let took = t0.elapsed();
            anyhow::ensure!(out.status.success(), "kefu --version failed");
            times.push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
        }
        Ok(times)
    })
    .await??;
    Ok(exec_row(
        Floor::Exec.name(),
        "exec `kefu --version` to exit",
        times,
    ))
}

/// A row of wall times (microseconds) of whole runs, for `start` and its floor.
pub fn exec_row(scenario: &str, what: &str, times: Vec<u32>) -> Row {
    let total: f64 = times.iter().map(|t| *t as f64 / 1e6).sum();
    let run = load::Run {
        latencies: vec![times],
        errors: vec![0],
        error_kinds: Vec::new(),
        ops: vec!["start"],
        elapsed: Duration::from_secs_f64(total.max(1e-9)),
        watched: Vec::new(),
        bench: Default::default(),
    };
    let mut row = Row::from_run(scenario, what, 1, &run, 1.0, "");
    row.rate = 0.0;
    row.bench = None;
    row
}
