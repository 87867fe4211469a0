//! The overtime report's numbers: how many SLA clocks came due in a window,
//! how many of them were breached, and how late each breach was. Grouping
//! and counting happen in SQL; the percentiles of lateness are the caller's
//! (kefu-app), from the values this returns.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_core::org::Scope;
use sqlx::any::AnyRow;

use crate::sql::Sql;
use crate::{Conn, Result, columns};

/// How the report's rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OvertimeGroup {
    /// The back-office department the clock ran at (escalated orders).
    Department,
    /// The dealer the clock ran at (dispatched orders).
    Dealer,
    /// The clock's kind and step: response, resolution, escalation 1, 2...
    Step,
}

/// Which clocks the report covers: those due in `[from, to)`. `now` measures
/// breaches that are still open.
#[derive(Debug, Clone, Copy)]
pub struct OvertimeWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub group_by: OvertimeGroup,
    pub now: DateTime<Utc>,
}

/// What a row of the report is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OvertimeKey {
    /// A department or dealer by id; `None` for clocks that ran elsewhere
    /// (a dealer's clocks have no department, a department's no dealer).
    Place(Option<i64>),
    /// `response`, `resolution` or `escalation`, with its step (0, or 1, 2...
    /// up the escalation ladder).
    Step { kind: String, step: i64 },
}

/// One group's counts, straight from the database.
#[derive(Debug, Clone, PartialEq)]
pub struct OvertimeTally {
    pub key: OvertimeKey,
    /// The department's or dealer's name; `None` for steps and for `Place(None)`.
    pub name: Option<String>,
    /// Clocks due in the window, met or not.
    pub clocks: i64,
    /// Breaches due in the window.
    pub breaches: i64,
    /// Breaches whose late thing has not happened yet.
    pub open: i64,
    /// How late each breach is (or, if still open, has been until `now`), in
    /// milliseconds, ascending; one value per breach.
    pub late_ms: Vec<i64>,
}

/// The clock kinds that are deadlines. A callback clock only says when to
/// call the customer again; nobody is late when it fires.
const DEADLINE_KINDS: &str = "('response', 'resolution', 'escalation')";

/// The tallies of the window's clocks and breaches by group, ordered by key
/// (ids ascending with the `None` group last; steps response, resolution,
/// then up the ladder). One statement, so clocks and breaches are counted in
/// the same snapshot: a group never has more breaches than clocks because a
/// clock fired between two reads.
///
/// The caller's scope is applied here: a department sees the clocks that ran
/// at it, a dealer those that ran at it, nobody else's.
pub async fn overtime(
    conn: &mut Conn,
    scope: Scope,
    w: &OvertimeWindow,
) -> Result<Vec<OvertimeTally>> {
    if scope == Scope::Nothing {
        return Ok(Vec::new());
    }
    let (columns, join, group) = match w.group_by {
        OvertimeGroup::Department => (
            "x.department_id AS place_id, n.name AS name",
            " LEFT JOIN departments n ON n.id = x.department_id",
            "x.department_id, n.name",
        ),
        OvertimeGroup::Dealer => (
            "x.dealer_id AS place_id, n.name AS name",
            " LEFT JOIN dealers n ON n.id = x.dealer_id",
            "x.dealer_id, n.name",
        ),
        OvertimeGroup::Step => ("x.kind AS kind, x.step AS step", "", "x.kind, x.step"),
    };
    let filter = |q: &mut Sql| {
        q.push(" WHERE x.kind IN ")
            .push(DEADLINE_KINDS)
            .push(" AND x.due_at >= ")
            .bind(w.from.timestamp_millis())
            .push(" AND x.due_at < ")
            .bind(w.to.timestamp_millis());
        match scope {
            Scope::Department(d) => {
                q.push(" AND x.department_id = ").bind(d);
            }
            Scope::Dealer(d) => {
                q.push(" AND x.dealer_id = ").bind(d);
            }
            Scope::Group | Scope::Nothing => {}
        }
    };
    // Clocks: one row per group. Breaches: one row per group and lateness,
    // with how many breaches share it, so every lateness value comes back
    // without a row per breach when many were equally late.
    let mut q = Sql::new("SELECT 'clock' AS part, ");
    q.push(columns)
        .push(", 0 AS late_ms, count(*) AS n, 0 AS open_n FROM clocks x")
        .push(join);
    filter(&mut q);
    q.push(" GROUP BY ").push(group);
    q.push(" UNION ALL SELECT 'breach' AS part, ")
        .push(columns)
        .push(", coalesce(x.actual_at, ")
        .bind(w.now.timestamp_millis())
        .push(") - x.due_at AS late_ms, count(*) AS n, ")
        .push("sum(CASE WHEN x.actual_at IS NULL THEN 1 ELSE 0 END) AS open_n FROM breaches x")
        .push(join);
    filter(&mut q);
    q.push(" GROUP BY ")
        .push(group)
        .push(", x.due_at, x.actual_at");

    let rows = q.query().fetch_all(conn).await?;
    let mut groups: HashMap<OvertimeKey, OvertimeTally> = HashMap::new();
    for r in &rows {
        let (key, name) = key_of(r, w.group_by)?;
        let t = groups.entry(key.clone()).or_insert_with(|| OvertimeTally {
            key,
            name: None,
            clocks: 0,
            breaches: 0,
            open: 0,
            late_ms: Vec::new(),
        });
        t.name = t.name.take().or(name);
        let n = columns::i64_(r, "n")?;
        if columns::text(r, "part")? == "clock" {
            t.clocks += n;
        } else {
            t.breaches += n;
            t.open += columns::i64_(r, "open_n")?;
            let late = columns::i64_(r, "late_ms")?;
            t.late_ms
                .extend(std::iter::repeat_n(late, usize::try_from(n).unwrap_or(0)));
        }
    }
    let mut tallies: Vec<OvertimeTally> = groups.into_values().collect();
    for t in &mut tallies {
        t.late_ms.sort_unstable();
    }
    tallies.sort_by(|a, b| order(&a.key, &b.key));
    Ok(tallies)
}

fn key_of(r: &AnyRow, group_by: OvertimeGroup) -> Result<(OvertimeKey, Option<String>)> {
    Ok(match group_by {
        OvertimeGroup::Department | OvertimeGroup::Dealer => (
            OvertimeKey::Place(columns::opt_i64(r, "place_id")?),
            columns::opt_text(r, "name")?,
        ),
        OvertimeGroup::Step => (
            OvertimeKey::Step {
                kind: columns::text(r, "kind")?,
                step: columns::i64_(r, "step")?,
            },
            None,
        ),
    })
}

/// Places by id with "elsewhere" last; steps in the order an order meets them.
fn order(a: &OvertimeKey, b: &OvertimeKey) -> Ordering {
    fn kind_rank(kind: &str) -> u8 {
        match kind {
            "response" => 0,
            "resolution" => 1,
            "escalation" => 2,
            _ => 3,
        }
    }
    match (a, b) {
        (OvertimeKey::Place(x), OvertimeKey::Place(y)) => match (x, y) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        (OvertimeKey::Step { kind: k, step: s }, OvertimeKey::Step { kind: k2, step: s2 }) => {
            (kind_rank(k), k, s).cmp(&(kind_rank(k2), k2, s2))
        }
        (OvertimeKey::Place(_), OvertimeKey::Step { .. }) => Ordering::Less,
        (OvertimeKey::Step { .. }, OvertimeKey::Place(_)) => Ordering::Greater,
    }
}
