//! Vehicles of customers: create, change, look up by VIN, its last six, or plate.

mod input;

pub use input::VehicleInput;

use kefu_core::org::Permission;
use kefu_core::vehicles::{Plate, Vehicle, VehicleFields, Vin};
use kefu_store::customers;
use kefu_store::vehicles::{self, VehicleFilter};
use kefu_store::{Conn, Page, PageRequest};

use crate::customers::check_dealer;
use crate::work::Work;
use crate::{Actor, App, AppError, Result, patched};

/// The owner must be a customer the caller can see; the servicing dealer
/// defaults to the owner's.
async fn link_owner(
    tx: &mut Conn,
    who: &Actor,
    f: &mut VehicleFields,
    dealer_given: bool,
) -> Result<()> {
    let owner = customers::get(tx, who.scope(), f.customer_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "customer_id",
                "unknown_customer",
                format!("there is no customer {}", f.customer_id),
            )
        })?;
    if !dealer_given {
        f.dealer_id = owner.fields.dealer_id;
    }
    check_dealer(who, f.dealer_id)?;
    crate::customers::check_links(tx, f.dealer_id, None).await
}

pub async fn create(app: &App, who: &Actor, input: VehicleInput) -> Result<Vehicle> {
    who.require(Permission::WriteCustomers)?;
    let dealer_given = input.dealer_id.is_some();
    let mut fields = input.validate()?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    link_owner(&mut tx, who, &mut fields, dealer_given).await?;
    let vehicle = vehicles::insert(&mut tx, &fields, now).await?;
    tx.created(who, now, "vehicle", vehicle.id, &vehicle)
        .await?;
    tx.commit(app).await?;
    Ok(vehicle)
}

pub async fn update(app: &App, who: &Actor, id: i64, patch: serde_json::Value) -> Result<Vehicle> {
    who.require(Permission::WriteCustomers)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = vehicles::get(&mut tx, who.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut fields = patched(&VehicleInput::from_record(&before.fields), patch)?.validate()?;
    link_owner(&mut tx, who, &mut fields, true).await?;
    vehicles::update(&mut tx, id, &fields, now).await?;
    let after = Vehicle {
        fields,
        updated_at: now,
        ..before.clone()
    };
    tx.updated(who, now, "vehicle", id, &before, &after).await?;
    tx.commit(app).await?;
    Ok(after)
}

pub async fn get(app: &App, who: &Actor, id: i64) -> Result<Vehicle> {
    who.require(Permission::ReadCustomers)?;
    let mut conn = app.store.read().await?;
    vehicles::get(&mut conn, who.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// A full VIN, or its last six characters as read over the phone.
    pub vin: Option<String>,
    pub plate: Option<String>,
    pub customer_id: Option<i64>,
    pub dealer_id: Option<i64>,
}

pub async fn list(
    app: &App,
    who: &Actor,
    lookup: &Lookup,
    page: PageRequest,
) -> Result<Page<Vehicle>> {
    who.require(Permission::ReadCustomers)?;
    let mut filter = VehicleFilter {
        customer_id: lookup.customer_id,
        dealer_id: lookup.dealer_id,
        ..VehicleFilter::default()
    };
    if let Some(raw) = lookup.vin.as_deref() {
        match Vin::parse_last6(raw) {
            Some(last6) => filter.vin_last6 = Some(last6),
            None => filter.vin = Some(Vin::parse(raw)?),
        }
    }
    if let Some(raw) = lookup.plate.as_deref() {
        filter.plate = Some(Plate::parse(raw)?);
    }
    let mut conn = app.store.read().await?;
    Ok(vehicles::list(&mut conn, who.scope(), &filter, page).await?)
}
