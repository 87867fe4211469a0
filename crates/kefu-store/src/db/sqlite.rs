//! SQLite connections kept by kefu itself rather than by sqlx's pool: the one
//! writer behind a lock, and the readers in a small free list.
//!
//! sqlx's pool tests a connection when it is taken and again when it is
//! given back, and on SQLite each test is a round trip to the connection's
//! worker thread: two thread switches each way. A write transaction paid four
//! of them on top of its own statements, a request that read twice paid
//! eight. A local SQLite file needs no liveness test, so these
//! connections are handed out as they are.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use sqlx::{Any, AnyConnection, AssertSqlSafe, ConnectOptions, Database, Executor, SqlSafeStr};
use sqlx_core::transaction::TransactionManager;
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

use crate::Result;

type Manager = <Any as Database>::TransactionManager;

/// Open one connection and apply `pragmas` to it.
async fn connect(url: &str, pragmas: &str) -> Result<AnyConnection> {
    let mut conn = super::quiet(url)?.connect().await?;
    conn.execute(sqlx::raw_sql(AssertSqlSafe(pragmas.to_owned())))
        .await?;
    Ok(conn)
}

/// The only connection that writes; `None` once the store is closed.
pub(crate) struct Writer {
    conn: Arc<tokio::sync::Mutex<Option<AnyConnection>>>,
}

impl Writer {
    pub async fn open(url: &str, pragmas: &str) -> Result<Writer> {
        let conn = connect(url, pragmas).await?;
        Ok(Writer {
            conn: Arc::new(tokio::sync::Mutex::new(Some(conn))),
        })
    }

    /// Wait for the writer, then take SQLite's write lock at once
    /// (`BEGIN IMMEDIATE`) so the transaction can never fail half-way with
    /// `SQLITE_BUSY`.
    pub async fn begin(&self) -> Result<WriteTx> {
        let mut guard = self.conn.clone().lock_owned().await;
        let conn = guard.as_mut().ok_or(sqlx::Error::PoolClosed)?;
        // A transaction whose handle was dropped is rolled back by a command
        // queued on the connection; should the connection's worker have
        // skipped it (a commit it finished after its caller was cancelled
        // makes it skip the next one), it is rolled back here, before
        // anything else is written.
        if Manager::get_transaction_depth(conn) > 0 {
            Manager::rollback(conn).await?;
        }
        Manager::begin(conn, Some("BEGIN IMMEDIATE".into_sql_str())).await?;
        Ok(WriteTx {
            conn: guard,
            open: true,
        })
    }

    /// Close the connection (SQLite checkpoints its log on the last close);
    /// later writes fail as on a closed pool.
    pub async fn close(&self) {
        if let Some(conn) = self.conn.lock().await.take() {
            let _ = sqlx::Connection::close(conn).await;
        }
    }
}

/// A write transaction on the writer, which stays locked until it is
/// committed or dropped; dropped uncommitted, it rolls back.
pub struct WriteTx {
    conn: OwnedMutexGuard<Option<AnyConnection>>,
    open: bool,
}

impl WriteTx {
    pub async fn commit(mut self) -> std::result::Result<(), sqlx::Error> {
        Manager::commit(&mut self).await?;
        self.open = false;
        Ok(())
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if self.open
            && let Some(conn) = self.conn.as_mut()
        {
            // Queued on the connection's worker at once, so it runs before
            // any statement of the next holder of the lock.
            Manager::start_rollback(conn);
        }
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        // `begin` hands out a transaction only on an open connection, and
        // `close` waits for the lock the transaction holds.
        self.conn
            .as_ref()
            .expect("the writer is open while a transaction holds it")
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.conn
            .as_mut()
            .expect("the writer is open while a transaction holds it")
    }
}

/// Read-only connections, opened as they are first needed, up to a limit.
pub(crate) struct Readers {
    url: String,
    pragmas: String,
    idle: Mutex<Vec<AnyConnection>>,
    permits: Arc<Semaphore>,
}

impl Readers {
    pub fn new(url: String, pragmas: String, max: u32) -> Arc<Readers> {
        Arc::new(Readers {
            url,
            pragmas,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(max.max(1) as usize)),
        })
    }

    pub async fn acquire(self: &Arc<Self>) -> Result<ReadConn> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let conn = match idle {
            Some(c) => c,
            None => connect(&self.url, &self.pragmas).await?,
        };
        Ok(ReadConn {
            conn: Some(conn),
            home: self.clone(),
            _permit: permit,
        })
    }

    pub async fn close(&self) {
        self.permits.close();
        let idle = self
            .idle
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default();
        for c in idle {
            let _ = sqlx::Connection::close(c).await;
        }
    }
}

/// A reader, back in the free list when dropped.
pub struct ReadConn {
    conn: Option<AnyConnection>,
    home: Arc<Readers>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for ReadConn {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        if Manager::get_transaction_depth(&conn) > 0 {
            Manager::start_rollback(&mut conn);
        }
        if self.home.permits.is_closed() {
            return;
        }
        if let Ok(mut idle) = self.home.idle.lock() {
            idle.push(conn);
        }
    }
}

impl Deref for ReadConn {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        self.conn.as_ref().expect("a reader in use")
    }
}

impl DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.conn.as_mut().expect("a reader in use")
    }
}
