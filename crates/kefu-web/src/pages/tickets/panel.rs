//! The work order as its page shows it: header, clocks, timeline, and the
//! moves the viewer may make with what each needs.

use chrono_tz::Tz;
use kefu_app::workbench::Sheet;
use kefu_core::sla::Clock;
use kefu_core::tickets::TicketEvent;

use crate::pages::i18n::Tr;
use crate::pages::views::{Car, Choice, local};

pub struct Panel {
    pub id: i64,
    pub number: String,
    pub subject: String,
    pub description: String,
    pub status: &'static str,
    pub status_label: String,
    pub level: &'static str,
    pub priority: &'static str,
    pub priority_label: String,
    pub category_label: String,
    pub channel: &'static str,
    pub channel_label: String,
    pub customer_id: i64,
    pub customer: String,
    pub vehicle: String,
    pub place: String,
    pub assignee: String,
    pub received: String,
    pub created_by: String,
    pub resolution: String,
    pub satisfaction: String,
    pub clocks: Vec<ClockView>,
    pub events: Vec<EventView>,
    pub moves: Vec<MoveView>,
    pub dealers: Vec<Choice>,
    pub departments: Vec<Choice>,
    pub assignees: Vec<Choice>,
}

pub struct ClockView {
    pub kind: String,
    pub due_ms: i64,
    pub due_at: String,
    /// running, paused, stopped or breached (a breached one that still runs).
    pub state: &'static str,
    pub state_label: String,
    pub live: bool,
}

pub struct EventView {
    pub kind: String,
    pub label: String,
    pub at: String,
    pub actor: String,
    /// What was said: the note, reason or resolution.
    pub text: String,
    /// What was chosen: the dealer, department, person, score.
    pub detail: String,
    pub internal: bool,
}

pub struct MoveView {
    pub name: &'static str,
    pub label: String,
}

impl Panel {
    pub fn new(s: &Sheet, t: Tr) -> Panel {
        let tk = &s.order.ticket;
        let n = &s.names;
        let vehicle = s.vehicle.as_ref().map_or(String::new(), |v| {
            let car = Car::new(v);
            format!("{} {}", car.plate, car.model).trim().to_owned()
        });
        Panel {
            id: tk.id,
            number: tk.number.clone(),
            subject: tk.subject.clone(),
            description: tk.description.clone().unwrap_or_default(),
            status: tk.status.as_str(),
            status_label: t.word("status", tk.status.as_str()),
            level: tk.level.as_str(),
            priority: tk.priority.as_str(),
            priority_label: t.word("priority", tk.priority.as_str()),
            category_label: t.word("category", tk.category.as_str()),
            channel: tk.channel.as_str(),
            channel_label: t.word("channel", tk.channel.as_str()),
            customer_id: tk.customer_id,
            customer: s.customer.as_ref().map_or_else(
                || n.customer(tk.customer_id).to_owned(),
                |c| c.fields.name.clone(),
            ),
            vehicle,
            place: n.place(tk).to_owned(),
            assignee: n.user(tk.assignee_id).to_owned(),
            received: local(&tk.received_at, s.zone),
            created_by: n.user(tk.created_by).to_owned(),
            resolution: tk.resolution.clone().unwrap_or_default(),
            satisfaction: tk.satisfaction.map(|x| x.to_string()).unwrap_or_default(),
            clocks: s
                .order
                .clocks
                .iter()
                .flatten()
                .filter(|c| c.kind.as_str() != "escalation")
                .map(|c| clock(c, t, s.zone))
                .collect(),
            events: s.events.iter().rev().map(|e| event(e, s, t)).collect(),
            moves: s
                .moves
                .iter()
                .map(|m| MoveView {
                    name: m.name(),
                    label: t.word("move", m.name()),
                })
                .collect(),
            dealers: s
                .dealers
                .iter()
                .map(|d| Choice::new(d.id, &d.fields.name, tk.dealer_id == Some(d.id)))
                .collect(),
            departments: s
                .departments
                .iter()
                .map(|d| Choice::new(d.id, &d.fields.name, false))
                .collect(),
            assignees: s
                .assignees
                .iter()
                .map(|u| {
                    let label = format!("{} ({})", u.fields.display_name, u.fields.username);
                    Choice::new(u.id, label, tk.assignee_id == Some(u.id))
                })
                .collect(),
        }
    }

    /// Whether the viewer may make the move named so (a dialog is shown).
    pub fn can(&self, name: &str) -> bool {
        self.moves.iter().any(|m| m.name == name)
    }
}

fn clock(c: &Clock, t: Tr, zone: Tz) -> ClockView {
    let state = if c.stopped_at.is_some() {
        "stopped"
    } else if c.paused() {
        "paused"
    } else if c.breached {
        "breached"
    } else {
        "running"
    };
    ClockView {
        kind: t.word("clock", c.kind.as_str()),
        due_ms: c.due_at.timestamp_millis(),
        due_at: local(&c.due_at, zone),
        state,
        state_label: t.word("clock_state", state),
        live: matches!(state, "running" | "breached"),
    }
}

fn event(e: &TicketEvent, s: &Sheet, t: Tr) -> EventView {
    let n = &s.names;
    let d = &e.data;
    let said = ["note", "reason", "resolution", "body"]
        .iter()
        .find_map(|k| d[*k].as_str())
        .unwrap_or_default();
    let detail = if let Some(id) = d["dealer_id"].as_i64() {
        n.dealers.get(&id).cloned().unwrap_or_default()
    } else if let Some(id) = d["department_id"].as_i64() {
        n.departments.get(&id).cloned().unwrap_or_default()
    } else if let Some(id) = d["user_id"].as_i64() {
        n.user(Some(id)).to_owned()
    } else if let Some(clock) = d["clock"].as_str() {
        t.word("clock", clock)
    } else if e.kind == "callback" {
        match (d["reached"].as_bool(), d["satisfaction"].as_i64()) {
            (Some(true), Some(score)) => t.n("order.satisfaction_n", score),
            (Some(false), _) => t.t("order.unreached").to_owned(),
            _ => String::new(),
        }
    } else {
        String::new()
    };
    EventView {
        kind: e.kind.clone(),
        label: t.word(
            "move",
            if e.kind == "created" {
                "create"
            } else {
                &e.kind
            },
        ),
        at: local(&e.at, s.zone),
        actor: e.actor_id.map_or_else(
            || t.t("order.kefu").to_owned(),
            |a| n.user(Some(a)).to_owned(),
        ),
        text: said.to_owned(),
        detail,
        internal: d["internal"].as_bool().unwrap_or(false),
    }
}

/// What happened, in words: a move by a person, or one of kefu's own
/// (a clock's warning, breach, escalation, a callback coming due).
pub fn event_label(kind: &str, t: Tr) -> String {
    match kind {
        "created" => t.word("move", "create"),
        "sla_warning" | "sla_breach" | "escalation" | "callback_due" | "assigned"
        | "dispatched" | "escalated" | "reopened" => t.word("event", kind),
        _ => t.word("move", kind),
    }
}
