//! `/admin/sla`: the SLA policies (admins only): what each applies to, its
//! response and resolution targets in business minutes, when it warns, and
//! how callbacks are spaced. The escalation ladder is shown, and kept as it
//! is by an edit (the page sends only the fields it shows).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::App;
use kefu_app::sla::{self, PolicyInput};
use kefu_core::customers::Tier;
use kefu_core::org::Permission;
use kefu_core::sla::{Policy, PolicyMatch};
use kefu_core::tickets::{Category, Channel, Level, Priority};
use kefu_store::calendars::CalendarRecord;
use serde_json::{Value, json};

use super::form::{Fields, FormError};
use super::{
    Tab, again, all_calendars, allow, calendar_choices, calendar_name, every, id, input, tabs,
};
use crate::pages::i18n::Tr;
use crate::pages::views::Choice;
use crate::pages::{Chrome, PageError, Viewer, html};

const ON_FORM: &[&str] = &[
    "name",
    "calendar_id",
    "rank",
    "match.levels",
    "match.categories",
    "match.priorities",
    "match.channels",
    "match.tiers",
    "response_minutes",
    "resolution_minutes",
    "warning_percent",
    "callback_attempts",
    "callback_spacing_minutes",
    "active",
];

/// The number inputs, in the order the form shows them.
const NUMBERS: [&str; 6] = [
    "rank",
    "response_minutes",
    "resolution_minutes",
    "warning_percent",
    "callback_attempts",
    "callback_spacing_minutes",
];

/// Levels a policy can match: it applies once an order reaches a dealer
/// (L2) or a department (L3).
const LEVELS: [Level; 2] = [Level::L2, Level::L3];

#[derive(Template)]
#[template(path = "admin/sla.html")]
struct PoliciesPage {
    chrome: Chrome,
    t: Tr,
    tabs: Vec<Tab>,
    csrf: String,
    rows: Vec<PolicyRow>,
    form: Fields,
    choices: Choices,
    error: FormError,
}

#[derive(Template)]
#[template(path = "admin/sla_policy.html")]
struct PolicyPage {
    chrome: Chrome,
    t: Tr,
    tabs: Vec<Tab>,
    csrf: String,
    id: i64,
    escalations: Vec<String>,
    form: Fields,
    choices: Choices,
    error: FormError,
}

struct PolicyRow {
    id: i64,
    name: String,
    rank: i64,
    matches: String,
    response: String,
    resolution: String,
    warning_percent: i64,
    callbacks: String,
    calendar: String,
    active: bool,
}

