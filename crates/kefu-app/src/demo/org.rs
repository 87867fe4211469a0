//! The demo group's organisation: stores across provinces, the back-office
//! departments with their heads, VPs, liaisons and engineers, and a login
//! for every role.

use chrono::{DateTime, Utc};
use kefu_core::org::{DealerFields, DepartmentFields, Role, UserFields};
use kefu_store::org::{dealers, departments, users};
use kefu_store::{Change, Conn, append_change};

use super::vocabulary;
use crate::Result;

/// A store, with what its customers and cars take from it.
pub(super) struct Store {
    pub id: i64,
    /// Its city, for addresses.
    pub city: String,
    pub plate_prefix: &'static str,
    /// Its service advisor, who answers what is dispatched to it.
    pub staff_id: i64,
}

pub(super) struct Department {
    pub id: i64,
    pub liaison_id: i64,
    pub head_id: i64,
    /// Who the liaison assigns the work to.
    pub engineer_ids: Vec<i64>,
}

pub(super) struct Org {
    pub stores: Vec<Store>,
    pub departments: Vec<Department>,
    /// The call-centre agents who take calls and make callbacks.
    pub agents: Vec<i64>,
    /// The logins worth printing, with their roles.
    pub logins: Vec<(String, &'static str)>,
    pub users: usize,
}

/// How many stores a group with `customers` customers has: a store serves
/// a few thousand.
pub(super) fn store_count(customers: usize) -> usize {
    (customers / 5_000).clamp(
        vocabulary::DEALERS.len(),
        vocabulary::DEALERS.len() + vocabulary::CITIES.len() * 5,
    )
}

struct Users<'a> {
    hash: &'a str,
    now: DateTime<Utc>,
    logins: Vec<(String, &'static str)>,
    count: usize,
}

impl Users<'_> {
    async fn add(
        &mut self,
        tx: &mut Conn,
        username: &str,
        name: &str,
        role: Role,
        place: (Option<i64>, Option<i64>),
        print: bool,
    ) -> Result<i64> {
        let f = UserFields {
            username: username.into(),
            display_name: name.into(),
            role,
            dealer_id: place.0,
            department_id: place.1,
            email: None,
            active: true,
        };
        let u = users::insert(tx, &f, self.hash, self.now).await?;
        append_change(tx, "user", u.id, Change::Created, self.now).await?;
        if print {
            self.logins.push((username.to_owned(), role.as_str()));
        }
        self.count += 1;
        Ok(u.id)
    }
}

pub(super) async fn create(
    tx: &mut Conn,
    stores: usize,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Org> {
    let mut u = Users {
        hash,
        now,
        logins: Vec::new(),
        count: 0,
    };
    u.add(tx, "manager", "王经理", Role::Manager, (None, None), true)
        .await?;
    let mut agents = Vec::new();
    for (login, name) in [
        ("agent", "李坐席"),
        ("agent2", "赵坐席"),
        ("agent3", "钱坐席"),
    ] {
        agents.push(
            u.add(tx, login, name, Role::Agent, (None, None), true)
                .await?,
        );
    }
    let vp = u
        .add(tx, "vp", "郑副总", Role::Vp, (None, None), true)
        .await?;

    let mut out = Vec::new();
    for i in 0..stores {
        let (code, name, region, city, prefix) = match vocabulary::DEALERS.get(i) {
            Some((code, name, region, city, prefix)) => (
                (*code).to_owned(),
                (*name).to_owned(),
                *region,
                (*city).to_owned(),
                *prefix,
            ),
            None => {
                let k = i - vocabulary::DEALERS.len();
                let (city, region, prefix) = vocabulary::CITIES[k % vocabulary::CITIES.len()];
                let suffix = vocabulary::STORE_SUFFIXES
                    [(k / vocabulary::CITIES.len()) % vocabulary::STORE_SUFFIXES.len()];
                (
                    format!("D{:03}", i + 1),
                    format!("{city}{suffix}"),
                    region,
                    format!("{city}区"),
                    prefix,
                )
            }
        };
        let f = DealerFields {
            code: code.clone(),
            name,
            region: Some(region.into()),
            timezone: "Asia/Shanghai".into(),
            calendar_id: None,
            active: true,
        };
        let d = dealers::insert(tx, &f, now).await?;
        append_change(tx, "dealer", d.id, Change::Created, now).await?;
        let (login, staff_name, print) = match i {
            0 => ("sh_staff".to_owned(), "陈服务顾问".to_owned(), true),
            1 => ("bj_staff".to_owned(), "刘服务顾问".to_owned(), true),
            _ => (
                format!("staff_{}", code.to_lowercase()),
                format!("{}服务顾问", &f.code),
                false,
            ),
        };
        let staff_id = u
            .add(
                tx,
                &login,
                &staff_name,
                Role::DealerStaff,
                (Some(d.id), None),
                print,
            )
            .await?;
        if i == 0 {
            u.add(
                tx,
                "sh_sales",
                "周销售",
                Role::Sales,
                (Some(d.id), None),
                true,
            )
            .await?;
        }
        out.push(Store {
            id: d.id,
            city,
            plate_prefix: prefix,
            staff_id,
        });
    }

    let mut depts = Vec::new();
    for (code, name) in vocabulary::DEPARTMENTS {
        let mut f = DepartmentFields {
            code: (*code).into(),
            name: (*name).into(),
            head_id: None,
            vp_id: None,
            liaison_ids: Vec::new(),
            calendar_id: None,
            active: true,
        };
        let d = departments::insert(tx, &f, now).await?;
        append_change(tx, "department", d.id, Change::Created, now).await?;
        // The quality department's people have the short logins.
        let quality = *code == "quality";
        let (liaison_login, head_login) = if quality {
            ("liaison".to_owned(), "head".to_owned())
        } else {
            (format!("liaison_{code}"), format!("head_{code}"))
        };
        let place = (None, Some(d.id));
        let liaison_id = u
            .add(
                tx,
                &liaison_login,
                &format!("{name}联络员"),
                Role::Liaison,
                place,
                quality,
            )
            .await?;
        let head_id = u
            .add(
                tx,
                &head_login,
                &format!("{name}部长"),
                Role::DeptHead,
                place,
                quality,
            )
            .await?;
        let mut engineer_ids = Vec::new();
        for (n, surname) in ["陈", "林"].into_iter().enumerate() {
            let login = match (quality, n) {
                (true, 0) => "engineer".to_owned(),
                (true, _) => format!("engineer{}", n + 1),
                _ => format!("engineer_{code}_{}", n + 1),
            };
            let name = format!("{name}{surname}工");
            let printed = quality && n == 0;
            engineer_ids.push(
                u.add(tx, &login, &name, Role::Engineer, place, printed)
                    .await?,
            );
        }
        f.head_id = Some(head_id);
        f.vp_id = Some(vp);
        f.liaison_ids = vec![liaison_id];
        departments::update(tx, d.id, &f, now).await?;
        depts.push(Department {
            id: d.id,
            liaison_id,
            head_id,
            engineer_ids,
        });
    }
    Ok(Org {
        stores: out,
        departments: depts,
        agents,
        users: u.count,
        logins: u.logins,
    })
}
