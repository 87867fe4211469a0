//! Back-office departments: who heads them, which VP is in charge, and which
//! liaisons receive escalated work.

use kefu_core::FieldError;
use kefu_core::org::{Department, DepartmentFields, Permission, Scope};
use kefu_core::text;
use kefu_store::org::{departments, users};
use kefu_store::{Conn, Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dealers::code;
use crate::calendars;
use crate::work::Work;
use crate::{Actor, App, AppError, Result, patched};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub head_id: Option<i64>,
    #[serde(default)]
    pub vp_id: Option<i64>,
    #[serde(default)]
    pub liaison_ids: Vec<i64>,
    /// The business calendar its clocks run on; null: the default calendar.
    #[serde(default)]
    pub calendar_id: Option<i64>,
    #[serde(default)]
    pub active: Option<bool>,
}

impl DepartmentInput {
    pub fn validate(self) -> Result<DepartmentFields, FieldError> {
        let mut liaison_ids = self.liaison_ids;
        liaison_ids.sort_unstable();
        liaison_ids.dedup();
        if liaison_ids.len() > 50 {
            return Err(FieldError::new(
                "liaison_ids",
                "too_many",
                "a department has at most 50 liaisons",
            ));
        }
        Ok(DepartmentFields {
            code: code("code", &self.code)?,
            name: text::text("name", &self.name, 100)?,
            head_id: self.head_id,
            vp_id: self.vp_id,
            liaison_ids,
            calendar_id: self.calendar_id,
            active: self.active.unwrap_or(true),
        })
    }

    fn from_record(d: &Department) -> Self {
        let f = &d.fields;
        DepartmentInput {
            code: f.code.clone(),
            name: f.name.clone(),
            head_id: f.head_id,
            vp_id: f.vp_id,
            liaison_ids: f.liaison_ids.clone(),
            calendar_id: f.calendar_id,
            active: Some(f.active),
        }
    }
}

/// Every person named must be an existing user.
async fn check_people(tx: &mut Conn, f: &DepartmentFields) -> Result<()> {
    let named = [("head_id", f.head_id), ("vp_id", f.vp_id)]
        .into_iter()
        .filter_map(|(field, id)| id.map(|id| (field.to_owned(), id)))
        .chain(
            f.liaison_ids
                .iter()
                .enumerate()
                .map(|(i, id)| (format!("liaison_ids[{i}]"), *id)),
        );
    for (field, id) in named {
        if users::get(tx, Scope::Group, id).await?.is_none() {
            return Err(AppError::invalid(
                field,
                "unknown_user",
                format!("there is no user {id}"),
            ));
        }
    }
    Ok(())
}

pub async fn create(app: &App, who: &Actor, input: DepartmentInput) -> Result<Department> {
    who.require(Permission::ManageDepartments)?;
    let fields = input.validate()?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    check_people(&mut tx, &fields).await?;
    calendars::check_exists(&mut tx, fields.calendar_id).await?;
    let dept = departments::insert(&mut tx, &fields, now).await?;
    tx.created(who, now, "department", dept.id, &dept).await?;
    tx.commit(app).await?;
    Ok(dept)
}

pub async fn update(
    app: &App,
    who: &Actor,
    id: i64,
    patch: serde_json::Value,
) -> Result<Department> {
    who.require(Permission::ManageDepartments)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = departments::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = patched(&DepartmentInput::from_record(&before), patch)?.validate()?;
    check_people(&mut tx, &fields).await?;
    calendars::check_exists(&mut tx, fields.calendar_id).await?;
    departments::update(&mut tx, id, &fields, now).await?;
    let after = Department {
        fields,
        updated_at: now,
        ..before.clone()
    };
    tx.updated(who, now, "department", id, &before, &after)
        .await?;
    tx.commit(app).await?;
    Ok(after)
}

pub async fn get(app: &App, _who: &Actor, id: i64) -> Result<Department> {
    let mut conn = app.store.read().await?;
    departments::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn list(app: &App, _who: &Actor, page: PageRequest) -> Result<Page<Department>> {
    let mut conn = app.store.read().await?;
    Ok(departments::list(&mut conn, page).await?)
}
