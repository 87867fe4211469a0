//! Webhooks: other systems (a dealer system, a WeCom group robot) are told
//! of clock warnings, breaches and escalations. Deliveries are written to an
//! outbox in the transaction that fires the clock, then sent, signed, and
//! retried by the deliverer.

mod deliverer;
mod destination;
mod sign;

pub use deliverer::{client, deliver_due, install_tls_provider};
pub use destination::Allowed;
pub use sign::{hmac_sha256, signature};

use chrono::{DateTime, Utc};
use kefu_core::FieldError;
use kefu_core::org::Permission;
use kefu_core::text;
use kefu_core::tickets::Ticket;
use kefu_store::webhooks::{self, Delivery, NewWebhook, Webhook};
use kefu_store::{Conn, Page, PageRequest};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::work::Work;
use crate::{Actor, App, AppError, Result};

/// The events a webhook can be told of.
pub const KINDS: [&str; 3] = ["sla_warning", "sla_breach", "escalation"];

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    pub name: String,
    /// `http://` or `https://`.
    pub url: String,
    /// The key bodies are signed with (HMAC-SHA256); at least 16 characters.
    /// Generated when omitted, and shown only in the answer to the create.
    #[serde(default)]
    pub secret: Option<String>,
    /// `kefu` (default) or `wecom` (a WeCom group-robot markdown message).
    #[serde(default)]
    pub format: Option<String>,
    /// Any of sla_warning, sla_breach, escalation; empty: all.
    #[serde(default)]
    pub kinds: Vec<String>,
}

/// The answer to a create: the webhook and, this once, its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    pub secret: String,
}

fn validate(input: &WebhookInput) -> Result<(String, String, String, Vec<String>), FieldError> {
    let name = text::text("name", &input.name, 100)?;
    let url = text::text("url", &input.url, 500)?;
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.contains(char::is_whitespace)
    {
        return Err(FieldError::new(
            "url",
            "invalid_url",
            "url is an http:// or https:// address",
        ));
    }
    let format = input.format.as_deref().unwrap_or("kefu").to_owned();
    if format != "kefu" && format != "wecom" {
        return Err(FieldError::new(
            "format",
            "invalid_format",
            "format is kefu or wecom",
        ));
    }
    for (i, k) in input.kinds.iter().enumerate() {
        if !KINDS.contains(&k.as_str()) {
            return Err(FieldError::new(
                format!("kinds[{i}]"),
                "invalid_kind",
                "kinds are sla_warning, sla_breach, escalation",
            ));
        }
    }
    Ok((name, url, format, input.kinds.clone()))
}

pub async fn create(app: &App, who: &Actor, input: WebhookInput) -> Result<CreatedWebhook> {
    who.require(Permission::ManageSla)?;
    let (name, url, format, kinds) = validate(&input)?;
    destination::check(&url, &app.webhook_destinations()).await?;
    let secret = match input.secret {
        Some(s) if s.chars().count() < 16 || s.len() > 200 => {
            return Err(AppError::invalid(
                "secret",
                "invalid_secret",
                "a secret has 16 to 200 characters",
            ));
        }
        Some(s) => s,
        None => crate::auth::new_secret()?,
    };
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let new = NewWebhook {
        name: &name,
        url: &url,
        secret: &secret,
        format: &format,
        kinds: &kinds,
    };
    let webhook = webhooks::insert(&mut tx, &new, now).await?;
    tx.created(who, now, "webhook", webhook.id, &webhook)
        .await?;
    tx.commit(app).await?;
    Ok(CreatedWebhook { webhook, secret })
}

/// Turn a webhook on or off.
pub async fn set_active(app: &App, who: &Actor, id: i64, active: bool) -> Result<Webhook> {
    who.require(Permission::ManageSla)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = webhooks::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    webhooks::set_active(&mut tx, id, active, now).await?;
    let after = Webhook {
        active,
        updated_at: now,
        ..before.clone()
    };
    tx.updated(who, now, "webhook", id, &before, &after).await?;
    tx.commit(app).await?;
    Ok(after)
}

pub async fn list(app: &App, who: &Actor, page: PageRequest) -> Result<Page<Webhook>> {
    who.require(Permission::ManageSla)?;
    let mut conn = app.store.read().await?;
    Ok(webhooks::list(&mut conn, page).await?)
}

pub async fn deliveries(
    app: &App,
    who: &Actor,
    id: i64,
    page: PageRequest,
) -> Result<Page<Delivery>> {
    who.require(Permission::ManageSla)?;
    let mut conn = app.store.read().await?;
    webhooks::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(webhooks::deliveries(&mut conn, id, page).await?)
}

/// Write a delivery for every active webhook that wants this event; called
/// inside the transaction that fires the clock.
pub(crate) async fn enqueue(
    tx: &mut Conn,
    kind: &str,
    t: &Ticket,
    data: &Value,
    now: DateTime<Utc>,
) -> Result<()> {
    for w in webhooks::active(tx).await? {
        if !w.kinds.is_empty() && !w.kinds.iter().any(|k| k == kind) {
            continue;
        }
        let body = match w.format.as_str() {
            "wecom" => wecom_body(kind, t, data),
            _ => json!({ "event": kind, "at": now, "ticket": { "id": t.id, "number": t.number,
                "status": t.status.as_str(), "level": t.level.as_str(), "subject": t.subject }, "data": data }),
        };
        webhooks::enqueue(tx, w.id, kind, Some(t.id), &body.to_string(), now).await?;
    }
    Ok(())
}

/// A WeCom group-robot message (`msgtype: markdown`), in Chinese.
fn wecom_body(kind: &str, t: &Ticket, data: &Value) -> Value {
    let what = match kind {
        "sla_warning" => "即将超时",
        "sla_breach" => "已超时",
        _ => "已升级",
    };
    let to = data["to"]
        .as_str()
        .map(|to| format!("\n> 升级至：{to}"))
        .unwrap_or_default();
    let content = format!(
        "**工单{what}** {}\n> 主题：{}\n> 级别：{}\n> 时效截止：{}{to}",
        t.number,
        t.subject,
        t.level.as_str(),
        data["due_at"].as_str().unwrap_or_default()
    );
    json!({ "msgtype": "markdown", "markdown": { "content": content } })
}
