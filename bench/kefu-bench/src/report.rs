//! The figures: one [`Row`] per measured thing, printed as a table for people
//! and written as JSON (with the machine's facts) for `bench/RESULTS.md`.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use crate::load::{Run, Summary, summarize};
use crate::process::Usage;

/// One measured thing: a scenario, one of its operations, or a floor.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub scenario: String,
    /// What one call is, in words (`GET /api/v1/tickets/{id}`).
    pub what: String,
    pub clients: usize,
    /// Recorded calls (requests, cards, transactions, starts).
    pub calls: u64,
    /// Atoms per second (requests, or rows for the insert floors).
    pub rate: f64,
    /// `req/s`, `rows/s`, ...
    pub unit: &'static str,
    /// Atoms per call: 3 for a screen pop, 1,000 for a batched insert.
    pub atoms_per_call: f64,
    /// Latency of one call.
    pub latency: Summary,
    pub errors: u64,
    pub error_kinds: Vec<(String, u64)>,
    pub elapsed_s: f64,
    /// The server under test over the measured window.
    pub server: Option<Usage>,
    /// This program over the same window.
    pub bench: Option<Usage>,
    pub floors: Vec<FloorRatio>,
    /// Targets of ENGINEERING §7 this row can be held to.
    pub targets: Vec<Check>,
    /// Scenario-specific figures.
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub notes: Vec<String>,
}

/// This row's rate beside a floor's, measured in the same run.
#[derive(Debug, Clone, Serialize)]
pub struct FloorRatio {
    pub floor: String,
    pub floor_rate: f64,
    pub unit: &'static str,
    /// Row rate / floor rate: 1.0 would be the physical limit.
    pub ratio: f64,
}

/// A target from ENGINEERING §7, and whether this run met it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub target: String,
    pub met: bool,
}

impl Row {
    /// A row for a whole run (all operations together).
    pub fn from_run(
        scenario: &str,
        what: &str,
        clients: usize,
        run: &Run,
        atoms_per_call: f64,
        unit: &'static str,
    ) -> Row {
        Row::from_parts(
            scenario,
            what,
            clients,
            run,
            run.all_latencies(),
            run.total_errors(),
            atoms_per_call,
            unit,
        )
    }

    /// One row per operation of a run with several (`mixed`, `lookup`).
    pub fn per_op(scenario: &str, clients: usize, run: &Run, unit: &'static str) -> Vec<Row> {
        if run.ops.len() < 2 {
            return Vec::new();
        }
        run.ops
            .iter()
            .enumerate()
            .map(|(i, op)| {
                let mut r = Row::from_parts(
                    scenario,
                    &format!("  {op}"),
                    clients,
                    run,
                    run.latencies[i].clone(),
                    run.errors[i],
                    1.0,
                    unit,
                );
                r.server = None;
                r.bench = None;
                r
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn from_parts(
        scenario: &str,
        what: &str,
        clients: usize,
        run: &Run,
        latencies: Vec<u32>,
        errors: u64,
        atoms_per_call: f64,
        unit: &'static str,
    ) -> Row {
        let calls = latencies.len() as u64;
        let secs = run.elapsed.as_secs_f64().max(1e-9);
        Row {
            scenario: scenario.into(),
            what: what.into(),
            clients,
            calls,
            rate: calls as f64 * atoms_per_call / secs,
            unit,
            atoms_per_call,
            latency: summarize(latencies),
            errors,
            error_kinds: if errors > 0 {
                run.error_kinds.clone()
            } else {
                Vec::new()
            },
            elapsed_s: secs,
            server: run.watched.first().copied(),
            bench: Some(run.bench),
            floors: Vec::new(),
            targets: Vec::new(),
            extra: serde_json::Map::new(),
            notes: Vec::new(),
        }
    }

    /// Put `floor` beside this row.
    pub fn against(&mut self, floor: &Row) {
        if floor.rate > 0.0 {
            self.floors.push(FloorRatio {
                floor: floor.scenario.clone(),
                floor_rate: floor.rate,
                unit: floor.unit,
                ratio: self.rate / floor.rate,
            });
        }
    }

    pub fn target(&mut self, target: impl Into<String>, met: bool) {
        self.targets.push(Check {
            target: target.into(),
            met,
        });
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    pub fn extra(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.extra.insert(key.into(), value.into());
    }
}

/// The machine, so that a figure can be read later.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu: Option<String>,
    pub memory_mb: Option<u64>,
    pub kernel: Option<String>,
    /// `/proc/loadavg` when the run began: other work on the machine shows here.
    pub loadavg_at_start: Option<String>,
}

impl Machine {
    pub fn read() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_mb = meminfo
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| kb / 1024);
        let read = |p: &str| std::fs::read_to_string(p).ok().map(|s| s.trim().to_owned());
        Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            memory_mb,
            kernel: read("/proc/sys/kernel/osrelease"),
            loadavg_at_start: read("/proc/loadavg"),
        }
    }
}

