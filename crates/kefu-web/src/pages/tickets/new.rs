//! Opening a work order from the workbench: usually one click from the
//! screen pop, with the customer, the car, the channel and the time of the
//! call filled in.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::App;
use kefu_app::tickets::TicketInput;
use kefu_core::customers::Customer;
use kefu_core::vehicles::Vehicle;
use serde::Deserialize;

use crate::error::Fault;
use crate::pages::form::Query;
use crate::pages::i18n::Tr;
use crate::pages::views::{Car, Choice, local};
use crate::pages::{Chrome, PageError, Viewer, html};

const CHANNELS: &[&str] = &["phone", "wechat", "app", "email", "web", "walk_in"];
const CATEGORIES: &[&str] = &[
    "complaint",
    "inquiry",
    "suggestion",
    "praise",
    "repair",
    "other",
];
const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];

/// The form as sent (and as shown again with its errors).
#[derive(Deserialize, Default, Clone)]
pub struct OrderForm {
    customer_id: Option<String>,
    vehicle_id: Option<String>,
    channel: Option<String>,
    category: Option<String>,
    priority: Option<String>,
    subject: Option<String>,
    description: Option<String>,
    received_at: Option<String>,
    /// Find the customer by phone first, when none is chosen.
    phone: Option<String>,
}

#[derive(Template)]
#[template(path = "order_new.html")]
struct NewOrderPage {
    chrome: Chrome,
    t: Tr,
    customer: Option<Customer>,
    vehicles: Vec<Choice>,
    channels: Vec<Choice>,
    categories: Vec<Choice>,
    priorities: Vec<Choice>,
    subject: String,
    description: String,
    received_at: String,
    /// The same instant as people read it.
    received_local: String,
    phone: String,
    /// (field, message) of what was wrong.
    error: Option<(String, String)>,
}

impl NewOrderPage {
    /// The error message for this field, if it is the one at fault.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// An error that belongs to no field on the form.
    pub fn general_error(&self) -> Option<&str> {
        const ON_FORM: &[&str] = &[
            "vehicle_id",
            "channel",
            "category",
            "priority",
            "subject",
            "description",
            "phone",
        ];
        self.error
            .as_ref()
            .filter(|(f, _)| !ON_FORM.contains(&f.as_str()))
            .map(|(_, m)| m.as_str())
    }
}

async fn form_page(
    app: &App,
    v: &Viewer,
    f: OrderForm,
    error: Option<(String, String)>,
) -> Result<NewOrderPage, PageError> {
    let t = v.t;
    let mut customer = None;
    let mut vehicles = Vec::new();
    let mut phone = f.phone.clone().unwrap_or_default();
    let mut error = error;
    let customer_id = f
        .customer_id
        .as_deref()
        .and_then(|c| c.trim().parse::<i64>().ok());
    if let Some(id) = customer_id {
        customer = Some(kefu_app::customers::get(app, &v.actor, id).await?);
    } else if !phone.trim().is_empty() {
        let lookup = kefu_app::customers::Lookup {
            phone: Some(phone.clone()),
            ..Default::default()
        };
        match kefu_app::customers::list(app, &v.actor, &lookup, kefu_app::PageRequest::first(1))
            .await
        {
            Ok(page) => match page.items.into_iter().next() {
                Some(c) => customer = Some(c),
                None => error = Some(("phone".into(), t.t("order.no_customer").to_owned())),
            },
            Err(e) => error = Some(("phone".into(), PageError::from(e).message(t))),
        }
    }
    if let Some(c) = &customer {
        phone = c.fields.phone.as_str().to_owned();
        let lookup = kefu_app::vehicles::Lookup {
            customer_id: Some(c.id),
            ..Default::default()
        };
        let chosen = f.vehicle_id.clone().unwrap_or_default();
        let cars: Vec<Vehicle> =
            kefu_app::vehicles::list(app, &v.actor, &lookup, kefu_app::PageRequest::first(50))
                .await?
                .items;
        vehicles.push(Choice::new("", t.t("order.no_vehicle"), chosen.is_empty()));
        vehicles.extend(
            cars.iter().map(|car| {
                Choice::new(car.id, Car::new(car).label(), chosen == car.id.to_string())
            }),
        );
    }
    let pick = |v: &Option<String>, default: &'static str| -> String {
        v.clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    // The order will be the customer's dealer's: its times are read there.
    let dealer = customer.as_ref().and_then(|c| c.fields.dealer_id);
    let zone = kefu_app::org::group::zone(app, dealer).await?;
    Ok(NewOrderPage {
        t,
        customer,
        vehicles,
        channels: Choice::words(t, "channel", CHANNELS, &pick(&f.channel, "phone")),
        categories: Choice::words(t, "category", CATEGORIES, &pick(&f.category, "")),
        priorities: Choice::words(t, "priority", PRIORITIES, &pick(&f.priority, "normal")),
        subject: f.subject.unwrap_or_default(),
        description: f.description.unwrap_or_default(),
        received_local: f
            .received_at
            .as_deref()
            .and_then(|r| chrono::DateTime::parse_from_rfc3339(r).ok())
            .map_or_else(
                || local(&app.now(), zone),
                |at| local(&at.with_timezone(&chrono::Utc), zone),
            ),
        received_at: f
            .received_at
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| app.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        phone,
        error,
        chrome: Chrome::new(app, v).await?,
    })
}

pub async fn new_page(
    State(app): State<App>,
    v: Viewer,
    Query(f): Query<OrderForm>,
) -> Result<Response, PageError> {
    Ok(html(&form_page(&app, &v, f, None).await?))
}

pub async fn create(
    State(app): State<App>,
    v: Viewer,
    crate::pages::form::Form(f): crate::pages::form::Form<OrderForm>,
) -> Result<Response, PageError> {
    let blank = |s: &Option<String>| s.clone().filter(|x| !x.trim().is_empty());
    let customer_id = f
        .customer_id
        .as_deref()
        .and_then(|c| c.trim().parse::<i64>().ok());
    let vehicle_id = match blank(&f.vehicle_id) {
        None => None,
        Some(raw) => match raw.trim().parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let error = ("vehicle_id".to_owned(), v.t.t("error.invalid").to_owned());
                return again(&app, &v, f, error).await;
            }
        },
    };
    let Some(customer_id) = customer_id else {
        let error = ("phone".to_owned(), v.t.t("order.no_customer").to_owned());
        return again(&app, &v, f, error).await;
    };
    let input = TicketInput {
        customer_id,
        vehicle_id,
        dealer_id: None,
        channel: f.channel.clone().unwrap_or_default(),
        category: f.category.clone().unwrap_or_default(),
        priority: blank(&f.priority),
        subject: f.subject.clone().unwrap_or_default(),
        description: blank(&f.description),
        received_at: blank(&f.received_at),
    };
    match kefu_app::tickets::create(&app, &v.actor, input).await {
        Ok(view) => Ok(Redirect::to(&format!("/tickets/{}", view.ticket.id)).into_response()),
        Err(kefu_app::AppError::Invalid(e)) => {
            let field = e.field.clone();
            let message = PageError::from(kefu_app::AppError::Invalid(e)).message(v.t);
            again(&app, &v, f, (field, message)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn again(
    app: &App,
    v: &Viewer,
    f: OrderForm,
    error: (String, String),
) -> Result<Response, PageError> {
    let page = form_page(app, v, f, Some(error)).await?;
    Ok((Fault::Invalid.status(), html(&page)).into_response())
}
