//! The scenarios: each measures its floors first (never beside a running
//! `kefu serve`), starts a fresh server on a fresh copy of the data, learns
//! what it needs about the data, drives the load, stops the server and
//! pushes its rows.

pub mod clocks;
pub mod create;
pub mod list;
pub mod lookup;
pub mod mixed;
pub mod pages;
pub mod pop;
pub mod read;
pub mod start;

use std::sync::Arc;

use crate::bench::{Bench, Target};
use crate::fixtures;
use crate::floors::Floor;
use crate::load::{self, Rng, Run, Spec, Workload};
use crate::report::{Row, thousands};

/// What the data holds, as seen through the API.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub customers: u64,
    pub vehicles: u64,
    pub tickets: u64,
}

/// A finished load run with what it was run with.
pub struct Driven<W> {
    pub run: Run,
    pub spec: Spec,
    pub facts: Facts,
    pub workload: Arc<W>,
}

/// Measure `fs` now, before any server runs.
pub async fn floors_first(b: &mut Bench, fs: &[Floor]) -> anyhow::Result<()> {
    for f in fs {
        b.floor(*f).await?;
    }
    Ok(())
}

/// Start the target, build the workload with `prepare`, run it, stop the
/// target (also when something failed).
pub async fn drive<W: Workload>(
    b: &mut Bench,
    name: &str,
    prepare: impl AsyncFnOnce(&Target, &Facts, &mut Rng, u64) -> anyhow::Result<W>,
) -> anyhow::Result<Driven<W>> {
    let t = b.target(name).await?;
    let spec = b.spec(t.watch());
    let mut rng = Rng::new(b.seed());
    let sample = b.opts.sample;
    let result = async {
        let facts = Facts {
            customers: fixtures::max_id(&t.base, &t.token, "customers").await?,
            vehicles: fixtures::max_id(&t.base, &t.token, "vehicles").await?,
            tickets: fixtures::max_id(&t.base, &t.token, "tickets").await?,
        };
        let workload = Arc::new(prepare(&t, &facts, &mut rng, sample).await?);
        eprintln!(
            "kefu-bench: {name}: {} clients on {} customers, {} vehicles, {} orders",
            spec.clients,
            thousands(facts.customers as f64),
            thousands(facts.vehicles as f64),
            thousands(facts.tickets as f64)
        );
        let run = load::run(workload.clone(), &spec).await?;
        Ok::<_, anyhow::Error>((run, facts, workload))
    }
    .await;
    let finished = t.finish().await;
    let (run, facts, workload) = result?;
    finished?;
    Ok(Driven {
        run,
        spec,
        facts,
        workload,
    })
}

impl<W> Driven<W> {
    /// The scenario's main row, with the data's size and the memory target.
    pub fn row(&self, scenario: &str, what: &str, atoms_per_call: f64) -> Row {
        let mut row = Row::from_run(
            scenario,
            what,
            self.spec.clients,
            &self.run,
            atoms_per_call,
            "req/s",
        );
        row.extra("customers", self.facts.customers);
        row.extra("vehicles", self.facts.vehicles);
        row.extra("orders", self.facts.tickets);
        if let Some(rss) = row.server.and_then(|u| u.rss_peak_mb) {
            row.target(
                format!(
                    "RSS ≤ 300 MB (at 1,000,000 orders; {} here)",
                    thousands(self.facts.tickets as f64)
                ),
                rss <= 300.0,
            );
        }
        row
    }

    /// One row per operation, when there are several.
    pub fn op_rows(&self, scenario: &str) -> Vec<Row> {
        Row::per_op(scenario, self.spec.clients, &self.run, "req/s")
    }
}
