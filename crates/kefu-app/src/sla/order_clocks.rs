//! A work order's clocks as a kind of timer: when one comes up, the rule in
//! kefu-core ([`kefu_core::sla::firing`]) says what it means — a warning, a
//! callback due, a breach or an escalation, and who hears of it — and this
//! writes it: the event on the order's timeline, the breach for the overtime
//! analysis, and the notice through [`crate::tell`].

use chrono::{DateTime, Utc};
use kefu_core::org::Scope;
use kefu_core::sla::{Clock, SUBJECT, firing};
use kefu_core::timers::{Step, Timer};
use kefu_store::sla::breaches;
use kefu_store::{Change, StoreError, tickets};

use crate::tell::{Notice, tell};
use crate::timers::{Firing, TimerKind};
use crate::work::Work;
use crate::{App, Result};

/// The clocks of work orders (timers of subject `ticket`).
pub struct OrderClocks;

impl TimerKind for OrderClocks {
    fn subject(&self) -> &'static str {
        SUBJECT
    }

    fn fire<'a>(
        &'a self,
        app: &'a App,
        work: &'a mut Work,
        timer: &'a mut Timer,
        step: Step,
        now: DateTime<Utc>,
    ) -> Firing<'a> {
        Box::pin(fire(app, work, timer, step, now))
    }
}

async fn fire(
    app: &App,
    work: &mut Work,
    timer: &mut Timer,
    step: Step,
    now: DateTime<Utc>,
) -> Result<()> {
    let c = Clock::from_timer(timer).map_err(StoreError::Corrupt)?;
    let Some(t) = tickets::get(work, Scope::Group, c.ticket_id).await? else {
        // The order is gone: the clock has nothing left to count.
        timer.stopped_at = Some(now);
        return Ok(());
    };
    let Some(f) = firing::fire(&c, &t, step, now) else {
        return Ok(());
    };
    if f.breached {
        timer.breached = true;
        let mut c = c;
        c.breached = true;
        c.fired_at = timer.fired_at;
        breaches::record(work, &c, &t, now).await?;
    }
    tickets::insert_event(work, t.id, f.event, now, None, f.data.clone()).await?;
    work.changed("ticket", t.id, Change::Updated, now).await?;
    let notice = Notice {
        kind: f.event,
        audience: f.audience,
        ticket: Some(&t),
        data: &f.data,
        reach: f.reach,
        except: None,
    };
    tell(app, work, &notice, now).await?;
    Ok(())
}
