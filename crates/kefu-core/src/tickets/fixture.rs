//! A work order for the rules' tests: with dealer 2, and at L3 with
//! department 4, opened by agent 9 on 2026-12-07.

use chrono::{TimeZone, Utc};

use super::{Category, Channel, Level, Priority, Status, Ticket};

pub(crate) fn order(level: Level, status: Status) -> Ticket {
    let at = Utc
        .with_ymd_and_hms(2026, 12, 7, 1, 0, 0)
        .single()
        .expect("a valid instant");
    Ticket {
        id: 7,
        number: "GD-20261207-0007".into(),
        customer_id: 1,
        vehicle_id: None,
        dealer_id: Some(2),
        department_id: (level == Level::L3).then_some(4),
        assignee_id: None,
        channel: Channel::Phone,
        category: Category::Complaint,
        priority: Priority::Normal,
        subject: "异响".into(),
        description: None,
        status,
        level,
        received_at: at,
        created_by: Some(9),
        resolution: None,
        close_reason: None,
        satisfaction: None,
        callback_attempts: 0,
        policy_id: None,
        created_at: at,
        updated_at: at,
        resolved_at: None,
        closed_at: None,
        before_wait: None,
    }
}
