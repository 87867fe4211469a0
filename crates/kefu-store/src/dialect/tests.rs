//! The two migration sets make the same schema: the same tables, the same
//! columns with the same type family, the same indexes, the same keys and
//! the same named constraints. Each engine is asked through its own
//! catalogue, and what is inherent to an engine is left out:
//!
//! - SQLite's own tables (`sqlite_sequence`, `sqlite_stat1`...) and the
//!   indexes it makes for a key (`sqlite_autoindex_*`), unnamed;
//! - PostgreSQL's sequences behind identity columns, the indexes behind a
//!   key (named after the constraint), and the names it gives a constraint
//!   the migration leaves unnamed (`t_pkey`, `t_col_fkey`, `t_col_check`):
//!   SQLite keeps no name for those. Keys are compared by what they hold.
//! - CHECK constraints, which SQLite keeps only as text, are compared by
//!   name when named; triggers and functions, written in each engine's own
//!   language, are not compared.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Row};
use tempfile::TempDir;

use crate::{Conn, Dialect, Store, StoreOptions};

/// What the comparison reads of a schema.
#[derive(Debug, Default)]
struct Schema {
    /// Each table's columns and their type families.
    columns: BTreeMap<String, BTreeMap<String, String>>,
    /// (table, index) for the indexes the migrations make.
    indexes: BTreeSet<(String, String)>,
    /// (table, key): `primary key (a, b)`, `unique (a)`,
    /// `foreign key (a) references t`.
    keys: BTreeSet<(String, String)>,
    /// (table, name) for the constraints the migrations name.
    named: BTreeSet<(String, String)>,
}

/// The family of a column's type as SQLite reads its declaration (the
/// affinity rules of <https://sqlite.org/datatype3.html>, §3.1).
fn sqlite_family(declared: &str) -> &'static str {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        "integer"
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|w| t.contains(w)) {
        "text"
    } else if t.is_empty() || t.contains("BLOB") {
        "blob"
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|w| t.contains(w)) {
        "real"
    } else {
        "numeric"
    }
}

/// The family of a PostgreSQL type (`information_schema.columns.data_type`);
/// a type with no SQLite counterpart is a family of its own, so a column of
/// it differs.
fn postgres_family(data_type: &str) -> String {
    match data_type {
        "smallint" | "integer" | "bigint" => "integer",
        "text" | "character varying" | "character" => "text",
        "real" | "double precision" => "real",
        "bytea" => "blob",
        "numeric" => "numeric",
        other => return format!("{other} (PostgreSQL only)"),
    }
    .to_owned()
}

/// The names that follow `CONSTRAINT` in a statement, comments left out.
fn constraint_names(sql: &str) -> Vec<String> {
    let text: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    let mut words = text
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ','))
        .filter(|w| !w.is_empty());
    let mut names = Vec::new();
    while let Some(w) = words.next() {
        if w.eq_ignore_ascii_case("CONSTRAINT")
            && let Some(name) = words.next()
        {
            names.push(
                name.trim_matches(|c| matches!(c, '"' | '`' | '[' | ']'))
                    .to_owned(),
            );
        }
    }
    names
}

/// The text columns `cols` of the rows of `sql`, with `args` bound.
async fn texts(
    conn: &mut Conn,
    sql: &'static str,
    args: &[&str],
    cols: &[&str],
) -> Vec<Vec<String>> {
    let mut q = sqlx::query(sql);
    for a in args {
        q = q.bind((*a).to_owned());
    }
    q.fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            cols.iter()
                .map(|c| r.try_get::<String, _>(*c).unwrap())
                .collect()
        })
        .collect()
}

async fn table_names(conn: &mut Conn, dialect: Dialect) -> Vec<String> {
    sqlx::query(dialect.table_names())
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>("name").unwrap())
        .collect()
}

