//! Who is calling: the user behind a token, with their role and scope.

use kefu_core::org::{Permission, Role, Scope, User};

use crate::AppError;

#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub dealer_id: Option<i64>,
    pub department_id: Option<i64>,
    /// The token the request came with, so logout can revoke exactly it.
    pub token_id: Option<i64>,
}

impl Actor {
    pub fn from_user(u: &User, token_id: Option<i64>) -> Actor {
        Actor {
            user_id: u.id,
            username: u.fields.username.clone(),
            role: u.fields.role,
            dealer_id: u.fields.dealer_id,
            department_id: u.fields.department_id,
            token_id,
        }
    }

    pub fn scope(&self) -> Scope {
        Scope::for_user(self.role, self.dealer_id)
    }

    pub fn may(&self, p: Permission) -> bool {
        self.role.allows(p)
    }

    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.may(p) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "the {} role may not do this",
                self.role.as_str()
            )))
        }
    }
}
