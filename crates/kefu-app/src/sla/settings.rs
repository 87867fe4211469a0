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
use kefu_core::sla::{ClockPlan, OrderFacts, Policy, choose, plan_clocks};
use kefu_core::tickets::{Level, Ticket};
use kefu_store::Conn;
use kefu_store::sla::{clocks, policies};

use crate::Result;

/// The policy that fits an order where it is, and the clocks it starts.
pub(crate) struct PlacePlan {
    pub policy_id: i64,
    pub place: clocks::Place,
    pub plans: Vec<ClockPlan>,
}

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
        let fresh = Arc::new(Settings::read(conn, version).await?);
        if let Ok(mut current) = self.current.write() {
            *current = Some(fresh.clone());
        }
        Ok(fresh)
    }
}

impl Settings {
    /// The active policies as they are now, tagged `version`; calendars are
    /// read as they are asked for.
    pub(crate) async fn read(conn: &mut Conn, version: i64) -> Result<Settings> {
        Ok(Settings {
            version,
            policies: policies::active(conn).await?,
            calendars: Mutex::default(),
        })
    }

    /// The policy that fits the order where it is now, for a customer of
    /// `tier`, and the clocks it starts, counted on the policy's calendar,
    /// else on `place_calendar` (the dealer's or department's), else the
    /// default one.
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

/// What a policy is chosen by.
fn order_facts(t: &Ticket, tier: Option<Tier>) -> OrderFacts {
    OrderFacts {
        category: t.category,
        priority: t.priority,
        channel: t.channel,
        tier,
        level: t.level,
    }
}

/// The clocks `policy` starts on the order at `now`, on `calendar`.
fn plan_for(
    policy: &Policy,
    calendar_id: i64,
    calendar: &Calendar,
    t: &Ticket,
    now: DateTime<Utc>,
) -> PlacePlan {
    let l3 = t.level == Level::L3;
    PlacePlan {
        policy_id: policy.id,
        place: clocks::Place {
            policy_id: Some(policy.id),
            calendar_id: Some(calendar_id),
            dealer_id: if l3 { None } else { t.dealer_id },
            department_id: if l3 { t.department_id } else { None },
        },
        plans: plan_clocks(policy, calendar, now),
    }
}
