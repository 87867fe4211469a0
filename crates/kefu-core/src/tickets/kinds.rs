//! The words a work order is described with.

use crate::word_enum::word_enum;

word_enum!(
    /// Where the customer reached the centre.
    Channel, "channel", "invalid_channel" {
        Phone = "phone", Wechat = "wechat", App = "app", Email = "email", Web = "web", WalkIn = "walk_in",
    }
);
word_enum!(
    /// What the customer brought: the voice-of-customer kinds and more.
    Category, "category", "invalid_category" {
        Complaint = "complaint", Inquiry = "inquiry", Suggestion = "suggestion", Praise = "praise",
        Repair = "repair", Other = "other",
    }
);
word_enum!(Priority, "priority", "invalid_priority" { Low = "low", Normal = "normal", High = "high", Urgent = "urgent" });
word_enum!(
    /// The triage level: L1 answered by the agent, L2 dispatched to a dealer,
    /// L3 escalated to a back-office department.
    Level, "level", "invalid_level" { L1 = "L1", L2 = "L2", L3 = "L3" }
);
word_enum!(
    Status, "status", "invalid_status" {
        New = "new", Dispatched = "dispatched", Escalated = "escalated", InProgress = "in_progress",
        WaitingCustomer = "waiting_customer", Resolved = "resolved", Closed = "closed", Reopened = "reopened",
    }
);

impl Status {
    /// Orders in these states still owe the customer something.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }
}
