//! A small, believable dealer group for trying kefu: four stores in four
//! provinces, the back-office departments, a user for every role and a few
//! hundred customers with their cars. Deterministic, so every demo looks the
//! same.

mod names;

use chrono::{Days, NaiveDate};
use kefu_core::customers::{CustomerFields, CustomerKind, Gender, Needs, Phone, Tier};
use kefu_core::org::{DealerFields, DepartmentFields, Role, Scope, UserFields};
use kefu_core::vehicles::{Plate, VehicleFields, Vin};
use kefu_store::org::{dealers, departments, users};
use kefu_store::{Change, NewAudit, append_change, audit_record, customers, vehicles};

use crate::auth::hash_password;
use crate::journal::commit;
use crate::{App, AppError, Result};

/// Every demo login uses this password.
pub const PASSWORD: &str = "kefu-demo";

const CUSTOMERS: usize = 300;

/// Fill an empty database; `None` when it already holds a group's data. Returns the
/// demo logins with their roles.
pub async fn fill(app: &App) -> Result<Option<Vec<(String, &'static str)>>> {
    if !is_empty(app).await? {
        return Ok(None);
    }
    let now = app.now();
    let hash = hash_password(PASSWORD)?;
    let mut tx = app.store.begin().await?;

    let mut dealer_ids = Vec::new();
    for (code, name, region, _, _) in names::DEALERS {
        let f = DealerFields {
            code: (*code).into(),
            name: (*name).into(),
            region: Some((*region).into()),
            timezone: "Asia/Shanghai".into(),
            calendar_id: None,
            active: true,
        };
        let d = dealers::insert(&mut tx, &f, now).await?;
        append_change(&mut tx, "dealer", d.id, Change::Created, now).await?;
        dealer_ids.push(d.id);
    }
    let mut dept_ids = Vec::new();
    for (code, name) in names::DEPARTMENTS {
        let f = DepartmentFields {
            code: (*code).into(),
            name: (*name).into(),
            head_id: None,
            vp_id: None,
            liaison_ids: Vec::new(),
            calendar_id: None,
            active: true,
        };
        let d = departments::insert(&mut tx, &f, now).await?;
        append_change(&mut tx, "department", d.id, Change::Created, now).await?;
        dept_ids.push(d.id);
    }

    let mut logins = Vec::new();
    let mut add_user = async |tx: &mut kefu_store::Tx,
                              username: &str,
                              name: &str,
                              role: Role,
                              dealer: Option<i64>,
                              dept: Option<i64>|
           -> Result<i64> {
        let f = UserFields {
            username: username.into(),
            display_name: name.into(),
            role,
            dealer_id: dealer,
            department_id: dept,
            email: None,
            active: true,
        };
        let u = users::insert(tx, &f, &hash, now).await?;
        append_change(tx, "user", u.id, Change::Created, now).await?;
        logins.push((username.to_owned(), role.as_str()));
        Ok(u.id)
    };
    let first_dealer = dealer_ids.first().copied();
    let second_dealer = dealer_ids.get(1).copied();
    let quality = dept_ids.get(1).copied();
    add_user(&mut tx, "manager", "王经理", Role::Manager, None, None).await?;
    add_user(&mut tx, "agent", "李坐席", Role::Agent, None, None).await?;
    add_user(&mut tx, "agent2", "赵坐席", Role::Agent, None, None).await?;
    add_user(
        &mut tx,
        "sh_staff",
        "陈服务顾问",
        Role::DealerStaff,
        first_dealer,
        None,
    )
    .await?;
    add_user(
        &mut tx,
        "bj_staff",
        "刘服务顾问",
        Role::DealerStaff,
        second_dealer,
        None,
    )
    .await?;
    add_user(
        &mut tx,
        "sh_sales",
        "周销售",
        Role::Sales,
        first_dealer,
        None,
    )
    .await?;
    let liaison = add_user(&mut tx, "liaison", "孙联络员", Role::Liaison, None, quality).await?;
    let head = add_user(&mut tx, "head", "吴部长", Role::DeptHead, None, quality).await?;
    let vp = add_user(&mut tx, "vp", "郑副总", Role::Vp, None, None).await?;
    if let Some(q) = quality {
        let f = DepartmentFields {
            code: names::DEPARTMENTS[1].0.into(),
            name: names::DEPARTMENTS[1].1.into(),
            head_id: Some(head),
            vp_id: Some(vp),
            liaison_ids: vec![liaison],
            calendar_id: None,
            active: true,
        };
        departments::update(&mut tx, q, &f, now).await?;
    }

    let mut rng = names::Rng(0x6b65_6675);
    let today = now.date_naive();
    for i in 0..CUSTOMERS {
        let dealer_index = i % dealer_ids.len().max(1);
        let dealer_id = dealer_ids.get(dealer_index).copied();
        let phone = Phone::parse(&format!(
            "1{}{:09}",
            [3, 5, 7, 8, 9][i % 5],
            200_000_000 + i * 7_919
        ))?;
        let company = i % 25 == 0;
        let name = if company {
            format!("{}{}", names::pick(&mut rng, names::COMPANIES), "有限公司")
        } else {
            format!(
                "{}{}",
                names::pick(&mut rng, names::SURNAMES),
                names::pick(&mut rng, names::GIVEN)
            )
        };
        let birthday =
            (!company).then(|| date_back(today, 365 * (22 + rng.below(45)) + rng.below(365)));
        let fields = CustomerFields {
            kind: if company {
                CustomerKind::Company
            } else {
                CustomerKind::Person
            },
            name,
            phone,
            other_phones: Vec::new(),
            wechat: (i % 3 == 0).then(|| format!("wx_{:06}", 100_000 + i * 13)),
            gender: (!company).then(|| {
                if rng.below(2) == 0 {
                    Gender::Male
                } else {
                    Gender::Female
                }
            }),
            birthday,
            address: Some(format!(
                "{}{}路{}号",
                names::DEALERS[dealer_index].3,
                names::pick(&mut rng, names::STREETS),
                1 + rng.below(300)
            )),
            dealer_id,
            owner_id: None,
            source: Some(names::pick(&mut rng, names::SOURCES).to_owned()),
            tier: Some(Tier::ALL[(rng.below(100) as usize * Tier::ALL.len()) / 100]),
            tags: Vec::new(),
            needs: Needs {
                general: vec![names::pick(&mut rng, names::NEEDS).to_owned()],
                ..Needs::default()
            },
        };
        let c = customers::insert(&mut tx, &fields, now).await?;
        append_change(&mut tx, "customer", c.id, Change::Created, now).await?;

        let (wmi, brand, models) = names::MAKES[rng.below(names::MAKES.len() as u64) as usize];
        let body = format!(
            "{wmi}{}0{}{:06}",
            names::vds(&mut rng),
            names::plant(&mut rng),
            100_000 + i * 31
        );
        let vin = Vin::with_check_digit(&body[..17])
            .ok_or_else(|| AppError::invalid("vin", "invalid_vin", "demo VIN"))?;
        let purchased = date_back(today, 30 + rng.below(365 * 7));
        let plate_prefix = names::DEALERS[dealer_index].4;
        let plate = Plate::parse(&format!("{plate_prefix}{:05}", 10_000 + i * 37))?;
        let v = VehicleFields {
            customer_id: c.id,
            vin,
            plate: Some(plate),
            brand: Some(brand.into()),
            model: Some(names::pick(&mut rng, models).into()),
            trim: Some(names::pick(&mut rng, names::TRIMS).into()),
            color: Some(names::pick(&mut rng, names::COLORS).into()),
            purchased_on: Some(purchased),
            delivered_on: purchased.checked_add_days(Days::new(3)),
            registered_on: purchased.checked_add_days(Days::new(10)),
            manufactured_on: date_back(purchased, 40 + rng.below(120)).into(),
            mileage_km: Some(
                ((today - purchased).num_days().max(0) * (20 + rng.below(40) as i64)).min(400_000),
            ),
            mileage_read_on: Some(today),
            compulsory_insurance_expires_on: purchased.checked_add_days(Days::new(
                365 * (1 + (today - purchased).num_days().max(0) as u64 / 365),
            )),
            commercial_insurance_expires_on: purchased.checked_add_days(Days::new(
                365 * (1 + (today - purchased).num_days().max(0) as u64 / 365),
            )),
            dealer_id,
            active: true,
        };
        let v = vehicles::insert(&mut tx, &v, now).await?;
        append_change(&mut tx, "vehicle", v.id, Change::Created, now).await?;
    }
    audit_record(
        &mut tx,
        NewAudit {
            at: now,
            actor_id: None,
            action: "demo.fill",
            entity: "customer",
            entity_id: None,
            before: None,
            after: Some(serde_json::json!({ "customers": CUSTOMERS, "dealers": dealer_ids.len() })),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(Some(logins))
}

/// No customers, no dealers, and no user but the first admin.
async fn is_empty(app: &App) -> Result<bool> {
    let mut conn = app.store.read().await?;
    let one = kefu_store::PageRequest::first(2);
    let customers = customers::list(&mut conn, Scope::Group, &Default::default(), one).await?;
    let dealers = dealers::list(&mut conn, None, one).await?;
    let users = users::list(&mut conn, Scope::Group, &Default::default(), one).await?;
    Ok(customers.items.is_empty() && dealers.items.is_empty() && users.items.len() <= 1)
}

fn date_back(from: NaiveDate, days: u64) -> NaiveDate {
    from.checked_sub_days(Days::new(days)).unwrap_or(from)
}
