//! Everything SQLite and PostgreSQL do differently, in one place. Every
//! statement of the store is written once in the SQL both engines take
//! (`$n` placeholders, `RETURNING`, `ON CONFLICT ... DO UPDATE` with
//! `excluded`, `UPDATE ... SET (a, b) = (...)`); where they part, the
//! statement asks its [`Dialect`] for the fragment, and nothing else in kefu
//! asks which engine it is on (ENGINEERING §10, STYLE habit 6). The
//! migrations are the one other place, one folder per engine, and a test
//! here keeps the two schemas they make the same.

use sqlx::Database;

use crate::Conn;
use crate::sql::Sql;

#[cfg(test)]
mod tests;

/// The engine behind a store or a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The embedded database: one process, one writer connection.
    Sqlite,
    /// A server that several `kefu serve` may share.
    Postgres,
}

impl Dialect {
    /// The engine of a connection: the store's, a transaction's, a reader's.
    pub fn of(conn: &Conn) -> Dialect {
        // `Any` tells its driver only by name; the name is sqlx's own
        // constant, and this is the one place that reads it.
        if conn.backend_name() == sqlx::Postgres::NAME {
            Dialect::Postgres
        } else {
            Dialect::Sqlite
        }
    }

    // -- What the engine is to kefu -------------------------------------

    /// Whether every write goes through one connection (SQLite's writer),
    /// so that a write transaction waits for the one before it to end.
    pub fn one_writer(self) -> bool {
        self == Dialect::Sqlite
    }

    /// Whether other kefu processes may serve the same database, so what
    /// one of them does must be told to the others through it.
    pub fn shared(self) -> bool {
        self == Dialect::Postgres
    }

    // -- Fragments of kefu's statements ---------------------------------

    /// The end of a `SELECT` that claims rows for its transaction (due
    /// clocks, outbox rows): on PostgreSQL the rows are locked until commit
    /// and those another instance holds are skipped, so two instances never
    /// take one row. Nothing on SQLite, whose one writer's transaction
    /// already holds the whole database.
    pub(crate) fn skip_locked(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// An expression for the rows of `from` (`table WHERE ...`, which may
    /// name the outer statement's rows) as text: one JSON array holding an
    /// array of `columns` per row, ordered by `order`; `[]` for none. A
    /// record is read with its children in one statement, without the
    /// record's columns repeated for each child as a join would. Used for
    /// the clocks of an order (`sla::clocks::json_of_order`).
    pub(crate) fn json_rows(self, columns: &str, from: &str, order: &str) -> String {
        match self {
            Dialect::Sqlite => format!(
                "(SELECT json_group_array(json_array({columns}) ORDER BY {order}) FROM {from})"
            ),
            Dialect::Postgres => format!(
                "coalesce((SELECT json_agg(json_build_array({columns}) ORDER BY {order}) \
                 FROM {from}), '[]')::text"
            ),
        }
    }

    /// A table of the integers of the JSON array bound at `param` (`$4`),
    /// one row each in the column `value`, for a `FROM` clause: many ids
    /// passed as one bound value rather than a value each.
    pub(crate) fn json_integers(self, param: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_each({param})"),
            Dialect::Postgres => format!(
                "(SELECT value::bigint AS value FROM json_array_elements_text({param}::json)) \
                 AS ints"
            ),
        }
    }

    /// What follows a table in `FROM` so that SQLite uses `index`: without
    /// statistics its planner may pick a worse one. Nothing on PostgreSQL,
    /// which plans from its statistics.
    pub(crate) fn indexed_by(self, index: &str) -> String {
        match self {
            Dialect::Sqlite => format!(" INDEXED BY {index}"),
            Dialect::Postgres => String::new(),
        }
    }

    // -- Multi-row writes ------------------------------------------------

    /// How many values one statement of a multi-row insert binds. SQLite's
    /// statements use anonymous placeholders (see [`Dialect::in_order`]);
    /// numbered ones would be looked up by name, at a cost that grows with
    /// the square of the statement's size (measured: 1,000 rows of 17
    /// values bound at ~2,000 rows/s). PostgreSQL takes up to 65,535
    /// values; a few thousand keep each message small.
    pub(crate) fn values_per_statement(self) -> usize {
        match self {
            Dialect::Sqlite => 960,
            Dialect::Postgres => 4_000,
        }
    }

    /// A statement whose values are bound in the order they appear: with
    /// anonymous `?` placeholders on SQLite, which binds them by position,
    /// with `$n` on PostgreSQL, which takes nothing else.
    pub(crate) fn in_order(self, text: &str) -> Sql {
        match self {
            Dialect::Sqlite => Sql::anonymous(text),
            Dialect::Postgres => Sql::new(text),
        }
    }

