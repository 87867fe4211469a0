//! What a page shows of a record, worked out once in Rust so the templates
//! only lay it out: labels in the viewer's language, times in the time zone
//! of the place they belong to (a dealer's, else the group's).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use kefu_app::workbench::Names;
use kefu_core::tickets::Ticket;
use kefu_core::vehicles::Vehicle;
use kefu_store::tickets::DueClock;

use super::i18n::Tr;

/// An instant as people read it in `zone`: `2026-11-23 14:05`.
pub fn local(at: &DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

/// A due time that counts down on the page (`data-due` is epoch ms).
#[derive(Debug, Clone)]
pub struct Due {
    pub ms: i64,
    pub at: String,
    pub breached: bool,
    pub kind: String,
}

impl Due {
    pub fn new(c: &DueClock, t: Tr, zone: Tz) -> Due {
        Due {
            ms: c.due_at.timestamp_millis(),
            at: local(&c.due_at, zone),
            breached: c.breached,
            kind: t.word("clock", &c.kind),
        }
    }
}

/// One order in a queue.
#[derive(Debug, Clone)]
pub struct OrderRow {
    pub id: i64,
    pub number: String,
    pub subject: String,
    pub status: &'static str,
    pub status_label: String,
    pub level: &'static str,
    pub priority: &'static str,
    pub priority_label: String,
    pub customer: String,
    pub place: String,
    pub assignee: String,
    pub received: String,
    pub due: Option<Due>,
}

impl OrderRow {
    pub fn new(tk: &Ticket, names: &Names, t: Tr, zone: Tz) -> OrderRow {
        OrderRow {
            id: tk.id,
            number: tk.number.clone(),
            subject: tk.subject.clone(),
            status: tk.status.as_str(),
            status_label: t.word("status", tk.status.as_str()),
            level: tk.level.as_str(),
            priority: tk.priority.as_str(),
            priority_label: t.word("priority", tk.priority.as_str()),
            customer: names.customer(tk.customer_id).to_owned(),
            place: names.place(tk).to_owned(),
            assignee: names.user(tk.assignee_id).to_owned(),
            received: local(&tk.received_at, zone),
            due: None,
        }
    }

    pub fn due(tk: &Ticket, clock: &DueClock, names: &Names, t: Tr, zone: Tz) -> OrderRow {
        OrderRow {
            due: Some(Due::new(clock, t, zone)),
            ..OrderRow::new(tk, names, t, zone)
        }
    }
}

/// A choice in a `<select>`.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl ToString, label: impl Into<String>, selected: bool) -> Choice {
        Choice {
            value: value.to_string(),
            label: label.into(),
            selected,
        }
    }

    /// Every word of a family as choices, e.g. the channels.
    pub fn words(t: Tr, family: &str, codes: &[&str], selected: &str) -> Vec<Choice> {
        codes
            .iter()
            .map(|c| Choice::new(c, t.word(family, c), *c == selected))
            .collect()
    }
}

/// A customer's car as the pages show it.
#[derive(Debug, Clone)]
pub struct Car {
    pub plate: String,
    /// Brand and model.
    pub model: String,
    pub vin: String,
    /// As agents read it out over the phone.
    pub vin_last6: String,
    pub bought: String,
    pub mileage: String,
}

impl Car {
    pub fn new(v: &Vehicle) -> Car {
        let f = &v.fields;
        let vin = f.vin.as_str();
        Car {
            plate: f
                .plate
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            model: [f.brand.as_deref(), f.model.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
            vin: vin.to_owned(),
            vin_last6: vin[vin.len().saturating_sub(6)..].to_owned(),
            bought: f.purchased_on.map(|d| d.to_string()).unwrap_or_default(),
            mileage: f.mileage_km.map(|k| format!("{k} km")).unwrap_or_default(),
        }
    }

    /// One line: plate, model and the VIN's last six.
    pub fn label(&self) -> String {
        format!("{} {} …{}", self.plate, self.model, self.vin_last6)
    }
}
