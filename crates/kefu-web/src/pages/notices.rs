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
    /// Which clock, which step, how late: what happened beyond its name.
    detail: String,
    /// `bad` (a breach or an escalation), `warn` (a warning, a reopened
    /// order, a callback due) or `info`.
    severity: &'static str,
    number: String,
    subject: String,
    customer: String,
    ticket_id: Option<i64>,
    at: String,
    unread: bool,
}

fn notice(n: &Notification, t: Tr, zone: Tz) -> Notice {
    let about = n.ticket.as_ref();
    Notice {
        id: n.id,
        what: event_label(&n.kind, t),
        detail: detail(&n.kind, &n.data, t, zone),
        severity: severity(&n.kind),
        number: about.map_or_else(
            || n.data["number"].as_str().unwrap_or_default().to_owned(),
            |a| a.number.clone(),
        ),
        subject: about.map(|a| a.subject.clone()).unwrap_or_default(),
        customer: about.map(|a| a.customer.clone()).unwrap_or_default(),
        ticket_id: n.ticket_id,
        at: local(&n.at, zone),
        unread: n.read_at.is_none(),
    }
}

fn severity(kind: &str) -> &'static str {
    match kind {
        "sla_breach" | "escalation" => "bad",
        "sla_warning" | "reopened" | "callback_due" => "warn",
        _ => "info",
    }
}

/// What happened, in words: the clock and when it is due, the step of the
/// ladder and who it went to, how late.
fn detail(kind: &str, d: &serde_json::Value, t: Tr, zone: Tz) -> String {
    let clock = d["clock"].as_str().map(|c| t.word("clock", c));
    let due = d["due_at"]
        .as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|at| local(&at.with_timezone(&chrono::Utc), zone));
    let late = d["late_ms"].as_i64().map(|ms| lateness(ms, t));
    let mut parts: Vec<String> = Vec::new();
    match kind {
        "sla_warning" => {
            parts.extend(clock);
            parts.extend(due.map(|at| t.n("notice.due_at", at)));
        }
        "sla_breach" => {
            parts.extend(clock);
            parts.extend(late);
        }
        "escalation" => {
            if let Some(step) = d["step"].as_i64() {
                parts.push(t.n("notice.step", step));
            }
            if let Some(to) = d["to"].as_str() {
                parts.push(format!("→ {}", t.word("escalate_to", to)));
            }
            parts.extend(late);
        }
        "callback_due" => {
            if let Some(n) = d["attempt"].as_i64() {
                parts.push(t.n("notice.attempt", n));
            }
        }
        _ => {}
    }
    parts.join(" · ")
}

/// "late by 1 h 5 min", at least a minute.
fn lateness(ms: i64, t: Tr) -> String {
    let minutes = (ms.max(0) / 60_000).max(1);
    let (h, m) = (minutes / 60, minutes % 60);
    let span = match (h, m) {
        (0, m) => t.n("notice.minutes", m),
        (h, 0) => t.n("notice.hours", h),
        (h, m) => format!("{} {}", t.n("notice.hours", h), t.n("notice.minutes", m)),
    };
    t.n("notice.late_by", span)
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
