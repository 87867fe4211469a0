//! A believable dealer group of any size, for trying kefu and for measuring
//! it: stores in many provinces with their plates, the back-office
//! departments, a login for every role, customers with real-looking names and
//! valid mobile numbers, cars with valid VINs and plates, and work orders in
//! every status and level with their events, clocks and past breaches.
//! Deterministic for a given seed and size.
//!
//! Rows are made on a thread of their own while the previous batch is being
//! written, and written in batched transactions with multi-row inserts.

mod orders;
mod org;
mod people;
mod vocabulary;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use kefu_core::calendar::Calendar;
use kefu_core::org::Scope;
use kefu_store::bulk::{self, Load, Rows, Table, reserve_ids};
use kefu_store::org::{dealers, users};
use kefu_store::sla::{breaches, clocks, policies};
use kefu_store::{Change, NewAudit, append_changes, audit_record, customers, tickets, vehicles};
use tokio::sync::mpsc;

use crate::auth::hash_password;
use crate::journal::commit;
use crate::{App, AppError, Result};

use orders::{Batch, Numbers, Owner, World};

/// The tables the demo fills in bulk.
const LOADED: &[&str] = &[
    "customers",
    "customer_phones",
    "vehicles",
    "tickets",
    "ticket_events",
    "timers",
    "breaches",
    "notifications",
];

/// Every demo login uses this password.
pub const PASSWORD: &str = "kefu-demo";

/// The seed of `kefu serve --demo` and of `kefu demo` without `--seed`.
pub const DEFAULT_SEED: u64 = 0x6b65_6675;

/// Rows made and written together.
const CUSTOMER_BATCH: u64 = 20_000;
const ORDER_BATCH: u64 = 20_000;

/// How much to make.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub customers: u64,
    pub tickets: u64,
    /// How many of the most recent orders are still open (older ones may
    /// be too, while their callback is to come); by default one in twenty.
    pub open: Option<u64>,
    pub seed: u64,
}

impl Size {
    /// What `kefu serve --demo` writes.
    pub const SMALL: Size = Size {
        customers: 300,
        tickets: 400,
        open: None,
        seed: DEFAULT_SEED,
    };
}

/// What is being written, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Customers,
    Orders,
    /// Building the indexes (and on PostgreSQL adding the foreign keys)
    /// left out while the rows went in.
    Indexes,
}

/// What a load makes, when, and who hears how far it got.
#[derive(Clone, Copy)]
struct Plan<'p> {
    size: Size,
    now: DateTime<Utc>,
    progress: &'p (dyn Fn(Stage, u64, u64) + Sync),
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    /// The logins worth showing, with their roles (password [`PASSWORD`]).
    pub logins: Vec<(String, &'static str)>,
    pub dealers: usize,
    pub users: usize,
    pub customers: u64,
    pub vehicles: u64,
    pub tickets: u64,
    pub events: u64,
    pub clocks: u64,
    pub breaches: u64,
}

/// Fill an empty database with the small demo group; `None` when it already
/// holds a group's data. Returns the demo logins with their roles.
pub async fn fill(app: &App) -> Result<Option<Vec<(String, &'static str)>>> {
    Ok(generate(app, Size::SMALL, &|_, _, _| {})
        .await?
        .map(|f| f.logins))
}

