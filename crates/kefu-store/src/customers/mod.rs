//! Customers and their phones. A soft-deleted customer is absent from every
//! read here; the row and its history stay in the database.

use chrono::{DateTime, Utc};
use kefu_core::customers::{Customer, CustomerFields, CustomerKind, Gender, Needs, Phone, Tier};
use kefu_core::org::Scope;
use sqlx::any::AnyRow;

use crate::bulk::{self, Table, reserve_ids};
use crate::sql::{Sql, expect_one};
use crate::{Conn, Page, PageRequest, Result, columns};

const COLUMNS: &str = "c.id, c.kind, c.name, c.phone, c.other_phones, c.wechat, c.gender, c.birthday, c.address, \
    c.dealer_id, c.owner_id, c.source, c.tier, c.tags, c.needs, c.notes, \
    c.created_at, c.updated_at, c.deleted_at, c.deleted_reason";

pub async fn insert(tx: &mut Conn, f: &CustomerFields, now: DateTime<Utc>) -> Result<Customer> {
    let r = sqlx::query(
        "INSERT INTO customers (kind, name, phone, wechat, gender, birthday, address, dealer_id, \
         owner_id, source, tier, tags, needs, created_at, updated_at, other_phones, notes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16) \
         RETURNING id",
    )
    .bind(f.kind.as_str())
    .bind(f.name.clone())
    .bind(f.phone.as_str().to_owned())
    .bind(f.wechat.clone())
    .bind(f.gender.map(|g| g.as_str()))
    .bind(columns::date_text(f.birthday))
    .bind(f.address.clone())
    .bind(f.dealer_id)
    .bind(f.owner_id)
    .bind(f.source.clone())
    .bind(f.tier.map(|t| t.as_str()))
    .bind(columns::to_json(&f.tags))
    .bind(columns::to_json(&f.needs))
    .bind(now.timestamp_millis())
    .bind(phones_json(f))
    .bind(f.notes.clone())
    .fetch_one(&mut *tx)
    .await?;
    let id = columns::i64_(&r, "id")?;
    insert_phones(tx, id, f).await?;
    Ok(Customer {
        id,
        fields: f.clone(),
        created_at: now,
        updated_at: now,
        deleted_at: None,
        deleted_reason: None,
    })
}

/// Insert many customers in a few statements; returns their ids in order.
pub async fn insert_many(
    tx: &mut impl crate::bulk::Rows,
    rows: &[CustomerFields],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let ids = reserve_ids(tx, Table::Customers, rows.len()).await?;
    let at = now.timestamp_millis();
    let rows: Vec<(i64, &CustomerFields)> = ids.iter().copied().zip(rows).collect();
    bulk::insert(
        tx,
        "customers (id, kind, name, phone, other_phones, wechat, gender, birthday, address, \
             dealer_id, owner_id, source, tier, tags, needs, notes, created_at, updated_at)",
        18,
        &rows,
        |v, (id, f)| {
            v.put(*id).put(f.kind.as_str()).put(&f.name);
            v.put(f.phone.as_str()).put(phones_json(f));
            v.put(&f.wechat).put(f.gender.map(|g| g.as_str()));
            v.put(columns::date_text(f.birthday)).put(&f.address);
            v.put(f.dealer_id).put(f.owner_id);
            v.put(&f.source).put(f.tier.map(|t| t.as_str()));
            v.put(columns::to_json(&f.tags))
                .put(columns::to_json(&f.needs));
            v.put(&f.notes).put(at).put(at);
        },
    )
    .await?;
    let phones: Vec<(i64, &str, i64)> = rows
        .iter()
        .flat_map(|(id, f)| {
            f.phones()
                .enumerate()
                .map(move |(i, p)| (*id, p.as_str(), i64::from(i == 0)))
        })
        .collect();
    bulk::insert(
        tx,
        "customer_phones (customer_id, phone, is_primary)",
        3,
        &phones,
        |v, (id, phone, primary)| {
            v.put(*id).put(*phone).put(*primary);
        },
    )
    .await?;
    Ok(ids)
}

