//! Work orders with a past: each order lives through the moves the state
//! machine allows (answered on the call, dispatched to its store or escalated
//! to a department, responded to, waited on, resolved, called back), its
//! clocks started, paused, stopped or fired by the same rules as the live
//! system, and a breach recorded for every clock that ran out. Steps that
//! would fall after now are not taken, so recent orders are still open.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use kefu_core::calendar::Calendar;
use kefu_core::customers::Tier;
use kefu_core::sla::{Clock, ClockKind, ClockPlace, OrderFacts, Policy, choose, plan_clocks};
use kefu_core::tickets::number::Numbering;
use kefu_core::tickets::{
    CallbackOutcome, Category, Channel, Level, Move, Priority, Ticket, TicketEvent, TicketState,
};
use kefu_store::sla::breaches::NewBreach;
use serde_json::json;

use super::org::Org;
use super::vocabulary::{self, Rng};

/// A customer as orders need them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Owner {
    pub id: i64,
    pub vehicle_id: Option<i64>,
    pub store: u32,
    pub tier: Option<Tier>,
}

/// Everything an order's story is told against.
pub(super) struct World<'a> {
    pub seed: u64,
    pub now: DateTime<Utc>,
    pub org: &'a Org,
    pub owners: &'a [Owner],
    pub policies: &'a [Policy],
    pub calendars: &'a HashMap<i64, Calendar>,
    pub default_calendar: i64,
    /// Orders `0..closed` were received over the past `span`, before the
    /// open ones; the rest in the last two days.
    pub closed: u64,
    pub open: u64,
    pub span: TimeDelta,
}

/// How long the open orders have been coming in.
const OPEN_WINDOW: TimeDelta = TimeDelta::hours(48);

/// Orders, events, clocks and breaches; ids are local to the batch (an
/// order's `id` is its index, a clock's its index) until stored.
#[derive(Default)]
pub(super) struct Batch {
    pub tickets: Vec<Ticket>,
    pub events: Vec<TicketEvent>,
    pub clocks: Vec<Clock>,
    pub breaches: Vec<NewBreach>,
}

/// The order numbers given out per day, and how they are written.
pub(super) struct Numbers {
    pub numbering: Numbering,
    pub last: HashMap<String, i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Answered,
    Dealer,
    Department,
}

/// Where an order's story ends, short of now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stop {
    New,
    Placed,
    Assigned,
    Responded,
    Waiting,
    Resolved,
    Reopened,
    Closed,
}

impl World<'_> {
    /// When order `j` came in: evenly over its window, a little jitter.
    fn received(&self, j: u64, rng: &mut Rng) -> DateTime<Utc> {
        let (from, width, k, n) = if j < self.closed {
            (
                self.now - OPEN_WINDOW - self.span,
                self.span,
                j,
                self.closed,
            )
        } else {
            (
                self.now - OPEN_WINDOW,
                OPEN_WINDOW - TimeDelta::minutes(30),
                j - self.closed,
                self.open,
            )
        };
        let slot = width.num_seconds() / n.max(1) as i64;
        from + TimeDelta::seconds(width.num_seconds() * k as i64 / n.max(1) as i64)
            + TimeDelta::seconds(rng.below(slot.max(1) as u64) as i64)
    }

    /// Add orders `range` to `batch`, numbering them on from `numbers`.
    pub fn tell(&self, range: std::ops::Range<u64>, numbers: &mut Numbers) -> Batch {
        let mut batch = Batch::default();
        for j in range {
            Story::tell(self, j, numbers, &mut batch);
        }
        batch
    }
}

struct Story<'w, 'b> {
    w: &'w World<'w>,
    rng: Rng,
    t: Ticket,
    state: TicketState,
    batch: &'b mut Batch,
    /// The first of this order's clocks in the batch.
    clocks_from: usize,
    breaches_from: usize,
    calendar: &'w Calendar,
    agent: i64,
    /// The service advisor of the customer's store, who answers at L2.
    advisor: Option<i64>,
}

fn minutes(rng: &mut Rng, lo: u64, hi: u64) -> TimeDelta {
    TimeDelta::minutes((lo + rng.below(hi.saturating_sub(lo).max(1))) as i64)
}

