//! `list`: a queue page of 50 work orders, newest first: the new orders of
//! the whole group, of one dealer, or at one level.

use crate::bench::Bench;
use crate::fixtures;
use crate::floors::Floor;
use crate::load::{ClientState, Http, Outcome, Workload};

struct List {
    base: String,
    token: String,
    dealers: Vec<i64>,
}

impl Workload for List {
    type Client = Http;
    fn ops(&self) -> &[&'static str] {
        &["status=new", "dealer_id=&status=new", "level=L1"]
    }
    async fn connect(&self, _: usize) -> anyhow::Result<Http> {
        Http::new(&self.base, Some(&self.token))
    }
    async fn call(&self, http: &mut Http, st: &mut ClientState) -> Outcome {
        let op = st.rng.below(3) as usize;
        let path = match (op, st.rng.pick(&self.dealers)) {
            (1, Some(d)) => format!("/api/v1/tickets?dealer_id={d}&status=new&limit=50"),
            (2, _) => "/api/v1/tickets?level=L1&limit=50".to_owned(),
            _ => "/api/v1/tickets?status=new&limit=50".to_owned(),
        };
        Outcome::of(op, http.get(&path).await.map(drop))
    }
}

pub async fn run(b: &mut Bench) -> anyhow::Result<()> {
    let floors = [Floor::Http];
    super::floors_first(b, &floors).await?;
    let d = super::drive(b, "list", async |t, facts, rng, _| {
        anyhow::ensure!(facts.tickets > 0, "the data holds no work orders");
        let mut dealers: Vec<i64> =
            fixtures::sample_vehicles(&t.base, &t.token, facts.vehicles, 200, rng)
                .await?
                .iter()
                .filter_map(|v| v.dealer_id)
                .collect();
        dealers.sort_unstable();
        dealers.dedup();
        Ok(List {
            base: t.base.clone(),
            token: t.token.clone(),
            dealers,
        })
    })
    .await?;
    let mut row = d.row("list", "GET /api/v1/tickets?…&limit=50 (a queue page)", 1.0);
    row.extra("dealers", d.workload.dealers.len());
    b.against(&mut row, &floors).await?;
    b.push(row);
    for r in d.op_rows("list") {
        b.push(r);
    }
    Ok(())
}
