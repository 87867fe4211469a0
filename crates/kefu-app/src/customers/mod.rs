//! The customer record: create, change, soft-delete, look up.

mod input;

pub use input::CustomerInput;

use kefu_core::FieldError;
use kefu_core::customers::{Customer, Phone, Tier};
use kefu_core::org::{Permission, Scope};
use kefu_core::text;
use kefu_store::customers::{self, CustomerFilter};
use kefu_store::org::{dealers, users};
use kefu_store::{Conn, Page, PageRequest};

use crate::work::Work;
use crate::{Actor, App, AppError, Result, patched};

/// How a customer record is shown to `who`. Every read of a customer leaves
/// through here, so that rules on what a role may see of a customer (phone
/// masking, an audited reveal) apply in one place.
pub fn present(_who: &Actor, c: Customer) -> Customer {
    c
}

/// Where a dealer-bound caller may put a customer: their own dealer only.
pub(crate) fn check_dealer(who: &Actor, dealer_id: Option<i64>) -> Result<()> {
    match who.scope() {
        Scope::Group => Ok(()),
        Scope::Dealer(own) if dealer_id == Some(own) => Ok(()),
        _ => Err(AppError::forbidden(
            "you may only keep customers of your own dealer",
        )),
    }
}

pub(crate) async fn check_links(
    tx: &mut Conn,
    dealer_id: Option<i64>,
    owner_id: Option<i64>,
) -> Result<()> {
    if let Some(d) = dealer_id
        && dealers::get(tx, d).await?.is_none()
    {
        return Err(AppError::invalid(
            "dealer_id",
            "unknown_dealer",
            format!("there is no dealer {d}"),
        ));
    }
    if let Some(o) = owner_id
        && users::get(tx, Scope::Group, o).await?.is_none()
    {
        return Err(AppError::invalid(
            "owner_id",
            "unknown_user",
            format!("there is no user {o}"),
        ));
    }
    Ok(())
}

pub async fn create(app: &App, who: &Actor, mut input: CustomerInput) -> Result<Customer> {
    who.require(Permission::WriteCustomers)?;
    if input.dealer_id.is_none() && who.role.is_dealer_bound() {
        input.dealer_id = who.dealer_id;
    }
    let fields = input.validate(app.today().await?)?;
    check_dealer(who, fields.dealer_id)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    check_links(&mut tx, fields.dealer_id, fields.owner_id).await?;
    let customer = customers::insert(&mut tx, &fields, now).await?;
    tx.created(who, now, "customer", customer.id, &customer)
        .await?;
    tx.commit(app).await?;
    Ok(present(who, customer))
}

pub async fn update(app: &App, who: &Actor, id: i64, patch: serde_json::Value) -> Result<Customer> {
    who.require(Permission::WriteCustomers)?;
    let now = app.now();
    let today = app.today().await?;
    let mut tx = Work::begin(app).await?;
    let before = customers::get(&mut tx, who.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = patched(&CustomerInput::from_record(&before.fields), patch)?.validate(today)?;
    check_dealer(who, fields.dealer_id)?;
    check_links(&mut tx, fields.dealer_id, fields.owner_id).await?;
    customers::update(&mut tx, id, &fields, now).await?;
    let after = Customer {
        fields,
        updated_at: now,
        ..before.clone()
    };
    tx.updated(who, now, "customer", id, &before, &after)
        .await?;
    tx.commit(app).await?;
    Ok(present(who, after))
}

/// Soft delete: the customer disappears from every list and lookup, and the
/// record, its reason and its history stay.
pub async fn delete(app: &App, who: &Actor, id: i64, reason: &str) -> Result<()> {
    who.require(Permission::DeleteCustomers)?;
    let reason = text::text("reason", reason, 500)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = customers::get(&mut tx, who.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    customers::soft_delete(&mut tx, id, &reason, now).await?;
    let after = Customer {
        deleted_at: Some(now),
        deleted_reason: Some(reason),
        updated_at: now,
        ..before.clone()
    };
    tx.audited(
        who,
        now,
        "customer",
        id,
        "delete",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit(app).await
}

pub async fn get(app: &App, who: &Actor, id: i64) -> Result<Customer> {
    who.require(Permission::ReadCustomers)?;
    let mut conn = app.store.read().await?;
    let c = customers::get(&mut conn, who.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(present(who, c))
}

/// The query a caller may send to find customers.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// A phone in any common writing (`+86 138-1234-5678`): exact match.
    pub phone: Option<String>,
    /// The start of a name or of a phone number.
    pub q: Option<String>,
    pub dealer_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub tier: Option<String>,
}

pub async fn list(
    app: &App,
    who: &Actor,
    lookup: &Lookup,
    page: PageRequest,
) -> Result<Page<Customer>> {
    who.require(Permission::ReadCustomers)?;
    let mut filter = CustomerFilter {
        dealer_id: lookup.dealer_id,
        owner_id: lookup.owner_id,
        tier: lookup.tier.as_deref().map(Tier::parse).transpose()?,
        ..CustomerFilter::default()
    };
    if let Some(p) = &lookup.phone {
        filter.phone = Some(Phone::parse(p)?);
    }
    if let Some(q) = lookup.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if q.chars().count() > 100 {
            return Err(
                FieldError::new("q", "too_long", "a search has at most 100 characters").into(),
            );
        }
        match Phone::parse_prefix(q) {
            Some(digits) => filter.phone_prefix = Some(digits),
            None => filter.name_prefix = Some(q.to_owned()),
        }
    }
    let mut conn = app.store.read().await?;
    let page = customers::list(&mut conn, who.scope(), &filter, page).await?;
    Ok(page.map(|c| present(who, c)))
}