impl<'w, 'b> Story<'w, 'b> {
    fn tell(w: &'w World<'w>, j: u64, numbers: &mut Numbers, batch: &'b mut Batch) {
        let mut rng = Rng::for_item(w.seed ^ 0x6f72_6465_7273, j);
        let owner = w.owners[(rng.next() % w.owners.len() as u64) as usize];
        let received = w.received(j, &mut rng);
        let created = received + minutes(&mut rng, 1, 10);
        let (category, subjects) = vocabulary::SUBJECTS[weighted(&mut rng, &[30, 30, 8, 7, 20, 5])];
        let category = Category::parse(category).unwrap_or(Category::Other);
        let channel = [
            Channel::Phone,
            Channel::Phone,
            Channel::Phone,
            Channel::Wechat,
            Channel::App,
            Channel::Web,
            Channel::Email,
            Channel::WalkIn,
        ][rng.below(8) as usize];
        let priority = [
            Priority::Low,
            Priority::Normal,
            Priority::Normal,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ][rng.below(6) as usize];
        let day = numbers.numbering.day(created);
        let seq = numbers.last.entry(day.clone()).or_insert(0);
        *seq += 1;
        let number = numbers.numbering.number(&day, *seq);
        let agent = w.org.agents[rng.below(w.org.agents.len() as u64) as usize];
        let state = TicketState::new();
        let t = Ticket {
            id: batch.tickets.len() as i64,
            number,
            customer_id: owner.id,
            vehicle_id: owner.vehicle_id,
            dealer_id: w.org.stores.get(owner.store as usize).map(|s| s.id),
            department_id: None,
            assignee_id: None,
            channel,
            category,
            priority,
            subject: vocabulary::pick(&mut rng, subjects).to_owned(),
            description: Some("客户来电反映，详情见通话记录。".to_owned()),
            status: state.status,
            level: state.level,
            received_at: received,
            created_by: Some(agent),
            resolution: None,
            close_reason: None,
            satisfaction: None,
            callback_attempts: 0,
            policy_id: None,
            created_at: created,
            updated_at: created,
            resolved_at: None,
            closed_at: None,
            before_wait: None,
        };
        let clocks_from = batch.clocks.len();
        let breaches_from = batch.breaches.len();
        let default_calendar = &w.calendars[&w.default_calendar];
        let mut s = Story {
            w,
            t,
            state,
            batch,
            clocks_from,
            breaches_from,
            calendar: default_calendar,
            agent,
            advisor: w.org.stores.get(owner.store as usize).map(|s| s.staff_id),
            rng,
        };
        let route = [Route::Answered, Route::Dealer, Route::Department]
            [weighted(&mut s.rng, &[35, 45, 20])];
        let stop = if j < w.closed {
            Stop::Closed
        } else {
            [
                Stop::New,
                Stop::Placed,
                Stop::Assigned,
                Stop::Responded,
                Stop::Waiting,
                Stop::Resolved,
                Stop::Reopened,
            ][weighted(&mut s.rng, &[8, 30, 8, 22, 8, 16, 8])]
        };
        s.event(created, "created", Some(agent), json!({
            "channel": channel.as_str(), "category": category.as_str(), "priority": priority.as_str(),
        }));
        s.place(created, owner.tier);
        s.live(route, stop, created, owner.tier);
        s.settle(w.now);
        let t = s.t;
        s.batch.tickets.push(t);
    }