async fn sqlite_schema(conn: &mut Conn) -> Schema {
    let mut s = Schema::default();
    for table in table_names(conn, Dialect::Sqlite).await {
        let t = table.as_str();
        let columns = texts(
            conn,
            "SELECT name, type FROM pragma_table_info($1)",
            &[t],
            &["name", "type"],
        )
        .await;
        s.columns.insert(
            table.clone(),
            columns
                .into_iter()
                .map(|c| (c[0].clone(), sqlite_family(&c[1]).to_owned()))
                .collect(),
        );
        // `c`: made by CREATE INDEX; `u` and `pk` are behind a key.
        let q = "SELECT name FROM pragma_index_list($1) WHERE origin = 'c'";
        for i in texts(conn, q, &[t], &["name"]).await {
            s.indexes.insert((table.clone(), i[0].clone()));
        }
        let q = "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk";
        let pk: Vec<String> = texts(conn, q, &[t], &["name"]).await.concat();
        if !pk.is_empty() {
            s.keys
                .insert((table.clone(), format!("primary key ({})", pk.join(", "))));
        }
        let q = "SELECT name FROM pragma_index_list($1) WHERE origin = 'u'";
        for u in texts(conn, q, &[t], &["name"]).await {
            let q = "SELECT name FROM pragma_index_info($1) ORDER BY seqno";
            let cols = texts(conn, q, &[&u[0]], &["name"]).await.concat();
            s.keys
                .insert((table.clone(), format!("unique ({})", cols.join(", "))));
        }
        let q = "SELECT group_concat(\"from\", ', ' ORDER BY seq) AS cols, \"table\" AS refs \
                 FROM pragma_foreign_key_list($1) GROUP BY id";
        for f in texts(conn, q, &[t], &["cols", "refs"]).await {
            s.keys.insert((
                table.clone(),
                format!("foreign key ({}) references {}", f[0], f[1]),
            ));
        }
        let q = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1";
        for sql in texts(conn, q, &[t], &["sql"]).await.concat() {
            for name in constraint_names(&sql) {
                s.named.insert((table.clone(), name));
            }
        }
    }
    s
}

async fn postgres_schema(conn: &mut Conn) -> Schema {
    let mut s = Schema::default();
    for table in table_names(conn, Dialect::Postgres).await {
        let q = "SELECT column_name::text AS name, data_type::text AS type \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1";
        let columns = texts(conn, q, &[&table], &["name", "type"]).await;
        s.columns.insert(
            table.clone(),
            columns
                .into_iter()
                .map(|c| (c[0].clone(), postgres_family(&c[1])))
                .collect(),
        );
    }
    let indexes = "SELECT tablename::text AS tbl, indexname::text AS name FROM pg_indexes \
                   WHERE schemaname = current_schema() AND indexname NOT IN \
                   (SELECT c.conname FROM pg_constraint c \
                    JOIN pg_namespace n ON n.oid = c.connamespace \
                    WHERE n.nspname = current_schema())";
    for i in texts(conn, indexes, &[], &["tbl", "name"]).await {
        s.indexes.insert((i[0].clone(), i[1].clone()));
    }
    let constraints = "SELECT t.relname::text AS tbl, c.conname::text AS name, \
                       c.contype::text AS kind, coalesce(r.relname::text, '') AS refs, \
                       coalesce((SELECT string_agg(a.attname::text, ',' ORDER BY k.o) \
                         FROM unnest(c.conkey) WITH ORDINALITY AS k(n, o) \
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), '') \
                         AS cols \
                       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
                       JOIN pg_namespace n ON n.oid = t.relnamespace \
                       LEFT JOIN pg_class r ON r.oid = c.confrelid \
                       WHERE n.nspname = current_schema()";
    for c in texts(
        conn,
        constraints,
        &[],
        &["tbl", "name", "kind", "refs", "cols"],
    )
    .await
    {
        let [table, name, kind, refs, cols] = <[String; 5]>::try_from(c).unwrap();
        let cols: Vec<&str> = cols.split(',').filter(|c| !c.is_empty()).collect();
        let listed = cols.join(", ");
        let (key, suffix) = match kind.as_str() {
            "p" => (Some(format!("primary key ({listed})")), "pkey"),
            "u" => (Some(format!("unique ({listed})")), "key"),
            "f" => (
                Some(format!("foreign key ({listed}) references {refs}")),
                "fkey",
            ),
            "c" => (None, "check"),
            "n" => (None, "not_null"),
            _ => (None, "excl"),
        };
        if let Some(key) = key {
            s.keys.insert((table.clone(), key));
        }
        // PostgreSQL's name for a constraint left unnamed: the table, the
        // columns (only the first for a check) and the kind.
        let named_by = match kind.as_str() {
            "p" => vec![],
            "c" | "n" => cols.iter().take(1).copied().collect(),
            _ => cols.clone(),
        };
        let default = [vec![table.as_str()], named_by, vec![suffix]]
            .concat()
            .join("_");
        // A unique constraint is named on both engines, by the migration
        // or after PostgreSQL's pattern; the others only when the
        // migration names them.
        if kind == "u" || name != default {
            s.named.insert((table, name));
        }
    }
    s
}

