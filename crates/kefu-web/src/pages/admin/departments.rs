//! `/admin/departments`: the back-office departments escalated work goes to
//! (admins and managers), with their head (部长), the VP in charge (分管副总)
//! and the liaisons (联络员) who receive the work.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::App;
use kefu_app::org::departments::{self, DepartmentInput};
use kefu_core::org::{Department, Permission, Role, User};
use kefu_store::org::users::UserFilter;
use serde_json::json;

use super::form::{Fields, FormError};
use super::{
    Tab, again, all_calendars, all_departments, allow, calendar_choices, calendar_name, every, id,
    input, tabs,
};
use crate::pages::i18n::Tr;
use crate::pages::views::Choice;
use crate::pages::{Chrome, PageError, Viewer, html};

const ON_FORM: &[&str] = &[
    "code",
    "name",
    "head_id",
    "vp_id",
    "liaison_ids",
    "calendar_id",
    "active",
];

#[derive(Template)]
#[template(path = "admin/departments.html")]
struct DepartmentsPage {
    chrome: Chrome,
    t: Tr,
    tabs: Vec<Tab>,
    csrf: String,
    rows: Vec<DepartmentRow>,
    form: Fields,
    people: People,
    error: FormError,
}

#[derive(Template)]
#[template(path = "admin/department.html")]
struct DepartmentPage {
    chrome: Chrome,
    t: Tr,
    tabs: Vec<Tab>,
    csrf: String,
    id: i64,
    code: String,
    form: Fields,
    people: People,
    error: FormError,
}

struct DepartmentRow {
    id: i64,
    code: String,
    name: String,
    head: String,
    vp: String,
    liaisons: String,
    calendar: String,
    active: bool,
}

/// Whom the form offers: heads among the department heads, VPs among the
/// VPs, liaisons among the liaisons; and the calendars.
struct People {
    heads: Vec<Choice>,
    vps: Vec<Choice>,
    liaisons: Vec<Choice>,
    calendars: Vec<Choice>,
}

/// The users of the roles a department names, by id.
async fn staff(app: &App, v: &Viewer) -> Result<HashMap<i64, User>, PageError> {
    let mut out = HashMap::new();
    for role in [Role::DeptHead, Role::Vp, Role::Liaison] {
        let filter = UserFilter {
            role: Some(role),
            ..UserFilter::default()
        };
        let users = every!(|p| kefu_app::org::users::list(app, &v.actor, &filter, p));
        out.extend(users.into_iter().map(|u| (u.id, u)));
    }
    Ok(out)
}

fn name_of(staff: &HashMap<i64, User>, id: i64) -> String {
    staff
        .get(&id)
        .map_or_else(|| format!("#{id}"), |u| u.fields.display_name.clone())
}

async fn people(
    app: &App,
    v: &Viewer,
    staff: &HashMap<i64, User>,
    form: &Fields,
) -> Result<People, PageError> {
    let t = v.t;
    let mut sorted: Vec<&User> = staff.values().collect();
    sorted.sort_by_key(|u| u.id);
    // Active people of the role, and whoever the form names already.
    let choose = |role: Role, field: &str| -> Vec<Choice> {
        sorted
            .iter()
            .filter(|u| {
                let named = form.has(field, &u.id.to_string());
                named || (u.fields.role == role && u.fields.active)
            })
            .map(|u| {
                let label = format!("{} ({})", u.fields.display_name, u.fields.username);
                Choice::new(u.id, label, form.has(field, &u.id.to_string()))
            })
            .collect()
    };
    let none = |field: &str| Choice::new("", t.t("admin.none"), form.text(field).is_empty());
    let mut heads = vec![none("head_id")];
    heads.extend(choose(Role::DeptHead, "head_id"));
    let mut vps = vec![none("vp_id")];
    vps.extend(choose(Role::Vp, "vp_id"));
    let calendars = all_calendars(app, v).await?;
    Ok(People {
        heads,
        vps,
        liaisons: choose(Role::Liaison, "liaison_ids"),
        calendars: calendar_choices(
            t.t("admin.calendar_default"),
            &calendars,
            &form.text("calendar_id"),
        ),
    })
}

pub async fn page(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    allow(&v, Permission::ManageDepartments)?;
    let fresh = Fields::of([("active", "on".to_owned())]);
    Ok(html(
        &list_page(&app, &v, fresh, FormError::default()).await?,
    ))
}