    /// The order's life from `at` on, up to `stop` or now.
    fn live(&mut self, route: Route, stop: Stop, mut at: DateTime<Utc>, tier: Option<Tier>) {
        if stop == Stop::New {
            return;
        }
        let now = self.w.now;
        macro_rules! step {
            ($lo:expr, $hi:expr) => {{
                let (lo, hi) = ($lo, $hi);
                at += minutes(&mut self.rng, lo, hi);
                if at > now {
                    return;
                }
                self.settle(at);
            }};
        }
        match route {
            Route::Answered => {
                step!(2, 20);
                self.apply(
                    at,
                    Move::Answer,
                    Some(self.agent),
                    json!({ "note": "电话中已解答" }),
                );
                self.t.resolution = Some("电话中已解答".into());
                self.t.resolved_at = Some(at);
            }
            Route::Dealer | Route::Department => {
                step!(2, 60);
                if route == Route::Dealer {
                    let d = self.t.dealer_id;
                    self.apply(
                        at,
                        Move::Dispatch,
                        Some(self.agent),
                        json!({ "dealer_id": d, "note": null }),
                    );
                } else {
                    let depts = &self.w.org.departments;
                    let dept = &depts[self.rng.below(depts.len() as u64) as usize];
                    self.t.department_id = Some(dept.id);
                    self.apply(
                        at,
                        Move::Escalate,
                        Some(self.agent),
                        json!({ "department_id": dept.id, "note": null }),
                    );
                }
                self.restart_clocks(at, tier);
                if stop == Stop::Placed {
                    return;
                }
                let responder = if route == Route::Department {
                    step!(5, 240);
                    let dept = self
                        .t
                        .department_id
                        .and_then(|d| self.w.org.departments.iter().find(|x| x.id == d));
                    if let Some(dept) = dept {
                        // The liaison hands most work to an engineer.
                        let to = match self.rng.below(4) as usize {
                            n @ (0 | 1) => dept.engineer_ids.get(n).copied(),
                            2 => Some(dept.head_id),
                            _ => None,
                        }
                        .unwrap_or(dept.liaison_id);
                        self.t.assignee_id = Some(to);
                        self.apply(
                            at,
                            Move::Assign,
                            Some(dept.liaison_id),
                            json!({ "user_id": to, "note": null }),
                        );
                    }
                    if stop == Stop::Assigned {
                        return;
                    }
                    self.t.assignee_id
                } else {
                    self.advisor
                };
                // Mostly in time, sometimes well past the response target.
                step!(5, if self.rng.below(5) == 0 { 900 } else { 200 });
                self.apply(
                    at,
                    Move::Respond,
                    responder,
                    json!({ "note": "已联系客户" }),
                );
                self.stop_clocks(at, |c| c.kind == ClockKind::Response);
                self.settle_breaches(at, &["response"]);
                if stop == Stop::Responded {
                    return;
                }
                if stop == Stop::Waiting || self.rng.below(10) == 0 {
                    step!(30, 1_440);
                    self.apply(
                        at,
                        Move::Wait,
                        responder,
                        json!({ "reason": "等待客户到店" }),
                    );
                    self.pause_clocks(at, true);
                    if stop == Stop::Waiting {
                        return;
                    }
                    step!(60, 4_320);
                    self.apply(at, Move::Resume, responder, json!({ "note": null }));
                    self.pause_clocks(at, false);
                }
                step!(
                    120,
                    if self.rng.below(4) == 0 {
                        12_000
                    } else {
                        4_000
                    }
                );
                let resolution = vocabulary::pick(&mut self.rng, vocabulary::RESOLUTIONS);
                self.apply(
                    at,
                    Move::Resolve,
                    responder,
                    json!({ "resolution": resolution }),
                );
                self.t.resolution = Some(resolution.into());
                self.t.resolved_at = Some(at);
                self.stop_clocks(at, |_| true);
                self.settle_breaches(at, &["response", "resolution", "escalation"]);
            }
        }
        // An open order answered on the call waits for its callback.
        if stop < Stop::Reopened {
            return;
        }
        // The confirmation call; now and then the customer is not happy.
        step!(120, 2_880);
        self.t.callback_attempts += 1;
        let unhappy = stop == Stop::Reopened || self.rng.below(25) == 0;
        let satisfaction = if unhappy {
            1 + self.rng.below(2)
        } else {
            3 + self.rng.below(3)
        } as i64;
        let outcome = if unhappy {
            CallbackOutcome::Dissatisfied
        } else {
            CallbackOutcome::Satisfied
        };
        self.t.satisfaction = Some(satisfaction);
        self.apply(at, Move::Callback(outcome), Some(self.agent), json!({
            "reached": true, "satisfaction": satisfaction, "attempt": self.t.callback_attempts, "note": null,
        }));
        if unhappy {
            self.t.resolved_at = None;
            self.restart_clocks(at, tier);
            if stop == Stop::Reopened {
                return;
            }
            step!(240, 2_880);
            let responder = self.t.assignee_id.or(self.advisor);
            self.apply(
                at,
                Move::Resolve,
                responder,
                json!({ "resolution": "二次处理后客户认可" }),
            );
            self.t.resolved_at = Some(at);
            self.stop_clocks(at, |_| true);
            self.settle_breaches(at, &["response", "resolution", "escalation"]);
            step!(120, 2_880);
            self.t.callback_attempts += 1;
            self.t.satisfaction = Some(4);
            self.apply(at, Move::Callback(CallbackOutcome::Satisfied), Some(self.agent), json!({
                "reached": true, "satisfaction": 4, "attempt": self.t.callback_attempts, "note": null,
            }));
        }
        if self.t.status == kefu_core::tickets::Status::Closed {
            self.t.close_reason = Some("satisfied".into());
            self.t.closed_at = Some(at);
        }
    }

