//! `create`: agents opening work orders (`POST /api/v1/tickets`) for random
//! customers about one of their cars. Beside the raw SQLite insert rate of
//! the same rows (one per transaction, and batched) and the empty handler.
//! Target: ≥ 5,000/s sustained at 64 clients with p99 ≤ 25 ms.

use crate::bench::Bench;
use crate::fixtures::{self, Vehicle};
use crate::floors::Floor;
use crate::load::{ClientState, Http, Outcome, Workload};

struct Create {
    base: String,
    token: String,
    vehicles: Vec<Vehicle>,
}

impl Workload for Create {
    type Client = Http;
    async fn connect(&self, _: usize) -> anyhow::Result<Http> {
        Http::new(&self.base, Some(&self.token))
    }
    async fn call(&self, http: &mut Http, st: &mut ClientState) -> Outcome {
        let Some(v) = st.rng.pick(&self.vehicles) else {
            return Outcome::of(0, Err("no vehicles".into()));
        };
        let body = fixtures::order_body(v, &mut st.rng);
        Outcome::of(0, http.post("/api/v1/tickets", &body).await.map(drop))
    }
}

pub async fn run(b: &mut Bench) -> anyhow::Result<()> {
    let floors = [Floor::InsertSingle, Floor::InsertBatched, Floor::Http];
    super::floors_first(b, &floors).await?;
    let d = super::drive(b, "create", async |t, facts, rng, n| {
        Ok(Create {
            base: t.base.clone(),
            token: t.token.clone(),
            vehicles: fixtures::sample_vehicles(&t.base, &t.token, facts.vehicles, n, rng).await?,
        })
    })
    .await?;
    let mut row = d.row("create", "POST /api/v1/tickets (new work order)", 1.0);
    row.target(
        "≥ 5,000/s and p99 ≤ 25 ms at 64 clients",
        row.rate >= 5000.0 && row.latency.p99_ms <= 25.0 && row.clients == 64 && row.errors == 0,
    );
    b.against(&mut row, &floors).await?;
    b.push(row);
    Ok(())
}
