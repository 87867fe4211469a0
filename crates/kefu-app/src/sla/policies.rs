//! Creating and changing SLA policies (admins), and the seed's defaults.

use kefu_core::FieldError;
use kefu_core::org::Permission;
use kefu_core::sla::{EscalationStep, EscalationTarget, Policy, PolicyMatch};
use kefu_core::text;
use kefu_core::tickets::Level;
use kefu_core::timers::Counting;
use kefu_store::sla::policies;
use kefu_store::{Change, Conn, Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::work::Work;
use crate::{Actor, App, AppError, Result, patched};

/// The longest target a policy may set: a year of business minutes.
const MAX_MINUTES: i64 = 525_600;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    pub name: String,
    /// Deadlines count on this calendar; by default on the calendar of the
    /// dealer or department the order is with.
    #[serde(default)]
    pub calendar_id: Option<i64>,
    /// The matching policy of lowest rank applies.
    pub rank: i64,
    #[serde(default, rename = "match")]
    pub matches: PolicyMatch,
    #[serde(default)]
    pub response_minutes: Option<i64>,
    #[serde(default)]
    pub resolution_minutes: Option<i64>,
    /// Warn at this percent of each target (default 80).
    #[serde(default)]
    pub warning_percent: Option<i64>,
    #[serde(default)]
    pub escalations: Vec<EscalationStep>,
    /// Callback attempts before an unreachable customer's order closes (default 3).
    #[serde(default)]
    pub callback_attempts: Option<i64>,
    /// Business minutes between callback attempts (default 480: a working
    /// day on the default office calendar, so three attempts take three days).
    #[serde(default)]
    pub callback_spacing_minutes: Option<i64>,
    #[serde(default)]
    pub active: Option<bool>,
}

impl PolicyInput {
    pub fn validate(self, id: i64) -> Result<Policy, FieldError> {
        let minutes = |field: &str, v: Option<i64>| -> Result<Option<i64>, FieldError> {
            match v {
                Some(m) if !(1..=MAX_MINUTES).contains(&m) => Err(FieldError::new(
                    field,
                    "out_of_range",
                    format!("{field} is 1 to {MAX_MINUTES} minutes"),
                )),
                _ => Ok(v),
            }
        };
        let warning_percent = self.warning_percent.unwrap_or(80);
        if !(1..=99).contains(&warning_percent) {
            return Err(FieldError::new(
                "warning_percent",
                "out_of_range",
                "warning_percent is 1 to 99",
            ));
        }
        if self.escalations.len() > 10 {
            return Err(FieldError::new(
                "escalations",
                "too_many",
                "at most 10 escalation steps",
            ));
        }
        let mut last = 0;
        for (i, step) in self.escalations.iter().enumerate() {
            let field = format!("escalations[{i}].after_minutes");
            minutes(&field, Some(step.after_minutes))?;
            if step.after_minutes <= last {
                return Err(FieldError::new(
                    field,
                    "not_increasing",
                    "each escalation step comes after the one before",
                ));
            }
            last = step.after_minutes;
        }
        let attempts = self.callback_attempts.unwrap_or(3);
        if !(1..=10).contains(&attempts) {
            return Err(FieldError::new(
                "callback_attempts",
                "out_of_range",
                "callback_attempts is 1 to 10",
            ));
        }
        Ok(Policy {
            id,
            name: text::text("name", &self.name, 100)?,
            calendar_id: self.calendar_id,
            rank: self.rank,
            matches: self.matches,
            response_minutes: minutes("response_minutes", self.response_minutes)?,
            resolution_minutes: minutes("resolution_minutes", self.resolution_minutes)?,
            warning_percent,
            escalations: self.escalations,
            callback_attempts: attempts,
            callback_spacing_minutes: minutes(
                "callback_spacing_minutes",
                self.callback_spacing_minutes,
            )?
            .unwrap_or(480),
            active: self.active.unwrap_or(true),
        })
    }

