//! The background work of one `kefu serve`: firing clocks, sending webhook
//! deliveries, sending e-mail. Each is a loop that does what is due, then
//! sleeps until the next thing is due (its own index answers), until a use
//! case wakes it, or until it is stopped; it never polls the data.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kefu_store::outbox::Outbox;
use tokio::sync::Notify;

use crate::timers::Ran;
use crate::{App, Result};

/// When something is next due, if anything is.
type Next = Option<DateTime<Utc>>;

/// The longest sleep: work added by another instance is seen within it.
const MAX_SLEEP: Duration = Duration::from_secs(30);

enum Job {
    Clocks,
    Webhooks(reqwest::Client),
    Mail,
}

impl Job {
    fn name(&self) -> &'static str {
        match self {
            Job::Clocks => "clocks",
            Job::Webhooks(_) => "webhooks",
            Job::Mail => "mail",
        }
    }

    /// Do what is due. `Some(next)` when the run found nothing due and
    /// read, to know that, when something next is (the clocks): the loop
    /// need not read it again.
    async fn run(&self, app: &App) -> Result<Option<Next>> {
        match self {
            Job::Clocks => Ok(
                match crate::timers::run_due_or_next(app, app.now()).await? {
                    Ran::Fired(_) => None,
                    Ran::NothingDue { next } => Some(next),
                },
            ),
            Job::Webhooks(client) => crate::webhooks::deliver_due(app, client, app.now())
                .await
                .map(|_| None),
            Job::Mail => crate::mail::send_due(app, app.now()).await.map(|_| None),
        }
    }

    async fn next_due(&self, app: &App) -> Result<Next> {
        match self {
            Job::Clocks => {
                let mut conn = app.store.read().await?;
                Ok(kefu_store::timers::next_due(&mut conn).await?)
            }
            Job::Webhooks(_) => crate::outbox::next_due(app, Outbox::Deliveries).await,
            Job::Mail => crate::outbox::next_due(app, Outbox::Emails).await,
        }
    }

    fn wake(&self, app: &App) -> Arc<Notify> {
        match self {
            Job::Clocks => app.clock_wake.clone(),
            Job::Webhooks(_) => app.delivery_wake.clone(),
            Job::Mail => app.mail_wake.clone(),
        }
    }

    /// The shortest sleep: something still due after a run is held by
    /// another instance (or cannot be done now); look again soon, without
    /// spinning. Clocks look soonest: they must fire within a second.
    fn min_sleep(&self) -> Duration {
        match self {
            Job::Clocks => Duration::from_millis(20),
            _ => Duration::from_millis(50),
        }
    }
}

struct Worker {
    stop: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

fn spawn(app: App, job: Job) -> Worker {
    let stop = Arc::new(Notify::new());
    let stopping = stop.clone();
    let task = tokio::spawn(async move {
        let wake = job.wake(&app);
        loop {
            let known = match job.run(&app).await {
                Ok(known) => known,
                Err(e) => {
                    tracing::error!(job = job.name(), error = %e, "background work failed");
                    None
                }
            };
            let next = match known {
                Some(next) => Ok(next),
                None => job.next_due(&app).await,
            };
            let pause = match next {
                Ok(Some(at)) => (at - app.now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .clamp(job.min_sleep(), MAX_SLEEP),
                Ok(None) => MAX_SLEEP,
                Err(e) => {
                    tracing::error!(job = job.name(), error = %e, "reading what is due next");
                    Duration::from_secs(1)
                }
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = wake.notified() => {}
                () = stopping.notified() => return,
            }
        }
    });
    Worker { stop, task }
}

/// All the background work of one `kefu serve`.
pub struct Workers(Vec<Worker>);

/// Start the work: clocks always (those missed while kefu was down fire at
/// once), webhooks when an HTTP client can be built, e-mail when SMTP is
/// configured.
pub fn start(app: &App) -> Workers {
    let mut jobs = vec![Job::Clocks];
    match crate::webhooks::client(app) {
        Some(c) => jobs.push(Job::Webhooks(c)),
        None => tracing::warn!("no HTTP client could be built: webhooks will not be sent"),
    }
    if app.config.smtp.is_some() {
        jobs.push(Job::Mail);
    }
    Workers(jobs.into_iter().map(|j| spawn(app.clone(), j)).collect())
}

impl Workers {
    /// Stop every loop after the step it is in.
    pub async fn stop(self) {
        for w in self.0 {
            w.stop.notify_one();
            let _ = w.task.await;
        }
    }
}
