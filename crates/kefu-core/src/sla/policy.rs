//! Which SLA policy governs an order: the matching policy of lowest rank.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::customers::Tier;
use crate::tickets::{Category, Channel, Level, Priority};
use crate::timers::Counting;
use crate::word_enum::word_enum;

word_enum!(
    /// Who an escalation step goes to.
    EscalationTarget, "to", "invalid_target" {
        DepartmentHead = "department_head", Vp = "vp", Manager = "manager", Liaison = "liaison",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EscalationStep {
    /// Minutes from when the order reached the department or dealer, counted
    /// as `counts` says.
    pub after_minutes: i64,
    pub to: EscalationTarget,
    /// Working time on the calendar (the default) or round-the-clock time.
    #[serde(default)]
    pub counts: Counting,
}

/// What a policy applies to; an empty list matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyMatch {
    #[serde(default)]
    pub categories: Vec<Category>,
    #[serde(default)]
    pub priorities: Vec<Priority>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// `L2` for work with dealers, `L3` for work with departments.
    #[serde(default)]
    pub levels: Vec<Level>,
}

/// The facts of an order a policy is chosen by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderFacts {
    pub category: Category,
    pub priority: Priority,
    pub channel: Channel,
    pub tier: Option<Tier>,
    pub level: Level,
}

impl PolicyMatch {
    pub fn matches(&self, o: &OrderFacts) -> bool {
        fn any<T: PartialEq>(list: &[T], v: &T) -> bool {
            list.is_empty() || list.contains(v)
        }
        any(&self.categories, &o.category)
            && any(&self.priorities, &o.priority)
            && any(&self.channels, &o.channel)
            && (self.tiers.is_empty() || o.tier.is_some_and(|t| self.tiers.contains(&t)))
            && any(&self.levels, &o.level)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Policy {
    pub id: i64,
    pub name: String,
    /// The calendar deadlines are counted on; none: the calendar of the
    /// dealer or department the order is with.
    pub calendar_id: Option<i64>,
    /// The matching policy of lowest rank applies.
    pub rank: i64,
    #[serde(rename = "match")]
    pub matches: PolicyMatch,
    pub response_minutes: Option<i64>,
    pub resolution_minutes: Option<i64>,
    /// When the warning comes, in percent of each target.
    pub warning_percent: i64,
    pub escalations: Vec<EscalationStep>,
    pub callback_attempts: i64,
    pub callback_spacing_minutes: i64,
    pub active: bool,
}

/// The policy for an order: active, matching, lowest rank (then lowest id).
pub fn choose<'a>(policies: &'a [Policy], facts: &OrderFacts) -> Option<&'a Policy> {
    policies
        .iter()
        .filter(|p| p.active && p.matches.matches(facts))
        .min_by_key(|p| (p.rank, p.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(id: i64, rank: i64, m: PolicyMatch) -> Policy {
        Policy {
            id,
            name: format!("p{id}"),
            calendar_id: None,
            rank,
            matches: m,
            response_minutes: Some(120),
            resolution_minutes: None,
            warning_percent: 80,
            escalations: Vec::new(),
            callback_attempts: 3,
            callback_spacing_minutes: 1440,
            active: true,
        }
    }

    fn facts(level: Level, tier: Option<Tier>) -> OrderFacts {
        OrderFacts {
            category: Category::Complaint,
            priority: Priority::Normal,
            channel: Channel::Phone,
            tier,
            level,
        }
    }

    #[test]
    fn the_matching_policy_of_lowest_rank_applies() {
        let dept = PolicyMatch {
            levels: vec![Level::L3],
            ..Default::default()
        };
        let vip = PolicyMatch {
            levels: vec![Level::L3],
            tiers: vec![Tier::A],
            ..Default::default()
        };
        let all = vec![
            policy(1, 100, dept),
            policy(2, 10, vip),
            policy(3, 1000, PolicyMatch::default()),
        ];
        assert_eq!(
            choose(&all, &facts(Level::L3, Some(Tier::A))).map(|p| p.id),
            Some(2)
        );
        assert_eq!(
            choose(&all, &facts(Level::L3, Some(Tier::C))).map(|p| p.id),
            Some(1)
        );
        assert_eq!(
            choose(&all, &facts(Level::L3, None)).map(|p| p.id),
            Some(1),
            "no tier matches no tier list"
        );
        assert_eq!(choose(&all, &facts(Level::L2, None)).map(|p| p.id), Some(3));
        let mut inactive = all.clone();
        inactive[1].active = false;
        assert_eq!(
            choose(&inactive, &facts(Level::L3, Some(Tier::A))).map(|p| p.id),
            Some(1)
        );
        assert!(choose(&[], &facts(Level::L1, None)).is_none());
    }
}