/// Fill an empty database with a group of `size`; `None` when it already
/// holds a group's data. `progress` hears each stage's rows done and total.
pub async fn generate(
    app: &App,
    size: Size,
    progress: &(dyn Fn(Stage, u64, u64) + Sync),
) -> Result<Option<Filled>> {
    if !is_empty(app).await? {
        return Ok(None);
    }
    let now = app.now();
    crate::calendars::ensure_default(app).await?;
    crate::sla::ensure_defaults(app).await?;
    let hash = hash_password(PASSWORD)?;

    let mut tx = app.store.begin().await?;
    let org = org::create(
        &mut tx,
        org::store_count(size.customers as usize),
        &hash,
        now,
    )
    .await?;
    commit(tx).await?;
    let org = Arc::new(org);
    let mut filled = Filled {
        dealers: org.stores.len(),
        users: org.users,
        ..Filled::default()
    };

    // The rows go in without the secondary indexes, which are built once at
    // the end: on random keys, keeping six B-trees in step row by row costs
    // more than the rows themselves. On PostgreSQL the foreign keys, too,
    // are added again at the end and checked in one pass. On SQLite the rows
    // go through SQLite's own statements, on a connection of their own.
    let deferred = {
        let mut conn = app.store.read().await?;
        let mut parts = bulk::secondary_indexes(&mut conn, LOADED).await?;
        parts.extend(bulk::foreign_keys(&mut conn, LOADED).await?);
        parts
    };
    let mut load = Load::open(&app.store)?;
    let mut tx = load.begin().await?;
    bulk::set_aside(&mut tx, &deferred).await?;
    tx.commit().await?;
    let plan = Plan {
        size,
        now,
        progress,
    };
    let loaded = async {
        let owners = write_people(&mut load, &org, plan, &mut filled).await?;
        if !owners.is_empty() && size.tickets > 0 {
            write_orders(app, &mut load, &org, owners, plan, &mut filled).await?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    // Built again also when the load failed, so the database is whole.
    progress(Stage::Indexes, 0, deferred.len() as u64);
    let mut tx = load.begin().await?;
    bulk::put_back(&mut tx, &deferred).await?;
    tx.commit().await?;
    drop(load);
    let mut conn = app.store.begin().await?;
    bulk::analyze(&mut conn, LOADED).await?;
    commit(conn).await?;
    progress(Stage::Indexes, deferred.len() as u64, deferred.len() as u64);
    loaded?;

    let mut tx = app.store.begin().await?;
    audit_record(
        &mut tx,
        NewAudit {
            at: now,
            actor_id: None,
            action: "demo.fill",
            entity: "customer",
            entity_id: None,
            before: None,
            after: Some(serde_json::json!({
                "seed": size.seed, "dealers": filled.dealers, "users": filled.users,
                "customers": filled.customers, "vehicles": filled.vehicles,
                "tickets": filled.tickets, "events": filled.events, "clocks": filled.clocks,
                "breaches": filled.breaches,
            })),
        },
    )
    .await?;
    commit(tx).await?;
    filled.logins = org.logins.clone();
    Ok(Some(filled))
}

/// Customers and their cars, in batches; returns what orders need of them.
async fn write_people(
    load: &mut Load<'_>,
    org: &Arc<org::Org>,
    plan: Plan<'_>,
    filled: &mut Filled,
) -> Result<Vec<Owner>> {
    let Plan {
        size,
        now,
        progress,
    } = plan;
    progress(Stage::Customers, 0, size.customers);
    let (send, mut batches) = mpsc::channel(2);
    let maker = {
        let org = org.clone();
        let today = now.date_naive();
        tokio::task::spawn_blocking(move || {
            let mut from = 0;
            while from < size.customers {
                let to = (from + CUSTOMER_BATCH).min(size.customers);
                let batch: Result<Vec<people::Person>> = (from..to)
                    .map(|i| people::person(size.seed, i, &org.stores, today))
                    .collect();
                if send.blocking_send(batch).is_err() {
                    return;
                }
                from = to;
            }
        })
    };
    let mut owners = Vec::with_capacity(size.customers as usize);
    while let Some(batch) = batches.recv().await {
        let batch = batch?;
        let mut tx = load.begin().await?;
        let (written, cars) = write_people_batch(&mut tx, batch, now).await?;
        tx.commit().await?;
        filled.customers += written.len() as u64;
        filled.vehicles += cars;
        owners.extend(written);
        progress(Stage::Customers, filled.customers, size.customers);
    }
    maker.await.map_err(|e| {
        AppError::Internal(kefu_store::StoreError::Corrupt(format!(
            "making customers: {e}"
        )))
    })?;
    Ok(owners)
}

/// Store one batch of customers with their cars and change log entries;
/// returns what orders need of the customers, and how many cars they have.
async fn write_people_batch(
    tx: &mut impl Rows,
    batch: Vec<people::Person>,
    now: DateTime<Utc>,
) -> Result<(Vec<Owner>, u64)> {
    let mut fields = Vec::with_capacity(batch.len());
    let mut places = Vec::with_capacity(batch.len());
    for p in batch {
        fields.push(p.customer);
        places.push((p.store, p.vehicles));
    }
    let ids = customers::insert_many(tx, &fields, now).await?;
    let mut cars = Vec::new();
    let mut first_car = Vec::with_capacity(places.len());
    let mut stores = Vec::with_capacity(places.len());
    for ((store, vehicles), id) in places.into_iter().zip(&ids) {
        first_car.push((!vehicles.is_empty()).then_some(cars.len()));
        stores.push(store);
        for mut v in vehicles {
            v.customer_id = *id;
            cars.push(v);
        }
    }
    let car_ids = vehicles::insert_many(tx, &cars, now).await?;
    append_changes(tx, "customer", &ids, Change::Created, now).await?;
    append_changes(tx, "vehicle", &car_ids, Change::Created, now).await?;
    let owners = ids
        .iter()
        .zip(first_car)
        .zip(stores)
        .zip(&fields)
        .map(|(((id, car), store), f)| Owner {
            id: *id,
            vehicle_id: car.and_then(|c| car_ids.get(c).copied()),
            store,
            tier: f.tier,
        })
        .collect();
    let cars_written = car_ids.len() as u64;
    drop_aside((fields, cars));
    Ok((owners, cars_written))
}

/// Work orders with their events, clocks and breaches, in batches.
async fn write_orders(
    app: &App,
    load: &mut Load<'_>,
    org: &Arc<org::Org>,
    owners: Vec<Owner>,
    plan: Plan<'_>,
    filled: &mut Filled,
) -> Result<()> {
    let Plan {
        size,
        now,
        progress,
    } = plan;
    let (policies, calendars, default_calendar) = {
        let mut conn = app.store.read().await?;
        let policies = policies::active(&mut conn).await?;
        let (default_id, default) = crate::calendars::load(&mut conn, None).await?;
        let mut calendars: HashMap<i64, Calendar> = HashMap::from([(default_id, default)]);
        for id in policies.iter().filter_map(|p| p.calendar_id) {
            if let std::collections::hash_map::Entry::Vacant(e) = calendars.entry(id) {
                e.insert(crate::calendars::load(&mut conn, Some(id)).await?.1);
            }
        }
        (policies, calendars, default_id)
    };
    let open = size.open.unwrap_or(size.tickets / 20).min(size.tickets);
    let closed = size.tickets - open;
    // A group takes about 1,500 orders a day; at least a month of history.
    let span = TimeDelta::days((closed / 1_500).clamp(30, 730) as i64);
    progress(Stage::Orders, 0, size.tickets);
    let numbering = crate::org::group::settings(app).await?.numbering();
    let (send, mut batches) = mpsc::channel::<Batch>(2);
    let maker = {
        let org = org.clone();
        tokio::task::spawn_blocking(move || {
            let world = World {
                seed: size.seed,
                now,
                org: &org,
                owners: &owners,
                policies: &policies,
                calendars: &calendars,
                default_calendar,
                closed,
                open,
                span,
            };
            let mut numbers = Numbers {
                numbering,
                last: HashMap::new(),
            };
            let mut from = 0;
            while from < size.tickets {
                let to = (from + ORDER_BATCH).min(size.tickets);
                if send
                    .blocking_send(world.tell(from..to, &mut numbers))
                    .is_err()
                {
                    break;
                }
                from = to;
            }
            numbers
        })
    };
    while let Some(batch) = batches.recv().await {
        let mut tx = load.begin().await?;
        write_batch(&mut tx, batch, now, filled).await?;
        tx.commit().await?;
        progress(Stage::Orders, filled.tickets, size.tickets);
    }
    let numbers = maker.await.map_err(|e| {
        AppError::Internal(kefu_store::StoreError::Corrupt(format!(
            "making orders: {e}"
        )))
    })?;
    let mut days: Vec<(String, i64)> = numbers.last.into_iter().collect();
    days.sort();
    let mut tx = load.begin().await?;
    tickets::raise_numbers(&mut tx, &days).await?;
    tx.commit().await?;
    Ok(())
}

/// Store one batch of orders, giving its rows their ids.
async fn write_batch(
    tx: &mut impl Rows,
    mut b: Batch,
    now: DateTime<Utc>,
    filled: &mut Filled,
) -> Result<()> {
    let ticket_ids = reserve_ids(tx, Table::Tickets, b.tickets.len()).await?;
    let clock_ids = reserve_ids(tx, Table::Timers, b.clocks.len()).await?;
    let event_ids = reserve_ids(tx, Table::TicketEvents, b.events.len()).await?;
    let id = |ids: &[i64], local: i64| ids[local as usize];
    for t in &mut b.tickets {
        t.id = id(&ticket_ids, t.id);
    }
    for c in &mut b.clocks {
        c.id = id(&clock_ids, c.id);
        c.ticket_id = id(&ticket_ids, c.ticket_id);
    }
    for (e, new) in b.events.iter_mut().zip(&event_ids) {
        e.id = *new;
        e.ticket_id = id(&ticket_ids, e.ticket_id);
    }
    for br in &mut b.breaches {
        br.ticket_id = id(&ticket_ids, br.ticket_id);
        br.clock_id = id(&clock_ids, br.clock_id);
    }
    tickets::insert_many(tx, &b.tickets).await?;
    tickets::insert_events(tx, &b.events).await?;
    clocks::insert_many(tx, &b.clocks).await?;
    breaches::insert_many(tx, &b.breaches).await?;
    append_changes(tx, "ticket", &ticket_ids, Change::Created, now).await?;
    filled.tickets += b.tickets.len() as u64;
    filled.events += b.events.len() as u64;
    filled.clocks += b.clocks.len() as u64;
    filled.breaches += b.breaches.len() as u64;
    drop_aside(b);
    Ok(())
}

/// Free a batch's rows on another thread: tens of thousands of small
/// allocations, which would otherwise hold up the one thread that writes.
fn drop_aside<T: Send + 'static>(rows: T) {
    tokio::task::spawn_blocking(move || drop(rows));
}

/// No customers, no dealers, and no user but the first admin.
async fn is_empty(app: &App) -> Result<bool> {
    let mut conn = app.store.read().await?;
    let one = kefu_store::PageRequest::first(2);
    let customers = customers::list(&mut conn, Scope::Group, &Default::default(), one).await?;
    let dealers = dealers::list(&mut conn, None, one).await?;
    let users = users::list(&mut conn, Scope::Group, &Default::default(), one).await?;
    Ok(customers.items.is_empty() && dealers.items.is_empty() && users.items.len() <= 1)
}
