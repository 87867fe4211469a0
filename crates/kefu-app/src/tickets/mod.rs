//! Work orders: open one, move it through triage, read it and its events.

mod create;
mod group_commit;
mod moves;

pub use create::{TicketInput, create};
pub use group_commit::Openings;
pub use moves::{Action, CALLBACK_ATTEMPTS, act, moves_for};

use std::collections::HashMap;

use kefu_core::org::{Permission, Scope};
use kefu_core::sla::Clock;
use kefu_core::tickets::{Level, Status, Ticket, TicketEvent};
use kefu_store::tickets::{self, TicketFilter};
use kefu_store::{Conn, Page, PageRequest};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Actor, App, AppError, Result};

impl Actor {
    /// Which work orders the caller sees.
    pub fn ticket_scope(&self) -> Scope {
        Scope::tickets_for(self.role, self.dealer_id, self.department_id)
    }
}

/// A work order as the API shows it: with its SLA state, and on a single
/// order its clocks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketView {
    #[serde(flatten)]
    pub ticket: Ticket,
    /// green, yellow (warned), red (breached), grey (paused) or none.
    pub sla_state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clocks: Option<Vec<Clock>>,
}

pub(crate) async fn view(conn: &mut Conn, t: Ticket) -> Result<TicketView> {
    let clocks = kefu_store::sla::clocks::for_ticket(conn, t.id).await?;
    Ok(view_of(t, clocks))
}

fn view_of(t: Ticket, clocks: Vec<Clock>) -> TicketView {
    TicketView {
        sla_state: crate::sla::sla_state(&t, &clocks),
        ticket: t,
        clocks: Some(clocks),
    }
}

pub async fn get(app: &App, who: &Actor, id: i64) -> Result<TicketView> {
    let mut conn = app.store.read().await?;
    let (t, clocks) = tickets::get_with_clocks(&mut conn, who.ticket_scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view_of(t, clocks))
}

/// What a caller may filter a queue by, as sent.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub status: Option<String>,
    pub level: Option<String>,
    pub dealer_id: Option<i64>,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub overdue: bool,
    /// Only orders not yet resolved or closed.
    pub open: bool,
    /// Only the caller's own: assigned to them, or opened by them and still
    /// with the centre (L1) with no one assigned.
    pub mine: bool,
    /// The order with this number (`GD-20261123-0042`).
    pub number: Option<String>,
}

pub async fn list(
    app: &App,
    who: &Actor,
    q: &Query,
    page: PageRequest,
) -> Result<Page<TicketView>> {
    who.require(Permission::ReadCustomers)?;
    let filter = TicketFilter {
        status: q.status.as_deref().map(Status::parse).transpose()?,
        level: q.level.as_deref().map(Level::parse).transpose()?,
        dealer_id: q.dealer_id,
        department_id: q.department_id,
        assignee_id: q.assignee_id,
        customer_id: q.customer_id,
        overdue: q.overdue,
        open: q.open,
        mine: q.mine.then_some(who.user_id),
        number: q.number.as_deref().map(|n| n.trim().to_uppercase()),
    };
    let mut conn = app.store.read().await?;
    let page = tickets::list(&mut conn, who.ticket_scope(), &filter, page).await?;
    let ids: Vec<i64> = page.items.iter().map(|t| t.id).collect();
    let mut by_ticket: HashMap<i64, Vec<Clock>> = HashMap::new();
    for c in kefu_store::sla::clocks::for_tickets(&mut conn, &ids).await? {
        by_ticket.entry(c.ticket_id).or_default().push(c);
    }
    Ok(page.map(|t| TicketView {
        sla_state: crate::sla::sla_state(&t, by_ticket.get(&t.id).map_or(&[], Vec::as_slice)),
        ticket: t,
        clocks: None,
    }))
}

pub async fn events(
    app: &App,
    who: &Actor,
    id: i64,
    page: PageRequest,
) -> Result<Page<TicketEvent>> {
    let mut conn = app.store.read().await?;
    tickets::get(&mut conn, who.ticket_scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(tickets::list_events(&mut conn, id, page).await?)
}
