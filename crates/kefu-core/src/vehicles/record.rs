//! The vehicle record: one car of a customer, as kefu stores and shows it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Plate, Vin};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Vehicle {
    pub id: i64,
    #[serde(flatten)]
    pub fields: VehicleFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VehicleFields {
    pub customer_id: i64,
    #[schema(value_type = String, example = "LSVAU218XN2183294")]
    pub vin: Vin,
    #[schema(value_type = Option<String>, example = "沪A12345")]
    pub plate: Option<Plate>,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub trim: Option<String>,
    pub color: Option<String>,
    pub purchased_on: Option<NaiveDate>,
    pub delivered_on: Option<NaiveDate>,
    pub registered_on: Option<NaiveDate>,
    pub manufactured_on: Option<NaiveDate>,
    pub mileage_km: Option<i64>,
    /// The day the mileage was read.
    pub mileage_read_on: Option<NaiveDate>,
    pub compulsory_insurance_expires_on: Option<NaiveDate>,
    pub commercial_insurance_expires_on: Option<NaiveDate>,
    /// The servicing store.
    pub dealer_id: Option<i64>,
    /// An inactive vehicle (sold on, scrapped) frees its plate.
    pub active: bool,
}
