//! Roles and the permission matrix (docs/PERMISSIONS.md is its prose form).

use serde::{Deserialize, Serialize};

use crate::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    /// Service-centre manager.
    Manager,
    Agent,
    DealerStaff,
    Sales,
    Liaison,
    /// A back-office department's engineer (工程师), who works the orders
    /// the liaison assigns.
    Engineer,
    DeptHead,
    Vp,
}

/// Something a caller may be allowed to do. Checked in the use case before any
/// write, and mirrored by the [`crate::org::Scope`] every read takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ManageDealers,
    ManageDepartments,
    ManageUsers,
    /// Create or grant the `admin` and `manager` roles.
    ManageManagers,
    ReadUsers,
    ReadCustomers,
    WriteCustomers,
    DeleteCustomers,
    Import,
    ReadAudit,
    /// Open work orders.
    CreateTickets,
    /// Answer, dispatch, escalate, call back and reopen: the centre's triage.
    TriageTickets,
    /// Respond to, hold and resolve work that reached one's dealer or department.
    WorkTickets,
    /// Assign work orders to people.
    AssignTickets,
    /// Create and change business calendars and SLA policies.
    ManageSla,
    /// Read the reports (overtime analysis); a department head sees only
    /// their own department's numbers.
    ReadReports,
    /// Create and revoke the integration keys a telephony system reports
    /// calls with.
    ManageIntegrations,
    /// Take calls: a screen pop on one's own page, the list of calls.
    TakeCalls,
    /// Read and change the group's settings: its time zone and the prefix
    /// of its order numbers.
    ManageGroup,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Admin,
        Role::Manager,
        Role::Agent,
        Role::DealerStaff,
        Role::Sales,
        Role::Liaison,
        Role::Engineer,
        Role::DeptHead,
        Role::Vp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Agent => "agent",
            Role::DealerStaff => "dealer_staff",
            Role::Sales => "sales",
            Role::Liaison => "liaison",
            Role::Engineer => "engineer",
            Role::DeptHead => "dept_head",
            Role::Vp => "vp",
        }
    }

    pub fn parse(raw: &str) -> Result<Role, FieldError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| {
                FieldError::new(
                    "role",
                    "invalid_role",
                    "role must be one of admin, manager, agent, dealer_staff, sales, liaison, dept_head, vp",
                )
            })
    }

    /// Roles that belong to one dealer and see only that dealer's records.
    pub fn is_dealer_bound(self) -> bool {
        matches!(self, Role::DealerStaff | Role::Sales)
    }

    /// Roles that belong to one back-office department.
    pub fn is_department_bound(self) -> bool {
        matches!(self, Role::Liaison | Role::Engineer | Role::DeptHead)
    }

    /// The permission matrix. Keep docs/PERMISSIONS.md in step with it.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match p {
            ManageDealers | ManageManagers | ManageSla | ManageIntegrations | ManageGroup => {
                self == Admin
            }
            ManageDepartments | ManageUsers | DeleteCustomers | Import | ReadAudit => {
                matches!(self, Admin | Manager)
            }
            ReadUsers => !matches!(self, Sales),
            ReadCustomers => true,
            WriteCustomers => matches!(self, Admin | Manager | Agent | DealerStaff),
            CreateTickets => matches!(self, Admin | Manager | Agent | DealerStaff),
            TriageTickets => matches!(self, Admin | Manager | Agent),
            WorkTickets => matches!(
                self,
                Admin | Manager | Agent | DealerStaff | Liaison | Engineer | DeptHead
            ),
            AssignTickets => matches!(self, Admin | Manager | DealerStaff | Liaison | DeptHead),
            ReadReports => matches!(self, Admin | Manager | DeptHead | Vp),
            TakeCalls => matches!(self, Admin | Manager | Agent),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert_eq!(
            Role::parse("root").map_err(|e| e.field),
            Err("role".to_string())
        );
    }

    #[test]
    fn only_admin_manages_dealers_managers_calendars_and_sla() {
        for r in Role::ALL {
            assert_eq!(r.allows(Permission::ManageDealers), r == Role::Admin);
            assert_eq!(r.allows(Permission::ManageManagers), r == Role::Admin);
            assert_eq!(r.allows(Permission::ManageSla), r == Role::Admin);
            assert_eq!(r.allows(Permission::ManageIntegrations), r == Role::Admin);
            assert_eq!(r.allows(Permission::ManageGroup), r == Role::Admin);
        }
    }

    #[test]
    fn back_office_and_sales_roles_cannot_write_customers() {
        for r in [
            Role::Sales,
            Role::Liaison,
            Role::Engineer,
            Role::DeptHead,
            Role::Vp,
        ] {
            assert!(!r.allows(Permission::WriteCustomers), "{r:?}");
            assert!(r.allows(Permission::ReadCustomers), "{r:?}");
        }
    }
}
