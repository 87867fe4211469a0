//! The SLA policies and calendars, kept in memory: every new order needs
//! them, and they change a few times a year. A copy is tagged with the
//! settings version it was read at (a counter the database moves whenever a
//! policy or calendar changes, see migration 0007); every new order's facts
//! carry the current version, and a copy of another version is read again.
//! So a change made through another kefu process on the same database counts
//! from the next order on, as it does through this one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use kefu_core::calendar::Calendar;
use kefu_core::customers::Tier;
use kefu_core::sla::{Policy, choose};
use kefu_core::tickets::Ticket;
use kefu_store::Conn;
use kefu_store::sla::policies;

use super::PlacePlan;
use super::clocks::{order_facts, plan_for};
use crate::Result;

/// The latest copy of the settings this process has read.
#[derive(Default)]
pub struct SettingsCache {
    current: RwLock<Option<Arc<Settings>>>,
}

pub(crate) struct Settings {
    version: i64,
    /// The active policies, by rank.
    policies: Vec<Policy>,
    /// Calendars as they are asked for: by id, or `None` for the default.
    calendars: Mutex<HashMap<Option<i64>, Loaded>>,
}

/// A calendar and its id (which the default one is asked for without).
type Loaded = (i64, Arc<Calendar>);

impl SettingsCache {
    /// The settings at `version`, read again through `conn` unless this is
    /// the version held.
    pub(crate) async fn at(&self, conn: &mut Conn, version: i64) -> Result<Arc<Settings>> {
        let held = self
            .current
            .read()
            .ok()
            .and_then(|c| c.clone())
            .filter(|s| s.version == version);
        if let Some(s) = held {
            return Ok(s);
        }
        let fresh = Arc::new(Settings {
            version,
            policies: policies::active(conn).await?,
            calendars: Mutex::default(),
        });
        if let Ok(mut current) = self.current.write() {
            *current = Some(fresh.clone());
        }
        Ok(fresh)
    }
}

impl Settings {
    /// As [`super::clocks`] plans them: the policy that fits the order for a
    /// customer of `tier`, counted on the policy's calendar, else on
    /// `place_calendar`, else the default one.
    pub(crate) async fn plan(
        &self,
        conn: &mut Conn,
        t: &Ticket,
        tier: Option<Tier>,
        place_calendar: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<PlacePlan>> {
        let Some(policy) = choose(&self.policies, &order_facts(t, tier)) else {
            return Ok(None);
        };
        let (calendar_id, calendar) = self
            .calendar(conn, policy.calendar_id.or(place_calendar))
            .await?;
        Ok(Some(plan_for(policy, calendar_id, &calendar, t, now)))
    }

    async fn calendar(&self, conn: &mut Conn, id: Option<i64>) -> Result<Loaded> {
        let held = self.calendars.lock().ok().and_then(|c| c.get(&id).cloned());
        if let Some(c) = held {
            return Ok(c);
        }
        let (found, calendar) = crate::calendars::load(conn, id).await?;
        let entry = (found, Arc::new(calendar));
        if let Ok(mut c) = self.calendars.lock() {
            c.insert(id, entry.clone());
        }
        Ok(entry)
    }
}
