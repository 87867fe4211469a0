//! Sending the outbox: each due delivery is leased, sent outside any
//! transaction, and recorded; failures are retried with growing pauses.

use std::time::Duration;

use chrono::{DateTime, Utc};
use kefu_store::outbox::Outbox;
use kefu_store::webhooks::{self, Pending};

use super::destination::{Allowed, OutsideOnly, refuse_literal};
use super::signature;
use crate::journal::commit;
use crate::outbox::{BATCH, LEASE};
use crate::{App, Result};

const TIMEOUT: Duration = Duration::from_secs(10);

/// Make ring the process's TLS provider (reqwest is built without one);
/// needed once before any HTTP client is built, harmless after.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// An HTTP client for deliveries (HTTPS with the system's roots). It
/// resolves names only to addresses outside the network, unless allowed, and
/// follows no redirect: a receiver that answers 3xx has not received.
pub fn client(app: &App) -> Option<reqwest::Client> {
    install_tls_provider();
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(OutsideOnly(app.webhook_destinations()))
        .user_agent(concat!("kefu/", env!("CARGO_PKG_VERSION")))
        .build()
        .ok()
}

/// Send every delivery due at `now`; returns how many were attempted.
pub async fn deliver_due(app: &App, client: &reqwest::Client, now: DateTime<Utc>) -> Result<usize> {
    let mut total = 0;
    loop {
        let mut tx = app.store.begin().await?;
        let due = webhooks::claim(&mut tx, now, now + LEASE, BATCH).await?;
        commit(tx).await?;
        let n = due.len();
        let allowed = app.webhook_destinations();
        for d in due {
            let outcome = send(client, &allowed, &d).await;
            crate::outbox::record(app, Outbox::Deliveries, d.id, d.attempts, &outcome).await?;
        }
        total += n;
        if (n as i64) < BATCH {
            return Ok(total);
        }
    }
}

async fn send(
    client: &reqwest::Client,
    allowed: &Allowed,
    d: &Pending,
) -> std::result::Result<(), String> {
    // An address written in the URL is not resolved, so not seen by the
    // client's resolver: judged here.
    if let Some(refused) = refuse_literal(&d.url, allowed) {
        return Err(refused);
    }
    let res = client
        .post(&d.url)
        .header("content-type", "application/json")
        .header("x-kefu-event", &d.kind)
        .header("x-kefu-delivery", d.id.to_string())
        .header("x-kefu-signature", signature(&d.secret, d.body.as_bytes()))
        .body(d.body.clone())
        .send()
        .await
        .map_err(|e| with_causes(&e))?;
    if res.status().is_success() {
        Ok(())
    } else {
        Err(format!("the receiver answered {}", res.status()))
    }
}

/// An error and what caused it, e.g. that a name resolved only inside.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text
}
