//! Vehicles. A dealer sees a vehicle it services or whose owner is its
//! customer.

use chrono::{DateTime, Utc};
use kefu_core::org::Scope;
use kefu_core::vehicles::{Plate, Vehicle, VehicleFields, Vin};
use sqlx::any::AnyRow;

use crate::bulk::{self, Table, reserve_ids};
use crate::sql::{Sql, expect_one};
use crate::{Conn, Page, PageRequest, Result, columns};

const COLUMNS: &str = "v.id, v.customer_id, v.vin, v.plate, v.brand, v.model, v.trim, v.color, \
    v.purchased_on, v.delivered_on, v.registered_on, v.manufactured_on, v.mileage_km, \
    v.mileage_read_on, v.compulsory_insurance_expires_on, v.commercial_insurance_expires_on, \
    v.dealer_id, v.active, v.created_at, v.updated_at";

pub async fn insert(tx: &mut Conn, f: &VehicleFields, now: DateTime<Utc>) -> Result<Vehicle> {
    let r = sqlx::query(
        "INSERT INTO vehicles (customer_id, vin, vin_last6, plate, brand, model, trim, color, \
         purchased_on, delivered_on, registered_on, manufactured_on, mileage_km, mileage_read_on, \
         compulsory_insurance_expires_on, commercial_insurance_expires_on, dealer_id, active, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $19) RETURNING id",
    )
    .bind(f.customer_id)
    .bind(f.vin.as_str().to_owned())
    .bind(f.vin.last6().to_owned())
    .bind(f.plate.as_ref().map(|p| p.as_str().to_owned()))
    .bind(f.brand.clone())
    .bind(f.model.clone())
    .bind(f.trim.clone())
    .bind(f.color.clone())
    .bind(columns::date_text(f.purchased_on))
    .bind(columns::date_text(f.delivered_on))
    .bind(columns::date_text(f.registered_on))
    .bind(columns::date_text(f.manufactured_on))
    .bind(f.mileage_km)
    .bind(columns::date_text(f.mileage_read_on))
    .bind(columns::date_text(f.compulsory_insurance_expires_on))
    .bind(columns::date_text(f.commercial_insurance_expires_on))
    .bind(f.dealer_id)
    .bind(i64::from(f.active))
    .bind(now.timestamp_millis())
    .fetch_one(tx)
    .await?;
    Ok(Vehicle {
        id: columns::i64_(&r, "id")?,
        fields: f.clone(),
        created_at: now,
        updated_at: now,
    })
}

/// Insert many vehicles in a few statements; returns their ids in order.
pub async fn insert_many(
    tx: &mut impl bulk::Rows,
    rows: &[VehicleFields],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let ids = reserve_ids(tx, Table::Vehicles, rows.len()).await?;
    let at = now.timestamp_millis();
    let rows: Vec<(i64, &VehicleFields)> = ids.iter().copied().zip(rows).collect();
    bulk::insert(
        tx,
        "vehicles (id, customer_id, vin, vin_last6, plate, brand, model, trim, color, \
         purchased_on, delivered_on, registered_on, manufactured_on, mileage_km, mileage_read_on, \
         compulsory_insurance_expires_on, commercial_insurance_expires_on, dealer_id, active, \
         created_at, updated_at)",
        21,
        &rows,
        |v, (id, f)| {
            v.put(*id).put(f.customer_id).put(f.vin.as_str());
            v.put(f.vin.last6())
                .put(f.plate.as_ref().map(|p| p.as_str()));
            v.put(&f.brand).put(&f.model).put(&f.trim).put(&f.color);
            v.put(columns::date_text(f.purchased_on))
                .put(columns::date_text(f.delivered_on))
                .put(columns::date_text(f.registered_on))
                .put(columns::date_text(f.manufactured_on));
            v.put(f.mileage_km)
                .put(columns::date_text(f.mileage_read_on));
            v.put(columns::date_text(f.compulsory_insurance_expires_on))
                .put(columns::date_text(f.commercial_insurance_expires_on));
            v.put(f.dealer_id).put(i64::from(f.active));
            v.put(at).put(at);
        },
    )
    .await?;
    Ok(ids)
}

pub async fn update(tx: &mut Conn, id: i64, f: &VehicleFields, now: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE vehicles SET customer_id = $1, vin = $2, vin_last6 = $3, plate = $4, brand = $5, \
         model = $6, trim = $7, color = $8, purchased_on = $9, delivered_on = $10, \
         registered_on = $11, manufactured_on = $12, mileage_km = $13, mileage_read_on = $14, \
         compulsory_insurance_expires_on = $15, commercial_insurance_expires_on = $16, \
         dealer_id = $17, active = $18, updated_at = $19 WHERE id = $20",
    )
    .bind(f.customer_id)
    .bind(f.vin.as_str().to_owned())
    .bind(f.vin.last6().to_owned())
    .bind(f.plate.as_ref().map(|p| p.as_str().to_owned()))
    .bind(f.brand.clone())
    .bind(f.model.clone())
    .bind(f.trim.clone())
    .bind(f.color.clone())
    .bind(columns::date_text(f.purchased_on))
    .bind(columns::date_text(f.delivered_on))
    .bind(columns::date_text(f.registered_on))
    .bind(columns::date_text(f.manufactured_on))
    .bind(f.mileage_km)
    .bind(columns::date_text(f.mileage_read_on))
    .bind(columns::date_text(f.compulsory_insurance_expires_on))
    .bind(columns::date_text(f.commercial_insurance_expires_on))
    .bind(f.dealer_id)
    .bind(i64::from(f.active))
    .bind(now.timestamp_millis())
    .bind(id)
    .execute(tx)
    .await?;
    expect_one(done)
}

