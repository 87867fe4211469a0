//! `clocks`: a million open work orders with their clocks, K of the running
//! clocks moved to come due over one minute, then `kefu serve`: how late each
//! fired (fired_at − due_at, as kefu recorded it), the server's CPU while
//! they fired, and its CPU over a further quiet spell with no requests.
//! Prepare the data with `--customers 200000 --tickets 1000000 --open
//! 1000000`. Targets: fired ≤ 1 s late, idle scheduler < 1 % CPU.

use std::time::Duration;

use anyhow::Context;
use sqlx::{AnyConnection, Connection, Row as _};

use crate::bench::Bench;
use crate::floors::exec_row;
use crate::process::{Watch, cpu_seconds, status_kb};
use crate::report::thousands;
use crate::server::Server;

/// The first clock comes due this long after the server was asked to start,
/// the last a minute later.
const FIRST_DUE: Duration = Duration::from_secs(15);
const SPREAD: Duration = Duration::from_secs(60);
/// Waiting after the last one is due, for it to fire.
const SETTLE: Duration = Duration::from_secs(5);

struct Measured {
    open: i64,
    live: i64,
    due: usize,
    late_us: Vec<u32>,
    busy_cpu_s: f64,
    busy_s: f64,
    quiet_cpu_s: f64,
    quiet_fired: i64,
    rss_mb: f64,
}

pub async fn run(b: &mut Bench) -> anyhow::Result<()> {
    anyhow::ensure!(
        b.opts.url.is_none(),
        "clocks measures a server it starts itself: no --url"
    );
    let source = b.source().await?;
    let checkout = source.checkout(&b.work).await?;
    let url = match &checkout.database_url {
        Some(u) => u.clone(),
        None => format!("sqlite://{}", checkout.data.join("kefu.db").display()),
    };
    let launch = checkout.launch(&b.kefu, b.work.join("serve-clocks.log"));
    let result = measure(b, &url, &launch).await;
    checkout.release().await?;
    let m = result?;

    let fired = m.late_us.len();
    let mut row = exec_row(
        "clocks",
        "a clock's firing lateness (fired_at − due_at)",
        m.late_us.clone(),
    );
    let busy = m.busy_cpu_s / m.busy_s * 100.0;
    let quiet = m.quiet_cpu_s / b.opts.quiet * 100.0;
    row.extra("open_orders", m.open);
    row.extra("running_clocks", m.live);
    row.extra("due", m.due as u64);
    row.extra("fired", fired as u64);
    row.extra("busy_cpu_percent", busy);
    row.extra("idle_cpu_percent", quiet);
    row.extra("idle_firings", m.quiet_fired);
    row.extra("rss_mb", m.rss_mb);
    row.note(format!(
        "{} open orders, {} running clocks; {fired} of {} fired; CPU {busy:.2} % of a core while they \
         came due, {quiet:.3} % over {:.0} s with no requests ({} of the orders' own clocks fired \
         meanwhile); RSS {:.0} MB",
        thousands(m.open as f64),
        thousands(m.live as f64),
        m.due,
        b.opts.quiet,
        m.quiet_fired,
        m.rss_mb
    ));
    row.target(
        "every clock fired, p99 ≤ 1 s late",
        fired == m.due && row.latency.p99_ms <= 1000.0,
    );
    row.target("idle CPU < 1 %", quiet < 1.0);
    row.target("RSS ≤ 300 MB", m.rss_mb <= 300.0);
    b.push(row);
    Ok(())
}