/// What differs between two sets, line by line.
fn differences<T: Ord + std::fmt::Debug>(
    what: &str,
    a: &BTreeSet<T>,
    b: &BTreeSet<T>,
) -> Vec<String> {
    let only = |x: &BTreeSet<T>, y: &BTreeSet<T>, engine: &str| {
        x.difference(y)
            .map(|v| format!("{what} {v:?} only on {engine}"))
            .collect::<Vec<_>>()
    };
    [only(a, b, "SQLite"), only(b, a, "PostgreSQL")].concat()
}

fn compare(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let columns = |s: &Schema| -> BTreeSet<(String, String, String)> {
        s.columns
            .iter()
            .flat_map(|(t, cols)| cols.iter().map(|(c, f)| (t.clone(), c.clone(), f.clone())))
            .collect()
    };
    let tables = |s: &Schema| s.columns.keys().cloned().collect::<BTreeSet<_>>();
    [
        differences("table", &tables(sqlite), &tables(postgres)),
        differences(
            "(table, column, family)",
            &columns(sqlite),
            &columns(postgres),
        ),
        differences("(table, index)", &sqlite.indexes, &postgres.indexes),
        differences("(table, key)", &sqlite.keys, &postgres.keys),
        differences("(table, named constraint)", &sqlite.named, &postgres.named),
    ]
    .concat()
}

