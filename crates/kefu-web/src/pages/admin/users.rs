//! `/admin/users`: who logs in. Create a user; disable, enable or give a new
//! password from the user's row (htmx swaps the row). Disabling ends every
//! session the user holds: `users::update` revokes their tokens.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::App;
use kefu_app::org::users::{self, UserInput};
use kefu_core::org::{Permission, Role, User};
use kefu_store::org::users::UserFilter;
use serde::Deserialize;
use serde_json::json;

use super::form::{Fields, FormError};
use super::{Tab, again, all_dealers, all_departments, allow, id, input, refusal, tabs};
use crate::pages::form::Query;
use crate::pages::i18n::Tr;
use crate::pages::views::Choice;
use crate::pages::{Chrome, PageError, Viewer, html, is_htmx};

/// The inputs of the create form, named as the API names the fields.
const ON_FORM: &[&str] = &[
    "username",
    "display_name",
    "role",
    "dealer_id",
    "department_id",
    "email",
    "password",
];

/// Users per page of the list.
const PER_PAGE: i64 = 100;

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    t: Tr,
    tabs: Vec<Tab>,
    csrf: String,
    rows: Vec<UserRow>,
    /// The link to the next page of users, if there is one.
    next: Option<String>,
    form: Fields,
    roles: Vec<Choice>,
    dealers: Vec<Choice>,
    departments: Vec<Choice>,
    error: FormError,
}

/// One user's row, alone: what htmx swaps in after an action.
#[derive(Template)]
#[template(path = "admin/user_row.html")]
struct UserRowPart {
    t: Tr,
    csrf: String,
    r: UserRow,
}

struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: &'static str,
    role_label: String,
    /// The user's dealer or department.
    place: String,
    active: bool,
    /// Whether the viewer may change this user (a manager may not change
    /// admins and managers).
    may_change: bool,
    /// One's own account cannot be disabled.
    is_self: bool,
    /// What just happened to the user, after an action.
    notice: String,
}

