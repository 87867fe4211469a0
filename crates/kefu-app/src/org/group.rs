//! The group's settings: the time zone its days and hours are counted in
//! where no dealer's applies, and the prefix of its order numbers. An admin
//! reads and changes them; everyone else meets them in order numbers, the
//! centre's workbench and the reports.
//!
//! Every new order needs them, so each process keeps a copy tagged with the
//! settings counter it was read at (migration 0007; a change of these
//! settings moves it, migration 0011). A new order's facts already carry the
//! counter, so numbering costs no read of its own; a copy of another version
//! is read again, and a change made through another process on the same
//! database counts from the next order on.

use std::sync::{Arc, RwLock};

use chrono_tz::Tz;
use kefu_core::org::Permission;
use kefu_core::org::group::{self as rules, GroupSettings};
use kefu_core::tickets::number::NumberPrefix;
use kefu_store::Conn;
use kefu_store::org::group;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::work::Work;
use crate::{Actor, App, Result, patched};

/// The group's settings as the API shows and takes them. For an update,
/// send any subset of the fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = GroupSettings)]
pub struct GroupInput {
    /// The IANA time zone the group's days and hours are counted in where no
    /// dealer's applies: order numbers, the centre's workbench, report dates.
    #[schema(example = "Asia/Shanghai")]
    pub timezone: String,
    /// What new order numbers start with: 1 to 8 ASCII letters, digits or
    /// dashes. Orders already numbered keep theirs.
    #[schema(example = "GD-")]
    pub number_prefix: String,
}

impl GroupInput {
    fn of(s: &GroupSettings) -> GroupInput {
        GroupInput {
            timezone: s.timezone.name().to_owned(),
            number_prefix: s.number_prefix.as_str().to_owned(),
        }
    }

    fn validate(&self) -> Result<GroupSettings, kefu_core::FieldError> {
        Ok(GroupSettings {
            timezone: rules::timezone(&self.timezone)?,
            number_prefix: NumberPrefix::parse(&self.number_prefix)?,
        })
    }
}

/// The group's settings (admin).
pub async fn get(app: &App, who: &Actor) -> Result<GroupInput> {
    who.require(Permission::ManageGroup)?;
    let mut conn = app.store.read().await?;
    Ok(GroupInput::of(&group::get(&mut conn).await?.settings))
}

/// Change the group's settings (admin), audited; new orders are numbered
/// by them from the next one on.
pub async fn update(app: &App, who: &Actor, patch: serde_json::Value) -> Result<GroupInput> {
    who.require(Permission::ManageGroup)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = GroupInput::of(&group::get(&mut tx).await?.settings);
    let valid = patched(&before, patch)?.validate()?;
    group::update(&mut tx, &valid, now).await?;
    let after = GroupInput::of(&valid);
    tx.updated(who, now, "group_settings", 1, &before, &after)
        .await?;
    tx.commit(app).await?;
    Ok(after)
}

/// The copy of the settings this process read last, and the counter then.
#[derive(Default)]
pub struct GroupCache {
    current: RwLock<Option<(i64, Arc<GroupSettings>)>>,
}

impl GroupCache {
    /// The settings at `version` (read with the caller's other facts), read
    /// again through `conn` unless this is the version held.
    pub(crate) async fn at(&self, conn: &mut Conn, version: i64) -> Result<Arc<GroupSettings>> {
        if let Some(held) = self.held(version) {
            return Ok(held);
        }
        let stored = group::get(conn).await?;
        Ok(self.keep(stored.version, stored.settings))
    }

    fn held(&self, version: i64) -> Option<Arc<GroupSettings>> {
        let current = self.current.read().ok()?;
        current
            .as_ref()
            .filter(|(v, _)| *v == version)
            .map(|(_, s)| s.clone())
    }

    fn keep(&self, version: i64, settings: GroupSettings) -> Arc<GroupSettings> {
        let fresh = Arc::new(settings);
        if let Ok(mut current) = self.current.write() {
            *current = Some((version, fresh.clone()));
        }
        fresh
    }
}

/// The group's settings as they stand now: one small read (the counter),
/// and the settings themselves only when they have changed.
pub async fn settings(app: &App) -> Result<Arc<GroupSettings>> {
    let mut conn = app.store.read().await?;
    settings_on(app, &mut conn).await
}

pub(crate) async fn settings_on(app: &App, conn: &mut Conn) -> Result<Arc<GroupSettings>> {
    let version = group::version(conn).await?;
    app.group.at(conn, version).await
}

/// The time zone the things of `dealer_id` are shown and counted in: the
/// dealer's own, or the group's where there is no dealer (the centre, a
/// back-office department). One read.
pub async fn zone(app: &App, dealer_id: Option<i64>) -> Result<Tz> {
    let mut conn = app.store.read().await?;
    zone_on(app, &mut conn, dealer_id).await
}

pub(crate) async fn zone_on(app: &App, conn: &mut Conn, dealer_id: Option<i64>) -> Result<Tz> {
    let (dealer, version) = group::dealer_zone(conn, dealer_id).await?;
    match dealer.and_then(|tz| tz.parse::<Tz>().ok()) {
        Some(tz) => Ok(tz),
        None => Ok(app.group.at(conn, version).await?.timezone),
    }
}

/// The zone a person's pages show times in: their dealer's when they work
/// for one, else the group's.
pub async fn zone_of(app: &App, who: &Actor) -> Result<Tz> {
    zone(app, home_dealer(who)).await
}

/// The dealer a person works for, if their role belongs to one.
pub(crate) fn home_dealer(who: &Actor) -> Option<i64> {
    who.role
        .is_dealer_bound()
        .then_some(who.dealer_id)
        .flatten()
}
