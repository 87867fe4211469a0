//! What the workbench pages read besides single records: each person's
//! queues on the home page, and the names a page mentions by id.

mod order_page;

pub use order_page::{Sheet, TIMELINE_EVENTS, sheet};

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use kefu_core::org::Permission;
use kefu_core::tickets::Ticket;
use kefu_store::names_by_id::{Named, names};
use kefu_store::tickets::{self, DueClock, TicketFilter};
use kefu_store::{Conn, PageRequest};

use crate::{Actor, App, Result};

/// How far ahead "about to breach" looks.
pub const AT_RISK_HORIZON: Duration = Duration::hours(4);
/// Rows per queue on the home page.
pub const QUEUE_ROWS: i64 = 30;

/// The home page of one person.
#[derive(Debug, Clone, Default)]
pub struct Home {
    /// Assigned to me, or opened by me and still with the centre.
    pub mine: Vec<Ticket>,
    /// Open orders of my dealer, my department, or (at the centre) everyone.
    pub team: Vec<Ticket>,
    /// Breached or coming due within [`AT_RISK_HORIZON`], soonest first.
    pub at_risk: Vec<(Ticket, DueClock)>,
    /// Resolved orders to call back today: waiting for their first call, or
    /// for a further attempt due by the end of the day.
    pub callbacks: Vec<(Ticket, DueClock)>,
    pub names: Names,
    /// The queues a person at the centre may pick from (dealers, then
    /// departments); empty for those who have only their own.
    pub places: Vec<Place>,
    /// Where the person's days and hours are counted: their dealer's time
    /// zone, or the group's at the centre and in the departments.
    pub zone: Tz,
}

/// One queue: a dealer's (L2) or a department's (L3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Dealer(i64),
    Department(i64),
}

impl Queue {
    /// `d3`, `p2`: as a page's address writes it.
    pub fn parse(raw: &str) -> Option<Queue> {
        let (kind, id) = raw.split_at_checked(1)?;
        let id = id.parse().ok()?;
        match kind {
            "d" => Some(Queue::Dealer(id)),
            "p" => Some(Queue::Department(id)),
            _ => None,
        }
    }