/// Everything one invocation measured.
#[derive(Debug, Serialize)]
pub struct Document {
    pub tool: &'static str,
    pub date: String,
    pub command: Vec<String>,
    pub git: Option<String>,
    pub machine: Machine,
    pub setup: serde_json::Value,
    pub rows: Vec<Row>,
}

impl Document {
    pub fn write_json(&self, to: &str) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        if to == "-" {
            println!("{text}");
        } else {
            std::fs::write(Path::new(to), text + "\n").with_context(|| format!("writing {to}"))?;
        }
        Ok(())
    }
}

/// The human table.
pub fn print_table(rows: &[Row], out: &mut impl Write) -> std::io::Result<()> {
    let head = [
        "scenario",
        "what",
        "clients",
        "calls",
        "rate",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "errors",
        "srv CPU %",
        "srv RSS MB",
        "bench CPU %",
        "floor",
        "ratio",
        "target",
    ];
    let mut lines: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    for r in rows {
        let first = r.floors.first();
        lines.push(vec![
            r.scenario.clone(),
            r.what.clone(),
            r.clients.to_string(),
            thousands(r.calls as f64),
            if r.rate > 0.0 {
                format!("{} {}", thousands(r.rate), r.unit)
            } else {
                "—".into()
            },
            ms(r.latency.p50_ms),
            ms(r.latency.p95_ms),
            ms(r.latency.p99_ms),
            ms(r.latency.max_ms),
            r.errors.to_string(),
            r.server
                .map_or("—".into(), |u| format!("{:.0}", u.cpu_percent)),
            r.server
                .and_then(|u| u.rss_peak_mb.or(u.hwm_mb))
                .map_or("—".into(), |m| format!("{m:.0}")),
            r.bench
                .map_or("—".into(), |u| format!("{:.0}", u.cpu_percent)),
            first.map_or(String::new(), floor_cell),
            first.map_or(String::new(), |f| format!("{:.2}", f.ratio)),
            if r.targets.is_empty() {
                String::new()
            } else {
                let met = r.targets.iter().filter(|t| t.met).count();
                format!("{met}/{} met", r.targets.len())
            },
        ]);
        for f in r.floors.iter().skip(1) {
            let mut l = vec![String::new(); head.len()];
            l[13] = floor_cell(f);
            l[14] = format!("{:.2}", f.ratio);
            lines.push(l);
        }
    }
    let mut widths = vec![0; head.len()];
    for l in &lines {
        for (w, c) in widths.iter_mut().zip(l) {
            *w = (*w).max(c.chars().count());
        }
    }
    for (n, l) in lines.iter().enumerate() {
        let mut s = String::new();
        for (i, (c, w)) in l.iter().zip(&widths).enumerate() {
            let pad = w - c.chars().count();
            // Text left, numbers right.
            if !(2..13).contains(&i) {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
            s.push_str("  ");
        }
        writeln!(out, "{}", s.trim_end())?;
        if n == 0 {
            writeln!(
                out,
                "{}",
                "-".repeat(
                    widths
                        .iter()
                        .map(|w| w + 2)
                        .sum::<usize>()
                        .saturating_sub(2)
                )
            )?;
        }
    }
    for r in rows {
        for (kind, n) in &r.error_kinds {
            writeln!(
                out,
                "errors in {} {}: {n} × {kind}",
                r.scenario,
                r.what.trim()
            )?;
        }
        for t in &r.targets {
            let verdict = if t.met { "met" } else { "MISSED" };
            writeln!(out, "{}: target {verdict}: {}", r.scenario, t.target)?;
        }
        for note in &r.notes {
            writeln!(out, "{}: {note}", r.scenario)?;
        }
    }
    Ok(())
}

fn floor_cell(f: &FloorRatio) -> String {
    if f.unit == "ms" {
        format!("{} {:.1} ms", f.floor, f.floor_rate)
    } else {
        format!("{} {} {}", f.floor, thousands(f.floor_rate), f.unit)
    }
}

fn ms(v: f64) -> String {
    if v == 0.0 {
        "—".into()
    } else if v < 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.1}")
    }
}

/// 12,345 (integers) with separators, as RESULTS.md writes them.
pub fn thousands(v: f64) -> String {
    let n = v.round() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
