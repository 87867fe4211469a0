//! The screen pop: the page listens on `/events` (Server-Sent Events; the
//! browser reconnects by itself), a ringing call arrives as a `pop` event,
//! and the page fetches the caller's card into `#pop`. For an unknown
//! number the card is a form that creates the customer.

use std::convert::Infallible;

use askama::Template;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use kefu_app::calls::Card;
use kefu_app::{App, LiveEvent};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::i18n::Tr;
use super::views::{Car, OrderRow, local};
use super::{PageError, Viewer, html};
use crate::pages::form::Id;

pub async fn events(
    State(app): State<App>,
    v: Viewer,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let me = v.actor.user_id;
    let listening = (app.live.subscribe(), app.live.closing());
    let actor = v.actor.clone();
    let stream = futures_util::stream::unfold(listening, move |(mut rx, mut closing)| {
        let (app, actor) = (app.clone(), actor.clone());
        async move {
            loop {
                let next = tokio::select! {
                    e = rx.recv() => e,
                    _ = closing.changed() => return None,
                };
                match next {
                    Ok(LiveEvent::Pop { user_id, call }) if user_id == me => {
                        let data = serde_json::json!({ "call": call }).to_string();
                        let event = Event::default().event("pop").data(data);
                        return Some((Ok(event), (rx, closing)));
                    }
                    // Something to tell them: the bell shows the new count.
                    Ok(LiveEvent::Notice { user_id }) if user_id == me => {
                        let Ok(unread) = kefu_app::notifications::unread_count(&app, &actor).await
                        else {
                            continue;
                        };
                        let data = serde_json::json!({ "unread": unread }).to_string();
                        let event = Event::default().event("notice").data(data);
                        return Some((Ok(event), (rx, closing)));
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[derive(Template)]
#[template(path = "pop.html")]
struct PopCard {
    t: Tr,
    phone: String,
    call: Option<i64>,
    customer: Option<CustomerView>,
    vehicles: Vec<Car>,
    open_orders: Vec<OrderRow>,
    contacts: Vec<Contact>,
    new_order: String,
    name: String,
    error: Option<String>,
}

struct CustomerView {
    id: i64,
    name: String,
    tier: String,
    phones: String,
}

/// One of the customer's last contacts: an order or a call.
struct Contact {
    at: String,
    what: String,
    href: String,
}

fn pop_card(card: Card, t: Tr) -> PopCard {
    let names = kefu_app::workbench::Names::default();
    let call = card.call.as_ref().map(|c| c.id);
    let received = card
        .call
        .as_ref()
        .map_or(card.at, |c| c.received_at)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut new_order = String::new();
    if let Some(c) = &card.customer {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("customer_id", &c.id.to_string());
        if let Some(v) = card.vehicles.first() {
            q.append_pair("vehicle_id", &v.id.to_string());
        }
        q.append_pair("channel", "phone");
        q.append_pair("received_at", &received);
        new_order = format!("/tickets/new?{}", q.finish());
    }
    let mut contacts: Vec<(chrono::DateTime<chrono::Utc>, Contact)> = card
        .recent_orders
        .iter()
        .map(|o| {
            let what = format!(
                "{} · {} · {}",
                o.number,
                t.word("status", o.status.as_str()),
                o.subject
            );
            (
                o.received_at,
                Contact {
                    at: local(&o.received_at, card.zone),
                    what,
                    href: format!("/tickets/{}", o.id),
                },
            )
        })
        .chain(
            card.recent_calls
                .iter()
                .filter(|c| Some(c.id) != call)
                .map(|c| {
                    let what = format!("{} {}", t.t("pop.call_from"), c.caller);
                    (
                        c.received_at,
                        Contact {
                            at: local(&c.received_at, card.zone),
                            what,
                            href: String::new(),
                        },
                    )
                }),
        )
        .collect();
    contacts.sort_by_key(|c| std::cmp::Reverse(c.0));
    PopCard {
        t,
        phone: card.phone.clone(),
        call,
        customer: card.customer.as_ref().map(|c| CustomerView {
            id: c.id,
            name: c.fields.name.clone(),
            tier: c
                .fields
                .tier
                .map(|x| t.word("tier", x.as_str()))
                .unwrap_or_default(),
            phones: c
                .fields
                .phones()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
        }),
        vehicles: card.vehicles.iter().map(Car::new).collect(),
        open_orders: card
            .open_orders
            .iter()
            .map(|o| OrderRow::new(o, &names, t, card.zone))
            .collect(),
        contacts: contacts.into_iter().take(6).map(|(_, c)| c).collect(),
        new_order,
        name: String::new(),
        error: None,
    }
}

pub async fn card(State(app): State<App>, v: Viewer, Id(id): Id) -> Result<Response, PageError> {
    let card = kefu_app::calls::card(&app, &v.actor, id).await?;
    Ok(html(&pop_card(card, v.t)))
}

#[derive(Deserialize)]
pub struct NewCustomer {
    phone: String,
    name: String,
    call: Option<i64>,
}

/// Create the caller as a customer from the pop, then show their card.
pub async fn create_customer(
    State(app): State<App>,
    v: Viewer,
    crate::pages::form::Form(form): crate::pages::form::Form<NewCustomer>,
) -> Result<Response, PageError> {
    let input = serde_json::json!({ "name": form.name, "phone": form.phone, "source": "phone" });
    let created = match kefu_app::from_json(input) {
        Ok(input) => kefu_app::customers::create(&app, &v.actor, input).await,
        Err(e) => Err(kefu_app::AppError::Invalid(e)),
    };
    match created {
        Ok(c) => {
            let card = kefu_app::calls::customer_card(
                &app,
                &v.actor,
                c.id,
                form.call,
                kefu_app::calls::POP_CONTACTS,
            )
            .await?;
            Ok(html(&pop_card(card, v.t)))
        }
        Err(e @ kefu_app::AppError::Invalid(_)) => {
            let message = PageError::from(e).message(v.t);
            let page = PopCard {
                name: form.name,
                error: Some(message),
                call: form.call,
                ..pop_card(
                    Card {
                        call: None,
                        phone: form.phone,
                        customer: None,
                        vehicles: Vec::new(),
                        open_orders: Vec::new(),
                        recent_orders: Vec::new(),
                        recent_calls: Vec::new(),
                        at: app.now(),
                        zone: kefu_app::org::group::zone_of(&app, &v.actor).await?,
                    },
                    v.t,
                )
            };
            Ok((axum::http::StatusCode::OK, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