async fn migrated_sqlite() -> (Store, TempDir) {
    let dir = TempDir::new().unwrap();
    let store = Store::open_sqlite(dir.path(), &StoreOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    (store, dir)
}

/// A migrated store on PostgreSQL in a schema of its own, with the server's
/// URL and the schema's name to drop it by; none when no server is set.
async fn migrated_postgres() -> Option<(Store, String, String)> {
    let base = crate::testing::postgres_url()?;
    let (schema, url) = crate::testing::try_fresh_schema(&base, "kefu_dialect")
        .await
        .unwrap_or_else(|why| panic!("{why}"));
    let store = Store::open_postgres(&url, &StoreOptions::default())
        .await
        .unwrap();
    if let Err(e) = store.migrate().await {
        store.close().await;
        crate::testing::drop_schema(&base, &schema).await.unwrap();
        panic!("migrating PostgreSQL: {e}");
    }
    Some((store, base, schema))
}

async fn done_with_postgres((store, base, schema): (Store, String, String)) {
    store.close().await;
    crate::testing::drop_schema(&base, &schema).await.unwrap();
}

#[tokio::test]
async fn both_migration_sets_make_the_same_schema() {
    let (store, _dir) = migrated_sqlite().await;
    let sqlite = sqlite_schema(&mut store.read().await.unwrap()).await;
    assert!(sqlite.columns.contains_key("tickets"), "{sqlite:?}");
    assert!(sqlite.keys.len() > 20, "{:?}", sqlite.keys);
    let Some(pg) = migrated_postgres().await else {
        return;
    };
    let postgres = postgres_schema(&mut pg.0.read().await.unwrap()).await;
    done_with_postgres(pg).await;
    let diff = compare(&sqlite, &postgres);
    assert!(diff.is_empty(), "the schemas differ:\n{}", diff.join("\n"));
}

/// Each fragment of [`Dialect`] in a statement, on its engine.
async fn fragments_work_on(store: &Store) {
    let d = store.dialect();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(Dialect::of(&tx), d);
    sqlx::query("INSERT INTO ticket_numbers (day, last) VALUES ('b', 2), ('a', 1)")
        .execute(&mut *tx)
        .await
        .unwrap();

    let rows = |w: &str| d.json_rows("day, last", &format!("ticket_numbers WHERE {w}"), "day");
    let q = format!(
        "SELECT {} AS some, {} AS none",
        rows("last > 0"),
        rows("last < 0")
    );
    let r = sqlx::query(AssertSqlSafe(q))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let json = |c| serde_json::from_str::<Value>(&r.try_get::<String, _>(c).unwrap()).unwrap();
    assert_eq!(json("some"), json!([["a", 1], ["b", 2]]), "{d:?}");
    assert_eq!(json("none"), json!([]), "{d:?}");

    let q = format!("SELECT value FROM {} ORDER BY value", d.json_integers("$1"));
    let ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(q))
        .bind("[3,1,20000000000]")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(ids, [1, 3, 20_000_000_000], "{d:?}");

    let q = format!(
        "SELECT day FROM ticket_numbers ORDER BY day LIMIT 1{}",
        d.skip_locked()
    );
    let day: String = sqlx::query_scalar(AssertSqlSafe(q))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(day, "a", "{d:?}");

    let q = format!(
        "SELECT count(*) FROM tickets t{} WHERE t.status = 'resolved'",
        d.indexed_by("tickets_resolved_idx")
    );
    let n: i64 = sqlx::query_scalar(AssertSqlSafe(q))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 0, "{d:?}");

    let mut q = d.in_order("SELECT ");
    q.bind(40_i64).push(" + ").bind(2_i64).push(" AS n");
    let r = q.query().fetch_one(&mut *tx).await.unwrap();
    assert_eq!(r.try_get::<i64, _>("n").unwrap(), 42, "{d:?}");

    match d.next_ids("tickets", 3) {
        Some(q) => {
            let ids: BTreeSet<i64> = q
                .query()
                .fetch_all(&mut *tx)
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get("id").unwrap())
                .collect();
            assert_eq!(ids.len(), 3, "{d:?}");
        }
        None => assert_eq!(d, Dialect::Sqlite),
    }
    for t in ["tickets", "clocks"] {
        if let Some(analyze) = d.analyze(t) {
            sqlx::raw_sql(AssertSqlSafe(analyze))
                .execute(&mut *tx)
                .await
                .unwrap();
        }
    }
    // Left uncommitted: rolled back.
}

#[tokio::test]
async fn each_fragment_works_on_its_engine() {
    let (store, _dir) = migrated_sqlite().await;
    fragments_work_on(&store).await;
    assert!(store.dialect().one_writer() && !store.dialect().shared());
    let Some(pg) = migrated_postgres().await else {
        return;
    };
    fragments_work_on(&pg.0).await;
    assert!(!pg.0.dialect().one_writer() && pg.0.dialect().shared());
    done_with_postgres(pg).await;
}

#[test]
fn the_families_follow_each_engines_rules() {
    for (t, f) in [
        ("INTEGER", "integer"),
        ("BIGINT", "integer"),
        ("TEXT", "text"),
    ] {
        assert_eq!(sqlite_family(t), f, "{t}");
    }
    for (t, f) in [
        ("VARCHAR(20)", "text"),
        ("DOUBLE", "real"),
        ("BLOB", "blob"),
        ("", "blob"),
    ] {
        assert_eq!(sqlite_family(t), f, "{t}");
    }
    for (t, f) in [
        ("smallint", "integer"),
        ("bigint", "integer"),
        ("character varying", "text"),
    ] {
        assert_eq!(postgres_family(t), f, "{t}");
    }
    for (t, f) in [("double precision", "real"), ("bytea", "blob")] {
        assert_eq!(postgres_family(t), f, "{t}");
    }
    assert_ne!(postgres_family("boolean"), sqlite_family("BOOLEAN"));
    assert_eq!(
        constraint_names(
            "CREATE TABLE t (id INTEGER, -- a CONSTRAINT in a comment\n\
             CONSTRAINT t_code_key UNIQUE (code),constraint \"t_ok\" CHECK (id > 0))"
        ),
        ["t_code_key", "t_ok"]
    );
}
