//! `pop`: the screen pop. A call comes in; the agent's screen shows the
//! caller's card: customer by phone, then their vehicles and their orders,
//! three requests back to back. One sample is the whole card: its latency is
//! the card's, its rate counts requests. Target: p95 ≤ 10 ms at 1,000,000
//! customers.

use serde_json::Value;

use crate::bench::Bench;
use crate::fixtures;
use crate::floors::Floor;
use crate::load::{ClientState, Http, Outcome, Workload, encode};
use crate::report::thousands;

struct Pop {
    base: String,
    token: String,
    phones: Vec<String>,
}

impl Workload for Pop {
    type Client = Http;
    async fn connect(&self, _: usize) -> anyhow::Result<Http> {
        Http::new(&self.base, Some(&self.token))
    }
    async fn call(&self, http: &mut Http, st: &mut ClientState) -> Outcome {
        let Some(phone) = st.rng.pick(&self.phones) else {
            return Outcome::of(0, Err("no phones".into()));
        };
        Outcome::of(0, card(http, phone).await)
    }
}

async fn card(http: &Http, phone: &str) -> Result<(), String> {
    let found: Value = http
        .get_json(&format!("/api/v1/customers?phone={}", encode(phone)))
        .await?;
    let id = found["items"][0]["id"].as_i64().ok_or("phone not found")?;
    http.get(&format!("/api/v1/vehicles?customer_id={id}"))
        .await?;
    http.get(&format!("/api/v1/tickets?customer_id={id}&limit=20"))
        .await?;
    Ok(())
}

pub async fn run(b: &mut Bench) -> anyhow::Result<()> {
    let floors = [Floor::Http];
    super::floors_first(b, &floors).await?;
    let d = super::drive(b, "pop", async |t, facts, rng, n| {
        Ok(Pop {
            base: t.base.clone(),
            token: t.token.clone(),
            phones: fixtures::sample_phones(&t.base, &t.token, facts.customers, n, rng).await?,
        })
    })
    .await?;
    let mut row = d.row(
        "pop",
        "card: customers?phone= + vehicles?customer_id= + tickets?customer_id=",
        3.0,
    );
    row.extra("cards_per_s", row.rate / 3.0);
    row.note(format!(
        "one sample is a whole card (3 requests back to back): latency per card, rate in requests ({} cards/s)",
        thousands(row.rate / 3.0)
    ));
    let customers = d.facts.customers;
    row.target(
        format!(
            "p95 ≤ 10 ms (at 1,000,000 customers; {} here)",
            thousands(customers as f64)
        ),
        row.latency.p95_ms <= 10.0 && row.errors == 0,
    );
    b.against(&mut row, &floors).await?;
    b.push(row);
    Ok(())
}
