//! What the scenarios need to know about the data, learnt through the API so
//! that any generator will do: the highest ids (ids are dense in a freshly
//! filled database), and samples of real phones, VINs, plates and
//! customer–vehicle pairs.

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::load::{Http, Rng};

/// Every demo user's password (`kefu_app::demo::PASSWORD`).
pub const DEMO_PASSWORD: &str = "kefu-demo";

/// How many sampling requests run at once.
const SAMPLERS: u64 = 8;

/// A bearer token for `username`.
pub async fn login(base: &str, username: &str, password: &str) -> anyhow::Result<String> {
    let http = Http::new(base, None)?;
    let v = http
        .post_json(
            "/api/v1/auth/token",
            &json!({ "username": username, "password": password }),
        )
        .await
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("logging in as {username}"))?;
    v["token"]
        .as_str()
        .map(str::to_owned)
        .context("no token in the login answer")
}

/// The highest id of `collection` (`tickets`, `customers`, `vehicles`),
/// assuming ids `1..=n` all exist: doubling, then bisecting. 0 when empty.
pub async fn max_id(base: &str, token: &str, collection: &str) -> anyhow::Result<u64> {
    let http = Http::new(base, Some(token))?;
    let exists = async |id: u64| -> anyhow::Result<bool> {
        match http.status(&format!("/api/v1/{collection}/{id}")).await {
            Ok(200) => Ok(true),
            Ok(404) => Ok(false),
            Ok(s) => bail!("GET /api/v1/{collection}/{id} answered {s}"),
            Err(e) => bail!("GET /api/v1/{collection}/{id}: {e}"),
        }
    };
    if !exists(1).await? {
        return Ok(0);
    }
    let (mut lo, mut hi) = (1u64, 2u64);
    while exists(hi).await? {
        lo = hi;
        hi *= 2;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if exists(mid).await? {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(lo)
}

/// A vehicle as the scenarios use it.
#[derive(Debug, Clone)]
pub struct Vehicle {
    pub id: i64,
    pub customer_id: i64,
    pub vin: String,
    pub plate: Option<String>,
    pub dealer_id: Option<i64>,
}

/// Up to `n` distinct-ish random vehicles of `1..=max`.
pub async fn sample_vehicles(
    base: &str,
    token: &str,
    max: u64,
    n: u64,
    rng: &mut Rng,
) -> anyhow::Result<Vec<Vehicle>> {
    let found = sample(base, token, "vehicles", max, n, rng, |v| {
        Some(Vehicle {
            id: v["id"].as_i64()?,
            customer_id: v["customer_id"].as_i64()?,
            vin: v["vin"].as_str()?.to_owned(),
            plate: v["plate"].as_str().map(str::to_owned),
            dealer_id: v["dealer_id"].as_i64(),
        })
    })
    .await?;
    if found.is_empty() {
        bail!("no vehicles found (highest id {max})");
    }
    Ok(found)
}

/// Up to `n` phones of random customers of `1..=max`.
pub async fn sample_phones(
    base: &str,
    token: &str,
    max: u64,
    n: u64,
    rng: &mut Rng,
) -> anyhow::Result<Vec<String>> {
    let found = sample(base, token, "customers", max, n, rng, |v| {
        v["phone"].as_str().map(str::to_owned)
    })
    .await?;
    if found.is_empty() {
        bail!("no customers with a phone found (highest id {max})");
    }
    Ok(found)
}

/// GET `n` random ids of a collection with a few requests at once, keeping
/// what `keep` takes from each 200 answer.
async fn sample<T: Send + 'static>(
    base: &str,
    token: &str,
    collection: &str,
    max: u64,
    n: u64,
    rng: &mut Rng,
    keep: fn(&Value) -> Option<T>,
) -> anyhow::Result<Vec<T>> {
    if max == 0 {
        return Ok(Vec::new());
    }
    let n = n.min(max);
    let mut set = tokio::task::JoinSet::new();
    for w in 0..SAMPLERS {
        let http = Http::new(base, Some(token))?;
        let ids: Vec<i64> = (w..n)
            .step_by(SAMPLERS as usize)
            .map(|_| rng.id(max))
            .collect();
        let collection = collection.to_owned();
        set.spawn(async move {
            let mut out = Vec::new();
            for id in ids {
                if let Ok(v) = http.get_json(&format!("/api/v1/{collection}/{id}")).await
                    && let Some(t) = keep(&v)
                {
                    out.push(t);
                }
            }
            out
        });
    }
    let mut all = Vec::new();
    while let Some(part) = set.join_next().await {
        all.extend(part.context("a sampling task panicked")?);
    }
    Ok(all)
}

/// The body of a new work order for `v`'s owner, about `v`.
pub fn order_body(v: &Vehicle, rng: &mut Rng) -> Value {
    const CATEGORIES: [&str; 4] = ["complaint", "inquiry", "repair", "suggestion"];
    const SUBJECTS: [&str; 4] = [
        "保养后发动机异响",
        "询问首保时间和费用",
        "空调制冷效果差",
        "建议延长周末营业时间",
    ];
    let i = rng.below(4) as usize;
    json!({
        "customer_id": v.customer_id,
        "vehicle_id": v.id,
        "channel": "phone",
        "category": CATEGORIES[i],
        "priority": "normal",
        "subject": SUBJECTS[i],
        "description": "客户来电反映情况，坐席已记录，请门店跟进处理。（压测数据）",
    })
}

/// Open `n` orders through the API, a few at a time.
pub async fn open_orders(
    base: &str,
    token: &str,
    vehicles: &[Vehicle],
    n: u64,
    rng: &mut Rng,
) -> anyhow::Result<()> {
    let mut set = tokio::task::JoinSet::new();
    for w in 0..SAMPLERS {
        let http = Http::new(base, Some(token))?;
        let bodies: Vec<Value> = (w..n)
            .step_by(SAMPLERS as usize)
            .filter_map(|_| rng.pick(vehicles).map(|v| order_body(v, rng)))
            .collect();
        set.spawn(async move {
            for b in bodies {
                http.post("/api/v1/tickets", &b).await?;
            }
            Ok::<(), String>(())
        });
    }
    while let Some(r) = set.join_next().await {
        r.context("an order task panicked")?
            .map_err(anyhow::Error::msg)
            .context("opening orders")?;
    }
    Ok(())
}
