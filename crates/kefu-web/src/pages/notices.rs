//! The bell: a person's notifications (clock warnings, breaches,
//! escalations, assignments), newest first, marked read one by one.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono_tz::Tz;
use kefu_app::{App, PageRequest};
use kefu_store::notifications::Notification;

use super::i18n::Tr;
use super::tickets::event_label;
use super::views::local;
use super::{Chrome, PageError, Viewer, html};
use crate::pages::form::Id;

/// Notifications on the page; older ones stay in the API.
const SHOWN: i64 = 100;

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage {
    chrome: Chrome,
    t: Tr,
    notices: Vec<Notice>,
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticeRow {
    t: Tr,
    n: Notice,
}

struct Notice {
    id: i64,
    what: String,
    number: String,
    ticket_id: Option<i64>,
    at: String,
    unread: bool,
}

fn notice(n: &Notification, t: Tr, zone: Tz) -> Notice {
    Notice {
        id: n.id,
        what: event_label(&n.kind, t),
        number: n.data["number"].as_str().unwrap_or_default().to_owned(),
        ticket_id: n.ticket_id,
        at: local(&n.at, zone),
        unread: n.read_at.is_none(),
    }
}

pub async fn page(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    let list =
        kefu_app::notifications::list(&app, &v.actor, false, PageRequest::first(SHOWN)).await?;
    let zone = kefu_app::org::group::zone_of(&app, &v.actor).await?;
    let page = NoticesPage {
        notices: list.items.iter().map(|n| notice(n, v.t, zone)).collect(),
        t: v.t,
        chrome: Chrome::new(&app, &v).await?,
    };
    Ok(html(&page))
}

/// Mark one read; htmx swaps the row.
pub async fn read(State(app): State<App>, v: Viewer, Id(id): Id) -> Result<Response, PageError> {
    let n = kefu_app::notifications::mark(&app, &v.actor, id, true).await?;
    let zone = kefu_app::org::group::zone_of(&app, &v.actor).await?;
    Ok(html(&NoticeRow {
        n: notice(&n, v.t, zone),
        t: v.t,
    }))
}
