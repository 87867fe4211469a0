//! Work orders: open, list, read, move through triage, and their events.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use kefu_app::tickets::{self, Action, TicketInput, TicketView};
use kefu_app::{App, Page};
use kefu_core::sla::Clock;
use kefu_core::tickets::TicketEvent;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::page;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, Id, Json, Query};

/// Each path's handlers, served and described by their `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(one))
        .routes(routes!(events))
        .routes(routes!(clocks))
        .routes(routes!(answer))
        .routes(routes!(dispatch))
        .routes(routes!(escalate))
        .routes(routes!(assign))
        .routes(routes!(respond))
        .routes(routes!(wait))
        .routes(routes!(resume))
        .routes(routes!(resolve))
        .routes(routes!(callback))
        .routes(routes!(reopen))
        .routes(routes!(notes))
}

/// Open a work order; it starts as `new` at level `L1` with a number agents
/// can read over the phone.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = TicketInput,
    responses((status = 201, body = TicketView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<App>,
    Caller(who): Caller,
    Json(input): Json<TicketInput>,
) -> ApiResult<(StatusCode, JsonOut<TicketView>)> {
    Ok((
        StatusCode::CREATED,
        JsonOut(tickets::create(&app, &who, input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets", params(("id" = i64, Path)),
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn one(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
) -> ApiResult<JsonOut<TicketView>> {
    Ok(JsonOut(tickets::get(&app, &who, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TicketQuery {
    /// new, dispatched, escalated, in_progress, waiting_customer, resolved, closed, reopened
    status: Option<String>,
    /// L1, L2, L3
    level: Option<String>,
    dealer_id: Option<i64>,
    department_id: Option<i64>,
    assignee_id: Option<i64>,
    customer_id: Option<i64>,
    /// Only orders with a clock that ran out.
    overdue: Option<bool>,
    /// Only orders not yet resolved or closed.
    open: Option<bool>,
    /// Only the caller's own: assigned to them, or opened by them and still with the centre (L1), unassigned.
    mine: Option<bool>,
    /// The order with this number, e.g. `GD-20261123-0042`.
    number: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// The orders the caller may see, newest first: dealer staff their dealer's,
/// a liaison what is escalated to their department.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(TicketQuery),
    responses((status = 200, body = Page<TicketView>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    Query(q): Query<TicketQuery>,
) -> ApiResult<JsonOut<Page<TicketView>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    let query = tickets::Query {
        status: q.status,
        level: q.level,
        dealer_id: q.dealer_id,
        department_id: q.department_id,
        assignee_id: q.assignee_id,
        customer_id: q.customer_id,
        overdue: q.overdue.unwrap_or(false),
        open: q.open.unwrap_or(false),
        mine: q.mine.unwrap_or(false),
        number: q.number,
    };
    Ok(JsonOut(tickets::list(&app, &who, &query, p).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Every step of the order, its creation included, oldest first.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/events", tag = "tickets", params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = Page<TicketEvent>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn events(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
    Query(q): Query<PageQuery>,
) -> ApiResult<JsonOut<Page<TicketEvent>>> {
    let p = page(q.limit, q.cursor.as_deref())?;
    Ok(JsonOut(tickets::events(&app, &who, id, p).await?))
}

/// The order's clocks: response, resolution and each escalation step, with
/// their due instants, pauses and whether they were breached.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/clocks", tag = "tickets", params(("id" = i64, Path)),
    responses((status = 200, body = Page<Clock>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn clocks(
    State(app): State<App>,
    Caller(who): Caller,
    Id(id): Id,
) -> ApiResult<JsonOut<Page<Clock>>> {
    let items = kefu_app::sla::for_ticket(&app, &who, id).await?;
    Ok(JsonOut(Page {
        items,
        next_cursor: None,
    }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchBody {
    dealer_id: i64,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalateBody {
    department_id: i64,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    user_id: i64,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    resolution: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackBody {
    /// Whether the customer was reached.
    reached: bool,
    /// 1 to 5 when reached; 3 or more closes the order, less reopens it.
    #[serde(default)]
    satisfaction: Option<i64>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotesBody {
    body: String,
    /// Internal notes are for the centre, not for the customer.
    #[serde(default)]
    internal: bool,
}

async fn run(
    app: &App,
    who: &kefu_app::Actor,
    id: i64,
    a: Action,
) -> ApiResult<JsonOut<TicketView>> {
    Ok(JsonOut(tickets::act(app, who, id, a).await?))
}

macro_rules! move_route {
    ($name:ident, $path:literal, $body:ty, $doc:literal, |$b:ident| $action:expr) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "tickets", params(("id" = i64, Path)), request_body = $body,
            responses((status = 200, body = TicketView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                (status = 409, description = "the order's status forbids this move", body = ErrorBody),
                (status = 422, body = ErrorBody)),
            security(("bearer" = [])))]
        pub async fn $name(
            State(app): State<App>,
            Caller(who): Caller,
            Id(id): Id,
            Json($b): Json<$body>,
        ) -> ApiResult<JsonOut<TicketView>> {
            run(&app, &who, id, $action).await
        }
    };
}

move_route!(
    answer,
    "/api/v1/tickets/{id}/answer",
    NoteBody,
    "L1: solved on the call; the order is resolved.",
    |b| Action::Answer { note: b.note }
);
move_route!(
    dispatch,
    "/api/v1/tickets/{id}/dispatch",
    DispatchBody,
    "L2: send the order to a dealer's queue.",
    |b| Action::Dispatch {
        dealer_id: b.dealer_id,
        note: b.note
    }
);
move_route!(
    escalate,
    "/api/v1/tickets/{id}/escalate",
    EscalateBody,
    "L3: send the order to a back-office department's liaison.",
    |b| Action::Escalate {
        department_id: b.department_id,
        note: b.note
    }
);
move_route!(
    assign,
    "/api/v1/tickets/{id}/assign",
    AssignBody,
    "Give the order to a person: a liaison within the department, dealer staff within the dealer, a manager anyone.",
    |b| Action::Assign {
        user_id: b.user_id,
        note: b.note
    }
);
move_route!(
    respond,
    "/api/v1/tickets/{id}/respond",
    NoteBody,
    "The first response to the order.",
    |b| Action::Respond { note: b.note }
);
move_route!(
    wait,
    "/api/v1/tickets/{id}/wait",
    ReasonBody,
    "Waiting on the customer: the clocks pause.",
    |b| Action::Wait { reason: b.reason }
);
move_route!(
    resume,
    "/api/v1/tickets/{id}/resume",
    NoteBody,
    "No longer waiting on the customer.",
    |b| Action::Resume { note: b.note }
);
move_route!(
    resolve,
    "/api/v1/tickets/{id}/resolve",
    ResolveBody,
    "The problem is solved; a callback confirms it.",
    |b| Action::Resolve {
        resolution: b.resolution
    }
);
move_route!(
    callback,
    "/api/v1/tickets/{id}/callback",
    CallbackBody,
    "The confirmation call: reached and satisfied (3+) closes, dissatisfied reopens, not reached tries again.",
    |b| Action::Callback {
        reached: b.reached,
        satisfaction: b.satisfaction,
        note: b.note
    }
);
move_route!(
    reopen,
    "/api/v1/tickets/{id}/reopen",
    ReasonBody,
    "Open a resolved or closed order again.",
    |b| Action::Reopen { reason: b.reason }
);
move_route!(
    notes,
    "/api/v1/tickets/{id}/notes",
    NotesBody,
    "Add a note to the order's timeline.",
    |b| Action::Note {
        body: b.body,
        internal: b.internal
    }
);
