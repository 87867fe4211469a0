//! `start`: from exec of `kefu serve` to the first 200 from `/healthz`,
//! polled every 5 ms, on a copy of the prepared data (1,000,000 orders by
//! default), `--repeat` times. Beside the exec of `kefu --version`.
//! Target: ≤ 1 s.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::bench::Bench;
use crate::fixtures;
use crate::floors::{Floor, exec_row};
use crate::process::status_kb;
use crate::report::{FloorRatio, thousands};
use crate::server::{free_port, tail, terminate};

pub async fn run(b: &mut Bench) -> anyhow::Result<()> {
    anyhow::ensure!(
        b.opts.url.is_none(),
        "start measures a server it starts itself: no --url"
    );
    let floor = b.floor(Floor::Exec).await?;
    let source = b.source().await?;
    let checkout = source.checkout(&b.work).await?;
    let launch = checkout.launch(&b.kefu, b.work.join("serve-start.log"));
    let result = starts(b, &launch).await;
    checkout.release().await?;
    let (times, rss, orders) = result?;
    let mut row = exec_row(
        "start",
        "exec `kefu serve` → first 200 from /healthz",
        times.clone(),
    );
    let mut sorted = times;
    sorted.sort_unstable();
    let ms = |us: u32| us as f64 / 1000.0;
    let median = sorted[sorted.len() / 2];
    row.extra("min_ms", ms(sorted[0]));
    row.extra("median_ms", ms(median));
    row.extra("max_ms", ms(sorted[sorted.len() - 1]));
    row.extra("rss_after_start_mb", rss);
    row.extra("orders", orders);
    row.note(format!(
        "{} starts: min {:.0} ms, median {:.0} ms, max {:.0} ms; RSS when healthy up to {rss:.0} MB; {} orders",
        sorted.len(),
        ms(sorted[0]),
        ms(median),
        ms(sorted[sorted.len() - 1]),
        thousands(orders as f64)
    ));
    row.target(
        format!(
            "median ≤ 1 s (at 1,000,000 orders; {} here)",
            thousands(orders as f64)
        ),
        ms(median) <= 1000.0,
    );
    if let Some(f) = floor
        && f.latency.p50_ms > 0.0
    {
        // A time: the floor's over ours, so that 1.0 is the limit here too.
        row.floors.push(FloorRatio {
            floor: f.scenario.clone(),
            floor_rate: f.latency.p50_ms,
            unit: "ms",
            ratio: f.latency.p50_ms / ms(median),
        });
    }
    b.push(row);
    Ok(())
}

/// Start and stop `--repeat` times; the times in µs, the largest RSS when
/// healthy, and the number of orders (asked after the first start).
async fn starts(b: &Bench, launch: &crate::server::Launch) -> anyhow::Result<(Vec<u32>, f64, u64)> {
    let poll = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(2))
        .build()?;
    let (mut times, mut rss, mut orders) = (Vec::new(), 0f64, 0u64);
    for i in 0..b.opts.repeat.max(1) {
        let port = free_port()?;
        let base = format!("http://127.0.0.1:{port}");
        let t0 = Instant::now();
        let mut child = launch.spawn_serve(&format!("127.0.0.1:{port}"), &[])?;
        let healthy = loop {
            if let Ok(r) = poll.get(format!("{base}/healthz")).send().await
                && r.status().is_success()
            {
                break Ok(t0.elapsed());
            }
            if let Some(status) = child.try_wait()? {
                break Err(anyhow::anyhow!(
                    "kefu serve exited ({status}):\n{}",
                    tail(&launch.log)
                ));
            }
            if t0.elapsed() > Duration::from_secs(120) {
                break Err(anyhow::anyhow!("not healthy within 120 s"));
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let pid = child.id();
        rss = rss.max(status_kb(pid, "VmRSS:").unwrap_or(0) as f64 / 1024.0);
        if i == 0 && healthy.is_ok() {
            let token = fixtures::login(&base, &b.opts.user, &b.opts.password).await?;
            orders = fixtures::max_id(&base, &token, "tickets").await?;
        }
        let stopped =
            tokio::task::spawn_blocking(move || terminate(&mut child, Duration::from_secs(60)))
                .await?
                .context("stopping kefu serve")?;
        let took = healthy?;
        if !stopped.success() {
            bail!("kefu serve exited with {stopped}:\n{}", tail(&launch.log));
        }
        eprintln!(
            "kefu-bench: start {}: {:.0} ms",
            i + 1,
            took.as_secs_f64() * 1000.0
        );
        times.push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
    }
    Ok((times, rss, orders))
}