impl UserRow {
    fn new(u: &User, v: &Viewer, place: String, notice: String) -> UserRow {
        let role = u.fields.role;
        UserRow {
            id: u.id,
            username: u.fields.username.clone(),
            display_name: u.fields.display_name.clone(),
            role: role.as_str(),
            role_label: v.t.word("role", role.as_str()),
            place,
            active: u.fields.active,
            may_change: v.actor.may(Permission::ManageManagers)
                || !matches!(role, Role::Admin | Role::Manager),
            is_self: u.id == v.actor.user_id,
            notice,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    /// The cursor of the page to show.
    after: Option<String>,
}

pub async fn page(
    State(app): State<App>,
    v: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    allow(&v, Permission::ManageUsers)?;
    let after = q.after.and_then(|a| a.parse().ok());
    let page = users_page(&app, &v, after, Fields::default(), FormError::default()).await?;
    Ok(html(&page))
}

async fn users_page(
    app: &App,
    v: &Viewer,
    after: Option<i64>,
    form: Fields,
    error: FormError,
) -> Result<UsersPage, PageError> {
    let t = v.t;
    let req = kefu_app::PageRequest {
        limit: PER_PAGE,
        after,
    };
    let list = users::list(app, &v.actor, &UserFilter::default(), req).await?;
    let dealers = all_dealers(app, v).await?;
    let departments = all_departments(app, v).await?;
    let dealer_names: HashMap<i64, &str> = dealers
        .iter()
        .map(|d| (d.id, d.fields.name.as_str()))
        .collect();
    let department_names: HashMap<i64, &str> = departments
        .iter()
        .map(|d| (d.id, d.fields.name.as_str()))
        .collect();
    let rows = list
        .items
        .iter()
        .map(|u| {
            let place = u
                .fields
                .dealer_id
                .and_then(|d| dealer_names.get(&d))
                .or_else(|| {
                    u.fields
                        .department_id
                        .and_then(|d| department_names.get(&d))
                })
                .map_or_else(String::new, |n| (*n).to_owned());
            UserRow::new(u, v, place, String::new())
        })
        .collect();
    let chosen_role = Some(form.text("role"))
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "agent".to_owned());
    let roles = Role::ALL
        .into_iter()
        .filter(|r| {
            v.actor.may(Permission::ManageManagers) || !matches!(r, Role::Admin | Role::Manager)
        })
        .map(|r| {
            Choice::new(
                r.as_str(),
                t.word("role", r.as_str()),
                r.as_str() == chosen_role,
            )
        })
        .collect();
    let chosen = |field: &str| form.text(field);
    let mut dealer_choices = vec![Choice::new(
        "",
        t.t("admin.none"),
        chosen("dealer_id").is_empty(),
    )];
    dealer_choices.extend(dealers.iter().map(|d| {
        let label = format!("{} · {}", d.fields.code, d.fields.name);
        Choice::new(d.id, label, d.id.to_string() == chosen("dealer_id"))
    }));
    let mut department_choices = vec![Choice::new(
        "",
        t.t("admin.none"),
        chosen("department_id").is_empty(),
    )];
    department_choices.extend(departments.iter().map(|d| {
        let label = format!("{} · {}", d.fields.code, d.fields.name);
        Choice::new(d.id, label, d.id.to_string() == chosen("department_id"))
    }));
    Ok(UsersPage {
        tabs: tabs(v, "users"),
        csrf: v.csrf.clone(),
        rows,
        next: list.next_cursor.map(|c| format!("/admin/users?after={c}")),
        form,
        roles,
        dealers: dealer_choices,
        departments: department_choices,
        error,
        t,
        chrome: Chrome::new(app, v).await?,
    })
}

pub async fn create(State(app): State<App>, v: Viewer, f: Fields) -> Result<Response, PageError> {
    allow(&v, Permission::ManageUsers)?;
    let sent = json!({
        "username": f.text("username"),
        "display_name": f.text("display_name"),
        "role": f.text("role"),
        "dealer_id": f.number("dealer_id"),
        "department_id": f.number("department_id"),
        "email": f.opt("email"),
        "password": f.text("password"),
    });
    let made = async { users::create(&app, &v.actor, input::<UserInput>(sent)?).await }.await;
    match made {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(e) => {
            let error = FormError::from_app(e, v.t, ON_FORM)?;
            let page = users_page(&app, &v, None, f, error.clone()).await?;
            Ok(again(&page, &error))
        }
    }
}

/// Disable (`active=false`) or enable (`active=true`) a user.
pub async fn set_active(
    State(app): State<App>,
    v: Viewer,
    Path(raw): Path<String>,
    headers: HeaderMap,
    f: Fields,
) -> Result<Response, PageError> {
    allow(&v, Permission::ManageUsers)?;
    let active = f.text("active") == "true";
    let user = users::update(&app, &v.actor, id(&raw)?, json!({ "active": active }))
        .await
        .map_err(|e| refusal(e, v.t))?;
    let notice = if active {
        v.t.t("admin.users.enabled")
    } else {
        v.t.t("admin.users.disabled")
    };
    done(&app, &v, &headers, &user, notice).await
}

/// Give a user a new password.
pub async fn set_password(
    State(app): State<App>,
    v: Viewer,
    Path(raw): Path<String>,
    headers: HeaderMap,
    f: Fields,
) -> Result<Response, PageError> {
    allow(&v, Permission::ManageUsers)?;
    let patch = json!({ "password": f.text("password") });
    let user = users::update(&app, &v.actor, id(&raw)?, patch)
        .await
        .map_err(|e| refusal(e, v.t))?;
    done(&app, &v, &headers, &user, v.t.t("admin.users.password_set")).await
}

/// After an action: the user's row for htmx, the list otherwise.
async fn done(
    app: &App,
    v: &Viewer,
    headers: &HeaderMap,
    user: &User,
    notice: &str,
) -> Result<Response, PageError> {
    if !is_htmx(headers) {
        return Ok(Redirect::to("/admin/users").into_response());
    }
    let place = match (user.fields.dealer_id, user.fields.department_id) {
        (Some(d), _) => {
            kefu_app::org::dealers::get(app, &v.actor, d)
                .await?
                .fields
                .name
        }
        (None, Some(d)) => {
            kefu_app::org::departments::get(app, &v.actor, d)
                .await?
                .fields
                .name
        }
        (None, None) => String::new(),
    };
    let part = UserRowPart {
        t: v.t,
        csrf: v.csrf.clone(),
        r: UserRow::new(user, v, place, notice.to_owned()),
    };
    Ok(html(&part))
}
