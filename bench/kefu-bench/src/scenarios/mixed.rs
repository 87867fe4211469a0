//! `mixed`: an agent's day. 60 % reads of an order, 20 % vehicle lookups
//! (plate or VIN), 15 % new orders, 5 % triage moves: half of them dispatch
//! an order this client opened (status new) to a dealer, the others (and any
//! when the client has opened none yet) add an internal note to a random
//! order.

use serde_json::json;

use crate::bench::Bench;
use crate::fixtures::{self, Vehicle};
use crate::floors::Floor;
use crate::load::{ClientState, Http, Outcome, Workload};

struct Mixed {
    base: String,
    token: String,
    max_ticket: u64,
    vehicles: Vec<Vehicle>,
}

const READ: usize = 0;
const LOOKUP: usize = 1;
const CREATE: usize = 2;
const TRIAGE: usize = 3;

impl Workload for Mixed {
    type Client = Http;
    fn ops(&self) -> &[&'static str] {
        &[
            "read (60 %)",
            "lookup (20 %)",
            "create (15 %)",
            "triage (5 %)",
        ]
    }
    async fn connect(&self, _: usize) -> anyhow::Result<Http> {
        Http::new(&self.base, Some(&self.token))
    }
    async fn call(&self, http: &mut Http, st: &mut ClientState) -> Outcome {
        let roll = st.rng.below(100);
        let Some(v) = st.rng.pick(&self.vehicles).cloned() else {
            return Outcome::of(READ, Err("no vehicles".into()));
        };
        match roll {
            0..60 => {
                let id = st.rng.id(self.max_ticket);
                Outcome::of(
                    READ,
                    http.get(&format!("/api/v1/tickets/{id}")).await.map(drop),
                )
            }
            60..80 => {
                let by_plate = st.rng.below(2) == 0;
                Outcome::of(LOOKUP, super::lookup::lookup(http, &v, by_plate).await.1)
            }
            80..95 => {
                let body = fixtures::order_body(&v, &mut st.rng);
                let r = http.post_json("/api/v1/tickets", &body).await;
                let r = r.and_then(|o| {
                    o["id"]
                        .as_i64()
                        .ok_or_else(|| "no id in the answer".to_owned())
                });
                if let Ok(id) = r {
                    st.created.push(id);
                }
                Outcome::of(CREATE, r.map(drop))
            }
            _ => Outcome::of(TRIAGE, triage(http, st, self.max_ticket, v.dealer_id).await),
        }
    }
}

async fn triage(
    http: &Http,
    st: &mut ClientState,
    max: u64,
    dealer: Option<i64>,
) -> Result<(), String> {
    if st.rng.below(2) == 0
        && let Some(id) = st.created.pop()
    {
        let body = json!({ "dealer_id": dealer.unwrap_or(1), "note": "请门店尽快联系客户" });
        return http
            .post(&format!("/api/v1/tickets/{id}/dispatch"), &body)
            .await
            .map(drop);
    }
    let id = st.rng.id(max);
    let body = json!({ "body": "已致电客户，约定周六到店检查。", "internal": true });
    http.post(&format!("/api/v1/tickets/{id}/notes"), &body)
        .await
        .map(drop)
}

pub async fn run(b: &mut Bench) -> anyhow::Result<()> {
    let floors = [Floor::Http];
    super::floors_first(b, &floors).await?;
    let d = super::drive(b, "mixed", async |t, facts, rng, n| {
        anyhow::ensure!(facts.tickets > 0, "the data holds no work orders");
        Ok(Mixed {
            base: t.base.clone(),
            token: t.token.clone(),
            max_ticket: facts.tickets,
            vehicles: fixtures::sample_vehicles(&t.base, &t.token, facts.vehicles, n, rng).await?,
        })
    })
    .await?;
    let mut row = d.row(
        "mixed",
        "60 % read, 20 % lookup, 15 % create, 5 % triage",
        1.0,
    );
    b.against(&mut row, &floors).await?;
    b.push(row);
    for r in d.op_rows("mixed") {
        b.push(r);
    }
    Ok(())
}
