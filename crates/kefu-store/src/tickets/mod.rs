//! Work orders and their events. Dealer-bound callers see their dealer's
//! orders, department-bound ones what is escalated to their department.

mod events;
mod opening;

pub use events::{insert_event, insert_events, last_actor, list_events};
pub use opening::{OpeningFacts, PlaceFacts, opening_facts, place_facts};

use chrono::{DateTime, Utc};
use kefu_core::org::Scope;
use kefu_core::sla::Clock;
use kefu_core::tickets::{Category, Channel, Level, Priority, Status, Ticket};
use sqlx::any::AnyRow;

use crate::bulk::{Rows, Values};
use crate::sql::{Sql, expect_one};
use crate::{Conn, Dialect, Page, PageRequest, Result, columns};

const COLUMNS: &str = "t.id, t.number, t.customer_id, t.vehicle_id, t.dealer_id, t.department_id, \
    t.assignee_id, t.channel, t.category, t.priority, t.subject, t.description, t.status, t.level, \
    t.before_wait, t.received_at, t.created_by, t.resolution, t.close_reason, t.satisfaction, \
    t.callback_attempts, t.policy_id, t.created_at, t.updated_at, t.resolved_at, t.closed_at";

/// Give out `count` numbers of the day `day` (`20261123`), which counts
/// from 1: the last of them is returned.
pub async fn next_numbers(tx: &mut Conn, day: &str, count: i64) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO ticket_numbers (day, last) VALUES ($1, $2) \
         ON CONFLICT (day) DO UPDATE SET last = ticket_numbers.last + excluded.last RETURNING last",
    )
    .bind(day.to_owned())
    .bind(count)
    .fetch_one(tx)
    .await?;
    columns::i64_(&r, "last")
}

/// Store many orders whose ids were reserved with
/// [`bulk::reserve_ids`](crate::bulk::reserve_ids): new orders opened
/// together, or generated data.
pub async fn insert_many(tx: &mut impl Rows, rows: &[Ticket]) -> Result<()> {
    crate::bulk::insert(
        tx,
        "tickets (id, number, customer_id, vehicle_id, dealer_id, department_id, assignee_id, \
         channel, category, priority, subject, description, status, level, before_wait, received_at, \
         created_by, resolution, close_reason, satisfaction, callback_attempts, policy_id, created_at, \
         updated_at, resolved_at, closed_at)",
        26,
        rows,
        |v, t| {
            v.put(t.id).put(&t.number);
            fields(t, v);
        },
    )
    .await
}

/// Raise the last numbers given out per day (`20261123`) to at least these,
/// after orders were stored with [`insert_many`].
pub async fn raise_numbers(tx: &mut impl Rows, days: &[(String, i64)]) -> Result<()> {
    crate::bulk::insert_then(
        tx,
        "ticket_numbers (day, last)",
        2,
        days,
        " ON CONFLICT (day) DO UPDATE SET last = CASE WHEN excluded.last > ticket_numbers.last \
         THEN excluded.last ELSE ticket_numbers.last END",
        |v, (day, last)| {
            v.put(day).put(*last);
        },
    )
    .await
}

/// Write every changeable column of an order.
pub async fn update(tx: &mut Conn, t: &Ticket) -> Result<bool> {
    let mut q = Sql::new(
        "UPDATE tickets SET (customer_id, vehicle_id, dealer_id, department_id, assignee_id, channel, \
         category, priority, subject, description, status, level, before_wait, received_at, created_by, \
         resolution, close_reason, satisfaction, callback_attempts, policy_id, created_at, updated_at, \
         resolved_at, closed_at) = (",
    );
    let mut v = Values::default();
    fields(t, &mut v);
    q.values(v.drain());
    q.push(") WHERE id = ").bind(t.id);
    expect_one(q.query().execute(tx).await?)
}

/// Every changeable column of an order, in the order of [`update`]'s list.
fn fields<'a>(t: &'a Ticket, v: &mut Values<'a>) {
    let ms = |d: Option<DateTime<Utc>>| d.map(|d| d.timestamp_millis());
    v.put(t.customer_id).put(t.vehicle_id).put(t.dealer_id);
    v.put(t.department_id).put(t.assignee_id);
    v.put(t.channel.as_str()).put(t.category.as_str());
    v.put(t.priority.as_str())
        .put(&t.subject)
        .put(&t.description);
    v.put(t.status.as_str()).put(t.level.as_str());
    v.put(t.before_wait.map(|s| s.as_str()));
    v.put(t.received_at.timestamp_millis()).put(t.created_by);
    v.put(&t.resolution).put(&t.close_reason);
    v.put(t.satisfaction)
        .put(t.callback_attempts)
        .put(t.policy_id);
    v.put(t.created_at.timestamp_millis())
        .put(t.updated_at.timestamp_millis());
    v.put(ms(t.resolved_at)).put(ms(t.closed_at));
}