    fn from_record(p: &Policy) -> Self {
        PolicyInput {
            name: p.name.clone(),
            calendar_id: p.calendar_id,
            rank: p.rank,
            matches: p.matches.clone(),
            response_minutes: p.response_minutes,
            resolution_minutes: p.resolution_minutes,
            warning_percent: Some(p.warning_percent),
            escalations: p.escalations.clone(),
            callback_attempts: Some(p.callback_attempts),
            callback_spacing_minutes: Some(p.callback_spacing_minutes),
            active: Some(p.active),
        }
    }
}

async fn check_calendar(tx: &mut Conn, p: &Policy) -> Result<()> {
    if let Some(id) = p.calendar_id
        && kefu_store::calendars::get(tx, id).await?.is_none()
    {
        return Err(AppError::invalid(
            "calendar_id",
            "unknown_calendar",
            format!("there is no calendar {id}"),
        ));
    }
    Ok(())
}

pub async fn create(app: &App, who: &Actor, input: PolicyInput) -> Result<Policy> {
    who.require(Permission::ManageSla)?;
    let mut policy = input.validate(0)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    check_calendar(&mut tx, &policy).await?;
    policy.id = policies::insert(&mut tx, &policy, now).await?;
    tx.created(who, now, "sla_policy", policy.id, &policy)
        .await?;
    tx.commit(app).await?;
    Ok(policy)
}

/// Change a policy. Clocks already running keep their deadlines; orders
/// reaching a dealer or department from now on get the new ones.
pub async fn update(app: &App, who: &Actor, id: i64, patch: serde_json::Value) -> Result<Policy> {
    who.require(Permission::ManageSla)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = policies::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let after = patched(&PolicyInput::from_record(&before), patch)?.validate(id)?;
    check_calendar(&mut tx, &after).await?;
    policies::update(&mut tx, &after, now).await?;
    tx.updated(who, now, "sla_policy", id, &before, &after)
        .await?;
    tx.commit(app).await?;
    Ok(after)
}

pub async fn get(app: &App, _who: &Actor, id: i64) -> Result<Policy> {
    let mut conn = app.store.read().await?;
    policies::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn list(app: &App, _who: &Actor, page: PageRequest) -> Result<Page<Policy>> {
    let mut conn = app.store.read().await?;
    Ok(policies::list(&mut conn, page).await?)
}

/// The seed's defaults, created when no policy exists: a department must
/// respond within 2 working hours; unresolved after 48 hours the order goes
/// to the department head, 24 hours after that to the VP in charge. Work
/// dispatched to a dealer gets a response target of 4 working hours and goes
/// to the service-centre managers after 48 hours.
pub async fn ensure_defaults(app: &App) -> Result<()> {
    let mut tx = Work::begin(app).await?;
    if policies::count(&mut tx).await? > 0 {
        return Ok(());
    }
    let now = app.now();
    let seeds = [
        Policy {
            id: 0,
            name: "部门时效（默认）".into(),
            calendar_id: None,
            rank: 1000,
            matches: PolicyMatch {
                levels: vec![Level::L3],
                ..PolicyMatch::default()
            },
            response_minutes: Some(120),
            resolution_minutes: None,
            warning_percent: 80,
            escalations: vec![
                EscalationStep {
                    after_minutes: 2880,
                    to: EscalationTarget::DepartmentHead,
                    counts: Counting::RoundTheClock,
                },
                EscalationStep {
                    after_minutes: 4320,
                    to: EscalationTarget::Vp,
                    counts: Counting::RoundTheClock,
                },
            ],
            callback_attempts: 3,
            callback_spacing_minutes: 480,
            active: true,
        },
        Policy {
            id: 0,
            name: "门店时效（默认）".into(),
            calendar_id: None,
            rank: 1000,
            matches: PolicyMatch {
                levels: vec![Level::L2],
                ..PolicyMatch::default()
            },
            response_minutes: Some(240),
            resolution_minutes: None,
            warning_percent: 80,
            escalations: vec![EscalationStep {
                after_minutes: 2880,
                to: EscalationTarget::Manager,
                counts: Counting::RoundTheClock,
            }],
            callback_attempts: 3,
            callback_spacing_minutes: 480,
            active: true,
        },
    ];
    for p in &seeds {
        let id = policies::insert(&mut tx, p, now).await?;
        tx.changed("sla_policy", id, Change::Created, now).await?;
    }
    tx.commit(app).await
}
