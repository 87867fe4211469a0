//! A work order as kefu stores and shows it, and the events of its life.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Category, Channel, Level, Priority, Status, TicketState};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Ticket {
    pub id: i64,
    /// Unique in the group and short enough to read over the phone:
    /// `GD-20261123-0042`.
    pub number: String,
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    /// The dealer the order concerns, and at L2 the one it is dispatched to.
    pub dealer_id: Option<i64>,
    /// At L3, the department it is escalated to.
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub channel: Channel,
    pub category: Category,
    pub priority: Priority,
    pub subject: String,
    pub description: Option<String>,
    pub status: Status,
    pub level: Level,
    /// When the customer actually called or wrote.
    pub received_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub resolution: Option<String>,
    /// `satisfied`, `unreachable`...: why the order closed.
    pub close_reason: Option<String>,
    /// The customer's score at the last callback, 1 to 5.
    pub satisfaction: Option<i64>,
    pub callback_attempts: i64,
    /// The SLA policy its clocks run under, once it has any.
    pub policy_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub before_wait: Option<Status>,
}

impl Ticket {
    pub fn state(&self) -> TicketState {
        TicketState {
            status: self.status,
            level: self.level,
            before_wait: self.before_wait,
        }
    }

    pub fn set_state(&mut self, s: TicketState) {
        self.status = s.status;
        self.level = s.level;
        self.before_wait = s.before_wait;
    }
}

/// One step in an order's life: its creation, every move, every note.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TicketEvent {
    pub id: i64,
    pub ticket_id: i64,
    /// `created`, `answer`, `dispatch`, `escalate`, `assign`, `respond`,
    /// `wait`, `resume`, `resolve`, `callback`, `reopen`, `note`.
    pub kind: String,
    pub at: DateTime<Utc>,
    /// Who did it; none for kefu's own clocks.
    pub actor_id: Option<i64>,
    /// What was said or chosen: the note, the dealer, the score...
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}