    pub fn code(self) -> String {
        match self {
            Queue::Dealer(id) => format!("d{id}"),
            Queue::Department(id) => format!("p{id}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Place {
    pub queue: Queue,
    pub name: String,
}

pub async fn home(app: &App, who: &Actor, queue: Option<Queue>) -> Result<Home> {
    who.require(Permission::ReadCustomers)?;
    let now = app.now();
    let scope = who.ticket_scope();
    let mut conn = app.store.read().await?;
    let open = TicketFilter {
        open: true,
        ..TicketFilter::default()
    };
    let rows = PageRequest::first(QUEUE_ROWS);
    let mine = tickets::mine(&mut conn, scope, who.user_id, QUEUE_ROWS).await?;
    let central = matches!(scope, kefu_core::org::Scope::Group);
    let mut team_filter = open.clone();
    match queue.filter(|_| central) {
        Some(Queue::Dealer(d)) => team_filter.dealer_id = Some(d),
        Some(Queue::Department(d)) => {
            team_filter.department_id = Some(d);
            team_filter.level = Some(kefu_core::tickets::Level::L3);
        }
        None => {}
    }
    let team = tickets::list(&mut conn, scope, &team_filter, rows)
        .await?
        .items;
    let places = if central {
        places(&mut conn).await?
    } else {
        Vec::new()
    };
    let at_risk = tickets::due(
        &mut conn,
        scope,
        &["response", "resolution"],
        now + AT_RISK_HORIZON,
        QUEUE_ROWS,
    )
    .await?;
    let zone =
        crate::org::group::zone_on(app, &mut conn, crate::org::group::home_dealer(who)).await?;
    let callbacks = if who.may(Permission::TriageTickets) {
        tickets::awaiting_callback(&mut conn, scope, end_of_day(now, zone), QUEUE_ROWS).await?
    } else {
        Vec::new()
    };
    let mut home = Home {
        mine,
        team,
        at_risk,
        callbacks,
        names: Names::default(),
        places,
        zone,
    };
    let all: Vec<&Ticket> = home
        .mine
        .iter()
        .chain(&home.team)
        .chain(home.at_risk.iter().map(|(t, _)| t))
        .chain(home.callbacks.iter().map(|(t, _)| t))
        .collect();
    home.names = Names::for_tickets(&mut conn, &all).await?;
    Ok(home)
}

/// Every active dealer and department, as queues to pick from.
async fn places(conn: &mut Conn) -> Result<Vec<Place>> {
    let all = PageRequest::first(PageRequest::MAX_LIMIT);
    let dealers = kefu_store::org::dealers::list(conn, Some(true), all)
        .await?
        .items;
    let departments = kefu_store::org::departments::list(conn, all).await?.items;
    Ok(dealers
        .into_iter()
        .map(|d| Place {
            queue: Queue::Dealer(d.id),
            name: d.fields.name,
        })
        .chain(departments.into_iter().map(|d| Place {
            queue: Queue::Department(d.id),
            name: d.fields.name,
        }))
        .collect())
}

/// Midnight at the end of the day `now` falls in, in `zone`.
fn end_of_day(now: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&zone).date_naive();
    local
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|m| m.and_local_timezone(zone).earliest())
        .map_or(now + Duration::days(1), |m| m.with_timezone(&Utc))
}

/// The names of customers, people, dealers and departments a page mentions.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub customers: HashMap<i64, String>,
    pub users: HashMap<i64, String>,
    pub dealers: HashMap<i64, String>,
    pub departments: HashMap<i64, String>,
}

impl Names {
    /// Everything the rows of these orders name, in four queries.
    pub async fn for_tickets(conn: &mut Conn, ts: &[&Ticket]) -> Result<Names> {
        let ids =
            |f: fn(&Ticket) -> Option<i64>| ts.iter().filter_map(|t| f(t)).collect::<Vec<_>>();
        Names::load(
            conn,
            &ids(|t| Some(t.customer_id)),
            &ids(|t| t.assignee_id),
            &ids(|t| t.dealer_id),
            &ids(|t| t.department_id),
        )
        .await
    }

    pub async fn load(
        conn: &mut Conn,
        customers: &[i64],
        users: &[i64],
        dealers: &[i64],
        departments: &[i64],
    ) -> Result<Names> {
        Ok(Names {
            customers: names(conn, Named::Customers, customers).await?,
            users: names(conn, Named::Users, users).await?,
            dealers: names(conn, Named::Dealers, dealers).await?,
            departments: names(conn, Named::Departments, departments).await?,
        })
    }

    pub fn customer(&self, id: i64) -> &str {
        self.customers.get(&id).map_or("", String::as_str)
    }

    pub fn user(&self, id: Option<i64>) -> &str {
        id.and_then(|i| self.users.get(&i))
            .map_or("", String::as_str)
    }

    /// Where the order is: its department at L3, else its dealer.
    pub fn place(&self, t: &Ticket) -> &str {
        t.department_id
            .and_then(|d| self.departments.get(&d))
            .or_else(|| t.dealer_id.and_then(|d| self.dealers.get(&d)))
            .map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_day_ends_at_midnight_where_the_person_works() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let now = at("2026-11-23T02:00:00Z");
        let cases = [
            (chrono_tz::Asia::Shanghai, "2026-11-23T16:00:00Z"),
            (chrono_tz::America::New_York, "2026-11-23T05:00:00Z"),
            (chrono_tz::Pacific::Auckland, "2026-11-23T11:00:00Z"),
        ];
        for (zone, end) in cases {
            assert_eq!(end_of_day(now, zone), at(end), "{zone}");
        }
    }
}
