//! Embedded migrations. `migrations/sqlite` and `migrations/postgres` hold the
//! same file names; applied files are history and never change. A database
//! that is newer than this binary is refused rather than misread.

use sqlx::{AssertSqlSafe, Executor, Row};

use crate::Dialect;
use crate::db::Store;
use crate::{Result, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_tickets"),
    migration!(3, "0003_clocks"),
    migration!(4, "0004_webhooks"),
    migration!(5, "0005_email"),
    migration!(6, "0006_calls"),
    migration!(7, "0007_settings_version"),
    migration!(8, "0008_auth_version"),
    migration!(9, "0009_timers"),
    migration!(10, "0010_schemas_agree"),
    migration!(11, "0011_group_settings"),
    migration!(12, "0012_exact_clocks"),
    migration!(13, "0013_customer_notes"),
];

/// The schema version this binary writes and reads.
/// The last migration's version.
pub const SCHEMA_VERSION: i64 = 13;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    pub before: i64,
    pub after: i64,
}

impl Store {
    /// Bring the schema up to [`SCHEMA_VERSION`]. Safe to run from several
    /// processes at once: on PostgreSQL an advisory lock serialises them, on
    /// SQLite the write lock does.
    pub async fn migrate(&self) -> Result<MigrationStatus> {
        let mut tx = self.begin().await?;
        if let Some(lock) = self.dialect().migration_lock() {
            tx.execute(lock).await?;
        }
        tx.execute(
            "CREATE TABLE IF NOT EXISTS kefu_migrations (\
               version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await?;
        let before = current(&mut tx).await?;
        refuse_newer(before)?;
        for m in MIGRATIONS.iter().filter(|m| m.version > before) {
            // Each engine's own file: the one choice the migrations make.
            let sql = match self.dialect() {
                Dialect::Sqlite => m.sqlite,
                Dialect::Postgres => m.postgres,
            };
            tracing::info!(version = m.version, name = m.name, "applying migration");
            tx.execute(sqlx::raw_sql(AssertSqlSafe(sql))).await?;
            sqlx::query(
                "INSERT INTO kefu_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(m.version)
            .bind(m.name)
            .bind(chrono::Utc::now().timestamp_millis())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(MigrationStatus {
            before,
            after: SCHEMA_VERSION,
        })
    }

    /// Check, without changing anything, that the schema is the one this
    /// binary expects.
    pub async fn check_schema(&self) -> Result<()> {
        let mut conn = self.read().await?;
        let exists = sqlx::query(self.dialect().table_exists())
            .bind("kefu_migrations")
            .fetch_one(&mut *conn)
            .await?
            .try_get::<i64, _>("n")?;
        let found = if exists > 0 {
            current(&mut conn).await?
        } else {
            0
        };
        refuse_newer(found)?;
        if found < SCHEMA_VERSION {
            return Err(StoreError::SchemaTooOld {
                found,
                known: SCHEMA_VERSION,
            });
        }
        Ok(())
    }
}

async fn current(conn: &mut sqlx::AnyConnection) -> Result<i64> {
    Ok(
        sqlx::query("SELECT coalesce(max(version), 0) AS v FROM kefu_migrations")
            .fetch_one(conn)
            .await?
            .try_get::<i64, _>("v")?,
    )
}

fn refuse_newer(found: i64) -> Result<()> {
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}