    fn apply(&mut self, at: DateTime<Utc>, m: Move, actor: Option<i64>, data: serde_json::Value) {
        if let Ok(next) = self.state.apply(m) {
            self.state = next;
            self.t.set_state(next);
        }
        self.t.updated_at = at;
        self.event(at, m.name(), actor, data);
    }

    fn event(
        &mut self,
        at: DateTime<Utc>,
        kind: &str,
        actor: Option<i64>,
        data: serde_json::Value,
    ) {
        self.batch.events.push(TicketEvent {
            id: 0,
            ticket_id: self.t.id,
            kind: kind.to_owned(),
            at,
            actor_id: actor,
            data,
        });
    }

    /// Start the clocks of the policy that fits the order where it is.
    fn place(&mut self, at: DateTime<Utc>, tier: Option<Tier>) {
        let facts = OrderFacts {
            category: self.t.category,
            priority: self.t.priority,
            channel: self.t.channel,
            tier,
            level: self.t.level,
        };
        let Some(policy) = choose(self.w.policies, &facts) else {
            self.t.policy_id = None;
            return;
        };
        let calendar_id = policy
            .calendar_id
            .filter(|c| self.w.calendars.contains_key(c))
            .unwrap_or(self.w.default_calendar);
        self.calendar = &self.w.calendars[&calendar_id];
        self.t.policy_id = Some(policy.id);
        let l3 = self.t.level == Level::L3;
        let place = ClockPlace {
            policy_id: Some(policy.id),
            calendar_id: Some(calendar_id),
            dealer_id: if l3 { None } else { self.t.dealer_id },
            department_id: if l3 { self.t.department_id } else { None },
        };
        for p in plan_clocks(policy, self.calendar, at) {
            let id = self.batch.clocks.len() as i64;
            self.batch.clocks.push(p.start(id, self.t.id, place, at));
        }
    }

    fn restart_clocks(&mut self, at: DateTime<Utc>, tier: Option<Tier>) {
        self.stop_clocks(at, |_| true);
        self.place(at, tier);
    }

    fn mine(&mut self) -> &mut [Clock] {
        &mut self.batch.clocks[self.clocks_from..]
    }

    fn stop_clocks(&mut self, at: DateTime<Utc>, which: impl Fn(&Clock) -> bool) {
        // As the live rules do: a clock that fired (breached) still runs
        // until the order moves on, and stops with the others.
        for c in self.mine() {
            if c.stopped_at.is_none() && which(c) {
                c.stopped_at = Some(at);
            }
        }
    }

    fn pause_clocks(&mut self, at: DateTime<Utc>, pause: bool) {
        let calendar = self.calendar;
        for c in &mut self.batch.clocks[self.clocks_from..] {
            if pause {
                c.pause(at, calendar);
            } else {
                c.resume(at, calendar);
            }
        }
    }

    /// What the scheduler would have done up to `at`: warnings given,
    /// clocks that ran out fired and their breaches recorded.
    fn settle(&mut self, at: DateTime<Utc>) {
        let (level, assignee) = (self.t.level.as_str(), self.t.assignee_id);
        let ticket_id = self.t.id;
        let Batch {
            clocks, breaches, ..
        } = &mut *self.batch;
        for c in &mut clocks[self.clocks_from..] {
            if !c.live() || c.paused() {
                continue;
            }
            if let Some(w) = c.warn_at.filter(|w| *w <= at && c.warned_at.is_none()) {
                c.warned_at = Some(w);
            }
            if c.due_at <= at {
                c.fired_at = Some(c.due_at);
                c.breached = true;
                breaches.push(NewBreach {
                    ticket_id,
                    clock_id: c.id,
                    kind: c.kind.as_str(),
                    step: c.step,
                    level,
                    dealer_id: c.dealer_id,
                    department_id: c.department_id,
                    assignee_id: assignee,
                    due_at: c.due_at,
                    actual_at: None,
                    recorded_at: c.due_at,
                });
            }
        }
    }

    /// The late thing happened at `at`.
    fn settle_breaches(&mut self, at: DateTime<Utc>, kinds: &[&str]) {
        for b in &mut self.batch.breaches[self.breaches_from..] {
            if b.actual_at.is_none() && kinds.contains(&b.kind) {
                b.actual_at = Some(at);
            }
        }
    }
}

/// An index into `weights`, drawn in proportion to them.
fn weighted(rng: &mut Rng, weights: &[u64]) -> usize {
    let total: u64 = weights.iter().sum();
    let mut x = rng.below(total);
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}