pub async fn get(conn: &mut Conn, scope: Scope, id: i64) -> Result<Option<Vehicle>> {
    let mut q = select();
    q.push(" AND v.id = ").bind(id);
    scoped(&mut q, scope);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

#[derive(Debug, Clone, Default)]
pub struct VehicleFilter {
    pub vin: Option<Vin>,
    /// The last six characters of the VIN, as agents read them out.
    pub vin_last6: Option<String>,
    pub plate: Option<Plate>,
    pub customer_id: Option<i64>,
    pub dealer_id: Option<i64>,
}

pub async fn list(
    conn: &mut Conn,
    scope: Scope,
    f: &VehicleFilter,
    page: PageRequest,
) -> Result<Page<Vehicle>> {
    let rows = list_query(scope, f, page).query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |x| x.id))
}

pub(crate) fn list_query(scope: Scope, f: &VehicleFilter, page: PageRequest) -> Sql {
    let mut q = select();
    scoped(&mut q, scope);
    if let Some(v) = &f.vin {
        q.push(" AND v.vin = ").bind(v.as_str().to_owned());
    }
    if let Some(v) = &f.vin_last6 {
        q.push(" AND v.vin_last6 = ").bind(v.clone());
    }
    if let Some(p) = &f.plate {
        q.push(" AND v.plate = ").bind(p.as_str().to_owned());
    }
    if let Some(c) = f.customer_id {
        q.push(" AND v.customer_id = ").bind(c);
    }
    if let Some(d) = f.dealer_id {
        q.push(" AND v.dealer_id = ").bind(d);
    }
    if let Some(after) = page.after {
        q.push(" AND v.id > ").bind(after);
    }
    q.push(" ORDER BY v.id LIMIT ").bind(page.limit + 1);
    q
}

/// Which of these VINs are already recorded (for an import's report).
pub async fn existing_vins(conn: &mut Conn, vins: &[&str]) -> Result<Vec<String>> {
    if vins.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT vin FROM vehicles WHERE vin IN (");
    for (i, v) in vins.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind((*v).to_owned());
    }
    q.push(")");
    q.query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| columns::text(r, "vin"))
        .collect()
}

/// Which of these plates are held by an active vehicle.
pub async fn existing_plates(conn: &mut Conn, plates: &[&str]) -> Result<Vec<String>> {
    if plates.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT plate FROM vehicles WHERE active = 1 AND plate IN (");
    for (i, p) in plates.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind((*p).to_owned());
    }
    q.push(")");
    q.query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| columns::text(r, "plate"))
        .collect()
}

fn select() -> Sql {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM vehicles v WHERE 1 = 1");
    q
}

fn scoped(q: &mut Sql, scope: Scope) {
    match scope {
        Scope::Group => {}
        Scope::Dealer(d) => {
            q.push(" AND (v.dealer_id = ")
                .bind(d)
                .push(" OR v.customer_id IN (SELECT id FROM customers WHERE dealer_id = ")
                .bind(d)
                .push(" AND deleted_at IS NULL))");
        }
        // Department scopes apply to work orders only.
        Scope::Department(_) | Scope::Nothing => {
            q.push(" AND 1 = 0");
        }
    }
}

fn from_row(r: &AnyRow) -> Result<Vehicle> {
    Ok(Vehicle {
        id: columns::i64_(r, "id")?,
        fields: VehicleFields {
            customer_id: columns::i64_(r, "customer_id")?,
            vin: columns::parsed(r, "vin", Vin::parse)?,
            plate: columns::opt_text(r, "plate")?
                .map(|p| Plate::parse(&p))
                .transpose()
                .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?,
            brand: columns::opt_text(r, "brand")?,
            model: columns::opt_text(r, "model")?,
            trim: columns::opt_text(r, "trim")?,
            color: columns::opt_text(r, "color")?,
            purchased_on: columns::opt_date(r, "purchased_on")?,
            delivered_on: columns::opt_date(r, "delivered_on")?,
            registered_on: columns::opt_date(r, "registered_on")?,
            manufactured_on: columns::opt_date(r, "manufactured_on")?,
            mileage_km: columns::opt_i64(r, "mileage_km")?,
            mileage_read_on: columns::opt_date(r, "mileage_read_on")?,
            compulsory_insurance_expires_on: columns::opt_date(
                r,
                "compulsory_insurance_expires_on",
            )?,
            commercial_insurance_expires_on: columns::opt_date(
                r,
                "commercial_insurance_expires_on",
            )?,
            dealer_id: columns::opt_i64(r, "dealer_id")?,
            active: columns::flag(r, "active")?,
        },
        created_at: columns::instant(r, "created_at")?,
        updated_at: columns::instant(r, "updated_at")?,
    })
}
