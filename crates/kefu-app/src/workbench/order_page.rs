//! Everything the work-order page shows, read in a fixed handful of queries:
//! the order with its clocks, its timeline, the names it mentions, the moves
//! the viewer may make and the choices those moves need.

use kefu_core::customers::Customer;
use kefu_core::org::{Dealer, Department, Role, Scope, User};
use kefu_core::tickets::{Move, TicketEvent};
use kefu_core::vehicles::Vehicle;
use kefu_store::org::{dealers, departments, users};
use kefu_store::{PageRequest, customers, tickets, vehicles};

use super::Names;
use crate::tickets::{TicketView, moves_for, view};
use crate::{Actor, App, AppError, Result};

/// Events shown on the page; an order with more shows the latest.
pub const TIMELINE_EVENTS: i64 = 200;

#[derive(Debug, Clone)]
pub struct Sheet {
    pub order: TicketView,
    pub customer: Option<Customer>,
    pub vehicle: Option<Vehicle>,
    pub events: Vec<TicketEvent>,
    pub moves: Vec<Move>,
    /// Where it may be dispatched (when dispatch is among the moves).
    pub dealers: Vec<Dealer>,
    /// Where it may be escalated.
    pub departments: Vec<Department>,
    /// Whom it may be assigned to.
    pub assignees: Vec<User>,
    pub names: Names,
    /// Where the order's times are read: its dealer's time zone, or the
    /// group's once it is with a back-office department (or has no dealer).
    pub zone: chrono_tz::Tz,
}

pub async fn sheet(app: &App, who: &Actor, id: i64) -> Result<Sheet> {
    let mut conn = app.store.read().await?;
    let t = tickets::get(&mut conn, who.ticket_scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let moves = moves_for(who, &t);
    let customer = customers::get(&mut conn, who.scope(), t.customer_id).await?;
    let vehicle = match t.vehicle_id {
        Some(v) => vehicles::get(&mut conn, who.scope(), v).await?,
        None => None,
    };
    let events = tickets::list_events(&mut conn, id, PageRequest::first(TIMELINE_EVENTS))
        .await?
        .items;
    let all = PageRequest::first(PageRequest::MAX_LIMIT);
    let dealers = if moves.contains(&Move::Dispatch) {
        dealers::list(&mut conn, Some(true), all).await?.items
    } else {
        Vec::new()
    };
    let departments = if moves.contains(&Move::Escalate) {
        departments::list(&mut conn, all).await?.items
    } else {
        Vec::new()
    };
    let assignees = if moves.contains(&Move::Assign) {
        let mut filter = users::UserFilter {
            active: Some(true),
            ..Default::default()
        };
        match (t.department_id, t.dealer_id) {
            (Some(d), _) if t.level == kefu_core::tickets::Level::L3 => {
                filter.department_id = Some(d)
            }
            (_, Some(d)) => filter.dealer_id = Some(d),
            _ => filter.role = Some(Role::Agent),
        }
        let scope = match who.scope() {
            Scope::Dealer(d) => Scope::Dealer(d),
            _ => Scope::Group,
        };
        users::list(&mut conn, scope, &filter, all).await?.items
    } else {
        Vec::new()
    };
    let mut user_ids: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
    user_ids.extend(t.assignee_id);
    user_ids.extend(t.created_by);
    user_ids.extend(events.iter().filter_map(|e| e.data["user_id"].as_i64()));
    let mut dealer_ids: Vec<i64> = events
        .iter()
        .filter_map(|e| e.data["dealer_id"].as_i64())
        .collect();
    dealer_ids.extend(t.dealer_id);
    let mut department_ids: Vec<i64> = events
        .iter()
        .filter_map(|e| e.data["department_id"].as_i64())
        .collect();
    department_ids.extend(t.department_id);
    let names = Names::load(
        &mut conn,
        &[t.customer_id],
        &user_ids,
        &dealer_ids,
        &department_ids,
    )
    .await?;
    let at_dealer = t.department_id.is_none().then_some(t.dealer_id).flatten();
    let zone = crate::org::group::zone_on(app, &mut conn, at_dealer).await?;
    let order = view(&mut conn, t).await?;
    Ok(Sheet {
        order,
        customer,
        vehicle,
        events,
        moves,
        dealers,
        departments,
        assignees,
        names,
        zone,
    })
}
