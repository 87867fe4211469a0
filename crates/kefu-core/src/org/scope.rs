//! Which records a caller sees. Every read in the store takes a `Scope`, so a
//! dealer's staff never see another dealer's rows: they are simply absent.

use super::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole group: central roles and the back office.
    Group,
    /// One dealer's records only.
    Dealer(i64),
    /// What is escalated to one back-office department (work orders only).
    Department(i64),
    /// Sees nothing: a dealer-bound user who has no dealer.
    Nothing,
}

impl Scope {
    pub fn for_user(role: Role, dealer_id: Option<i64>) -> Scope {
        if role.is_dealer_bound() {
            dealer_id.map_or(Scope::Nothing, Scope::Dealer)
        } else {
            Scope::Group
        }
    }

    /// Which work orders a user sees: dealer-bound users their dealer's,
    /// department-bound users their department's, everyone else all.
    pub fn tickets_for(role: Role, dealer_id: Option<i64>, department_id: Option<i64>) -> Scope {
        if role.is_dealer_bound() {
            dealer_id.map_or(Scope::Nothing, Scope::Dealer)
        } else if role.is_department_bound() {
            department_id.map_or(Scope::Nothing, Scope::Department)
        } else {
            Scope::Group
        }
    }

    /// Whether a record owned by `dealer_id` is visible in this scope.
    pub fn sees_dealer(self, dealer_id: Option<i64>) -> bool {
        match self {
            Scope::Group => true,
            Scope::Dealer(d) => dealer_id == Some(d),
            Scope::Department(_) | Scope::Nothing => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dealer_bound_roles_see_their_dealer_only() {
        let s = Scope::for_user(Role::DealerStaff, Some(3));
        assert!(s.sees_dealer(Some(3)));
        assert!(!s.sees_dealer(Some(4)));
        assert!(!s.sees_dealer(None));
        assert_eq!(Scope::for_user(Role::Sales, None), Scope::Nothing);
        assert_eq!(Scope::for_user(Role::Agent, Some(3)), Scope::Group);
    }
}
