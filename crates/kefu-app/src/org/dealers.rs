//! Creating, changing and reading dealers.

use kefu_core::FieldError;
use kefu_core::org::{Dealer, DealerFields, Permission};
use kefu_core::text;
use kefu_store::org::dealers;
use kefu_store::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::calendars;
use crate::work::Work;
use crate::{Actor, App, AppError, Result, patched};

/// A dealer as the API accepts it. For an update, send any subset of fields.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealerInput {
    /// Unique in the group, e.g. `SH001`: letters, digits, `-` and `_`.
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub region: Option<String>,
    /// IANA time zone; default: the group's (`Asia/Shanghai` unless an admin
    /// changed it).
    #[serde(default)]
    pub timezone: Option<String>,
    /// The business calendar its clocks run on; null: the default calendar.
    #[serde(default)]
    pub calendar_id: Option<i64>,
    #[serde(default)]
    pub active: Option<bool>,
}

impl DealerInput {
    pub fn validate(self) -> Result<DealerFields, FieldError> {
        Ok(DealerFields {
            code: code("code", &self.code)?,
            name: text::text("name", &self.name, 100)?,
            region: text::optional_text("region", self.region.as_deref(), 50)?,
            timezone: timezone(self.timezone.as_deref())?,
            calendar_id: self.calendar_id,
            active: self.active.unwrap_or(true),
        })
    }

    fn from_record(d: &Dealer) -> Self {
        let f = &d.fields;
        DealerInput {
            code: f.code.clone(),
            name: f.name.clone(),
            region: f.region.clone(),
            timezone: Some(f.timezone.clone()),
            calendar_id: f.calendar_id,
            active: Some(f.active),
        }
    }
}

/// A short identifier typed by people: `SH001`, `quality`.
pub(crate) fn code(field: &str, raw: &str) -> Result<String, FieldError> {
    let c = text::text(field, raw, 32)?;
    if c.chars()
        .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        Ok(c)
    } else {
        Err(FieldError::new(
            field,
            "invalid_code",
            format!("{field} may hold only letters, digits, - and _"),
        ))
    }
}

fn timezone(raw: Option<&str>) -> Result<String, FieldError> {
    let tz = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("Asia/Shanghai");
    tz.parse::<chrono_tz::Tz>()
        .map(|_| tz.to_owned())
        .map_err(|_| {
            FieldError::new(
                "timezone",
                "invalid_timezone",
                format!("{tz} is not an IANA time zone"),
            )
        })
}

pub async fn create(app: &App, who: &Actor, mut input: DealerInput) -> Result<Dealer> {
    who.require(Permission::ManageDealers)?;
    if input
        .timezone
        .as_deref()
        .is_none_or(|tz| tz.trim().is_empty())
    {
        let group = super::group::settings(app).await?;
        input.timezone = Some(group.timezone.name().to_owned());
    }
    let fields = input.validate()?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    calendars::check_exists(&mut tx, fields.calendar_id).await?;
    let dealer = dealers::insert(&mut tx, &fields, now).await?;
    tx.created(who, now, "dealer", dealer.id, &dealer).await?;
    tx.commit(app).await?;
    Ok(dealer)
}

pub async fn update(app: &App, who: &Actor, id: i64, patch: serde_json::Value) -> Result<Dealer> {
    who.require(Permission::ManageDealers)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = dealers::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let fields = patched(&DealerInput::from_record(&before), patch)?.validate()?;
    calendars::check_exists(&mut tx, fields.calendar_id).await?;
    dealers::update(&mut tx, id, &fields, now).await?;
    let after = Dealer {
        fields,
        updated_at: now,
        ..before.clone()
    };
    tx.updated(who, now, "dealer", id, &before, &after).await?;
    tx.commit(app).await?;
    Ok(after)
}

pub async fn get(app: &App, _who: &Actor, id: i64) -> Result<Dealer> {
    let mut conn = app.store.read().await?;
    dealers::get(&mut conn, id).await?.ok_or(AppError::NotFound)
}

pub async fn list(
    app: &App,
    _who: &Actor,
    active: Option<bool>,
    page: PageRequest,
) -> Result<Page<Dealer>> {
    let mut conn = app.store.read().await?;
    Ok(dealers::list(&mut conn, active, page).await?)
}
