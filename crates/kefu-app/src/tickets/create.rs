//! Opening a work order.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use kefu_core::FieldError;
use kefu_core::org::Permission;
use kefu_core::text;
use kefu_core::tickets::{Category, Channel, Priority, Ticket, TicketState};
use kefu_store::org::dealers;
use kefu_store::{Change, customers, tickets, vehicles};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::journal::{Written, commit, record};
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
    let now = app.now();
    let received_at = match input.received_at.as_deref() {
        None => now,
        Some(raw) => instant("received_at", raw)?,
    };
    if received_at > now {
        return Err(AppError::invalid(
            "received_at",
            "in_future",
            "received_at cannot be in the future",
        ));
    }
    let channel = Channel::parse(&input.channel)?;
    let category = Category::parse(&input.category)?;
    let priority = input
        .priority
        .as_deref()
        .map(Priority::parse)
        .transpose()?
        .unwrap_or(Priority::Normal);
    let subject = text::text("subject", &input.subject, 200)?;
    let description = text::optional_text("description", input.description.as_deref(), 10_000)?;

    let mut tx = app.store.begin().await?;
    let customer = customers::get(&mut tx, who.scope(), input.customer_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "customer_id",
                "unknown_customer",
                format!("there is no customer {}", input.customer_id),
            )
        })?;
    if let Some(v) = input.vehicle_id {
        let vehicle = vehicles::get(&mut tx, who.scope(), v).await?;
        if vehicle.is_none_or(|v| v.fields.customer_id != customer.id) {
            return Err(AppError::invalid(
                "vehicle_id",
                "unknown_vehicle",
                format!("customer {} has no vehicle {v}", customer.id),
            ));
        }
    }
    let dealer_id = input.dealer_id.or(customer.fields.dealer_id);
    if let Some(d) = dealer_id
        && dealers::get(&mut tx, d).await?.is_none()
    {
        return Err(AppError::invalid(
            "dealer_id",
            "unknown_dealer",
            format!("there is no dealer {d}"),
        ));
    }
    if who.role.is_dealer_bound() && dealer_id != who.dealer_id {
        return Err(AppError::forbidden(
            "you may only open orders for your own dealer",
        ));
    }
    // The group's day for the number follows the centre's clock, not UTC.
    let day = now.with_timezone(&Shanghai).format("%Y%m%d").to_string();
    let seq = tickets::next_number(&mut tx, &day).await?;
    let state = TicketState::new();
    let mut ticket = Ticket {
        id: 0,
        number: format!("GD-{day}-{seq:04}"),
        customer_id: customer.id,
        vehicle_id: input.vehicle_id,
        dealer_id,
        department_id: None,
        assignee_id: None,
        channel,
        category,
        priority,
        subject,
        description,
        status: state.status,
        level: state.level,
        received_at,
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
    ticket.id = tickets::insert(&mut tx, &ticket).await?;
    crate::sla::start_at_place(&mut tx, &mut ticket, now).await?;
    if ticket.policy_id.is_some() {
        tickets::update(&mut tx, &ticket).await?;
    }
    tickets::insert_event(&mut tx, ticket.id, "created", now, Some(who.user_id), serde_json::json!({
        "channel": channel.as_str(), "category": category.as_str(), "priority": priority.as_str(),
    }))
    .await?;
    record(
        &mut tx,
        Some(who),
        now,
        Written {
            entity: "ticket",
            id: ticket.id,
            action: "ticket.create",
            change: Change::Created,
            before: None,
            after: Some(&ticket),
        },
    )
    .await?;
    let view = super::view(&mut tx, ticket).await?;
    commit(tx).await?;
    app.clock_wake.notify_one();
    Ok(view)
}

pub(crate) fn instant(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
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
