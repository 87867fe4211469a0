//! E-mail about late work: written to an outbox in the transaction that
//! fires the clock, sent through SMTP by the mailer, retried on failure.

use std::time::Duration;

use chrono::{DateTime, Utc};
use kefu_core::org::Scope;
use kefu_core::tickets::Ticket;
use kefu_store::Conn;
use kefu_store::mail::{self as outbox, PendingEmail};
use kefu_store::org::users;
use kefu_store::outbox::Outbox;
use lettre::message::{Mailbox, Message, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde_json::Value;

use crate::journal::commit;
use crate::outbox::{BATCH, LEASE};
use crate::{App, Result, SmtpConfig};

/// Write an e-mail for each of `people` who has an address.
pub(crate) async fn enqueue(
    tx: &mut Conn,
    people: &[i64],
    kind: &str,
    t: &Ticket,
    data: &Value,
    now: DateTime<Utc>,
) -> Result<()> {
    let what = match kind {
        "sla_warning" => "即将超时",
        "sla_breach" => "已超时",
        "escalation" => "已升级给您",
        _ => "有新动态",
    };
    let subject = format!("【客服】工单 {} {what}", t.number);
    let due = data["due_at"].as_str().unwrap_or_default();
    let body = format!(
        "工单：{}\n主题：{}\n级别：{}\n状态：{}\n时效截止：{due}\n\n请尽快处理。\n",
        t.number,
        t.subject,
        t.level.as_str(),
        t.status.as_str()
    );
    for id in people {
        if let Some(to) = users::get(tx, Scope::Group, *id)
            .await?
            .and_then(|u| u.fields.email)
        {
            outbox::enqueue(tx, *id, &to, &subject, &body, now).await?;
        }
    }
    Ok(())
}

type Transport = AsyncSmtpTransport<Tokio1Executor>;

fn transport(smtp: &SmtpConfig) -> std::result::Result<(Transport, Mailbox), String> {
    crate::webhooks::install_tls_provider();
    let from = smtp
        .from
        .parse::<Mailbox>()
        .map_err(|e| format!("smtp from {:?}: {e}", smtp.from))?;
    let t = Transport::from_url(&smtp.url)
        .map_err(|e| format!("smtp url: {e}"))?
        .timeout(Some(Duration::from_secs(15)))
        .build();
    Ok((t, from))
}

/// Send every e-mail due at `now`; returns how many were attempted.
pub async fn send_due(app: &App, now: DateTime<Utc>) -> Result<usize> {
    let Some(smtp) = &app.config.smtp else {
        return Ok(0);
    };
    let (transport, from) = match transport(smtp) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "e-mail is configured wrongly; nothing sent");
            return Ok(0);
        }
    };
    let mut total = 0;
    loop {
        let mut tx = app.store.begin().await?;
        let due = outbox::claim(&mut tx, now, now + LEASE, BATCH).await?;
        commit(tx).await?;
        let n = due.len();
        for e in due {
            let outcome = send(&transport, &from, &e).await;
            crate::outbox::record(app, Outbox::Emails, e.id, e.attempts, &outcome).await?;
        }
        total += n;
        if (n as i64) < BATCH {
            return Ok(total);
        }
    }
}

async fn send(
    transport: &Transport,
    from: &Mailbox,
    e: &PendingEmail,
) -> std::result::Result<(), String> {
    let to =
        e.to.parse::<Mailbox>()
            .map_err(|err| format!("address {:?}: {err}", e.to))?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(e.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(e.body.clone())
        .map_err(|err| err.to_string())?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|err| err.to_string())
}
