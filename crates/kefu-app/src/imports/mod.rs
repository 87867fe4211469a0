//! Importing customers and vehicles from CSV and Excel files.
//!
//! A file is read into text rows (`sheet`), its header mapped to the API's
//! fields in Chinese or English (`columns`), and every row validated by the
//! very `CustomerInput`/`VehicleInput` rules the API uses. Rows that fail are
//! reported with their line and field and never stop the import; the rest
//! are written in one transaction with their change-log entries and one
//! audit line, so an import lands completely or not at all.

mod columns;
mod customers;
mod lookups;
mod read_file;
mod values;
mod vehicles;
mod workbook;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use kefu_core::FieldError;
use kefu_core::customers::CustomerFields;
use kefu_core::org::{Permission, Scope};
use kefu_core::vehicles::VehicleFields;
use kefu_store::{Change, Conn, NewAudit, append_changes, audit_record};
use serde::Serialize;
use utoipa::ToSchema;

use crate::work::Work;
use crate::{Actor, App, Result};

pub use read_file::MAX_ROWS;
pub use workbook::{MAX_CELLS, MAX_COLUMNS, MAX_UNPACKED_BYTES};

/// Rows written between two progress reports.
const BATCH: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Customers,
    Vehicles,
}

impl ImportKind {
    pub fn parse(raw: &str) -> Result<ImportKind, FieldError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "customers" => Ok(ImportKind::Customers),
            "vehicles" => Ok(ImportKind::Vehicles),
            _ => Err(FieldError::new(
                "kind",
                "invalid_kind",
                "kind must be one of customers, vehicles",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Customers => "customers",
            ImportKind::Vehicles => "vehicles",
        }
    }

