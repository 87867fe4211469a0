//! `lookup`: find a car by its plate or by the last six of its VIN, half
//! and half, as an agent does when the caller reads them out.

use crate::bench::Bench;
use crate::fixtures::{self, Vehicle};
use crate::floors::Floor;
use crate::load::{ClientState, Http, Outcome, Workload, encode};

struct Lookup {
    base: String,
    token: String,
    vehicles: Vec<Vehicle>,
}

/// One lookup of `v`: op 0 by plate (when it has one), op 1 by VIN last six.
pub async fn lookup(http: &Http, v: &Vehicle, by_plate: bool) -> (usize, Result<(), String>) {
    match (&v.plate, by_plate) {
        (Some(p), true) => (
            0,
            http.get(&format!("/api/v1/vehicles?plate={}", encode(p)))
                .await
                .map(drop),
        ),
        _ => {
            let last6 = &v.vin[v.vin.len().saturating_sub(6)..];
            (
                1,
                http.get(&format!("/api/v1/vehicles?vin={}", encode(last6)))
                    .await
                    .map(drop),
            )
        }
    }
}

impl Workload for Lookup {
    type Client = Http;
    fn ops(&self) -> &[&'static str] {
        &["vehicles?plate=", "vehicles?vin= (last six)"]
    }
    async fn connect(&self, _: usize) -> anyhow::Result<Http> {
        Http::new(&self.base, Some(&self.token))
    }
    async fn call(&self, http: &mut Http, st: &mut ClientState) -> Outcome {
        let by_plate = st.rng.below(2) == 0;
        let Some(v) = st.rng.pick(&self.vehicles) else {
            return Outcome::of(0, Err("no vehicles".into()));
        };
        let (op, r) = lookup(http, v, by_plate).await;
        Outcome::of(op, r)
    }
}

pub async fn run(b: &mut Bench) -> anyhow::Result<()> {
    let floors = [Floor::Http];
    super::floors_first(b, &floors).await?;
    let d = super::drive(b, "lookup", async |t, facts, rng, n| {
        Ok(Lookup {
            base: t.base.clone(),
            token: t.token.clone(),
            vehicles: fixtures::sample_vehicles(&t.base, &t.token, facts.vehicles, n, rng).await?,
        })
    })
    .await?;
    let mut row = d.row(
        "lookup",
        "GET /api/v1/vehicles?plate= | ?vin= (last six)",
        1.0,
    );
    b.against(&mut row, &floors).await?;
    b.push(row);
    for r in d.op_rows("lookup") {
        b.push(r);
    }
    Ok(())
}
