//! What opening an order needs to know about the customer, their car and the
//! dealer, read in one statement (each statement on SQLite is a round trip
//! to the connection's thread).

use kefu_core::customers::Tier;
use kefu_core::org::Scope;

use crate::sql::Sql;
use crate::{Conn, Result, columns};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningFacts {
    /// The customer's own dealer.
    pub customer_dealer_id: Option<i64>,
    pub tier: Option<Tier>,
    /// The owner of the car the order is about, if that car exists.
    pub car_owner: Option<i64>,
    /// The dealer the order goes to (the one asked for, or else the
    /// customer's), if it exists, and the calendar it works to.
    pub dealer: Option<(i64, Option<i64>)>,
    /// The SLA settings' version (see migration 0007), for a cache of them.
    pub settings_version: i64,
}

/// The facts for an order for `customer_id` about car `vehicle_id`, going to
/// `dealer_id` (or else the customer's dealer); `None` when the caller cannot
/// see that customer.
pub async fn opening_facts(
    conn: &mut Conn,
    scope: Scope,
    customer_id: i64,
    vehicle_id: Option<i64>,
    dealer_id: Option<i64>,
) -> Result<Option<OpeningFacts>> {
    let mut q = Sql::new(
        "SELECT c.dealer_id AS customer_dealer, c.tier, \
         (SELECT v.customer_id FROM vehicles v WHERE v.id = ",
    );
    q.bind(vehicle_id)
        .push(
            ") AS car_owner, d.id AS dealer, d.calendar_id AS dealer_calendar, \
               (SELECT n FROM settings_version WHERE id = 1) AS settings \
               FROM customers c LEFT JOIN dealers d ON d.id = COALESCE(",
        )
        .bind(dealer_id)
        .push(", c.dealer_id) WHERE c.deleted_at IS NULL AND c.id = ")
        .bind(customer_id);
    crate::customers::scoped(&mut q, scope);
    let Some(r) = q.query().fetch_optional(conn).await? else {
        return Ok(None);
    };
    let dealer = columns::opt_i64(&r, "dealer")?;
    Ok(Some(OpeningFacts {
        customer_dealer_id: columns::opt_i64(&r, "customer_dealer")?,
        tier: columns::opt_text(&r, "tier")?.and_then(|t| Tier::parse(&t).ok()),
        car_owner: columns::opt_i64(&r, "car_owner")?,
        dealer: match dealer {
            Some(id) => Some((id, columns::opt_i64(&r, "dealer_calendar")?)),
            None => None,
        },
        settings_version: columns::opt_i64(&r, "settings")?.unwrap_or_default(),
    }))
}

/// What planning an order's clocks where it now is needs, read in one
/// statement: the customer's tier, the calendars of the dealer and the
/// department it is at, and the SLA settings' version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceFacts {
    pub tier: Option<Tier>,
    pub dealer_calendar: Option<i64>,
    pub department_calendar: Option<i64>,
    pub settings_version: i64,
}

pub async fn place_facts(
    conn: &mut Conn,
    customer_id: i64,
    dealer_id: Option<i64>,
    department_id: Option<i64>,
) -> Result<PlaceFacts> {
    let mut q = Sql::new("SELECT (SELECT tier FROM customers WHERE deleted_at IS NULL AND id = ");
    q.bind(customer_id)
        .push(") AS tier, (SELECT calendar_id FROM dealers WHERE id = ")
        .bind(dealer_id)
        .push(") AS dealer_calendar, (SELECT calendar_id FROM departments WHERE id = ")
        .bind(department_id)
        .push(
            ") AS department_calendar, \
             (SELECT n FROM settings_version WHERE id = 1) AS settings",
        );
    let r = q.query().fetch_one(conn).await?;
    Ok(PlaceFacts {
        tier: columns::opt_text(&r, "tier")?.and_then(|t| Tier::parse(&t).ok()),
        dealer_calendar: columns::opt_i64(&r, "dealer_calendar")?,
        department_calendar: columns::opt_i64(&r, "department_calendar")?,
        settings_version: columns::opt_i64(&r, "settings")?.unwrap_or_default(),
    })
}
