//! The organisation: roles, what each role may do, and which records it sees;
//! the group's own settings.

mod audience;
pub mod group;
mod records;
mod role;
mod scope;

pub use audience::{Audience, Source};
pub use records::{Dealer, DealerFields, Department, DepartmentFields, User, UserFields};
pub use role::{Permission, Role};
pub use scope::Scope;
