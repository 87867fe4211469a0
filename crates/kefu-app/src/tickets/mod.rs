//! Work orders: open one, move it through triage, read it and its events.

mod create;
mod moves;

pub use create::{TicketInput, create};
pub use moves::{Action, act};

use kefu_core::org::{Permission, Scope};
use kefu_core::tickets::{Level, Status, Ticket, TicketEvent};
use kefu_store::tickets::{self, TicketFilter};
use kefu_store::{Page, PageRequest};

use crate::{Actor, App, AppError, Result};

impl Actor {
    /// Which work orders the caller sees.
    pub fn ticket_scope(&self) -> Scope {
        Scope::tickets_for(self.role, self.dealer_id, self.department_id)
    }
}

pub async fn get(app: &App, who: &Actor, id: i64) -> Result<Ticket> {
    let mut conn = app.store.read().await?;
    tickets::get(&mut conn, who.ticket_scope(), id)
        .await?
        .ok_or(AppError::NotFound)
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
}

pub async fn list(app: &App, who: &Actor, q: &Query, page: PageRequest) -> Result<Page<Ticket>> {
    who.require(Permission::ReadCustomers)?;
    let filter = TicketFilter {
        status: q.status.as_deref().map(Status::parse).transpose()?,
        level: q.level.as_deref().map(Level::parse).transpose()?,
        dealer_id: q.dealer_id,
        department_id: q.department_id,
        assignee_id: q.assignee_id,
        customer_id: q.customer_id,
    };
    let mut conn = app.store.read().await?;
    Ok(tickets::list(&mut conn, who.ticket_scope(), &filter, page).await?)
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
