//! Where write transactions run.
//!
//! On SQLite every statement is a round trip between the task that sends it
//! and the connection's own thread, and the one writer is held from the
//! first statement of a transaction to its commit. A transaction run on the
//! request runtime waits, between its statements, behind the HTTP requests
//! queued on the same two workers: measured, a batch of new orders left the
//! writer idle 60 % of the time it held it, and under an agent's day of
//! reads a triage move held it 3.7 ms for a dozen statements, so that new
//! orders queued 33 ms behind the moves. The writes of an agent's day (new
//! orders, moves of orders) therefore run on a thread of their own, with a
//! runtime of its own, which wakes as soon as SQLite answers. The thread
//! starts with the first write and ends when the application is dropped.
//!
//! On PostgreSQL the statements cross the network and the server has no
//! single writer; the work runs on a task of its own.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use kefu_store::StoreError;
use tokio::sync::{mpsc, oneshot};

use crate::{App, AppError, Result};

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The writing thread, once started.
#[derive(Default)]
pub struct Writing {
    thread: OnceLock<mpsc::UnboundedSender<Job>>,
}

fn start() -> std::io::Result<mpsc::UnboundedSender<Job>> {
    let (jobs, mut rx) = mpsc::unbounded_channel::<Job>();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    std::thread::Builder::new()
        .name("kefu-writer".to_owned())
        .spawn(move || {
            rt.block_on(async move {
                while let Some(job) = rx.recv().await {
                    // Each on a task of its own: they queue for the writer
                    // there, and a panic ends that job (its caller gets an
                    // error), not the thread.
                    tokio::spawn(job);
                }
            });
        })?;
    Ok(jobs)
}

fn failed(e: &dyn std::fmt::Display) -> AppError {
    AppError::Internal(StoreError::Corrupt(format!("writing: {e}")))
}

impl App {
    /// Run `work`, a use case that takes the writer, where it waits least
    /// between its statements (see the module's notes), and give its
    /// result. It runs to the end even if the caller goes away.
    pub(crate) async fn writing<T, W>(&self, work: W) -> Result<T>
    where
        T: Send + 'static,
        W: Future<Output = Result<T>> + Send + 'static,
    {
        if !self.store.dialect().one_writer() {
            return tokio::spawn(work).await.map_err(|e| failed(&e))?;
        }
        let thread = match self.writing.thread.get() {
            Some(t) => t,
            None => {
                let started = start().map_err(|e| failed(&e))?;
                self.writing.thread.get_or_init(|| started)
            }
        };
        let (answer, answered) = oneshot::channel();
        thread
            .send(Box::pin(async move {
                let _ = answer.send(work.await);
            }))
            .map_err(|_| failed(&"the writing thread has stopped"))?;
        answered
            .await
            .map_err(|_| failed(&"the work ended without an answer"))?
    }
}
