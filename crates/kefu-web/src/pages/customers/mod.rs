//! The customer 360: the profile, phones, needs, cars, and every order and
//! call on one timeline; and changing the record.

mod edit;

pub use edit::save;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use kefu_app::App;
use kefu_app::workbench::Names;

use super::i18n::Tr;
use super::views::{Car, OrderRow, local};
use super::{Chrome, PageError, Viewer, html};
use crate::pages::form::Id;
use edit::{CustomerForm, EditForm};

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerPage {
    chrome: Chrome,
    t: Tr,
    c: Profile,
    vehicles: Vec<Car>,
    open_orders: Vec<OrderRow>,
    timeline: Vec<Moment>,
    /// The edit form, for those who may change customers.
    edit: Option<EditForm>,
}

struct Profile {
    id: i64,
    name: String,
    kind: String,
    tier: String,
    phones: Vec<String>,
    wechat: String,
    address: String,
    dealer: String,
    source: String,
    tags: String,
    general: String,
    personal: String,
    hidden: String,
    since: String,
}

/// Orders and calls the customer's timeline shows, newest first.
const HISTORY_ROWS: i64 = 100;

/// An order or a call, as one line of the customer's history.
struct Moment {
    at: String,
    kind: &'static str,
    what: String,
    status: String,
    href: String,
}

pub async fn page(State(app): State<App>, v: Viewer, Id(id): Id) -> Result<Response, PageError> {
    let t = v.t;
    let card = kefu_app::calls::customer_card(&app, &v.actor, id, None, HISTORY_ROWS).await?;
    let Some(c) = card.customer.as_ref() else {
        return Err(PageError::not_found());
    };
    let f = &c.fields;
    let join = |xs: &[String]| xs.join("、");
    let dealer = match f.dealer_id {
        Some(d) => {
            kefu_app::org::dealers::get(&app, &v.actor, d)
                .await?
                .fields
                .name
        }
        None => String::new(),
    };
    let c_view = Profile {
        id: c.id,
        name: f.name.clone(),
        kind: t.word("kind", f.kind.as_str()),
        tier: f
            .tier
            .map(|x| t.word("tier", x.as_str()))
            .unwrap_or_default(),
        phones: f.phones().map(|p| p.as_str().to_owned()).collect(),
        wechat: f.wechat.clone().unwrap_or_default(),
        address: f.address.clone().unwrap_or_default(),
        dealer,
        source: f.source.clone().unwrap_or_default(),
        tags: join(&f.tags),
        general: join(&f.needs.general),
        personal: join(&f.needs.personal),
        hidden: join(&f.needs.hidden),
        since: local(&c.created_at, card.zone),
    };
    let mut moments: Vec<(chrono::DateTime<chrono::Utc>, Moment)> = card
        .recent_orders
        .iter()
        .map(|o| {
            (
                o.received_at,
                Moment {
                    at: local(&o.received_at, card.zone),
                    kind: "order",
                    what: format!("{} {}", o.number, o.subject),
                    status: t.word("status", o.status.as_str()),
                    href: format!("/tickets/{}", o.id),
                },
            )
        })
        .chain(card.recent_calls.iter().map(|call| {
            (
                call.received_at,
                Moment {
                    at: local(&call.received_at, card.zone),
                    kind: "call",
                    what: format!("{} {}", t.t("pop.call_from"), call.caller),
                    status: String::new(),
                    href: String::new(),
                },
            )
        }))
        .collect();
    moments.sort_by_key(|m| std::cmp::Reverse(m.0));
    let names = Names::default();
    let page = CustomerPage {
        t,
        c: c_view,
        vehicles: card.vehicles.iter().map(Car::new).collect(),
        open_orders: card
            .open_orders
            .iter()
            .map(|o| OrderRow::new(o, &names, t, card.zone))
            .collect(),
        timeline: moments.into_iter().map(|(_, m)| m).collect(),
        edit: v
            .actor
            .may(kefu_core::org::Permission::WriteCustomers)
            .then(|| EditForm::new(t, c.id, CustomerForm::of(c), None)),
        chrome: Chrome::new(&app, &v).await?,
    };
    Ok(html(&page))
}
