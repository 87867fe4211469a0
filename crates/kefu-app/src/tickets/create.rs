//! Opening a work order: the request is checked and its clocks planned on a
//! reader, away from the one writer; the write itself joins the orders
//! opened at the same moment in one transaction (see [`super::group`]).

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use kefu_core::FieldError;
use kefu_core::org::Permission;
use kefu_core::org::group::GroupSettings;
use kefu_core::text;
use kefu_core::tickets::{Category, Channel, Priority, Ticket, TicketState};
use kefu_store::{Conn, tickets};
use serde::Deserialize;
use utoipa::ToSchema;

use super::group_commit::{self, Opening};
use crate::sla::PlacePlan;
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketInput {
    pub customer_id: i64,
    #[serde(default)]
    pub vehicle_id: Option<i64>,
    /// Defaults to the customer's dealer.
    #[serde(default)]
    pub dealer_id: Option<i64>,
    /// phone, wechat, app, email, web, walk_in.
    pub channel: String,
    /// complaint, inquiry, suggestion, praise, repair, other.
    pub category: String,
    /// low, normal (default), high, urgent.
    #[serde(default)]
    pub priority: Option<String>,
    pub subject: String,
    #[serde(default)]
    pub description: Option<String>,
    /// When the customer actually called (RFC 3339), for orders logged after
    /// the call; never in the future. Defaults to now.
    #[serde(default)]
    pub received_at: Option<String>,
}

pub async fn create(app: &App, who: &Actor, input: TicketInput) -> Result<super::TicketView> {
    who.require(Permission::CreateTickets)?;
    // Stored to the millisecond: the answer shows what a later read will.
    let now = app.now().trunc_subsecs(3);
    let draft = Draft::parse(input, now)?;
    let (ticket, clocks, numbering) = {
        let mut conn = app.store.read().await?;
        prepare(&mut conn, app, who, &draft, now).await?
    };
    group_commit::open(
        app,
        Opening {
            who: who.clone(),
            draft,
            now,
            ticket,
            clocks,
            numbering,
        },
    )
    .await
}

/// A request to open an order, its fields checked one by one.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub(super) customer_id: i64,
    vehicle_id: Option<i64>,
    dealer_id: Option<i64>,
    channel: Channel,
    category: Category,
    priority: Priority,
    subject: String,
    description: Option<String>,
    received_at: DateTime<Utc>,
}

impl Draft {
    pub(super) fn parse(input: TicketInput, now: DateTime<Utc>) -> Result<Draft> {
        let received_at = match input.received_at.as_deref() {
            None => now,
            Some(raw) => instant("received_at", raw)?,
        };
        if received_at < earliest_received() {
            return Err(AppError::invalid(
                "received_at",
                "too_early",
                "received_at cannot be before 2000-01-01",
            ));
        }
        if received_at > now {
            return Err(AppError::invalid(
                "received_at",
                "in_future",
                "received_at cannot be in the future",
            ));
        }
        Ok(Draft {
            customer_id: input.customer_id,
            vehicle_id: input.vehicle_id,
            dealer_id: input.dealer_id,
            channel: Channel::parse(&input.channel)?,
            category: Category::parse(&input.category)?,
            priority: input
                .priority
                .as_deref()
                .map(Priority::parse)
                .transpose()?
                .unwrap_or(Priority::Normal),
            subject: text::text("subject", &input.subject, 200)?,
            description: text::optional_text("description", input.description.as_deref(), 10_000)?,
            received_at,
        })
    }
}

/// Check the draft against what is stored (the customer, their car, the
/// dealer, who may open for whom) and plan its clocks: the order as it will
/// be written, without its id and number, and how it will be numbered. One
/// statement reads the facts; the policies, calendars and the group's
/// settings come from the app's copies unless they have changed.
pub(super) async fn prepare(
    conn: &mut Conn,
    app: &App,
    who: &Actor,
    d: &Draft,
    now: DateTime<Utc>,
) -> Result<(Ticket, Option<PlacePlan>, Arc<GroupSettings>)> {
    let facts = tickets::opening_facts(conn, who.scope(), d.customer_id, d.vehicle_id, d.dealer_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "customer_id",
                "unknown_customer",
                format!("there is no customer {}", d.customer_id),
            )
        })?;
    if let Some(v) = d.vehicle_id
        && facts.car_owner != Some(d.customer_id)
    {
        return Err(AppError::invalid(
            "vehicle_id",
            "unknown_vehicle",
            format!("customer {} has no vehicle {v}", d.customer_id),
        ));
    }
    let dealer_id = d.dealer_id.or(facts.customer_dealer_id);
    if let Some(id) = dealer_id
        && facts.dealer.is_none()
    {
        return Err(AppError::invalid(
            "dealer_id",
            "unknown_dealer",
            format!("there is no dealer {id}"),
        ));
    }
    if who.role.is_dealer_bound() && dealer_id != who.dealer_id {
        return Err(AppError::forbidden(
            "you may only open orders for your own dealer",
        ));
    }
    let state = TicketState::new();
    let mut ticket = Ticket {
        id: 0,
        number: String::new(),
        customer_id: d.customer_id,
        vehicle_id: d.vehicle_id,
        dealer_id,
        department_id: None,
        assignee_id: None,
        channel: d.channel,
        category: d.category,
        priority: d.priority,
        subject: d.subject.clone(),
        description: d.description.clone(),
        status: state.status,
        level: state.level,
        received_at: d.received_at,
        created_by: Some(who.user_id),
        resolution: None,
        close_reason: None,
        satisfaction: None,
        callback_attempts: 0,
        policy_id: None,
        created_at: now,
        updated_at: now,
        resolved_at: None,
        closed_at: None,
        before_wait: None,
    };
    // A new order is with the centre (L1): its clocks count on its dealer's
    // calendar unless the policy names one.
    let place_calendar = facts.dealer.and_then(|(_, calendar)| calendar);
    let plan = app
        .sla_settings
        .at(conn, facts.settings_version)
        .await?
        .plan(conn, &ticket, facts.tier, place_calendar, now)
        .await?;
    ticket.policy_id = plan.as_ref().map(|p| p.policy_id);
    let numbering = app.group.at(conn, facts.settings_version).await?;
    Ok((ticket, plan, numbering))
}

/// No work order of a dealer's centre was taken before this.
fn earliest_received() -> DateTime<Utc> {
    DateTime::from_timestamp(946_684_800, 0).unwrap_or_default()
}

fn instant(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| {
            FieldError::new(
                field,
                "invalid_instant",
                format!("{field} is an RFC 3339 instant, e.g. 2026-11-23T09:30:00+08:00"),
            )
        })
}