pub async fn update(
    tx: &mut Conn,
    id: i64,
    f: &CustomerFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE customers SET kind = $1, name = $2, phone = $3, wechat = $4, gender = $5, \
         birthday = $6, address = $7, dealer_id = $8, owner_id = $9, source = $10, tier = $11, \
         tags = $12, needs = $13, updated_at = $14, other_phones = $16, notes = $17 \
         WHERE id = $15 AND deleted_at IS NULL",
    )
    .bind(f.kind.as_str())
    .bind(f.name.clone())
    .bind(f.phone.as_str().to_owned())
    .bind(f.wechat.clone())
    .bind(f.gender.map(|g| g.as_str()))
    .bind(columns::date_text(f.birthday))
    .bind(f.address.clone())
    .bind(f.dealer_id)
    .bind(f.owner_id)
    .bind(f.source.clone())
    .bind(f.tier.map(|t| t.as_str()))
    .bind(columns::to_json(&f.tags))
    .bind(columns::to_json(&f.needs))
    .bind(now.timestamp_millis())
    .bind(id)
    .bind(phones_json(f))
    .bind(f.notes.clone())
    .execute(&mut *tx)
    .await?;
    if !expect_one(done)? {
        return Ok(false);
    }
    sqlx::query("DELETE FROM customer_phones WHERE customer_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    insert_phones(tx, id, f).await?;
    Ok(true)
}

fn phones_json(f: &CustomerFields) -> String {
    columns::to_json(&f.other_phones.iter().map(Phone::as_str).collect::<Vec<_>>())
}

async fn insert_phones(tx: &mut Conn, id: i64, f: &CustomerFields) -> Result<()> {
    for (i, phone) in f.phones().enumerate() {
        sqlx::query(
            "INSERT INTO customer_phones (customer_id, phone, is_primary) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(phone.as_str().to_owned())
        .bind(i64::from(i == 0))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

pub async fn soft_delete(tx: &mut Conn, id: i64, reason: &str, now: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE customers SET deleted_at = $1, deleted_reason = $2, updated_at = $1 \
         WHERE id = $3 AND deleted_at IS NULL",
    )
    .bind(now.timestamp_millis())
    .bind(reason.to_owned())
    .bind(id)
    .execute(tx)
    .await?;
    expect_one(done)
}

pub async fn get(conn: &mut Conn, scope: Scope, id: i64) -> Result<Option<Customer>> {
    let mut q = select();
    q.push(" AND c.id = ").bind(id);
    scoped(&mut q, scope);
    q.query()
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// What a customer list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Exactly this normalised phone, primary or other.
    pub phone: Option<Phone>,
    /// Names starting with this text.
    pub name_prefix: Option<String>,
    /// Phones starting with these digits.
    pub phone_prefix: Option<String>,
    pub dealer_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub tier: Option<Tier>,
}

pub async fn list(
    conn: &mut Conn,
    scope: Scope,
    f: &CustomerFilter,
    page: PageRequest,
) -> Result<Page<Customer>> {
    let rows = list_query(scope, f, page).query().fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, page, |x| x.id))
}

pub(crate) fn list_query(scope: Scope, f: &CustomerFilter, page: PageRequest) -> Sql {
    let mut q = select();
    scoped(&mut q, scope);
    if let Some(p) = &f.phone {
        q.push(" AND c.id IN (SELECT customer_id FROM customer_phones WHERE phone = ")
            .bind(p.as_str().to_owned())
            .push(")");
    }
    match (&f.name_prefix, &f.phone_prefix) {
        (Some(name), Some(digits)) => {
            q.push(" AND (");
            name_range(&mut q, name);
            q.push(" OR ");
            phone_range(&mut q, digits);
            q.push(")");
        }
        (Some(name), None) => {
            q.push(" AND ");
            name_range(&mut q, name);
        }
        (None, Some(digits)) => {
            q.push(" AND ");
            phone_range(&mut q, digits);
        }
        (None, None) => {}
    }
    if let Some(d) = f.dealer_id {
        q.push(" AND c.dealer_id = ").bind(d);
    }
    if let Some(o) = f.owner_id {
        q.push(" AND c.owner_id = ").bind(o);
    }
    if let Some(t) = f.tier {
        q.push(" AND c.tier = ").bind(t.as_str());
    }
    if let Some(after) = page.after {
        q.push(" AND c.id > ").bind(after);
    }
    q.push(" ORDER BY c.id LIMIT ").bind(page.limit + 1);
    q
}

