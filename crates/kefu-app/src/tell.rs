//! Telling people: the one fan-out every workflow uses. A rule in kefu-core
//! decides what happened and who is to hear of it (an [`Audience`]); this
//! looks the people up and writes, in the caller's transaction, the in-app
//! notification, the signed webhook deliveries and the e-mails, then leaves
//! the wake-ups and the push to open pages for after the commit.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_core::org::{Audience, Role, Scope, Source};
use kefu_core::sla::firing::Reach;
use kefu_core::tickets::Ticket;
use kefu_store::org::departments;
use kefu_store::org::users::{self, UserFilter};
use kefu_store::{Conn, PageRequest, notifications};
use serde_json::Value;

use crate::live::{LiveEvent, Publish};
use crate::work::{After, Work};
use crate::{App, Result};

/// Something to tell.
pub(crate) struct Notice<'a> {
    /// The kind of notice (`sla_breach`, `assigned`, ...); webhooks
    /// subscribe by it.
    pub kind: &'a str,
    pub audience: Audience,
    /// The work order it is about. Webhooks and e-mails describe an order;
    /// a notice about something else reaches the bell alone.
    pub ticket: Option<&'a Ticket>,
    pub data: &'a Value,
    pub reach: Reach,
    /// The person whose act it was, if any: they are not told of it.
    pub except: Option<i64>,
}

/// Tell `n`'s audience, in `work`'s transaction; returns who was told.
pub(crate) async fn tell(
    app: &App,
    work: &mut Work,
    n: &Notice<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut people = resolve(work, &n.audience).await?;
    people.retain(|p| Some(*p) != n.except);
    let ticket_id = n.ticket.map(|t| t.id);
    if !people.is_empty() {
        notifications::insert(work, &people, ticket_id, n.kind, now, n.data).await?;
        for user_id in &people {
            let e = LiveEvent::Notice { user_id: *user_id };
            if let Publish::AfterCommit(e) = crate::live::publish(app, work, &e).await? {
                work.after(After::Live(e));
            }
        }
    }
    if let (Reach::Everywhere, Some(t)) = (n.reach, n.ticket) {
        crate::webhooks::enqueue(work, n.kind, t, n.data, now).await?;
        if app.config.smtp.is_some() {
            crate::mail::enqueue(work, &people, n.kind, t, n.data, now).await?;
        }
        work.after(After::WakeOutboxes);
    }
    Ok(people)
}

/// The people an audience names now, by the rule of [`Audience::resolve`]:
/// each source is read once, and only when the rule asks for it.
pub(crate) async fn resolve(conn: &mut Conn, audience: &Audience) -> Result<Vec<i64>> {
    let mut read: HashMap<Source, Vec<i64>> = HashMap::new();
    loop {
        match audience.resolve(|s| read.get(&s).cloned().ok_or(s)) {
            Ok(people) => return Ok(people),
            Err(unread) => {
                let people = people_of(conn, unread).await?;
                read.insert(unread, people);
            }
        }
    }
}

async fn people_of(conn: &mut Conn, source: Source) -> Result<Vec<i64>> {
    Ok(match source {
        Source::User(id) => vec![id],
        Source::Liaisons(d) => department(conn, d, |f| f.liaison_ids.clone()).await?,
        Source::DepartmentHead(d) => {
            department(conn, d, |f| f.head_id.into_iter().collect()).await?
        }
        Source::Vp(d) => department(conn, d, |f| f.vp_id.into_iter().collect()).await?,
        Source::DealerStaff(d) => with_role(conn, Role::DealerStaff, Some(d)).await?,
        Source::Role(role) => with_role(conn, role, None).await?,
    })
}

async fn department(
    conn: &mut Conn,
    id: i64,
    pick: impl Fn(&kefu_core::org::DepartmentFields) -> Vec<i64>,
) -> Result<Vec<i64>> {
    Ok(departments::get(conn, id)
        .await?
        .map(|d| pick(&d.fields))
        .unwrap_or_default())
}

async fn with_role(conn: &mut Conn, role: Role, dealer_id: Option<i64>) -> Result<Vec<i64>> {
    let filter = UserFilter {
        role: Some(role),
        dealer_id,
        active: Some(true),
        ..UserFilter::default()
    };
    let page = users::list(
        conn,
        Scope::Group,
        &filter,
        PageRequest::first(PageRequest::MAX_LIMIT),
    )
    .await?;
    Ok(page.items.iter().map(|u| u.id).collect())
}
