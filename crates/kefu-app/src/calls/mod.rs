//! Incoming calls: the telephony system (CTI) reports a ringing call, kefu
//! stores it, finds the caller and pops the customer's card on the agent's
//! open page. The card is the same wherever it is shown.

pub mod keys;

use chrono::{DateTime, Utc};
use kefu_core::customers::{Customer, Phone};
use kefu_core::org::{Permission, Scope};
use kefu_core::text;
use kefu_core::tickets::Ticket;
use kefu_core::vehicles::Vehicle;
use kefu_store::calls::{self, Call, CallFilter, IntegrationKey, NewCall};
use kefu_store::org::users;
use kefu_store::tickets::{self, TicketFilter};
use kefu_store::{Conn, Page, PageRequest, customers, vehicles};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::live::LiveEvent;
use crate::work::Work;
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    /// The telephony system's id of the call; reporting it again is harmless.
    pub call_id: String,
    /// The calling number.
    pub caller: String,
    /// The number that was called (the hotline).
    #[serde(default)]
    pub callee: Option<String>,
    /// The username of the agent whose phone rings. With an agent's own
    /// token it defaults to that agent and may name no one else.
    #[serde(default)]
    pub agent: Option<String>,
}

/// Who reports a call.
#[derive(Debug, Clone)]
pub enum Reporter {
    Key(IntegrationKey),
    Agent(Actor),
}

/// Store a ringing call and pop it on the agent's page. The second report of
/// the same `call_id` answers the stored call (`false`) and pops nothing.
pub async fn report(app: &App, by: &Reporter, input: CallInput) -> Result<(Call, bool)> {
    let call_id = text::text("call_id", &input.call_id, 100)?;
    let caller = number("caller", &input.caller)?;
    let callee = match input.callee.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(number("callee", raw)?),
    };
    if let Reporter::Agent(who) = by {
        who.require(Permission::TakeCalls)?;
    }
    let mut tx = Work::begin(app).await?;
    if let Some(known) = calls::by_call_id(&mut tx, &call_id).await? {
        return Ok((known, false));
    }
    let agent_id = match (by, input.agent.as_deref().map(str::trim)) {
        (Reporter::Agent(who), None) => who.user_id,
        (Reporter::Agent(who), Some(name)) if name == who.username => who.user_id,
        (Reporter::Agent(_), Some(_)) => {
            return Err(AppError::forbidden(
                "an agent's token reports only calls ringing at that agent",
            ));
        }
        (Reporter::Key(_), None) => {
            return Err(AppError::invalid(
                "agent",
                "required",
                "name the agent whose phone rings",
            ));
        }
        (Reporter::Key(_), Some(name)) => match users::by_username(&mut tx, name).await? {
            Some(u) if u.fields.active && u.fields.role.allows(Permission::TakeCalls) => u.id,
            _ => {
                return Err(AppError::invalid(
                    "agent",
                    "unknown_agent",
                    format!("no active agent has the username {name:?}"),
                ));
            }
        },
    };
    let customer_id = match Phone::parse(&caller) {
        Ok(phone) => customers::by_phones(&mut tx, Scope::Group, &[phone.as_str()])
            .await?
            .first()
            .map(|(_, id, _, _)| *id),
        Err(_) => None,
    };
    let key_id = match by {
        Reporter::Key(k) => Some(k.id),
        Reporter::Agent(_) => None,
    };
    let call = calls::insert(
        &mut tx,
        &NewCall {
            call_id: &call_id,
            caller: &caller,
            callee: callee.as_deref(),
            agent_id,
            customer_id,
            key_id,
            received_at: app.now(),
        },
    )
    .await?;
    let pop = LiveEvent::Pop {
        user_id: agent_id,
        call: call.id,
    };
    let publish = crate::live::publish(app, &mut tx, &pop).await?;
    tx.commit(app).await?;
    publish.after_commit(&app.live);
    Ok((call, true))
}

/// A telephone number as a CTI writes it: digits with an optional leading
/// `+` and separators.
fn number(field: &str, raw: &str) -> Result<String> {
    let raw = raw.trim();
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    let fits = raw
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'));
    if raw.is_empty() || !fits || !(3..=20).contains(&digits) {
        return Err(AppError::invalid(
            field,
            "invalid_number",
            format!("{field} must be a telephone number (3 to 20 digits)"),
        ));
    }
    Ok(raw.to_owned())
}

