//! The admin pages: users, departments, dealers, business calendars, SLA
//! policies and the group's settings. A form becomes the JSON the API takes
//! and goes to the same use case, which checks the permission, writes in one
//! transaction and records the audit trail; the page only shapes the fields
//! and shows what is wrong next to the field at fault.

mod calendars;
mod dealers;
mod departments;
mod form;
mod group;
mod month;
mod sla;
mod users;

use axum::Router;
use axum::response::Redirect;
use axum::routing::{get, post};
use kefu_app::{App, AppError};
use kefu_core::org::{Dealer, Department, Permission};
use kefu_store::calendars::CalendarRecord;

use super::i18n::Tr;
use super::views::Choice;
use super::{PageError, Viewer};
use form::FormError;

pub fn router() -> Router<App> {
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/users") }))
        .route("/admin/users", get(users::page).post(users::create))
        .route("/admin/users/{id}/active", post(users::set_active))
        .route("/admin/users/{id}/password", post(users::set_password))
        .route("/admin/dealers", get(dealers::page).post(dealers::create))
        .route(
            "/admin/dealers/{id}",
            get(dealers::edit).post(dealers::update),
        )
        .route(
            "/admin/departments",
            get(departments::page).post(departments::create),
        )
        .route(
            "/admin/departments/{id}",
            get(departments::edit).post(departments::update),
        )
        .route(
            "/admin/calendars",
            get(calendars::page).post(calendars::create),
        )
        .route(
            "/admin/calendars/{id}",
            get(calendars::edit).post(calendars::update),
        )
        .route("/admin/sla", get(sla::page).post(sla::create))
        .route("/admin/sla/{id}", get(sla::edit).post(sla::update))
        .route("/admin/group", get(group::page).post(group::update))
}

/// Let the viewer in only with the permission: otherwise the 403 page, in
/// their language. Lists are readable by more roles than may change them, so
/// the pages check before the use cases would.
fn allow(v: &Viewer, p: Permission) -> Result<(), PageError> {
    if v.actor.may(p) {
        Ok(())
    } else {
        Err(PageError::forbidden(v.t.t("admin.forbidden")))
    }
}

/// A record's id in the path; anything else is a 404, as no record has it.
fn id(raw: &str) -> Result<i64, PageError> {
    raw.parse().map_err(|_| PageError::not_found())
}

/// One tab of the admin pages.
pub(crate) struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub key: &'static str,
    pub current: bool,
}

/// The tabs the viewer may open: users and departments for admins and
/// managers, the rest for admins.
fn tabs(v: &Viewer, current: &str) -> Vec<Tab> {
    let t = v.t;
    let all = [
        (
            "users",
            "/admin/users",
            t.t("admin.tab.users"),
            Permission::ManageUsers,
        ),
        (
            "departments",
            "/admin/departments",
            t.t("admin.tab.departments"),
            Permission::ManageDepartments,
        ),
        (
            "dealers",
            "/admin/dealers",
            t.t("admin.tab.dealers"),
            Permission::ManageDealers,
        ),
        (
            "calendars",
            "/admin/calendars",
            t.t("admin.tab.calendars"),
            Permission::ManageSla,
        ),
        (
            "sla",
            "/admin/sla",
            t.t("admin.tab.sla"),
            Permission::ManageSla,
        ),
        (
            "group",
            "/admin/group",
            t.t("admin.tab.group"),
            Permission::ManageGroup,
        ),
    ];
    all.into_iter()
        .filter(|(_, _, _, p)| v.actor.may(*p))
        .map(|(key, href, label, _)| Tab {
            href,
            label,
            key,
            current: key == current,
        })
        .collect()
}

/// Every row of a paged list, for a `<select>` or a table; bounded, as any
/// list a person reads must be. A macro rather than a function taking an
/// async closure: handlers' futures must be `Send`, which the compiler
/// cannot yet prove through an async closure borrowing the app.
macro_rules! every {
    (|$p:ident| $call:expr) => {{
        const MOST: usize = 5000;
        let mut out = Vec::new();
        let mut $p = kefu_app::PageRequest::first(kefu_app::PageRequest::MAX_LIMIT);
        loop {
            let page = $call.await?;
            out.extend(page.items);
            match page.next_cursor.and_then(|c| c.parse().ok()) {
                Some(after) if out.len() < MOST => $p.after = Some(after),
                _ => break,
            }
        }
        out
    }};
}
use every;

async fn all_dealers(app: &App, v: &Viewer) -> Result<Vec<Dealer>, PageError> {
    Ok(every!(|p| kefu_app::org::dealers::list(
        app, &v.actor, None, p
    )))
}

async fn all_departments(app: &App, v: &Viewer) -> Result<Vec<Department>, PageError> {
    Ok(every!(|p| kefu_app::org::departments::list(
        app, &v.actor, p
    )))
}

async fn all_calendars(app: &App, v: &Viewer) -> Result<Vec<CalendarRecord>, PageError> {
    Ok(every!(|p| kefu_app::calendars::list(app, &v.actor, p)))
}

/// The calendars as choices; the first, `none`, is what naming none means.
fn calendar_choices(none: &str, calendars: &[CalendarRecord], chosen: &str) -> Vec<Choice> {
    let mut out = vec![Choice::new("", none, chosen.is_empty())];
    out.extend(
        calendars
            .iter()
            .map(|c| Choice::new(c.id, c.name.clone(), c.id.to_string() == chosen)),
    );
    out
}

/// The name of the calendar a record names, or `none`.
fn calendar_name(none: &str, calendars: &[CalendarRecord], id: Option<i64>) -> String {
    match id {
        None => none.to_owned(),
        Some(id) => calendars
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| format!("#{id}"), |c| c.name.clone()),
    }
}

/// The form, as the JSON the API takes, read by the use case's own input
/// type: a field that does not fit is refused naming it, as the API would.
fn input<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    kefu_app::from_json(value).map_err(AppError::Invalid)
}

/// An htmx action refused: the sentence goes where the request came from.
fn refusal(e: AppError, t: Tr) -> PageError {
    match e {
        AppError::Conflict {
            field: Some(field),
            message,
        } => PageError::conflict(
            t.get(&format!("conflict.{field}"))
                .map_or(message, str::to_owned),
        ),
        AppError::Forbidden(_) => PageError::forbidden(t.t("admin.forbidden")),
        e => e.into(),
    }
}

/// A form shown again with what is wrong, and the status that says so.
fn again<T: askama::Template>(page: &T, error: &FormError) -> axum::response::Response {
    use axum::response::IntoResponse;
    (error.status(), super::html(page)).into_response()
}
