//! Opening the database: SQLite in WAL mode with one writer and a pool of
//! readers, or a PostgreSQL pool that several `kefu serve` processes share.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::{PoolConnection, PoolConnectionMetadata};
use sqlx::{Any, AnyPool, AssertSqlSafe, ConnectOptions, Executor};

use crate::Result;

pub type Conn = sqlx::AnyConnection;
pub type Tx = sqlx::Transaction<'static, Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Reader connections for SQLite, or the whole pool for PostgreSQL.
    pub max_connections: u32,
    /// How long a SQLite connection waits for a lock before giving up.
    pub busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// The database handle. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// SQLite: the single writer connection. PostgreSQL: the same pool as `read`.
    write: AnyPool,
    read: AnyPool,
    /// PostgreSQL: where to open a listening connection (see [`crate::live`]).
    url: Option<Arc<str>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

/// The writer's page cache, in KiB.
const WRITER_CACHE_KIB: u32 = 64 * 1024;

impl Store {
    /// The embedded database: `kefu.db` in the data folder, created if missing.
    pub async fn open_sqlite(dir: &Path, opts: &StoreOptions) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let file = dir.join("kefu.db");
        let url = format!("sqlite://{}", file.display());
        let busy_ms = opts.busy_timeout.as_millis();
        // Statement journals (kept for every multi-row write) stay in memory
        // rather than in a temporary file.
        let pragmas: Arc<str> = format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {busy_ms}; \
             PRAGMA temp_store = MEMORY;"
        )
        .into();
        // The one writer keeps more pages: with SQLite's default 2 MB, a large
        // transaction spills pages to the log before it commits, and every
        // index insertion rereads pages from the operating system.
        let writer_pragmas: Arc<str> =
            format!("{pragmas} PRAGMA cache_size = -{WRITER_CACHE_KIB};").into();
        let write = AnyPoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .after_connect(on_connect(writer_pragmas))
            .connect_with(quiet(&format!("{url}?mode=rwc"))?)
            .await?;
        let read = AnyPoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .after_connect(on_connect(pragmas))
            .connect_with(quiet(&format!("{url}?mode=ro"))?)
            .await?;
        Ok(Store {
            backend: Backend::Sqlite,
            write,
            read,
            url: None,
        })
    }

    /// A PostgreSQL database given by URL (`postgres://...`).
    pub async fn open_postgres(url: &str, opts: &StoreOptions) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(opts.max_connections.max(2))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(quiet(url)?)
            .await?;
        Ok(Store {
            backend: Backend::Postgres,
            write: pool.clone(),
            read: pool,
            url: Some(url.into()),
        })
    }

    /// The PostgreSQL server's address, for a connection of its own.
    pub(crate) fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`) so it can never fail half-way with `SQLITE_BUSY`.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.write.begin().await?,
        })
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<PoolConnection<Any>> {
        Ok(self.read.acquire().await?)
    }

    /// Close every connection; SQLite checkpoints its WAL on the last close.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

fn quiet(url: &str) -> Result<AnyConnectOptions> {
    Ok(AnyConnectOptions::from_str(url)?
        .log_statements(log::LevelFilter::Trace)
        .log_slow_statements(log::LevelFilter::Warn, Duration::from_millis(500)))
}

/// Run the SQLite settings on every new connection.
fn on_connect(
    pragmas: Arc<str>,
) -> impl for<'c> Fn(&'c mut Conn, PoolConnectionMetadata) -> BoxFuture<'c> + Send + Sync + 'static
{
    move |conn, _| {
        let pragmas = pragmas.clone();
        Box::pin(async move {
            conn.execute(sqlx::raw_sql(AssertSqlSafe(pragmas))).await?;
            Ok(())
        })
    }
}

type BoxFuture<'c> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), sqlx::Error>> + Send + 'c>>;
