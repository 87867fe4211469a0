//! Opening the database: SQLite in WAL mode with one writer and a set of
//! readers (see [`sqlite`]), or a PostgreSQL pool that several `kefu serve`
//! processes share.

mod sqlite;

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, ConnectOptions};

use crate::Result;

use crate::Dialect;

pub type Conn = sqlx::AnyConnection;

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
    dialect: Dialect,
    engine: Engine,
}

#[derive(Clone)]
enum Engine {
    Sqlite {
        writer: Arc<sqlite::Writer>,
        readers: Arc<sqlite::Readers>,
        file: PathBuf,
        busy: Duration,
    },
    Postgres {
        pool: AnyPool,
        /// Where to open a listening connection (see [`crate::live`]).
        url: Arc<str>,
    },
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dialect", &self.dialect)
            .finish()
    }
}

/// The writer's page cache, in KiB.
pub(crate) const WRITER_CACHE_KIB: u32 = 64 * 1024;

impl Store {
    /// The embedded database: `kefu.db` in the data folder, created if missing.
    pub async fn open_sqlite(dir: &Path, opts: &StoreOptions) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let file = dir.join("kefu.db");
        let url = format!("sqlite://{}", file.display());
        let busy_ms = opts.busy_timeout.as_millis();
        // Statement journals (kept for every multi-row write) stay in memory
        // rather than in a temporary file.
        let pragmas = format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {busy_ms}; \
             PRAGMA temp_store = MEMORY;"
        );
        // The one writer keeps more pages: with SQLite's default 2 MB, a large
        // transaction spills pages to the log before it commits, and every
        // index insertion rereads pages from the operating system.
        let writer_pragmas = format!("{pragmas} PRAGMA cache_size = -{WRITER_CACHE_KIB};");
        let writer = sqlite::Writer::open(&format!("{url}?mode=rwc"), &writer_pragmas).await?;
        let readers = sqlite::Readers::new(format!("{url}?mode=ro"), pragmas, opts.max_connections);
        Ok(Store {
            dialect: Dialect::Sqlite,
            engine: Engine::Sqlite {
                writer: Arc::new(writer),
                readers,
                file,
                busy: opts.busy_timeout,
            },
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
            dialect: Dialect::Postgres,
            engine: Engine::Postgres {
                pool,
                url: url.into(),
            },
        })
    }

    /// The PostgreSQL server's address, for a connection of its own.
    pub(crate) fn url(&self) -> Option<&str> {
        match &self.engine {
            Engine::Postgres { url, .. } => Some(url),
            Engine::Sqlite { .. } => None,
        }
    }

    /// The engine, for what differs between the two ([`Dialect`]).
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The same as [`Store::dialect`], by its older name.
    pub fn backend(&self) -> Dialect {
        self.dialect
    }

    /// A write transaction. On SQLite it waits for the one writer and takes
    /// the write lock at once (`BEGIN IMMEDIATE`) so it can never fail
    /// half-way with `SQLITE_BUSY`.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match &self.engine {
            Engine::Sqlite { writer, .. } => Tx::Sqlite(writer.begin().await?),
            Engine::Postgres { pool, .. } => Tx::Postgres(pool.begin().await?),
        })
    }

    /// On SQLite, a connection of its own for filling the database in bulk
    /// ([`crate::bulk::Loader`]); `None` on PostgreSQL.
    pub(crate) fn loader(&self) -> Result<Option<crate::bulk::Loader>> {
        match &self.engine {
            Engine::Sqlite { file, busy, .. } => Ok(Some(crate::bulk::Loader::open(file, *busy)?)),
            Engine::Postgres { .. } => Ok(None),
        }
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<ReadConn> {
        Ok(match &self.engine {
            Engine::Sqlite { readers, .. } => ReadConn::Sqlite(readers.acquire().await?),
            Engine::Postgres { pool, .. } => ReadConn::Postgres(pool.acquire().await?),
        })
    }

    /// Close every connection; SQLite checkpoints its WAL on the last close.
    pub async fn close(&self) {
        match &self.engine {
            Engine::Sqlite {
                writer, readers, ..
            } => {
                readers.close().await;
                writer.close().await;
            }
            Engine::Postgres { pool, .. } => pool.close().await,
        }
    }
}

/// A write transaction: commit it, or it rolls back when dropped.
pub enum Tx {
    Sqlite(sqlite::WriteTx),
    Postgres(sqlx::Transaction<'static, Any>),
}

impl Tx {
    pub async fn commit(self) -> std::result::Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// A connection for reads, given back when dropped.
pub enum ReadConn {
    Sqlite(sqlite::ReadConn),
    Postgres(PoolConnection<Any>),
}

macro_rules! deref_to_conn {
    ($t:ty) => {
        impl Deref for $t {
            type Target = Conn;
            fn deref(&self) -> &Conn {
                match self {
                    Self::Sqlite(c) => c,
                    Self::Postgres(c) => c,
                }
            }
        }

        impl DerefMut for $t {
            fn deref_mut(&mut self) -> &mut Conn {
                match self {
                    Self::Sqlite(c) => c,
                    Self::Postgres(c) => c,
                }
            }
        }
    };
}

deref_to_conn!(Tx);
deref_to_conn!(ReadConn);

fn quiet(url: &str) -> Result<AnyConnectOptions> {
    Ok(AnyConnectOptions::from_str(url)?
        .log_statements(log::LevelFilter::Trace)
        .log_slow_statements(log::LevelFilter::Warn, Duration::from_millis(500)))
}
