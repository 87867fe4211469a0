//! `read`: GET a random work order. Beside the empty handler over the same
//! client and a primary-key read in SQLite. Target: ≥ 20,000/s.

use crate::bench::Bench;
use crate::floors::Floor;
use crate::load::{ClientState, Http, Outcome, Workload};

struct Read {
    base: String,
    token: String,
    max: u64,
}

impl Workload for Read {
    type Client = Http;
    async fn connect(&self, _: usize) -> anyhow::Result<Http> {
        Http::new(&self.base, Some(&self.token))
    }
    async fn call(&self, http: &mut Http, st: &mut ClientState) -> Outcome {
        let id = st.rng.id(self.max);
        Outcome::of(
            0,
            http.get(&format!("/api/v1/tickets/{id}")).await.map(drop),
        )
    }
}

pub async fn run(b: &mut Bench) -> anyhow::Result<()> {
    let floors = [Floor::Http, Floor::Read];
    super::floors_first(b, &floors).await?;
    let d = super::drive(b, "read", async |t, facts, _, _| {
        anyhow::ensure!(facts.tickets > 0, "the data holds no work orders");
        Ok(Read {
            base: t.base.clone(),
            token: t.token.clone(),
            max: facts.tickets,
        })
    })
    .await?;
    let mut row = d.row("read", "GET /api/v1/tickets/{id}", 1.0);
    row.target("≥ 20,000/s", row.rate >= 20_000.0 && row.errors == 0);
    b.against(&mut row, &floors).await?;
    b.push(row);
    Ok(())
}
