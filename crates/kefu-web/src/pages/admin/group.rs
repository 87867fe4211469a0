//! `/admin/group`: the group's settings (admins only): its time zone and the
//! prefix of new order numbers.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::App;
use kefu_app::org::group::{self, GroupInput};
use kefu_core::org::Permission;
use serde::Deserialize;
use serde_json::json;

use super::form::{Fields, FormError};
use super::{Tab, again, allow, tabs};
use crate::pages::form::Query;
use crate::pages::i18n::Tr;
use crate::pages::{Chrome, PageError, Viewer, html};

const ON_FORM: &[&str] = &["timezone", "number_prefix"];

#[derive(Template)]
#[template(path = "admin/group.html")]
struct GroupPage {
    chrome: Chrome,
    t: Tr,
    tabs: Vec<Tab>,
    csrf: String,
    form: Fields,
    error: FormError,
    saved: bool,
}

#[derive(Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

pub async fn page(
    State(app): State<App>,
    v: Viewer,
    Query(q): Query<Saved>,
) -> Result<Response, PageError> {
    allow(&v, Permission::ManageGroup)?;
    let now = group::get(&app, &v.actor).await?;
    let form = filled(&now);
    let saved = q.saved.is_some();
    Ok(html(
        &group_page(&app, &v, form, FormError::default(), saved).await?,
    ))
}

fn filled(g: &GroupInput) -> Fields {
    Fields::of([
        ("timezone", g.timezone.clone()),
        ("number_prefix", g.number_prefix.clone()),
    ])
}

async fn group_page(
    app: &App,
    v: &Viewer,
    form: Fields,
    error: FormError,
    saved: bool,
) -> Result<GroupPage, PageError> {
    Ok(GroupPage {
        tabs: tabs(v, "group"),
        csrf: v.csrf.clone(),
        form,
        error,
        saved,
        t: v.t,
        chrome: Chrome::new(app, v).await?,
    })
}

pub async fn update(State(app): State<App>, v: Viewer, f: Fields) -> Result<Response, PageError> {
    allow(&v, Permission::ManageGroup)?;
    let sent = json!({
        "timezone": f.text("timezone"),
        "number_prefix": f.text("number_prefix"),
    });
    match group::update(&app, &v.actor, sent).await {
        Ok(_) => Ok(Redirect::to("/admin/group?saved=1").into_response()),
        Err(e) => {
            let error = FormError::from_app(e, v.t, ON_FORM)?;
            Ok(again(
                &group_page(&app, &v, f, error.clone(), false).await?,
                &error,
            ))
        }
    }
}
