//! Vehicle rows: validated like the API's, linked to their owner by
//! customer id or by the owner's phone, and refused when the VIN is recorded
//! or an active vehicle holds the plate, in the database or earlier in the
//! file.

use std::collections::{HashMap, HashSet};

use csv::StringRecord;
use kefu_core::FieldError;
use kefu_core::customers::Phone;
use kefu_core::org::Scope;
use kefu_core::vehicles::VehicleFields;
use kefu_store::customers::{self, CustomerFilter};
use kefu_store::{Conn, PageRequest, vehicles};

use super::Plan;
use super::columns::{Field, Layout};
use super::lookups::Dealers;
use super::read_file::Table;
use super::values;
use crate::Result;
use crate::vehicles::VehicleInput;

/// How many VINs or plates one existence query asks about.
const CHUNK: usize = 240;

/// Sort the rows into those to write and those refused, with the reason.
/// The database is asked about VINs and plates in bulk once the file has
/// been read; a row refused then does not un-refuse a later row that
/// repeated its VIN or plate (import that one again).
pub(super) async fn plan(
    conn: &mut Conn,
    table: &Table,
    layout: &Layout,
    scope: Scope,
) -> Result<Plan<VehicleFields>> {
    let mut plan = Plan::new(table.rows.len());
    let mut dealers = Dealers::default();
    let mut owners = Owners::new(scope);
    owners.prefetch(conn, layout, table).await?;
    let mut vins: HashMap<String, usize> = HashMap::with_capacity(table.rows.len());
    let mut plates: HashMap<String, usize> = HashMap::new();
    let mut pending: Vec<(usize, VehicleFields)> = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        if let Some((field, error)) = layout.excel_error(&row.cells) {
            plan.reject(
                row.line,
                Some(field.name()),
                format!("the cell holds the Excel error {error}"),
            );
            continue;
        }
        let mut fields = match input(layout, &row.cells).and_then(VehicleInput::validate) {
            Ok(f) => f,
            Err(e) => {
                plan.reject_error(row.line, e);
                continue;
            }
        };
        let owner = match owners.of_row(conn, layout, &row.cells).await? {
            Ok(o) => o,
            Err(e) => {
                plan.reject_error(row.line, e);
                continue;
            }
        };
        let dealer = match dealers.of_row(conn, layout, &row.cells).await? {
            Ok(d) => d,
            Err(e) => {
                plan.reject_error(row.line, e);
                continue;
            }
        };
        // As in `vehicles::create`: the servicing dealer defaults to the owner's.
        fields.customer_id = owner.id;
        fields.dealer_id = dealer.or(owner.dealer_id);
        if let Some(first) = vins.get(fields.vin.as_str()) {
            plan.reject(
                row.line,
                Some("vin"),
                format!("duplicate of line {first} (same VIN)"),
            );
            continue;
        }
        let plate = fields
            .plate
            .as_ref()
            .filter(|_| fields.active)
            .map(|p| p.as_str());
        if let Some(first) = plate.and_then(|p| plates.get(p)) {
            plan.reject(
                row.line,
                Some("plate"),
                format!("duplicate of line {first} (same plate)"),
            );
            continue;
        }
        if let Some(p) = plate {
            plates.insert(p.to_owned(), row.line);
        }
        vins.insert(fields.vin.as_str().to_owned(), row.line);
        pending.push((row.line, fields));
    }
    drop((vins, plates));

    let vins: Vec<&str> = pending.iter().map(|(_, f)| f.vin.as_str()).collect();
    let taken_vins = existing(conn, &vins, vehicles::existing_vins).await?;
    let plates: Vec<&str> = pending
        .iter()
        .filter(|(_, f)| f.active)
        .filter_map(|(_, f)| f.plate.as_ref().map(|p| p.as_str()))
        .collect();
    let taken_plates = existing(conn, &plates, vehicles::existing_plates).await?;
    for (line, fields) in pending {
        if taken_vins.contains(fields.vin.as_str()) {
            plan.reject(
                line,
                Some("vin"),
                format!(
                    "a vehicle with the VIN {} is already recorded",
                    fields.vin.as_str()
                ),
            );
        } else if let Some(p) = fields
            .plate
            .as_ref()
            .filter(|p| fields.active && taken_plates.contains(p.as_str()))
        {
            plan.reject(
                line,
                Some("plate"),
                format!("an active vehicle already has the plate {}", p.as_str()),
            );
        } else {
            plan.accepted.push(fields);
        }
    }
    Ok(plan)
}