/// What the form offers: the match's checkboxes and the calendars.
struct Choices {
    groups: Vec<Group>,
    calendars: Vec<Choice>,
    numbers: Vec<(&'static str, String)>,
}

/// One list of the match, as checkboxes.
struct Group {
    field: &'static str,
    label: String,
    options: Vec<Choice>,
}

fn choices(t: Tr, form: &Fields, calendars: &[CalendarRecord]) -> Choices {
    // Every value a list can hold, as checkboxes.
    let every = PolicyMatch {
        levels: LEVELS.to_vec(),
        categories: Category::ALL.to_vec(),
        priorities: Priority::ALL.to_vec(),
        channels: Channel::ALL.to_vec(),
        tiers: Tier::ALL.to_vec(),
    };
    let groups = match_codes(&every)
        .into_iter()
        .map(|(field, family, codes)| Group {
            field,
            label: t.word("field", field),
            options: codes
                .into_iter()
                .map(|c| Choice::new(c, t.word(family, c), form.has(field, c)))
                .collect(),
        })
        .collect();
    Choices {
        groups,
        calendars: calendar_choices(
            t.t("admin.sla.place_calendar"),
            calendars,
            &form.text("calendar_id"),
        ),
        numbers: NUMBERS.iter().map(|n| (*n, t.word("field", n))).collect(),
    }
}

/// Each list of a policy's match: its input, its word family, its codes.
fn match_codes(m: &PolicyMatch) -> [(&'static str, &'static str, Vec<&'static str>); 5] {
    [
        (
            "match.levels",
            "level",
            m.levels.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "match.categories",
            "category",
            m.categories.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "match.priorities",
            "priority",
            m.priorities.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "match.channels",
            "channel",
            m.channels.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "match.tiers",
            "tier",
            m.tiers.iter().map(|v| v.as_str()).collect(),
        ),
    ]
}

/// The match in a few words: "L3 · Complaint, Inquiry", or "every order".
fn summary(t: Tr, p: &Policy) -> String {
    let parts: Vec<String> = match_codes(&p.matches)
        .into_iter()
        .filter(|(_, _, codes)| !codes.is_empty())
        .map(|(_, family, codes)| {
            codes
                .iter()
                .map(|c| t.word(family, c))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    if parts.is_empty() {
        t.t("admin.sla.everything").to_owned()
    } else {
        parts.join(" · ")
    }
}

fn minutes(t: Tr, m: Option<i64>) -> String {
    m.map_or_else(|| "—".to_owned(), |m| t.n("admin.sla.minutes", m))
}

async fn all_policies(app: &App, v: &Viewer) -> Result<Vec<Policy>, PageError> {
    Ok(every!(|p| sla::list(app, &v.actor, p)))
}

pub async fn page(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    allow(&v, Permission::ManageSla)?;
    let fresh = Fields::of([
        ("rank", "100".to_owned()),
        ("warning_percent", "80".to_owned()),
        ("callback_attempts", "3".to_owned()),
        ("callback_spacing_minutes", "480".to_owned()),
        ("active", "on".to_owned()),
    ]);
    Ok(html(
        &list_page(&app, &v, fresh, FormError::default()).await?,
    ))
}

async fn list_page(
    app: &App,
    v: &Viewer,
    form: Fields,
    error: FormError,
) -> Result<PoliciesPage, PageError> {
    let t = v.t;
    let calendars = all_calendars(app, v).await?;
    let mut policies = all_policies(app, v).await?;
    policies.sort_by_key(|p| (p.rank, p.id));
    let rows = policies
        .iter()
        .map(|p| PolicyRow {
            id: p.id,
            name: p.name.clone(),
            rank: p.rank,
            matches: summary(t, p),
            response: minutes(t, p.response_minutes),
            resolution: minutes(t, p.resolution_minutes),
            warning_percent: p.warning_percent,
            callbacks: format!(
                "{} × {}",
                p.callback_attempts,
                minutes(t, Some(p.callback_spacing_minutes))
            ),
            calendar: calendar_name(t.t("admin.sla.place_calendar"), &calendars, p.calendar_id),
            active: p.active,
        })
        .collect();
    Ok(PoliciesPage {
        tabs: tabs(v, "sla"),
        csrf: v.csrf.clone(),
        rows,
        choices: choices(t, &form, &calendars),
        form,
        error,
        t,
        chrome: Chrome::new(app, v).await?,
    })
}

/// The fields the form sends, as the API's policy: every field it shows,
/// and nothing else (the escalations stay as they are).
fn sent(f: &Fields) -> Value {
    let mut body = json!({
        "name": f.text("name"),
        "calendar_id": f.number("calendar_id"),
        "match": {
            "levels": f.all("match.levels"),
            "categories": f.all("match.categories"),
            "priorities": f.all("match.priorities"),
            "channels": f.all("match.channels"),
            "tiers": f.all("match.tiers"),
        },
        "active": f.checked("active"),
    });
    for n in NUMBERS {
        body[n] = f.number(n);
    }
    // A rank left empty is not "no rank": let the policy's rules say so.
    if body["rank"].is_null() {
        body["rank"] = json!("");
    }
    body
}

pub async fn create(State(app): State<App>, v: Viewer, f: Fields) -> Result<Response, PageError> {
    allow(&v, Permission::ManageSla)?;
    let made = async { sla::create(&app, &v.actor, input::<PolicyInput>(sent(&f))?).await }.await;
    match made {
        Ok(_) => Ok(Redirect::to("/admin/sla").into_response()),
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
    allow(&v, Permission::ManageSla)?;
    let p = sla::get(&app, &v.actor, id(&raw)?).await?;
    let form = filled(&p);
    Ok(html(
        &edit_page(&app, &v, &p, form, FormError::default()).await?,
    ))
}

fn filled(p: &Policy) -> Fields {
    let n = |v: Option<i64>| v.map(|m| m.to_string()).unwrap_or_default();
    let mut form = Fields::of([
        ("name", p.name.clone()),
        ("calendar_id", n(p.calendar_id)),
        ("rank", p.rank.to_string()),
        ("response_minutes", n(p.response_minutes)),
        ("resolution_minutes", n(p.resolution_minutes)),
        ("warning_percent", p.warning_percent.to_string()),
        ("callback_attempts", p.callback_attempts.to_string()),
        (
            "callback_spacing_minutes",
            p.callback_spacing_minutes.to_string(),
        ),
        ("active", if p.active { "on" } else { "" }.to_owned()),
    ]);
    for (field, _, codes) in match_codes(&p.matches) {
        form = form.with(field, codes.into_iter().map(str::to_owned));
    }
    form
}

async fn edit_page(
    app: &App,
    v: &Viewer,
    p: &Policy,
    form: Fields,
    error: FormError,
) -> Result<PolicyPage, PageError> {
    let t = v.t;
    let calendars = all_calendars(app, v).await?;
    Ok(PolicyPage {
        tabs: tabs(v, "sla"),
        csrf: v.csrf.clone(),
        id: p.id,
        escalations: p
            .escalations
            .iter()
            .map(|s| {
                format!(
                    "{} → {}",
                    minutes(t, Some(s.after_minutes)),
                    t.word("escalate_to", s.to.as_str())
                )
            })
            .collect(),
        choices: choices(t, &form, &calendars),
        form,
        error,
        t,
        chrome: Chrome::new(app, v).await?,
    })
}

pub async fn update(
    State(app): State<App>,
    v: Viewer,
    Path(raw): Path<String>,
    f: Fields,
) -> Result<Response, PageError> {
    allow(&v, Permission::ManageSla)?;
    let id = id(&raw)?;
    match sla::update(&app, &v.actor, id, sent(&f)).await {
        Ok(_) => Ok(Redirect::to("/admin/sla").into_response()),
        Err(e) => {
            let error = FormError::from_app(e, v.t, ON_FORM)?;
            let p = sla::get(&app, &v.actor, id).await?;
            Ok(again(
                &edit_page(&app, &v, &p, f, error.clone()).await?,
                &error,
            ))
        }
    }
}
