//! The store's one error type. Callers never see sqlx: absent rows are `None`,
//! a broken unique constraint is `Conflict` naming the field.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; `field` is the API's name for it.
    #[error("{field} already exists")]
    Conflict { field: &'static str },
    /// A row refers to one that does not exist.
    #[error("a referenced record does not exist")]
    MissingReference,
    #[error(
        "the database has schema version {found} but this kefu knows only up to {known}; \
         run a newer kefu or restore a backup"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("the database schema is at version {found}, kefu needs {known}: run `kefu migrate`")]
    SchemaTooOld { found: i64, known: i64 },
    #[error("stored data is not what kefu expects: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(sqlx::Error),
    /// From a bulk load bound directly to SQLite ([`crate::bulk::Loader`]).
    #[error(transparent)]
    Load(rusqlite::Error),
}

/// Unique constraints by name (PostgreSQL) and by `table.column` (SQLite's
/// message), with the field the API reports.
const UNIQUE_FIELDS: &[(&str, &str, &str)] = &[
    ("dealers_code_key", "dealers.code", "code"),
    ("departments_code_key", "departments.code", "code"),
    ("users_username_key", "users.username", "username"),
    ("vehicles_vin_key", "vehicles.vin", "vin"),
    ("vehicles_plate_key", "vehicles.plate", "plate"),
    (
        "customer_phones_pkey",
        "customer_phones.customer_id",
        "other_phones",
    ),
];

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => {
                    return conflict(db.constraint().unwrap_or_default(), db.message());
                }
                sqlx::error::ErrorKind::ForeignKeyViolation => return StoreError::MissingReference,
                _ => {}
            }
        }
        StoreError::Database(e)
    }
}

/// The conflict a unique constraint reports, by its name or its message.
fn conflict(name: &str, message: &str) -> StoreError {
    let field = UNIQUE_FIELDS
        .iter()
        .find(|(c, col, _)| *c == name || message.contains(col))
        .map_or("id", |(_, _, f)| f);
    StoreError::Conflict { field }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        if let rusqlite::Error::SqliteFailure(code, message) = &e {
            match code.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    return conflict("", message.as_deref().unwrap_or_default());
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return StoreError::MissingReference,
                _ => {}
            }
        }
        StoreError::Load(e)
    }
}
