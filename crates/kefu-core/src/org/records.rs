//! The organisation's records as kefu stores and shows them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::Role;

/// A store of the group (经销商/门店).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Dealer {
    pub id: i64,
    #[serde(flatten)]
    pub fields: DealerFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DealerFields {
    /// Unique in the group, e.g. `SH001`.
    pub code: String,
    pub name: String,
    pub region: Option<String>,
    /// An IANA time zone; the dealer's calendars are computed in it.
    pub timezone: String,
    /// The business calendar its clocks run on; `null`: the default calendar.
    pub calendar_id: Option<i64>,
    pub active: bool,
}

/// A back-office department (后台部门) that answers escalations.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Department {
    pub id: i64,
    #[serde(flatten)]
    pub fields: DepartmentFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DepartmentFields {
    pub code: String,
    pub name: String,
    /// The department head (部长), escalated to when a clock runs out.
    pub head_id: Option<i64>,
    /// The VP in charge (分管副总), the last step of the escalation ladder.
    pub vp_id: Option<i64>,
    /// The liaisons (联络员) who receive escalated work.
    pub liaison_ids: Vec<i64>,
    /// The business calendar its clocks run on; `null`: the default calendar.
    pub calendar_id: Option<i64>,
    pub active: bool,
}

/// A person who logs in. Never deleted, only disabled.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    #[serde(flatten)]
    pub fields: UserFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UserFields {
    pub username: String,
    pub display_name: String,
    #[schema(value_type = String, example = "agent")]
    pub role: Role,
    pub dealer_id: Option<i64>,
    pub department_id: Option<i64>,
    /// Where clock warnings, breaches and escalations are e-mailed.
    pub email: Option<String>,
    pub active: bool,
}
