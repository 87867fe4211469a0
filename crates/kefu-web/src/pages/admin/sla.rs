//! `/admin/sla`: the SLA policies (admins only): what each applies to, its
//! response and resolution targets in business minutes, when it warns, how
//! callbacks are spaced, and its escalation ladder: each step's minutes,
//! whether they count working time or round the clock, and who it goes to.
//! The ladder is a table of inputs with blank rows to add a step and a
//! remove box on each.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::App;
use kefu_app::sla::{self, PolicyInput};
use kefu_core::customers::Tier;
use kefu_core::org::Permission;
use kefu_core::sla::{EscalationStep, EscalationTarget, Policy, PolicyMatch};
use kefu_core::tickets::{Category, Channel, Level, Priority};
use kefu_core::timers::Counting;
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
    "escalations",
    "active",
];

/// Blank rows under the ladder, to add steps with.
const BLANK_STEPS: usize = 2;

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
    ladder: Vec<String>,
    calendar: String,
    active: bool,
}

/// What the form offers: the match's checkboxes, the calendars and the
/// ladder's rows.
struct Choices {
    groups: Vec<Group>,
    calendars: Vec<Choice>,
    numbers: Vec<(&'static str, String)>,
    steps: Vec<StepRow>,
}

/// One row of the ladder's table.
struct StepRow {
    /// From 0, the value of its remove box.
    index: usize,
    minutes: String,
    /// "= 48 h" beside the minutes.
    hours: String,
    counts: Vec<Choice>,
    to: Vec<Choice>,
}

/// The ladder's rows as sent (or as filled from the policy): minutes,
/// counting and target by row, the removed rows left out, blank rows last.
fn step_rows(t: Tr, form: &Fields) -> Vec<StepRow> {
    let (minutes, counts, to) = (
        form.column("esc_minutes"),
        form.column("esc_counts"),
        form.column("esc_to"),
    );
    let removed = form.all("esc_remove");
    let mut rows: Vec<StepRow> = Vec::new();
    for (i, m) in minutes.iter().enumerate() {
        if m.is_empty() || removed.contains(&i.to_string()) {
            continue;
        }
        let get = |col: &[String]| col.get(i).cloned().unwrap_or_default();
        rows.push(step_row(t, rows.len(), m, &get(&counts), &get(&to)));
    }
    for _ in 0..BLANK_STEPS {
        rows.push(step_row(t, rows.len(), "", "", ""));
    }
    rows
}

fn step_row(t: Tr, index: usize, minutes: &str, counts: &str, to: &str) -> StepRow {
    let hours = match minutes.parse::<i64>() {
        Ok(m) if m > 0 && m % 60 == 0 => t.n("admin.sla.hours", m / 60),
        _ => String::new(),
    };
    let counts = if counts.is_empty() {
        Counting::WorkingTime.as_str()
    } else {
        counts
    };
    let to = if to.is_empty() {
        EscalationTarget::DepartmentHead.as_str()
    } else {
        to
    };
    let words = |family: &str, all: &[&str], chosen: &str| -> Vec<Choice> {
        all.iter()
            .map(|w| Choice::new(w, t.word(family, w), *w == chosen))
            .collect()
    };
    StepRow {
        index,
        minutes: minutes.to_owned(),
        hours,
        counts: words(
            "counts",
            &Counting::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            counts,
        ),
        to: words(
            "escalate_to",
            &EscalationTarget::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
            to,
        ),
    }
}

/// The ladder as the API takes it: the rows that have minutes, in order.
fn sent_steps(f: &Fields) -> Value {
    let (minutes, counts, to) = (
        f.column("esc_minutes"),
        f.column("esc_counts"),
        f.column("esc_to"),
    );
    let removed = f.all("esc_remove");
    let steps: Vec<Value> = minutes
        .iter()
        .enumerate()
        .filter(|(i, m)| !m.is_empty() && !removed.contains(&i.to_string()))
        .map(|(i, m)| {
            let word = |col: &[String], default: &str| {
                col.get(i)
                    .filter(|w| !w.is_empty())
                    .cloned()
                    .unwrap_or_else(|| default.to_owned())
            };
            json!({
                "after_minutes": super::form::number(m),
                "counts": word(&counts, Counting::WorkingTime.as_str()),
                "to": word(&to, EscalationTarget::DepartmentHead.as_str()),
            })
        })
        .collect();
    Value::Array(steps)
}

/// The ladder in a few words: "48 h · round the clock → department head".
fn ladder(t: Tr, steps: &[EscalationStep]) -> Vec<String> {
    steps
        .iter()
        .map(|s| {
            let amount = if s.after_minutes % 60 == 0 {
                t.n("admin.sla.hours", s.after_minutes / 60)
            } else {
                minutes(t, Some(s.after_minutes))
            };
            format!(
                "{amount} · {} → {}",
                t.word("counts", s.counts.as_str()),
                t.word("escalate_to", s.to.as_str())
            )
        })
        .collect()
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
        steps: step_rows(t, form),
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
            ladder: ladder(t, &p.escalations),
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
/// the ladder included.
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
        "escalations": sent_steps(f),
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
    let steps = &p.escalations;
    form.with(
        "esc_minutes",
        steps.iter().map(|s| s.after_minutes.to_string()),
    )
    .with(
        "esc_counts",
        steps.iter().map(|s| s.counts.as_str().to_owned()),
    )
    .with("esc_to", steps.iter().map(|s| s.to.as_str().to_owned()))
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