/// A customer found by one of their phones: (phone, id, dealer, name).
pub type PhoneOwner = (String, i64, Option<i64>, String);

/// The customers in `scope` having any of these phones (primary or other),
/// asked in chunks so a whole import costs a few hundred queries.
pub async fn by_phones(conn: &mut Conn, scope: Scope, phones: &[&str]) -> Result<Vec<PhoneOwner>> {
    let mut found = Vec::new();
    for chunk in phones.chunks(bulk::IN_LIST) {
        let mut q = Sql::new(
            "SELECT cp.phone, c.id, c.dealer_id, c.name FROM customer_phones cp \
             JOIN customers c ON c.id = cp.customer_id WHERE c.deleted_at IS NULL AND cp.phone IN (",
        );
        q.binds(chunk.iter().map(|p| (*p).to_owned())).push(")");
        scoped(&mut q, scope);
        q.push(" ORDER BY c.id");
        for r in q.query().fetch_all(&mut *conn).await? {
            found.push((
                columns::text(&r, "phone")?,
                columns::i64_(&r, "id")?,
                columns::opt_i64(&r, "dealer_id")?,
                columns::text(&r, "name")?,
            ));
        }
    }
    Ok(found)
}

// A prefix match written as a range, so the index on the column answers it on
// both engines (PostgreSQL's columns use the "C" collation for this).
fn name_range(q: &mut Sql, prefix: &str) {
    q.push("c.name >= ")
        .bind(prefix.to_owned())
        .push(" AND c.name < ")
        .bind(format!("{prefix}\u{10FFFF}"));
}

fn phone_range(q: &mut Sql, digits: &str) {
    q.push("c.id IN (SELECT customer_id FROM customer_phones WHERE phone >= ")
        .bind(digits.to_owned())
        .push(" AND phone < ")
        .bind(format!("{digits}~"))
        .push(")");
}

fn select() -> Sql {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS)
        .push(" FROM customers c WHERE c.deleted_at IS NULL");
    q
}

pub(crate) fn scoped(q: &mut Sql, scope: Scope) {
    match scope {
        Scope::Group => {}
        Scope::Dealer(d) => {
            q.push(" AND c.dealer_id = ").bind(d);
        }
        // Department scopes apply to work orders only.
        Scope::Department(_) | Scope::Nothing => {
            q.push(" AND 1 = 0");
        }
    }
}

fn from_row(r: &AnyRow) -> Result<Customer> {
    Ok(Customer {
        id: columns::i64_(r, "id")?,
        fields: CustomerFields {
            kind: columns::parsed(r, "kind", CustomerKind::parse)?,
            name: columns::text(r, "name")?,
            phone: columns::parsed(r, "phone", Phone::parse)?,
            other_phones: columns::json::<Vec<String>>(r, "other_phones")?
                .iter()
                .map(|p| Phone::parse(p))
                .collect::<Result<_, _>>()
                .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?,
            wechat: columns::opt_text(r, "wechat")?,
            gender: columns::opt_text(r, "gender")?
                .map(|g| Gender::parse(&g))
                .transpose()
                .ok()
                .flatten(),
            birthday: columns::opt_date(r, "birthday")?,
            address: columns::opt_text(r, "address")?,
            dealer_id: columns::opt_i64(r, "dealer_id")?,
            owner_id: columns::opt_i64(r, "owner_id")?,
            source: columns::opt_text(r, "source")?,
            tier: columns::opt_text(r, "tier")?
                .map(|t| Tier::parse(&t))
                .transpose()
                .ok()
                .flatten(),
            tags: columns::json(r, "tags")?,
            needs: columns::json::<Needs>(r, "needs")?,
            notes: columns::opt_text(r, "notes")?,
        },
        created_at: columns::instant(r, "created_at")?,
        updated_at: columns::instant(r, "updated_at")?,
        deleted_at: columns::opt_instant(r, "deleted_at")?,
        deleted_reason: columns::opt_text(r, "deleted_reason")?,
    })
}