/// Which of `values` the database already holds, asked `CHUNK` at a time.
async fn existing<F>(conn: &mut Conn, values: &[&str], query: F) -> Result<HashSet<String>>
where
    F: AsyncFn(&mut Conn, &[&str]) -> kefu_store::Result<Vec<String>>,
{
    let mut found = HashSet::new();
    for chunk in values.chunks(CHUNK) {
        found.extend(query(conn, chunk).await?);
    }
    Ok(found)
}

/// The row as the API would receive it, without its owner and dealer,
/// which need the database.
fn input(layout: &Layout, cells: &StringRecord) -> Result<VehicleInput, FieldError> {
    let get = |f| layout.get(cells, f);
    let text = |f| get(f).map(str::to_owned);
    let date = |f| get(f).map(values::date);
    Ok(VehicleInput {
        customer_id: 0,
        vin: text(Field::Vin).unwrap_or_default(),
        plate: text(Field::Plate),
        brand: text(Field::Brand),
        model: text(Field::Model),
        trim: text(Field::Trim),
        color: text(Field::Color),
        purchased_on: date(Field::PurchasedOn),
        delivered_on: date(Field::DeliveredOn),
        registered_on: date(Field::RegisteredOn),
        manufactured_on: date(Field::ManufacturedOn),
        mileage_km: get(Field::MileageKm)
            .map(|m| values::integer("mileage_km", m))
            .transpose()?,
        mileage_read_on: date(Field::MileageReadOn),
        compulsory_insurance_expires_on: date(Field::CompulsoryInsurance),
        commercial_insurance_expires_on: date(Field::CommercialInsurance),
        dealer_id: None,
        active: None,
    })
}

#[derive(Clone, Copy)]
struct Owner {
    id: i64,
    dealer_id: Option<i64>,
}

/// Customers the file names, by id and by phone, each looked up once.
struct Owners {
    scope: Scope,
    by_id: HashMap<i64, Option<Owner>>,
    by_phone: HashMap<String, Vec<(Owner, String)>>,
}

impl Owners {
    fn new(scope: Scope) -> Self {
        Owners {
            scope,
            by_id: HashMap::new(),
            by_phone: HashMap::new(),
        }
    }

