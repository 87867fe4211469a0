//! The work-order page and its moves. A move posts its dialog's form; htmx
//! swaps the updated order in place, without a page load.

mod new;
mod panel;

pub use new::{create, new_page};
pub use panel::event_label;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::App;
use kefu_app::tickets::Action;
use serde::Deserialize;

use super::i18n::Tr;
use super::{Chrome, PageError, Viewer, html, is_htmx};
use crate::pages::form::Id;
use panel::Panel;

#[derive(Template)]
#[template(path = "order.html")]
struct OrderPage {
    chrome: Chrome,
    t: Tr,
    p: Panel,
}

#[derive(Template)]
#[template(path = "order_panel.html")]
struct OrderPanel {
    t: Tr,
    p: Panel,
}

pub async fn page(State(app): State<App>, v: Viewer, Id(id): Id) -> Result<Response, PageError> {
    let sheet = kefu_app::workbench::sheet(&app, &v.actor, id).await?;
    let page = OrderPage {
        p: Panel::new(&sheet, v.t),
        t: v.t,
        chrome: Chrome::new(&app, &v).await?,
    };
    Ok(html(&page))
}

/// A move's form, as posted; each move reads the fields it needs.
#[derive(Deserialize)]
pub struct MoveForm {
    note: Option<String>,
    dealer_id: Option<String>,
    department_id: Option<String>,
    user_id: Option<String>,
    reason: Option<String>,
    resolution: Option<String>,
    reached: Option<String>,
    satisfaction: Option<String>,
    body: Option<String>,
    internal: Option<String>,
}

fn id_field(field: &'static str, raw: Option<&str>) -> Result<i64, PageError> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| PageError::invalid(field, "required", format!("choose the {field}")))
}

fn note(raw: Option<String>) -> Option<String> {
    raw.filter(|s| !s.trim().is_empty())
}

fn action(name: &str, f: MoveForm) -> Result<Action, PageError> {
    Ok(match name {
        "answer" => Action::Answer { note: note(f.note) },
        "respond" => Action::Respond { note: note(f.note) },
        "resume" => Action::Resume { note: note(f.note) },
        "dispatch" => Action::Dispatch {
            dealer_id: id_field("dealer_id", f.dealer_id.as_deref())?,
            note: note(f.note),
        },
        "escalate" => Action::Escalate {
            department_id: id_field("department_id", f.department_id.as_deref())?,
            note: note(f.note),
        },
        "assign" => Action::Assign {
            user_id: id_field("user_id", f.user_id.as_deref())?,
            note: note(f.note),
        },
        "wait" => Action::Wait {
            reason: f.reason.unwrap_or_default(),
        },
        "reopen" => Action::Reopen {
            reason: f.reason.unwrap_or_default(),
        },
        "resolve" => Action::Resolve {
            resolution: f.resolution.unwrap_or_default(),
        },
        "callback" => {
            let reached = match f.reached.as_deref() {
                Some("yes") => true,
                Some("no") => false,
                _ => {
                    return Err(PageError::invalid(
                        "reached",
                        "required",
                        "say whether the customer was reached",
                    ));
                }
            };
            let satisfaction = if reached {
                Some(id_field("satisfaction", f.satisfaction.as_deref())?)
            } else {
                None
            };
            Action::Callback {
                reached,
                satisfaction,
                note: note(f.note),
            }
        }
        "note" => Action::Note {
            body: f.body.unwrap_or_default(),
            internal: f.internal.is_some_and(|v| v == "on" || v == "true"),
        },
        _ => return Err(PageError::not_found()),
    })
}

pub async fn act(
    State(app): State<App>,
    v: Viewer,
    Path((id, name)): Path<(String, String)>,
    headers: HeaderMap,
    crate::pages::form::Form(form): crate::pages::form::Form<MoveForm>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::not_found())?;
    let a = action(&name, form)?;
    kefu_app::tickets::act(&app, &v.actor, id, a).await?;
    if !is_htmx(&headers) {
        return Ok(Redirect::to(&format!("/tickets/{id}")).into_response());
    }
    let sheet = kefu_app::workbench::sheet(&app, &v.actor, id).await?;
    let part = OrderPanel {
        p: Panel::new(&sheet, v.t),
        t: v.t,
    };
    Ok(html(&part))
}