pub async fn get(conn: &mut Conn, scope: Scope, id: i64) -> Result<Option<Ticket>> {
    let mut q = select();
    q.push(" AND t.id = ").bind(id);
    scoped(&mut q, scope);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// An order with its clocks, oldest first, read in one statement.
pub async fn get_with_clocks(
    conn: &mut Conn,
    scope: Scope,
    id: i64,
) -> Result<Option<(Ticket, Vec<Clock>)>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(", ")
        .push(&crate::sla::clocks::json_of_order(Dialect::of(conn)))
        .push(" AS clocks FROM tickets t WHERE t.id = ")
        .bind(id);
    scoped(&mut q, scope);
    match q.query().fetch_optional(conn).await? {
        Some(r) => Ok(Some((
            from_row(&r)?,
            crate::sla::clocks::from_json(&r, "clocks")?,
        ))),
        None => Ok(None),
    }
}

#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub status: Option<Status>,
    pub level: Option<Level>,
    pub dealer_id: Option<i64>,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// Only orders with a clock that ran out and is not settled.
    pub overdue: bool,
    /// Only orders not yet resolved or closed.
    pub open: bool,
    /// Only this user's orders: assigned to them, or opened by them and
    /// still with the centre (L1) with no one assigned.
    pub mine: Option<i64>,
    /// The order with this number.
    pub number: Option<String>,
}

/// Newest first.
pub async fn list(
    conn: &mut Conn,
    scope: Scope,
    f: &TicketFilter,
    page: PageRequest,
) -> Result<Page<Ticket>> {
    let mut q = select();
    scoped(&mut q, scope);
    if let Some(s) = f.status {
        q.push(" AND t.status = ").bind(s.as_str());
    }
    if let Some(l) = f.level {
        q.push(" AND t.level = ").bind(l.as_str());
    }
    for (col, v) in [
        (" AND t.dealer_id = ", f.dealer_id),
        (" AND t.department_id = ", f.department_id),
        (" AND t.assignee_id = ", f.assignee_id),
        (" AND t.customer_id = ", f.customer_id),
    ] {
        if let Some(v) = v {
            q.push(col).bind(v);
        }
    }
    if f.overdue {
        q.push(
            " AND t.id IN (SELECT ticket_id FROM clocks WHERE breached = 1 AND stopped_at IS NULL)",
        );
    }
    if f.open {
        q.push(" AND t.status NOT IN ('resolved', 'closed')");
    }
    if let Some(n) = &f.number {
        q.push(" AND t.number = ").bind(n.clone());
    }
    if let Some(me) = f.mine {
        q.push(" AND (t.assignee_id = ")
            .bind(me)
            .push(" OR (t.assignee_id IS NULL AND t.level = 'L1' AND t.created_by = ")
            .bind(me)
            .push("))");
    }
    if let Some(after) = page.after {
        q.push(" AND t.id < ").bind(after);
    }
    q.push(" ORDER BY t.id DESC LIMIT ").bind(page.limit + 1);
    let rows = q.query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |t| t.id))
}

/// The open orders that are `me`'s to carry, newest first: assigned to
/// them, or opened by them and still with the centre (L1) with no one
/// assigned. Two walks down the partial indexes of open orders, merged, so
/// the cost does not grow with years of closed orders.
pub async fn mine(conn: &mut Conn, scope: Scope, me: i64, limit: i64) -> Result<Vec<Ticket>> {
    let mut found = Vec::new();
    for opened in [false, true] {
        let mut q = select();
        scoped(&mut q, scope);
        q.push(" AND t.status NOT IN ('resolved', 'closed')");
        if opened {
            q.push(" AND t.assignee_id IS NULL AND t.level = 'L1' AND t.created_by = ")
                .bind(me);
        } else {
            q.push(" AND t.assignee_id = ").bind(me);
        }
        q.push(" ORDER BY t.id DESC LIMIT ").bind(limit);
        for r in q.query().fetch_all(&mut *conn).await? {
            found.push(from_row(&r)?);
        }
    }
    found.sort_by_key(|t| std::cmp::Reverse(t.id));
    found.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(found)
}

/// A live clock of an order, as a queue shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DueClock {
    /// response, resolution or callback.
    pub kind: String,
    pub due_at: DateTime<Utc>,
    pub breached: bool,
}