pub async fn list(
    app: &App,
    who: &Actor,
    filter: &CallFilter,
    page: PageRequest,
) -> Result<Page<Call>> {
    who.require(Permission::TakeCalls)?;
    let mut conn = app.store.read().await?;
    Ok(calls::list(&mut conn, filter, page).await?)
}

/// The caller's card: who is calling, their cars, what is open for them and
/// their last contacts; for an unknown number, just the number.
#[derive(Debug, Clone)]
pub struct Card {
    pub call: Option<Call>,
    pub phone: String,
    pub customer: Option<Customer>,
    pub vehicles: Vec<Vehicle>,
    pub open_orders: Vec<Ticket>,
    /// The latest orders, open or not: the last contacts.
    pub recent_orders: Vec<Ticket>,
    pub recent_calls: Vec<Call>,
    pub at: DateTime<Utc>,
    /// Where the card's times are read: the customer's dealer's time zone,
    /// else the group's.
    pub zone: chrono_tz::Tz,
}

/// Last contacts on a card that pops up.
pub const POP_CONTACTS: i64 = 5;

/// The call if the caller may see it: only its agent, or someone who takes
/// calls.
async fn call_for(conn: &mut Conn, who: &Actor, call_id: i64) -> Result<Call> {
    calls::get(conn, call_id)
        .await?
        .filter(|c| c.agent_id == who.user_id || who.may(Permission::TakeCalls))
        .ok_or(AppError::NotFound)
}

/// The card for a stored call.
pub async fn card(app: &App, who: &Actor, call_id: i64) -> Result<Card> {
    let mut conn = app.store.read().await?;
    let call = call_for(&mut conn, who, call_id).await?;
    let customer = match call.customer_id {
        Some(id) => customers::get(&mut conn, who.scope(), id).await?,
        None => None,
    };
    let phone = call.caller.clone();
    fill(
        app,
        &mut conn,
        who,
        Some(call),
        phone,
        customer,
        POP_CONTACTS,
    )
    .await
}

/// The card of a known customer, with their last `contacts` orders and
/// calls: after creating one from a pop (`call` the call it came from), and
/// the customer's own page.
pub async fn customer_card(
    app: &App,
    who: &Actor,
    customer_id: i64,
    call: Option<i64>,
    contacts: i64,
) -> Result<Card> {
    who.require(Permission::ReadCustomers)?;
    let mut conn = app.store.read().await?;
    let customer = customers::get(&mut conn, who.scope(), customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let call = match call {
        Some(id) => Some(call_for(&mut conn, who, id).await?),
        None => None,
    };
    let phone = customer.fields.phone.as_str().to_owned();
    fill(app, &mut conn, who, call, phone, Some(customer), contacts).await
}

async fn fill(
    app: &App,
    conn: &mut Conn,
    who: &Actor,
    call: Option<Call>,
    phone: String,
    customer: Option<Customer>,
    contacts: i64,
) -> Result<Card> {
    let dealer = customer.as_ref().and_then(|c| c.fields.dealer_id);
    let zone = crate::org::group::zone_on(app, conn, dealer).await?;
    let mut card = Card {
        call,
        phone,
        customer: None,
        vehicles: Vec::new(),
        open_orders: Vec::new(),
        recent_orders: Vec::new(),
        recent_calls: Vec::new(),
        at: app.now(),
        zone,
    };
    let Some(customer) = customer else {
        return Ok(card);
    };
    let id = customer.id;
    card.customer = Some(crate::customers::present(who, customer));
    let by_customer = vehicles::VehicleFilter {
        customer_id: Some(id),
        ..Default::default()
    };
    card.vehicles = vehicles::list(conn, who.scope(), &by_customer, PageRequest::first(20))
        .await?
        .items;
    let mut orders = TicketFilter {
        customer_id: Some(id),
        open: true,
        ..Default::default()
    };
    card.open_orders = tickets::list(conn, who.ticket_scope(), &orders, PageRequest::first(20))
        .await?
        .items;
    orders.open = false;
    card.recent_orders = tickets::list(
        conn,
        who.ticket_scope(),
        &orders,
        PageRequest::first(contacts),
    )
    .await?
    .items;
    if who.may(Permission::TakeCalls) {
        let calls_of = CallFilter {
            customer_id: Some(id),
            ..Default::default()
        };
        card.recent_calls = calls::list(conn, &calls_of, PageRequest::first(contacts))
            .await?
            .items;
    }
    Ok(card)
}