    /// A query of `n` fresh ids (column `id`, not in order) from the
    /// sequence behind `table`'s `id`. None on SQLite, which has no
    /// sequence: a new row there gets max(id) + 1, and the one writer may
    /// take the next ids itself.
    pub(crate) fn next_ids(self, table: &str, n: i64) -> Option<Sql> {
        match self {
            Dialect::Sqlite => None,
            Dialect::Postgres => {
                let mut q = Sql::new("SELECT nextval(pg_get_serial_sequence(");
                q.bind(table.to_owned())
                    .push(", 'id')) AS id FROM generate_series(1, ")
                    .bind(n)
                    .push(")");
                Some(q)
            }
        }
    }

    // -- The catalogue ---------------------------------------------------

    /// The secondary indexes (`name`, and `def`: the statement that makes
    /// it) of the tables whose names are bound after this text, which ends
    /// in `IN (`: not those behind a primary key or a UNIQUE constraint,
    /// and not unique ones.
    pub(crate) fn secondary_indexes(self) -> &'static str {
        match self {
            Dialect::Sqlite => {
                "SELECT name, sql AS def FROM sqlite_master WHERE type = 'index' \
                 AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ("
            }
            Dialect::Postgres => {
                "SELECT indexname::text AS name, indexdef AS def FROM pg_indexes \
                 WHERE schemaname = current_schema() AND indexdef NOT LIKE 'CREATE UNIQUE%' \
                 AND indexname NOT IN (SELECT conname FROM pg_constraint) AND tablename IN ("
            }
        }
    }

    /// The foreign keys (`tbl`, `name`, and `def`: the constraint as
    /// declared) of the tables whose names are bound after this text, which
    /// ends in `IN (`. None on SQLite, which cannot drop a constraint.
    pub(crate) fn foreign_keys(self) -> Option<&'static str> {
        match self {
            Dialect::Sqlite => None,
            Dialect::Postgres => Some(
                "SELECT t.relname::text AS tbl, c.conname::text AS name, \
                 pg_get_constraintdef(c.oid) AS def FROM pg_constraint c \
                 JOIN pg_class t ON t.oid = c.conrelid \
                 JOIN pg_namespace n ON n.oid = t.relnamespace \
                 WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname IN (",
            ),
        }
    }

    /// The statement that gathers the planner's statistics on `table` now,
    /// after a bulk load: until autovacuum comes round PostgreSQL plans as
    /// if the table were empty. None on SQLite, whose planner works from
    /// the schema alone.
    pub(crate) fn analyze(self, table: &str) -> Option<String> {
        match self {
            Dialect::Sqlite => None,
            Dialect::Postgres => Some(format!("ANALYZE {table}")),
        }
    }

    /// A count (`n`) of the tables of kefu's schema named as bound at `$1`.
    pub(crate) fn table_exists(self) -> &'static str {
        match self {
            Dialect::Sqlite => {
                "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1"
            }
            Dialect::Postgres => {
                "SELECT count(*) AS n FROM pg_tables \
                 WHERE tablename = $1 AND schemaname = current_schema()"
            }
        }
    }

    /// The names (`name`) of the tables of kefu's schema, in order, leaving
    /// out the engine's own.
    pub(crate) fn table_names(self) -> &'static str {
        match self {
            Dialect::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Dialect::Postgres => {
                "SELECT table_name::text AS name FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 ORDER BY table_name"
            }
        }
    }

    /// The names (`name`) of the columns of the table bound at `$1`, in the
    /// order the schema declares them.
    pub(crate) fn column_names(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SELECT name FROM pragma_table_info($1) ORDER BY cid",
            Dialect::Postgres => {
                "SELECT column_name::text AS name FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position"
            }
        }
    }

    // -- Several processes on one database -------------------------------

    /// The statement that makes a migration wait for any other process
    /// migrating the same database, until its transaction ends. None on
    /// SQLite, where the write lock does it.
    pub(crate) fn migration_lock(self) -> Option<&'static str> {
        match self {
            Dialect::Sqlite => None,
            // An arbitrary constant: kefu's migration lock.
            Dialect::Postgres => Some("SELECT pg_advisory_xact_lock(4221902001)"),
        }
    }

    /// The statement that tells every process listening on the channel
    /// (bound at `$1`, to which the schema's name is added) the text bound
    /// at `$2` when the transaction commits, and never for a rollback.
    /// None on SQLite, where no other process listens.
    pub(crate) fn announce(self) -> Option<&'static str> {
        match self {
            Dialect::Sqlite => None,
            Dialect::Postgres => Some("SELECT pg_notify($1 || current_schema(), $2)"),
        }
    }
}
