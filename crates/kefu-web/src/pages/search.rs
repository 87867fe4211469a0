//! The search box on every page: a phone, a name, a plate, a VIN or its
//! last six, an order number. One match goes straight to it; several are
//! listed.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::{App, PageRequest};
use kefu_core::tickets::number::may_be_number;
use kefu_core::vehicles::{Plate, Vin};
use serde::Deserialize;

use super::i18n::Tr;
use super::{Chrome, PageError, Viewer, html};
use crate::pages::form::Query;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    t: Tr,
    q: String,
    hits: Vec<Hit>,
}

struct Hit {
    href: String,
    title: String,
    detail: String,
}

const ROWS: i64 = 20;

pub async fn page(
    State(app): State<App>,
    v: Viewer,
    Query(sq): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let q = sq.q.unwrap_or_default().trim().to_owned();
    let hits = if q.is_empty() || q.chars().count() > 100 {
        Vec::new()
    } else {
        find(&app, &v, &q).await?
    };
    if let [only] = hits.as_slice() {
        return Ok(Redirect::to(&only.href).into_response());
    }
    let page = SearchPage {
        t: v.t,
        q,
        hits,
        chrome: Chrome::new(&app, &v).await?,
    };
    Ok(html(&page))
}

async fn find(app: &App, v: &Viewer, q: &str) -> Result<Vec<Hit>, PageError> {
    let who = &v.actor;
    let first = PageRequest::first(ROWS);
    let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    // An order number, under any prefix the group has numbered with, or
    // the start of one under today's.
    let group = kefu_app::org::group::settings(app).await?;
    if may_be_number(&compact, &group.number_prefix) {
        let query = kefu_app::tickets::Query {
            number: Some(compact.clone()),
            ..Default::default()
        };
        let found = kefu_app::tickets::list(app, who, &query, first).await?;
        return Ok(found
            .items
            .into_iter()
            .map(|o| Hit {
                href: format!("/tickets/{}", o.ticket.id),
                title: o.ticket.number.clone(),
                detail: o.ticket.subject.clone(),
            })
            .collect());
    }
    // A plate, a VIN or its last six: the car's owner.
    let mut car = kefu_app::vehicles::Lookup::default();
    if Plate::parse(&compact).is_ok() && !compact.chars().all(|c| c.is_ascii_digit()) {
        car.plate = Some(compact.clone());
    } else if Vin::parse(&compact).is_ok() || Vin::parse_last6(&compact).is_some() {
        car.vin = Some(compact.clone());
    }
    if car.plate.is_some() || car.vin.is_some() {
        let found = kefu_app::vehicles::list(app, who, &car, first).await?;
        return Ok(found
            .items
            .into_iter()
            .map(|c| Hit {
                href: format!("/customers/{}", c.fields.customer_id),
                title: c
                    .fields
                    .plate
                    .as_ref()
                    .map_or_else(String::new, |p| p.as_str().to_owned()),
                detail: format!(
                    "{} {}",
                    c.fields.vin.as_str(),
                    c.fields.model.as_deref().unwrap_or_default()
                ),
            })
            .collect());
    }
    // A phone number (in any common writing), else the start of a name or number.
    let digits = compact
        .trim_start_matches("+86")
        .chars()
        .filter(|c| *c != '-')
        .collect::<String>();
    let mut lookup = kefu_app::customers::Lookup::default();
    if digits.len() == 11 && digits.chars().all(|c| c.is_ascii_digit()) {
        lookup.phone = Some(digits);
    } else {
        lookup.q = Some(q.to_owned());
    }
    let found = kefu_app::customers::list(app, who, &lookup, first).await?;
    Ok(found
        .items
        .into_iter()
        .map(|c| Hit {
            href: format!("/customers/{}", c.id),
            title: c.fields.name.clone(),
            detail: c.fields.phone.as_str().to_owned(),
        })
        .collect())
}