/// Open orders in `scope` whose running clocks of these `kinds` come due
/// before `until` (breached ones included), soonest first: one row per clock.
pub async fn due(
    conn: &mut Conn,
    scope: Scope,
    kinds: &[&str],
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(Ticket, DueClock)>> {
    // One walk down the index of running clocks per kind, soonest first,
    // merged: each stops after `limit` rows however many clocks there are.
    let mut found = Vec::new();
    for kind in kinds {
        let mut q = Sql::new("SELECT ");
        q.push(COLUMNS).push(
            ", c.id AS clock_id, c.kind AS clock_kind, c.due_at AS clock_due, \
             c.breached AS clock_breached \
             FROM clocks c JOIN tickets t ON t.id = c.ticket_id \
             WHERE c.stopped_at IS NULL AND c.paused_at IS NULL AND c.kind = ",
        );
        q.bind((*kind).to_owned())
            .push(" AND c.due_at <= ")
            .bind(until.timestamp_millis());
        q.push(" AND t.status NOT IN ('resolved', 'closed')");
        scoped(&mut q, scope);
        q.push(" ORDER BY c.due_at, c.id LIMIT ").bind(limit);
        for r in q.query().fetch_all(&mut *conn).await? {
            let clock = DueClock {
                kind: columns::text(&r, "clock_kind")?,
                due_at: columns::instant(&r, "clock_due")?,
                breached: columns::flag(&r, "clock_breached")?,
            };
            found.push((columns::i64_(&r, "clock_id")?, from_row(&r)?, clock));
        }
    }
    found.sort_by_key(|(id, _, c)| (c.due_at, *id));
    found.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(found.into_iter().map(|(_, t, c)| (t, c)).collect())
}

/// Resolved orders in `scope` waiting for their callback, the longest
/// waiting first: the first call is due once the order is resolved, a
/// further attempt when its callback clock says (those due after `until`
/// are left out).
pub async fn awaiting_callback(
    conn: &mut Conn,
    scope: Scope,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(Ticket, DueClock)>> {
    // SQLite, without statistics, prefers the index on status and sorts all
    // resolved orders; the partial index gives them in order.
    let hint = Dialect::of(conn).indexed_by("tickets_resolved_idx");
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(", c.due_at AS clock_due, c.breached AS clock_breached FROM tickets t")
        .push(&hint)
        .push(
            " LEFT JOIN clocks c ON c.ticket_id = t.id AND c.kind = 'callback' \
             AND c.stopped_at IS NULL WHERE t.status = 'resolved' AND (c.id IS NULL OR c.due_at <= ",
        );
    q.bind(until.timestamp_millis()).push(")");
    scoped(&mut q, scope);
    q.push(" ORDER BY t.resolved_at, t.id LIMIT ").bind(limit);
    let rows = q.query().fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            let t = from_row(r)?;
            let due_at = match columns::opt_i64(r, "clock_due")? {
                Some(ms) => columns::from_millis(ms)?,
                None => t.resolved_at.unwrap_or(t.updated_at),
            };
            let breached = columns::opt_i64(r, "clock_breached")?.unwrap_or(0) == 1;
            Ok((
                t,
                DueClock {
                    kind: "callback".to_owned(),
                    due_at,
                    breached,
                },
            ))
        })
        .collect()
}

fn select() -> Sql {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM tickets t WHERE 1 = 1");
    q
}

fn scoped(q: &mut Sql, scope: Scope) {
    match scope {
        Scope::Group => {}
        Scope::Dealer(d) => {
            q.push(" AND t.dealer_id = ").bind(d);
        }
        Scope::Department(d) => {
            q.push(" AND t.department_id = ").bind(d);
        }
        Scope::Nothing => {
            q.push(" AND 1 = 0");
        }
    }
}

fn from_row(r: &AnyRow) -> Result<Ticket> {
    Ok(Ticket {
        id: columns::i64_(r, "id")?,
        number: columns::text(r, "number")?,
        customer_id: columns::i64_(r, "customer_id")?,
        vehicle_id: columns::opt_i64(r, "vehicle_id")?,
        dealer_id: columns::opt_i64(r, "dealer_id")?,
        department_id: columns::opt_i64(r, "department_id")?,
        assignee_id: columns::opt_i64(r, "assignee_id")?,
        channel: columns::parsed(r, "channel", Channel::parse)?,
        category: columns::parsed(r, "category", Category::parse)?,
        priority: columns::parsed(r, "priority", Priority::parse)?,
        subject: columns::text(r, "subject")?,
        description: columns::opt_text(r, "description")?,
        status: columns::parsed(r, "status", Status::parse)?,
        level: columns::parsed(r, "level", Level::parse)?,
        before_wait: columns::opt_text(r, "before_wait")?.and_then(|s| Status::parse(&s).ok()),
        received_at: columns::instant(r, "received_at")?,
        created_by: columns::opt_i64(r, "created_by")?,
        resolution: columns::opt_text(r, "resolution")?,
        close_reason: columns::opt_text(r, "close_reason")?,
        satisfaction: columns::opt_i64(r, "satisfaction")?,
        callback_attempts: columns::i64_(r, "callback_attempts")?,
        policy_id: columns::opt_i64(r, "policy_id")?,
        created_at: columns::instant(r, "created_at")?,
        updated_at: columns::instant(r, "updated_at")?,
        resolved_at: columns::opt_instant(r, "resolved_at")?,
        closed_at: columns::opt_instant(r, "closed_at")?,
    })
}
