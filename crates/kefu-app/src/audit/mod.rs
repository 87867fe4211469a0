//! Reading the audit trail (admins and managers).

use kefu_core::org::Permission;
use kefu_store::{AuditEntry, AuditFilter, Page, PageRequest, audit_list};

use crate::{Actor, App, Result};

pub async fn list(
    app: &App,
    who: &Actor,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditEntry>> {
    who.require(Permission::ReadAudit)?;
    let mut conn = app.store.read().await?;
    Ok(audit_list(&mut conn, filter, page).await?)
}