    /// The row's owner: by `customer_id` (which must have the row's phone,
    /// if one is given too), or the one customer with the phone, or among
    /// several with it the one with the row's `customer_name`.
    async fn of_row(
        &mut self,
        conn: &mut Conn,
        layout: &Layout,
        cells: &StringRecord,
    ) -> Result<Result<Owner, FieldError>> {
        let id = match layout
            .get(cells, Field::CustomerId)
            .map(|raw| values::integer("customer_id", raw))
        {
            Some(Ok(id)) => Some(id),
            Some(Err(e)) => return Ok(Err(e)),
            None => None,
        };
        let phone = match layout.get(cells, Field::CustomerPhone).map(Phone::parse) {
            Some(Ok(p)) => Some(p),
            Some(Err(e)) => return Ok(Err(e.at("customer_phone"))),
            None => None,
        };
        let unknown = |field: &str, what: String| {
            FieldError::new(
                field,
                "unknown_customer",
                format!("there is no customer {what}"),
            )
        };
        if let Some(id) = id {
            let Some(owner) = self.id(conn, id).await? else {
                return Ok(Err(unknown("customer_id", id.to_string())));
            };
            if let Some(p) = phone
                && !self.phone(conn, &p).await?.iter().any(|(o, _)| o.id == id)
            {
                return Ok(Err(FieldError::new(
                    "customer_phone",
                    "customer_mismatch",
                    format!("customer {id} does not have the phone {}", p.as_str()),
                )));
            }
            return Ok(Ok(owner));
        }
        let Some(phone) = phone else {
            return Ok(Err(FieldError::new(
                "customer_phone",
                "required",
                "the row names no owner: fill in customer_phone or customer_id",
            )));
        };
        let name = layout.get(cells, Field::CustomerName);
        let candidates = self.phone(conn, &phone).await?;
        Ok(match candidates {
            [] => Err(unknown(
                "customer_phone",
                format!("with the phone {}", phone.as_str()),
            )),
            [(owner, _)] => Ok(*owner),
            several => {
                let named: Vec<Owner> = several
                    .iter()
                    .filter(|(_, n)| Some(n.as_str()) == name)
                    .map(|(o, _)| *o)
                    .collect();
                match (named.as_slice(), name) {
                    ([owner], _) => Ok(*owner),
                    (_, None) => Err(FieldError::new(
                        "customer_phone",
                        "ambiguous_customer",
                        format!(
                            "{} customers have the phone {}: add a customer_name (客户姓名) or customer_id column",
                            several.len(),
                            phone.as_str()
                        ),
                    )),
                    ([], Some(n)) => Err(unknown(
                        "customer_name",
                        format!("named {n} with the phone {}", phone.as_str()),
                    )),
                    (_, Some(n)) => Err(FieldError::new(
                        "customer_name",
                        "ambiguous_customer",
                        format!(
                            "several customers named {n} have the phone {}: use customer_id",
                            phone.as_str()
                        ),
                    )),
                }
            }
        })
    }

    /// Look up every owner phone of the file at once, so rows hit the cache.
    async fn prefetch(&mut self, conn: &mut Conn, layout: &Layout, table: &Table) -> Result<()> {
        let phones: HashSet<String> = table
            .rows
            .iter()
            .filter_map(|r| layout.get(&r.cells, Field::CustomerPhone))
            .filter_map(|raw| Phone::parse(raw).ok())
            .map(|p| p.as_str().to_owned())
            .collect();
        if phones.is_empty() {
            return Ok(());
        }
        let asked: Vec<&str> = phones.iter().map(String::as_str).collect();
        for phone in &phones {
            self.by_phone.insert(phone.clone(), Vec::new());
        }
        for (phone, id, dealer_id, name) in customers::by_phones(conn, self.scope, &asked).await? {
            self.by_phone
                .entry(phone)
                .or_default()
                .push((Owner { id, dealer_id }, name));
        }
        Ok(())
    }

    async fn id(&mut self, conn: &mut Conn, id: i64) -> Result<Option<Owner>> {
        if let Some(owner) = self.by_id.get(&id) {
            return Ok(*owner);
        }
        let owner = customers::get(conn, self.scope, id).await?.map(|c| Owner {
            id: c.id,
            dealer_id: c.fields.dealer_id,
        });
        self.by_id.insert(id, owner);
        Ok(owner)
    }

    async fn phone(&mut self, conn: &mut Conn, phone: &Phone) -> Result<&[(Owner, String)]> {
        if !self.by_phone.contains_key(phone.as_str()) {
            let filter = CustomerFilter {
                phone: Some(phone.clone()),
                ..CustomerFilter::default()
            };
            let page = customers::list(
                conn,
                self.scope,
                &filter,
                PageRequest::first(PageRequest::MAX_LIMIT),
            )
            .await?;
            let found = page
                .items
                .into_iter()
                .map(|c| {
                    (
                        Owner {
                            id: c.id,
                            dealer_id: c.fields.dealer_id,
                        },
                        c.fields.name,
                    )
                })
                .collect();
            self.by_phone.insert(phone.as_str().to_owned(), found);
        }
        Ok(self.by_phone.get(phone.as_str()).map_or(&[], Vec::as_slice))
    }
}
