//! N concurrent clients for a fixed time or count, every call timed.
//!
//! A scenario is a [`Workload`]: how one client connects and what one call
//! does. Each client is its own task with its own connection (an HTTP client
//! with one idle connection, or a database handle) and calls back to back:
//! first for the warm-up, unrecorded, then for the measured window. The
//! server's CPU and memory are read over exactly that window.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde::Serialize;

use crate::process::{Probe, Usage, Watch};

/// One kind of load. `call` is one sample: usually one request, a whole
/// screen pop for `pop`, a batch of rows for the batched insert floor.
pub trait Workload: Send + Sync + 'static {
    /// A client's own connection.
    type Client: Send + 'static;
    /// The names of the operations `call` reports (index = [`Outcome::op`]).
    fn ops(&self) -> &[&'static str] {
        &["request"]
    }
    /// Open client `index`'s connection.
    fn connect(&self, index: usize) -> impl Future<Output = anyhow::Result<Self::Client>> + Send;
    /// Make one call.
    fn call(
        &self,
        client: &mut Self::Client,
        state: &mut ClientState,
    ) -> impl Future<Output = Outcome> + Send;
}

/// What a call did: which operation, and why it failed if it did.
pub struct Outcome {
    pub op: usize,
    pub error: Option<String>,
}

impl Outcome {
    pub fn of(op: usize, r: Result<(), String>) -> Outcome {
        Outcome { op, error: r.err() }
    }
}

/// Per-client state a workload may keep between calls.
pub struct ClientState {
    pub rng: Rng,
    /// Ids of the orders this client opened (`mixed` dispatches them).
    pub created: Vec<i64>,
}

/// How long, how many, how hard.
#[derive(Debug, Clone)]
pub struct Spec {
    pub clients: usize,
    pub warmup: Duration,
    pub duration: Duration,
    /// Stop after this many recorded calls instead of after `duration`.
    pub count: Option<u64>,
    pub seed: u64,
    /// Processes or threads to measure besides this process.
    pub watch: Vec<Watch>,
}

/// The recorded calls of one run.
pub struct Run {
    /// Per operation: latencies in microseconds of every recorded call.
    pub latencies: Vec<Vec<u32>>,
    /// Per operation: calls that failed.
    pub errors: Vec<u64>,
    /// Distinct failure reasons with counts.
    pub error_kinds: Vec<(String, u64)>,
    pub ops: Vec<&'static str>,
    /// From the end of the warm-up to the end of the last recorded call.
    pub elapsed: Duration,
    /// One per [`Spec::watch`], in order.
    pub watched: Vec<Usage>,
    /// This process.
    pub bench: Usage,
}

impl Run {
    pub fn total_errors(&self) -> u64 {
        self.errors.iter().sum()
    }
    /// Every latency, all operations together.
    pub fn all_latencies(&self) -> Vec<u32> {
        self.latencies.iter().flatten().copied().collect()
    }
}

/// Latency summary in milliseconds (nearest rank on the sorted samples).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

pub fn summarize(mut micros: Vec<u32>) -> Summary {
    if micros.is_empty() {
        return Summary::default();
    }
    micros.sort_unstable();
    let at = |p: f64| {
        let rank = ((p * micros.len() as f64).ceil() as usize).clamp(1, micros.len());
        micros[rank - 1] as f64 / 1000.0
    };
    Summary {
        p50_ms: at(0.50),
        p95_ms: at(0.95),
        p99_ms: at(0.99),
        max_ms: at(1.0),
    }
}

struct Recorded {
    latencies: Vec<Vec<u32>>,
    errors: Vec<u64>,
    kinds: Vec<(String, u64)>,
    last: Option<Instant>,
}

