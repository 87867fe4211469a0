//! The workbench home: my open orders, my team's queue, what is about to
//! breach (counting down), today's callbacks.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use kefu_app::App;

use kefu_app::workbench::Queue;
use serde::Deserialize;

use super::views::{Choice, OrderRow};
use super::{Chrome, PageError, Viewer, html};
use crate::pages::form::Query;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    t: super::i18n::Tr,
    mine: Vec<OrderRow>,
    team: Vec<OrderRow>,
    at_risk: Vec<OrderRow>,
    callbacks: Vec<OrderRow>,
    show_callbacks: bool,
    team_title: String,
    /// The queues to pick from (for those at the centre).
    places: Vec<Choice>,
}

#[derive(Deserialize)]
pub struct HomeQuery {
    queue: Option<String>,
}

pub async fn page(
    State(app): State<App>,
    v: Viewer,
    Query(q): Query<HomeQuery>,
) -> Result<Response, PageError> {
    // `?queue=` (empty) is the choice "all"; anything else names a queue.
    let chosen = match q.queue.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(Queue::parse(raw).ok_or_else(|| {
            PageError::invalid(
                "queue",
                "invalid_queue",
                "queue is a dealer's (d3) or a department's (p2)",
            )
        })?),
    };
    let home = kefu_app::workbench::home(&app, &v.actor, chosen).await?;
    let t = v.t;
    let n = &home.names;
    let zone = home.zone;
    let rows = |ts: &[kefu_core::tickets::Ticket]| -> Vec<OrderRow> {
        ts.iter().map(|tk| OrderRow::new(tk, n, t, zone)).collect()
    };
    let due =
        |ts: &[(kefu_core::tickets::Ticket, kefu_store::tickets::DueClock)]| -> Vec<OrderRow> {
            ts.iter()
                .map(|(tk, c)| OrderRow::due(tk, c, n, t, zone))
                .collect()
        };
    let team_title = match v.actor.ticket_scope() {
        kefu_core::org::Scope::Dealer(_) => t.t("home.dealer_queue"),
        kefu_core::org::Scope::Department(_) => t.t("home.department_queue"),
        _ => t.t("home.all_queue"),
    }
    .to_owned();
    let mut places = Vec::new();
    if !home.places.is_empty() {
        places.push(Choice::new("", t.t("home.all_queue"), chosen.is_none()));
        places.extend(
            home.places
                .iter()
                .map(|p| Choice::new(p.queue.code(), &p.name, Some(p.queue) == chosen)),
        );
    }
    let page = HomePage {
        mine: rows(&home.mine),
        team: rows(&home.team),
        at_risk: due(&home.at_risk),
        callbacks: due(&home.callbacks),
        show_callbacks: v.actor.may(kefu_core::org::Permission::TriageTickets),
        team_title,
        places,
        t,
        chrome: Chrome::new(&app, &v).await?,
    };
    Ok(html(&page))
}
