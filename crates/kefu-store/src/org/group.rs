//! The group's settings: the one row of `group_settings` (migration 0011).
//! Changing it moves the settings counter (migration 0007), so the copies
//! each process keeps are read again.

use chrono::{DateTime, Utc};
use kefu_core::org::group::{self, GroupSettings};
use kefu_core::tickets::number::NumberPrefix;

use crate::sql::expect_one;
use crate::{Conn, Result, StoreError, columns};

/// The settings as stored, and the settings counter read with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub settings: GroupSettings,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

pub async fn get(conn: &mut Conn) -> Result<Stored> {
    let r = sqlx::query(
        "SELECT timezone, number_prefix, updated_at, \
         (SELECT n FROM settings_version WHERE id = 1) AS version \
         FROM group_settings WHERE id = 1",
    )
    .fetch_one(conn)
    .await?;
    Ok(Stored {
        settings: GroupSettings {
            timezone: columns::parsed(&r, "timezone", group::timezone)?,
            number_prefix: columns::parsed(&r, "number_prefix", NumberPrefix::parse)?,
        },
        updated_at: columns::instant(&r, "updated_at")?,
        version: columns::i64_(&r, "version")?,
    })
}

pub async fn update(tx: &mut Conn, s: &GroupSettings, now: DateTime<Utc>) -> Result<()> {
    let done = sqlx::query(
        "UPDATE group_settings SET timezone = $1, number_prefix = $2, updated_at = $3 \
         WHERE id = 1",
    )
    .bind(s.timezone.name().to_owned())
    .bind(s.number_prefix.as_str().to_owned())
    .bind(now.timestamp_millis())
    .execute(tx)
    .await?;
    if expect_one(done)? {
        Ok(())
    } else {
        Err(StoreError::Corrupt(
            "the group's settings are missing".into(),
        ))
    }
}

/// Where the settings counter stands now.
pub async fn version(conn: &mut Conn) -> Result<i64> {
    let r = sqlx::query("SELECT n FROM settings_version WHERE id = 1")
        .fetch_one(conn)
        .await?;
    columns::i64_(&r, "n")
}

/// The time zone of a dealer, if there is one by this id, and the settings
/// counter, in one statement.
pub async fn dealer_zone(conn: &mut Conn, dealer_id: Option<i64>) -> Result<(Option<String>, i64)> {
    let r = sqlx::query(
        "SELECT (SELECT timezone FROM dealers WHERE id = $1) AS timezone, \
         (SELECT n FROM settings_version WHERE id = 1) AS version",
    )
    .bind(dealer_id)
    .fetch_one(conn)
    .await?;
    Ok((
        columns::opt_text(&r, "timezone")?,
        columns::i64_(&r, "version")?,
    ))
}
