//! Customer rows: each becomes a `CustomerInput`, is validated by the same
//! rules as the API, and is refused when the same person (name and phone) is
//! already recorded or appears earlier in the file.

use std::collections::{HashMap, HashSet};

use csv::StringRecord;
use kefu_core::customers::CustomerFields;
use kefu_core::org::Scope;
use kefu_store::customers::{self, CustomerFilter};
use kefu_store::{Conn, PageRequest};

use super::Plan;
use super::columns::{Field, Layout};
use super::lookups::Dealers;
use super::read_file::Table;
use super::values;
use crate::Result;
use crate::customers::CustomerInput;

/// Sort the rows into those to write and those refused, with the reason.
pub(super) async fn plan(
    conn: &mut Conn,
    table: &Table,
    layout: &Layout,
    today: chrono::NaiveDate,
) -> Result<Plan<CustomerFields>> {
    let mut plan = Plan::new(table.rows.len());
    let mut dealers = Dealers::default();
    let mut seen: HashMap<(String, String), usize> = HashMap::with_capacity(table.rows.len());
    let mut pending: Vec<(usize, CustomerFields)> = Vec::with_capacity(table.rows.len());
    // Nobody can be recorded twice in an empty table: a first import, the
    // large one, is spared a query per row.
    let any_customer = !customers::list(
        conn,
        Scope::Group,
        &CustomerFilter::default(),
        PageRequest::first(1),
    )
    .await?
    .items
    .is_empty();
    for row in &table.rows {
        if let Some((field, error)) = layout.excel_error(&row.cells) {
            plan.reject(
                row.line,
                Some(field.name()),
                format!("the cell holds the Excel error {error}"),
            );
            continue;
        }
        let mut fields = match input(layout, &row.cells).validate(today) {
            Ok(f) => f,
            Err(e) => {
                plan.reject_error(row.line, e);
                continue;
            }
        };
        fields.dealer_id = match dealers.of_row(conn, layout, &row.cells).await? {
            Ok(d) => d,
            Err(e) => {
                plan.reject_error(row.line, e);
                continue;
            }
        };
        let key = (fields.name.clone(), fields.phone.as_str().to_owned());
        if let Some(first) = seen.get(&key) {
            plan.reject(
                row.line,
                None,
                format!("duplicate of line {first} (same name and phone)"),
            );
            continue;
        }
        seen.insert(key, row.line);
        pending.push((row.line, fields));
    }
    // Who is recorded already, asked for all the file's phones in bulk.
    let known: HashSet<(String, String)> = if any_customer {
        let phones: Vec<&str> = pending.iter().map(|(_, f)| f.phone.as_str()).collect();
        customers::by_phones(conn, Scope::Group, &phones)
            .await?
            .into_iter()
            .map(|(phone, _, _, name)| (name, phone))
            .collect()
    } else {
        HashSet::new()
    };
    for (line, fields) in pending {
        if known.contains(&(fields.name.clone(), fields.phone.as_str().to_owned())) {
            plan.reject(
                line,
                None,
                "a customer with this name and phone already exists".to_owned(),
            );
        } else {
            plan.accepted.push(fields);
        }
    }
    plan.rejected.sort_by_key(|r| r.line);
    Ok(plan)
}

/// The row as the API would receive it; the dealer is resolved separately
/// because a code needs the database.
fn input(layout: &Layout, cells: &StringRecord) -> CustomerInput {
    let get = |f| layout.get(cells, f);
    let text = |f| get(f).map(str::to_owned);
    CustomerInput {
        kind: get(Field::Kind).map(values::kind),
        name: text(Field::Name).unwrap_or_default(),
        phone: text(Field::Phone).unwrap_or_default(),
        other_phones: values::list(get(Field::OtherPhones)),
        wechat: text(Field::Wechat),
        gender: get(Field::Gender).map(values::gender),
        birthday: get(Field::Birthday).map(values::date),
        address: text(Field::Address),
        dealer_id: None,
        owner_id: None,
        source: text(Field::Source),
        tier: get(Field::Tier).map(values::tier),
        tags: values::list(get(Field::Tags)),
        needs: None,
        notes: text(Field::Notes),
    }
}