async fn list_page(
    app: &App,
    v: &Viewer,
    form: Fields,
    error: FormError,
) -> Result<DepartmentsPage, PageError> {
    let t = v.t;
    let staff = staff(app, v).await?;
    let calendars = all_calendars(app, v).await?;
    let rows = all_departments(app, v)
        .await?
        .into_iter()
        .map(|d| {
            let f = d.fields;
            DepartmentRow {
                id: d.id,
                head: f.head_id.map(|u| name_of(&staff, u)).unwrap_or_default(),
                vp: f.vp_id.map(|u| name_of(&staff, u)).unwrap_or_default(),
                liaisons: f
                    .liaison_ids
                    .iter()
                    .map(|u| name_of(&staff, *u))
                    .collect::<Vec<_>>()
                    .join("、"),
                calendar: calendar_name(t.t("admin.calendar_default"), &calendars, f.calendar_id),
                code: f.code,
                name: f.name,
                active: f.active,
            }
        })
        .collect();
    Ok(DepartmentsPage {
        tabs: tabs(v, "departments"),
        csrf: v.csrf.clone(),
        rows,
        people: people(app, v, &staff, &form).await?,
        form,
        error,
        t,
        chrome: Chrome::new(app, v).await?,
    })
}

/// The fields both forms send; the code only on create.
fn sent(f: &Fields) -> serde_json::Value {
    json!({
        "name": f.text("name"),
        "head_id": f.number("head_id"),
        "vp_id": f.number("vp_id"),
        "liaison_ids": f.numbers("liaison_ids"),
        "calendar_id": f.number("calendar_id"),
        "active": f.checked("active"),
    })
}

pub async fn create(State(app): State<App>, v: Viewer, f: Fields) -> Result<Response, PageError> {
    allow(&v, Permission::ManageDepartments)?;
    let mut body = sent(&f);
    body["code"] = json!(f.text("code"));
    let made =
        async { departments::create(&app, &v.actor, input::<DepartmentInput>(body)?).await }.await;
    match made {
        Ok(_) => Ok(Redirect::to("/admin/departments").into_response()),
        Err(e) => {
            let error = FormError::from_app(e, v.t, ON_FORM)?;
            Ok(again(&list_page(&app, &v, f, error.clone()).await?, &error))
        }
    }
}

pub async fn edit(
    State(app): State<App>,
    v: Viewer,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    allow(&v, Permission::ManageDepartments)?;
    let d = departments::get(&app, &v.actor, id(&raw)?).await?;
    let form = filled(&d);
    Ok(html(
        &edit_page(&app, &v, &d, form, FormError::default()).await?,
    ))
}

fn filled(d: &Department) -> Fields {
    let f = &d.fields;
    let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
    Fields::of([
        ("name", f.name.clone()),
        ("head_id", id(f.head_id)),
        ("vp_id", id(f.vp_id)),
        ("calendar_id", id(f.calendar_id)),
        ("active", if f.active { "on" } else { "" }.to_owned()),
    ])
    .with("liaison_ids", f.liaison_ids.iter().map(i64::to_string))
}

async fn edit_page(
    app: &App,
    v: &Viewer,
    d: &Department,
    form: Fields,
    error: FormError,
) -> Result<DepartmentPage, PageError> {
    let staff = staff(app, v).await?;
    Ok(DepartmentPage {
        tabs: tabs(v, "departments"),
        csrf: v.csrf.clone(),
        id: d.id,
        code: d.fields.code.clone(),
        people: people(app, v, &staff, &form).await?,
        form,
        error,
        t: v.t,
        chrome: Chrome::new(app, v).await?,
    })
}

pub async fn update(
    State(app): State<App>,
    v: Viewer,
    Path(raw): Path<String>,
    f: Fields,
) -> Result<Response, PageError> {
    allow(&v, Permission::ManageDepartments)?;
    let id = id(&raw)?;
    match departments::update(&app, &v.actor, id, sent(&f)).await {
        Ok(_) => Ok(Redirect::to("/admin/departments").into_response()),
        Err(e) => {
            let error = FormError::from_app(e, v.t, ON_FORM)?;
            let d = departments::get(&app, &v.actor, id).await?;
            Ok(again(
                &edit_page(&app, &v, &d, f, error.clone()).await?,
                &error,
            ))
        }
    }
}
