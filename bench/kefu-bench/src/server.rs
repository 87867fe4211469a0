//! Starting and stopping a release `kefu serve` on a prepared data folder or
//! PostgreSQL database, the way an operator would: its own process, its log
//! in a file, SIGTERM to stop.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The admin password the bench gives every `kefu` it starts.
pub const ADMIN_PASSWORD: &str = "kefu-bench-admin-1";

/// How to run one `kefu` command.
#[derive(Debug, Clone)]
pub struct Launch {
    pub kefu: PathBuf,
    pub data: PathBuf,
    pub database_url: Option<String>,
    /// Where stdout and stderr go.
    pub log: PathBuf,
}

impl Launch {
    /// `kefu <args> --data DIR [--database-url URL]`, environment pinned so
    /// that nothing from the caller's shell leaks in.
    pub fn command(&self, args: &[&str]) -> anyhow::Result<Command> {
        let log = std::fs::File::create(&self.log)
            .with_context(|| format!("creating {}", self.log.display()))?;
        let err = log.try_clone()?;
        let mut cmd = Command::new(&self.kefu);
        cmd.args(args)
            .arg("--data")
            .arg(&self.data)
            .env_remove("KEFU_DATA")
            .env_remove("KEFU_DATABASE_URL")
            .env_remove("KEFU_LISTEN")
            .env("KEFU_LOG", "warn")
            .env("KEFU_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err);
        if let Some(url) = &self.database_url {
            cmd.arg("--database-url").arg(url);
        }
        Ok(cmd)
    }

    /// `kefu serve` on `listen` (extra flags after it), not waited for.
    pub fn spawn_serve(&self, listen: &str, extra: &[&str]) -> anyhow::Result<Child> {
        let mut args = vec!["serve", "--listen", listen];
        args.extend_from_slice(extra);
        self.command(&args)?
            .spawn()
            .with_context(|| format!("starting {}", self.kefu.display()))
    }

    /// Run a `kefu` command to its end; its log on failure.
    pub async fn run(&self, args: &[&str]) -> anyhow::Result<()> {
        let mut cmd = self.command(args)?;
        let what = format!("kefu {}", args.join(" "));
        let status = tokio::task::spawn_blocking(move || cmd.status())
            .await?
            .with_context(|| format!("running {what}"))?;
        if !status.success() {
            bail!("{what} failed ({status}):\n{}", tail(&self.log));
        }
        Ok(())
    }
}

/// A running `kefu serve`.
pub struct Server {
    child: Option<Child>,
    pub base: String,
    pub pid: u32,
    log: PathBuf,
}

impl Server {
    /// Start on a free port and wait for its "listening on" line.
    pub async fn start(launch: &Launch, extra: &[&str]) -> anyhow::Result<Server> {
        let child = launch.spawn_serve("127.0.0.1:0", extra)?;
        let pid = child.id();
        let mut server = Server {
            child: Some(child),
            base: String::new(),
            pid,
            log: launch.log.clone(),
        };
        let deadline = Instant::now() + Duration::from_secs(900);
        loop {
            let text = std::fs::read_to_string(&server.log).unwrap_or_default();
            if let Some(base) = listening_on(&text) {
                server.base = base;
                return Ok(server);
            }
            if let Some(c) = server.child.as_mut()
                && let Some(status) = c.try_wait()?
            {
                server.child = None;
                bail!(
                    "kefu serve exited ({status}) before listening:\n{}",
                    tail(&server.log)
                );
            }
            if Instant::now() > deadline {
                bail!(
                    "kefu serve did not listen within 900 s:\n{}",
                    tail(&server.log)
                );
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// SIGTERM, then wait for a clean exit.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let Some(child) = self.child.take() else {
            return Ok(());
        };
        let status = tokio::task::spawn_blocking(move || {
            let mut child = child;
            terminate(&mut child, Duration::from_secs(60))
        })
        .await??;
        if !status.success() {
            bail!("kefu serve exited with {status}:\n{}", tail(&self.log));
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = terminate(&mut child, Duration::from_secs(10));
        }
    }
}

/// SIGTERM `child` and wait up to `grace`, then SIGKILL.
pub fn terminate(child: &mut Child, grace: Duration) -> anyhow::Result<ExitStatus> {
    if let Some(status) = child.try_wait()? {
        return Ok(status);
    }
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill()?;
    Ok(child.wait()?)
}

/// `http://127.0.0.1:PORT` from a line containing "listening on http://...".
pub fn listening_on(log: &str) -> Option<String> {
    let line = log.lines().find(|l| l.contains("listening on http://"))?;
    let at = line.find("http://")?;
    let url: String = line[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    Some(url)
}

/// A port that was free a moment ago, for `start`, which must know the
/// address before the server prints it.
pub fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(l.local_addr()?.port())
}

/// The last lines of a log, for error messages.
pub fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}