    fn entity(self) -> &'static str {
        match self {
            ImportKind::Customers => "customer",
            ImportKind::Vehicles => "vehicle",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(raw: &str) -> Result<Format, FieldError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(FieldError::new(
                "format",
                "invalid_format",
                "format must be one of csv, xlsx",
            )),
        }
    }

    /// By extension: `.csv` (and `.txt`, `.tsv`) or `.xlsx`, in any case.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let (_, ext) = name.trim().rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "csv" | "txt" | "tsv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// By content: an `.xlsx` is a zip archive (`PK\x03\x04`); anything else
    /// is taken for CSV.
    pub fn sniff(data: &[u8]) -> Format {
        if data.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }

    /// The content wins over the name (a workbook renamed `.csv` is still a
    /// workbook); the name decides between the rest.
    pub fn detect(file_name: Option<&str>, data: &[u8]) -> Format {
        match Format::sniff(data) {
            Format::Xlsx => Format::Xlsx,
            Format::Csv => file_name
                .and_then(Format::from_file_name)
                .unwrap_or(Format::Csv),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ImportReport {
    /// `customers` or `vehicles`.
    pub kind: String,
    /// Data rows in the file (blank rows are not counted).
    pub rows: usize,
    /// Rows written.
    pub accepted: usize,
    /// Rows refused, by line.
    pub rejected: Vec<RejectedRow>,
    /// What was read but not used: the columns kefu does not know.
    pub warnings: Vec<ImportWarning>,
}

/// Something in the file that was left unread.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ImportWarning {
    /// `ignored_column`.
    pub code: String,
    /// The column, counted from 1.
    pub column: usize,
    pub header: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RejectedRow {
    /// The line in the file, the header being line 1.
    pub line: usize,
    /// The API field at fault (`phone`, `vin`, `dealer_code`...), if one is.
    pub field: Option<String>,
    pub reason: String,
}

/// The header line of an empty file to fill in, with the Chinese headers.
pub fn templates(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Customers => {
            "姓名,手机号,其他电话,客户类型,微信,性别,生日,地址,门店编码,来源,客户等级,标签,备注\n"
        }
        ImportKind::Vehicles => {
            "车架号,车牌号,品牌,车型,配置,颜色,购车日期,交车日期,上牌日期,生产日期,里程,里程日期,\
             交强险到期日,商业险到期日,门店编码,车主手机,车主姓名\n"
        }
    }
}

/// Import a file of `kind`. `who` is the API caller, who needs the import
/// permission; `None` is the operator at the command line. `progress` hears
/// `(written, to_write)` after every batch of rows.
pub async fn import(
    app: &App,
    who: Option<&Actor>,
    kind: ImportKind,
    format: Format,
    data: &[u8],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportReport> {
    if let Some(who) = who {
        who.require(Permission::Import)?;
    }
    let table = read_file::read(format, data)?;
    let layout = columns::Layout::new(kind, &table)?;
    let warnings: Vec<ImportWarning> = layout
        .ignored
        .iter()
        .map(|(header, i)| ImportWarning {
            code: "ignored_column".to_owned(),
            column: i + 1,
            header: header.clone(),
            message: format!(
                "column {} '{header}' is not a {} field and was not imported",
                i + 1,
                kind.entity()
            ),
        })
        .collect();
    let scope = who.map_or(Scope::Group, Actor::scope);
    let now = app.now();
    let today = app.today().await?;
    // The checks run inside the writing transaction, so nothing can take a
    // VIN or a plate between checking and writing.
    let mut tx = Work::begin(app).await?;
    let (rows, accepted, mut rejected) = match kind {
        ImportKind::Customers => {
            let plan = customers::plan(&mut tx, &table, &layout, today).await?;
            drop(table);
            write(&mut tx, &plan.accepted, now, progress).await?;
            (plan.rows, plan.accepted.len(), plan.rejected)
        }
        ImportKind::Vehicles => {
            let plan = vehicles::plan(&mut tx, &table, &layout, scope).await?;
            drop(table);
            write(&mut tx, &plan.accepted, now, progress).await?;
            (plan.rows, plan.accepted.len(), plan.rejected)
        }
    };
    rejected.sort_by_key(|r| r.line);
    let action = format!("{}.import", kind.entity());
    audit_record(
        &mut tx,
        NewAudit {
            at: now,
            actor_id: who.map(|a| a.user_id),
            action: &action,
            entity: kind.entity(),
            entity_id: None,
            before: None,
            after: Some(
                serde_json::json!({"rows": rows, "accepted": accepted, "rejected": rejected.len()}),
            ),
        },
    )
    .await?;
    tx.commit(app).await?;
    tracing::info!(
        kind = kind.as_str(),
        rows,
        accepted,
        rejected = rejected.len(),
        "import"
    );
    Ok(ImportReport {
        kind: kind.as_str().to_owned(),
        rows,
        accepted,
        rejected,
        warnings,
    })
}

/// The rows to write and the rows refused.
struct Plan<T> {
    rows: usize,
    accepted: Vec<T>,
    rejected: Vec<RejectedRow>,
}

impl<T> Plan<T> {
    fn new(rows: usize) -> Self {
        Plan {
            rows,
            accepted: Vec::with_capacity(rows),
            rejected: Vec::new(),
        }
    }

    fn reject(&mut self, line: usize, field: Option<&str>, reason: String) {
        self.rejected.push(RejectedRow {
            line,
            field: field.map(str::to_owned),
            reason,
        });
    }

    fn reject_error(&mut self, line: usize, e: FieldError) {
        self.rejected.push(RejectedRow {
            line,
            field: Some(e.field),
            reason: e.message,
        });
    }
}

/// A record an import creates.
trait Record: Sized {
    const ENTITY: &'static str;
    async fn insert_many(
        tx: &mut Conn,
        rows: &[Self],
        now: DateTime<Utc>,
    ) -> kefu_store::Result<Vec<i64>>;
}

impl Record for CustomerFields {
    const ENTITY: &'static str = "customer";
    async fn insert_many(
        tx: &mut Conn,
        rows: &[Self],
        now: DateTime<Utc>,
    ) -> kefu_store::Result<Vec<i64>> {
        kefu_store::customers::insert_many(tx, rows, now).await
    }
}

impl Record for VehicleFields {
    const ENTITY: &'static str = "vehicle";
    async fn insert_many(
        tx: &mut Conn,
        rows: &[Self],
        now: DateTime<Utc>,
    ) -> kefu_store::Result<Vec<i64>> {
        kefu_store::vehicles::insert_many(tx, rows, now).await
    }
}

async fn write<T: Record>(
    tx: &mut Conn,
    records: &[T],
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<()> {
    let mut done = 0;
    for batch in records.chunks(BATCH) {
        let ids = T::insert_many(tx, batch, now).await?;
        append_changes(tx, T::ENTITY, &ids, Change::Created, now).await?;
        done += batch.len();
        progress(done, records.len());
    }
    Ok(())
}