async fn measure(b: &Bench, url: &str, launch: &crate::server::Launch) -> anyhow::Result<Measured> {
    sqlx::any::install_default_drivers();
    let mut db = AnyConnection::connect(url)
        .await
        .context("opening the data copy")?;
    let count = async |db: &mut AnyConnection, sql: &'static str| -> anyhow::Result<i64> {
        Ok(sqlx::query(sql).fetch_one(db).await?.try_get::<i64, _>(0)?)
    };
    let open = count(
        &mut db,
        "SELECT count(*) FROM tickets WHERE status <> 'closed'",
    )
    .await?;
    let live = count(
        &mut db,
        "SELECT count(*) FROM clocks WHERE next_at IS NOT NULL",
    )
    .await?;
    // K running clocks spread over the table come due one after another.
    let k = b.opts.due.max(1);
    let ids: Vec<i64> = sqlx::query(
        "SELECT id FROM clocks WHERE next_at IS NOT NULL AND paused_at IS NULL \
         ORDER BY (id * 7919) % 1000003 LIMIT $1",
    )
    .bind(k as i64)
    .fetch_all(&mut db)
    .await?
    .iter()
    .map(|r| r.try_get::<i64, _>(0))
    .collect::<Result<_, _>>()?;
    let start = now_ms() + FIRST_DUE.as_millis() as i64;
    let mut dues = Vec::with_capacity(ids.len());
    let mut tx = db.begin().await?;
    for (i, id) in ids.iter().enumerate() {
        let due = start + (i as i64 * SPREAD.as_millis() as i64) / ids.len().max(1) as i64;
        sqlx::query(
            "UPDATE clocks SET due_at = $1, next_at = $1, warn_at = NULL, warned_at = $2 WHERE id = $3",
        )
        .bind(due)
        .bind(due - 60_000)
        .bind(*id)
        .execute(&mut *tx)
        .await?;
        dues.push((*id, due));
    }
    tx.commit().await?;
    db.close().await?;

    let server = Server::start(launch, &[]).await?;
    let watch = Watch::Process(server.pid);
    let t0 = std::time::Instant::now();
    let c0 = cpu_seconds(&watch);
    let last_due =
        Duration::from_millis((dues.last().map_or(start, |d| d.1) - now_ms()).max(0) as u64);
    tokio::time::sleep(last_due + SETTLE).await;
    let busy_cpu_s = cpu_seconds(&watch) - c0;
    let busy_s = t0.elapsed().as_secs_f64();
    let q0 = now_ms();
    let c1 = cpu_seconds(&watch);
    tokio::time::sleep(Duration::from_secs_f64(b.opts.quiet)).await;
    let quiet_cpu_s = cpu_seconds(&watch) - c1;
    let q1 = now_ms();
    let rss_mb = status_kb(server.pid, "VmRSS:").unwrap_or(0) as f64 / 1024.0;
    server.stop().await?;

    let mut db = AnyConnection::connect(url).await?;
    let mut late_us = Vec::with_capacity(dues.len());
    for chunk in dues.chunks(200) {
        let list = chunk
            .iter()
            .map(|(id, _)| id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "SELECT id, fired_at FROM clocks WHERE fired_at IS NOT NULL AND id IN ({list})"
        );
        for r in sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut db)
            .await?
        {
            let id: i64 = r.try_get(0)?;
            let fired: i64 = r.try_get(1)?;
            if let Some((_, due)) = chunk.iter().find(|(c, _)| *c == id) {
                let late_ms = (fired - due).max(0);
                late_us.push(u32::try_from(late_ms * 1000).unwrap_or(u32::MAX));
            }
        }
    }
    let quiet_fired: i64 = sqlx::query(
        "SELECT (SELECT count(*) FROM clocks WHERE fired_at BETWEEN $1 AND $2) + \
         (SELECT count(*) FROM clocks WHERE warned_at BETWEEN $1 AND $2)",
    )
    .bind(q0)
    .bind(q1)
    .fetch_one(&mut db)
    .await?
    .try_get(0)?;
    db.close().await?;
    Ok(Measured {
        open,
        live,
        due: dues.len(),
        late_us,
        busy_cpu_s,
        busy_s,
        quiet_cpu_s,
        quiet_fired,
        rss_mb,
    })
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
