//! `/admin/dealers`: the stores of the group (admins only). Create one; edit
//! its name, region, time zone, calendar and whether it is active.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::App;
use kefu_app::org::dealers::{self, DealerInput};
use kefu_core::org::{Dealer, Permission};
use serde_json::json;

use super::form::{Fields, FormError};
use super::{
    Tab, again, all_calendars, all_dealers, allow, calendar_choices, calendar_name, id, input, tabs,
};
use crate::pages::i18n::Tr;
use crate::pages::views::Choice;
use crate::pages::{Chrome, PageError, Viewer, html};

const ON_FORM: &[&str] = &[
    "code",
    "name",
    "region",
    "timezone",
    "calendar_id",
    "active",
];

#[derive(Template)]
#[template(path = "admin/dealers.html")]
struct DealersPage {
    chrome: Chrome,
    t: Tr,
    tabs: Vec<Tab>,
    csrf: String,
    rows: Vec<DealerRow>,
    form: Fields,
    calendars: Vec<Choice>,
    error: FormError,
}

#[derive(Template)]
#[template(path = "admin/dealer.html")]
struct DealerPage {
    chrome: Chrome,
    t: Tr,
    tabs: Vec<Tab>,
    csrf: String,
    id: i64,
    code: String,
    form: Fields,
    calendars: Vec<Choice>,
    error: FormError,
}

struct DealerRow {
    id: i64,
    code: String,
    name: String,
    region: String,
    calendar: String,
    active: bool,
}

pub async fn page(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    allow(&v, Permission::ManageDealers)?;
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
) -> Result<DealersPage, PageError> {
    let t = v.t;
    let calendars = all_calendars(app, v).await?;
    let rows = all_dealers(app, v)
        .await?
        .into_iter()
        .map(|d| DealerRow {
            id: d.id,
            calendar: calendar_name(
                t.t("admin.calendar_default"),
                &calendars,
                d.fields.calendar_id,
            ),
            code: d.fields.code,
            name: d.fields.name,
            region: d.fields.region.unwrap_or_default(),
            active: d.fields.active,
        })
        .collect();
    Ok(DealersPage {
        tabs: tabs(v, "dealers"),
        csrf: v.csrf.clone(),
        rows,
        calendars: calendar_choices(
            t.t("admin.calendar_default"),
            &calendars,
            &form.text("calendar_id"),
        ),
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
        "region": f.opt("region"),
        "timezone": f.opt("timezone"),
        "calendar_id": f.number("calendar_id"),
        "active": f.checked("active"),
    })
}

pub async fn create(State(app): State<App>, v: Viewer, f: Fields) -> Result<Response, PageError> {
    allow(&v, Permission::ManageDealers)?;
    let mut body = sent(&f);
    body["code"] = json!(f.text("code"));
    let made = async { dealers::create(&app, &v.actor, input::<DealerInput>(body)?).await }.await;
    match made {
        Ok(_) => Ok(Redirect::to("/admin/dealers").into_response()),
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
    allow(&v, Permission::ManageDealers)?;
    let d = dealers::get(&app, &v.actor, id(&raw)?).await?;
    let form = filled(&d);
    Ok(html(
        &edit_page(&app, &v, &d, form, FormError::default()).await?,
    ))
}

fn filled(d: &Dealer) -> Fields {
    let f = &d.fields;
    Fields::of([
        ("name", f.name.clone()),
        ("region", f.region.clone().unwrap_or_default()),
        ("timezone", f.timezone.clone()),
        (
            "calendar_id",
            f.calendar_id.map(|c| c.to_string()).unwrap_or_default(),
        ),
        ("active", if f.active { "on" } else { "" }.to_owned()),
    ])
}

async fn edit_page(
    app: &App,
    v: &Viewer,
    d: &Dealer,
    form: Fields,
    error: FormError,
) -> Result<DealerPage, PageError> {
    let calendars = all_calendars(app, v).await?;
    Ok(DealerPage {
        tabs: tabs(v, "dealers"),
        csrf: v.csrf.clone(),
        id: d.id,
        code: d.fields.code.clone(),
        calendars: calendar_choices(
            v.t.t("admin.calendar_default"),
            &calendars,
            &form.text("calendar_id"),
        ),
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
    allow(&v, Permission::ManageDealers)?;
    let id = id(&raw)?;
    match dealers::update(&app, &v.actor, id, sent(&f)).await {
        Ok(_) => Ok(Redirect::to("/admin/dealers").into_response()),
        Err(e) => {
            let error = FormError::from_app(e, v.t, ON_FORM)?;
            let d = dealers::get(&app, &v.actor, id).await?;
            Ok(again(
                &edit_page(&app, &v, &d, f, error.clone()).await?,
                &error,
            ))
        }
    }
}