/// Run `w` as `spec` says.
pub async fn run<W: Workload>(w: Arc<W>, spec: &Spec) -> anyhow::Result<Run> {
    let ops: Vec<&'static str> = w.ops().to_vec();
    let mut clients = Vec::with_capacity(spec.clients);
    for i in 0..spec.clients {
        clients.push(
            w.connect(i)
                .await
                .with_context(|| format!("connecting client {i}"))?,
        );
    }
    let start = Instant::now();
    let window = start + spec.warmup;
    let end = window + spec.duration;
    let budget = Arc::new(AtomicU64::new(0));
    let mut watches = spec.watch.clone();
    watches.push(Watch::Process(std::process::id()));
    let probe = Probe::start(watches, window);
    let mut tasks = Vec::with_capacity(spec.clients);
    for (index, mut client) in clients.into_iter().enumerate() {
        let w = w.clone();
        let budget = budget.clone();
        let count = spec.count;
        let n_ops = ops.len();
        let mut state = ClientState {
            rng: Rng::new(spec.seed ^ (index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            created: Vec::new(),
        };
        tasks.push(tokio::spawn(async move {
            let mut rec = Recorded {
                latencies: vec![Vec::new(); n_ops],
                errors: vec![0; n_ops],
                kinds: Vec::new(),
                last: None,
            };
            loop {
                let t0 = Instant::now();
                let recording = t0 >= window;
                if recording {
                    match count {
                        Some(n) if budget.fetch_add(1, Ordering::Relaxed) >= n => break,
                        None if t0 >= end => break,
                        _ => {}
                    }
                }
                let out = w.call(&mut client, &mut state).await;
                let t1 = Instant::now();
                if !recording {
                    continue;
                }
                let op = out.op.min(n_ops - 1);
                let micros = u32::try_from((t1 - t0).as_micros()).unwrap_or(u32::MAX);
                rec.latencies[op].push(micros);
                rec.last = Some(rec.last.map_or(t1, |l| l.max(t1)));
                if let Some(e) = out.error {
                    rec.errors[op] += 1;
                    match rec.kinds.iter_mut().find(|(k, _)| *k == e) {
                        Some((_, n)) => *n += 1,
                        None => rec.kinds.push((e, 1)),
                    }
                }
            }
            rec
        }));
    }
    let mut latencies = vec![Vec::new(); ops.len()];
    let mut errors = vec![0; ops.len()];
    let mut error_kinds: Vec<(String, u64)> = Vec::new();
    let mut last = window;
    for t in tasks {
        let rec = t.await.context("a client task panicked")?;
        for (all, mine) in latencies.iter_mut().zip(rec.latencies) {
            all.extend(mine);
        }
        for (all, mine) in errors.iter_mut().zip(rec.errors) {
            *all += mine;
        }
        for (k, n) in rec.kinds {
            match error_kinds.iter_mut().find(|(e, _)| *e == k) {
                Some((_, m)) => *m += n,
                None => error_kinds.push((k, n)),
            }
        }
        if let Some(l) = rec.last {
            last = last.max(l);
        }
    }
    let mut watched = tokio::task::spawn_blocking(move || probe.stop())
        .await
        .context("the probe thread panicked")?;
    let bench = watched.pop().unwrap_or_default();
    error_kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
    Ok(Run {
        latencies,
        errors,
        error_kinds,
        ops,
        elapsed: last.saturating_duration_since(window),
        watched,
        bench,
    })
}

/// splitmix64: enough randomness to pick ids, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// An id in `1..=max`.
    pub fn id(&mut self, max: u64) -> i64 {
        (1 + self.below(max)) as i64
    }
    pub fn pick<'a, T>(&mut self, from: &'a [T]) -> Option<&'a T> {
        from.get(self.below(from.len() as u64) as usize)
    }
}

/// One HTTP client's connection to the server under test, with the bearer
/// token every API call carries.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    base: Arc<str>,
    auth: Option<HeaderValue>,
    cookie: Option<HeaderValue>,
}

impl Http {
    /// A client that keeps one connection: calls are back to back, so one is
    /// all it needs, and N clients are N connections.
    /// A client of the workbench's pages: the session cookie instead of a token.
    pub fn with_cookie(base: &str, cookie: &str) -> anyhow::Result<Http> {
        let mut http = Http::new(base, None)?;
        http.cookie = Some(HeaderValue::from_str(cookie).context("cookie as a header")?);
        Ok(http)
    }

    pub fn new(base: &str, token: Option<&str>) -> anyhow::Result<Http> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(60))
            .build()
            .context("building the HTTP client")?;
        let auth = match token {
            Some(t) => {
                Some(HeaderValue::from_str(&format!("Bearer {t}")).context("token as a header")?)
            }
            None => None,
        };
        Ok(Http {
            client,
            base: base.trim_end_matches('/').into(),
            auth,
            cookie: None,
        })
    }

    fn with_auth(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let rb = match &self.cookie {
            Some(c) => rb.header(reqwest::header::COOKIE, c.clone()),
            None => rb,
        };
        match &self.auth {
            Some(a) => rb.header(AUTHORIZATION, a.clone()),
            None => rb,
        }
    }

    /// GET `path`; the whole body is read, a non-2xx answer is an error.
    pub async fn get(&self, path: &str) -> Result<Bytes, String> {
        let rb = self.with_auth(self.client.get(format!("{}{path}", self.base)));
        finish(rb.send().await).await
    }

    /// POST a JSON body to `path`.
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> Result<Bytes, String> {
        let rb = self.with_auth(self.client.post(format!("{}{path}", self.base)).json(body));
        finish(rb.send().await).await
    }

    /// GET and parse JSON.
    pub async fn get_json(&self, path: &str) -> Result<serde_json::Value, String> {
        let body = self.get(path).await?;
        serde_json::from_slice(&body).map_err(|e| format!("bad JSON: {e}"))
    }

    /// POST and parse JSON.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, String> {
        let body = self.post(path, body).await?;
        serde_json::from_slice(&body).map_err(|e| format!("bad JSON: {e}"))
    }

    /// The status of a GET (transport errors as `Err`), body read and dropped.
    pub async fn status(&self, path: &str) -> Result<u16, String> {
        let rb = self.with_auth(self.client.get(format!("{}{path}", self.base)));
        let resp = rb.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        resp.bytes().await.map_err(transport)?;
        Ok(status)
    }
}

async fn finish(sent: Result<reqwest::Response, reqwest::Error>) -> Result<Bytes, String> {
    let resp = sent.map_err(transport)?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(transport)?;
    if status.is_success() {
        Ok(body)
    } else {
        let text = String::from_utf8_lossy(&body);
        let code = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
        Err(match code {
            Some(c) => format!("HTTP {} {c}", status.as_u16()),
            None => format!("HTTP {}", status.as_u16()),
        })
    }
}

fn transport(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connect error".into()
    } else {
        format!("transport: {e}")
    }
}

/// Percent-encode a query value (plates carry Chinese characters).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
