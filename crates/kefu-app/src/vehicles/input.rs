//! The vehicle as the API and the importer accept it.

use kefu_core::FieldError;
use kefu_core::text;
use kefu_core::vehicles::{Plate, VehicleFields, Vin};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// For an update, send any subset of fields; `null` clears one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VehicleInput {
    pub customer_id: i64,
    /// 17 characters, no I, O or Q, with a valid check digit (GB 16735).
    pub vin: String,
    /// A Chinese plate, e.g. `沪A12345` or the new-energy `沪AD12345`.
    #[serde(default)]
    pub plate: Option<String>,
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub trim: Option<String>,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub purchased_on: Option<String>,
    #[serde(default)]
    pub delivered_on: Option<String>,
    #[serde(default)]
    pub registered_on: Option<String>,
    #[serde(default)]
    pub manufactured_on: Option<String>,
    #[serde(default)]
    pub mileage_km: Option<i64>,
    #[serde(default)]
    pub mileage_read_on: Option<String>,
    #[serde(default)]
    pub compulsory_insurance_expires_on: Option<String>,
    #[serde(default)]
    pub commercial_insurance_expires_on: Option<String>,
    /// The servicing store; defaults to the owner's dealer.
    #[serde(default)]
    pub dealer_id: Option<i64>,
    #[serde(default)]
    pub active: Option<bool>,
}

const MAX_MILEAGE_KM: i64 = 3_000_000;

impl VehicleInput {
    pub fn validate(self) -> Result<VehicleFields, FieldError> {
        let date = |field: &str, raw: &Option<String>| {
            raw.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|d| text::date(field, d))
                .transpose()
        };
        if let Some(km) = self.mileage_km
            && !(0..=MAX_MILEAGE_KM).contains(&km)
        {
            return Err(FieldError::new(
                "mileage_km",
                "out_of_range",
                format!("mileage is 0 to {MAX_MILEAGE_KM} km"),
            ));
        }
        Ok(VehicleFields {
            customer_id: self.customer_id,
            vin: Vin::parse(&self.vin)?,
            plate: self
                .plate
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(Plate::parse)
                .transpose()?,
            brand: text::optional_text("brand", self.brand.as_deref(), 50)?,
            model: text::optional_text("model", self.model.as_deref(), 50)?,
            trim: text::optional_text("trim", self.trim.as_deref(), 100)?,
            color: text::optional_text("color", self.color.as_deref(), 30)?,
            purchased_on: date("purchased_on", &self.purchased_on)?,
            delivered_on: date("delivered_on", &self.delivered_on)?,
            registered_on: date("registered_on", &self.registered_on)?,
            manufactured_on: date("manufactured_on", &self.manufactured_on)?,
            mileage_km: self.mileage_km,
            mileage_read_on: date("mileage_read_on", &self.mileage_read_on)?,
            compulsory_insurance_expires_on: date(
                "compulsory_insurance_expires_on",
                &self.compulsory_insurance_expires_on,
            )?,
            commercial_insurance_expires_on: date(
                "commercial_insurance_expires_on",
                &self.commercial_insurance_expires_on,
            )?,
            dealer_id: self.dealer_id,
            active: self.active.unwrap_or(true),
        })
    }

    pub(crate) fn from_record(f: &VehicleFields) -> Self {
        let d = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
        VehicleInput {
            customer_id: f.customer_id,
            vin: f.vin.as_str().to_owned(),
            plate: f.plate.as_ref().map(|p| p.as_str().to_owned()),
            brand: f.brand.clone(),
            model: f.model.clone(),
            trim: f.trim.clone(),
            color: f.color.clone(),
            purchased_on: d(f.purchased_on),
            delivered_on: d(f.delivered_on),
            registered_on: d(f.registered_on),
            manufactured_on: d(f.manufactured_on),
            mileage_km: f.mileage_km,
            mileage_read_on: d(f.mileage_read_on),
            compulsory_insurance_expires_on: d(f.compulsory_insurance_expires_on),
            commercial_insurance_expires_on: d(f.commercial_insurance_expires_on),
            dealer_id: f.dealer_id,
            active: Some(f.active),
        }
    }
}
