//! CPU and resident memory of a process (or of some threads of our own) read
//! from `/proc`, so that every load figure comes with what it cost the
//! server.
//!
//! CPU is `utime + stime` (fields 14 and 15 of `/proc/<pid>/stat`) at the end
//! of the measured window minus at its start, in percent of one core. Memory
//! is `VmRSS` of `/proc/<pid>/status`, sampled every 100 ms for the peak, and
//! `VmHWM` (the kernel's own peak over the process's life) at the end.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;

/// What to watch.
#[derive(Debug, Clone)]
pub enum Watch {
    /// A whole process: CPU and memory.
    Process(u32),
    /// Some threads of this process (an in-process floor server): CPU only.
    Threads(Vec<u32>),
}

/// What a process or group of threads cost over the window.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Usage {
    pub cpu_seconds: f64,
    /// Percent of one core: 200 % is both cores of a 2-core machine.
    pub cpu_percent: f64,
    /// Peak of `VmRSS` sampled every 100 ms during the window.
    pub rss_peak_mb: Option<f64>,
    /// `VmHWM` at the end of the window (peak over the process's life).
    pub hwm_mb: Option<f64>,
}

/// A sampler thread; [`Probe::stop`] ends the window.
pub struct Probe {
    stop: Sender<()>,
    handle: JoinHandle<Vec<Usage>>,
}

impl Probe {
    /// Start watching at `at` (the end of the warm-up), sampling until stopped.
    pub fn start(watches: Vec<Watch>, at: Instant) -> Probe {
        let (stop, stopped) = channel();
        let handle = std::thread::spawn(move || sample(&watches, at, &stopped));
        Probe { stop, handle }
    }

    /// End the window; one [`Usage`] per watch, in order.
    pub fn stop(self) -> Vec<Usage> {
        let _ = self.stop.send(());
        self.handle.join().unwrap_or_default()
    }
}

fn sample(watches: &[Watch], at: Instant, stop: &Receiver<()>) -> Vec<Usage> {
    let now = Instant::now();
    if at > now {
        std::thread::sleep(at - now);
    }
    let started = Instant::now();
    let first: Vec<f64> = watches.iter().map(cpu_seconds).collect();
    let mut peaks: Vec<Option<f64>> = watches.iter().map(rss_mb).collect();
    // Wakes every 100 ms to sample, at once when told to stop.
    while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(Duration::from_millis(100)) {
        for (peak, w) in peaks.iter_mut().zip(watches) {
            if let Some(now) = rss_mb(w) {
                *peak = Some(peak.map_or(now, |p| p.max(now)));
            }
        }
    }
    let wall = started.elapsed().as_secs_f64().max(1e-9);
    watches
        .iter()
        .zip(first)
        .zip(peaks)
        .map(|((w, before), rss_peak_mb)| {
            let cpu = (cpu_seconds(w) - before).max(0.0);
            Usage {
                cpu_seconds: cpu,
                cpu_percent: 100.0 * cpu / wall,
                rss_peak_mb,
                hwm_mb: match w {
                    Watch::Process(pid) => status_kb(*pid, "VmHWM:").map(kb_to_mb),
                    Watch::Threads(_) => None,
                },
            }
        })
        .collect()
}

/// CPU seconds used so far (0 if the process is gone).
pub fn cpu_seconds(w: &Watch) -> f64 {
    let ticks: u64 = match w {
        Watch::Process(pid) => stat_ticks(PathBuf::from(format!("/proc/{pid}/stat"))),
        Watch::Threads(tids) => tids
            .iter()
            .map(|t| stat_ticks(PathBuf::from(format!("/proc/self/task/{t}/stat"))))
            .sum(),
    };
    ticks as f64 / clock_ticks() as f64
}

/// Resident memory now, for a process.
pub fn rss_mb(w: &Watch) -> Option<f64> {
    match w {
        Watch::Process(pid) => status_kb(*pid, "VmRSS:").map(kb_to_mb),
        Watch::Threads(_) => None,
    }
}

/// `utime + stime` in clock ticks. The command name (field 2) may hold
/// spaces, so fields are counted after its closing parenthesis.
fn stat_ticks(path: PathBuf) -> u64 {
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0;
    };
    let Some(rest) = text.rsplit_once(')').map(|(_, r)| r) else {
        return 0;
    };
    // After ")": field 3 (state) is index 0, so utime (14) is index 11.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let get = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    get(11).unwrap_or(0) + get(12).unwrap_or(0)
}

/// A `kB` line of `/proc/<pid>/status`.
pub fn status_kb(pid: u32, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

fn kb_to_mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// `sysconf(_SC_CLK_TCK)` without libc: ask `getconf` once (100 on Linux).
fn clock_ticks() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|t| *t > 0)
            .unwrap_or(100)
    })
}

/// The kernel id of the calling thread (`/proc/thread-self` links to
/// `<pid>/task/<tid>`), to watch an in-process server's threads.
pub fn current_tid() -> Option<u32> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}
