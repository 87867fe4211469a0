//! Reports for the service centre's managers. The overtime analysis (超时分析):
//! for the clocks that came due in a window, how many were breached and how
//! late, by department, dealer or step of the ladder.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use kefu_core::FieldError;
use kefu_core::org::Permission;
use kefu_store::reports::{self, OvertimeGroup, OvertimeKey, OvertimeTally, OvertimeWindow};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Actor, App, Result};

/// The longest window one report covers.
const MAX_DAYS: i64 = 366;

/// The overtime report's parameters as they came in.
#[derive(Debug, Clone, Default)]
pub struct OvertimeParams {
    pub from: Option<String>,
    pub to: Option<String>,
    pub group_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OvertimeReport {
    /// The window's start, included.
    pub from: DateTime<Utc>,
    /// The window's end, excluded.
    pub to: DateTime<Utc>,
    /// `department`, `dealer` or `step`.
    pub group_by: String,
    pub rows: Vec<OvertimeRow>,
    /// All the rows together.
    pub total: OvertimeRow,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OvertimeRow {
    /// The department's or dealer's id (`null` for clocks that ran
    /// elsewhere: a dealer's clocks by department, a department's by dealer),
    /// or the step: `response`, `resolution`, `escalation 1`, `escalation 2`...
    /// `null` in the total.
    pub key: Option<RowKey>,
    /// The department's or dealer's name, or the step again.
    pub name: Option<String>,
    /// Clocks that came due in the window, met or breached (a clock stopped
    /// in time counts as met).
    pub clocks: i64,
    /// Breaches due in the window.
    pub breaches: i64,
    /// `breaches / clocks`; 0 when no clock came due.
    pub breach_rate: f64,
    /// The median lateness of the breaches in minutes, one decimal: until the
    /// late response or resolution, or until now for breaches still open.
    /// `null` without breaches.
    pub median_late_minutes: Option<f64>,
    /// The 90th percentile of the same (linear between the closest ranks).
    pub p90_late_minutes: Option<f64>,
    /// Breaches whose late response or resolution has not happened yet.
    pub open: i64,
}

/// A department's or dealer's id, or a step's name.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum RowKey {
    Id(i64),
    Step(String),
}

/// The overtime analysis of the clocks due in `[from, to)`. Admins, managers
/// and VPs see the whole group; a department head only their department.
pub async fn overtime(app: &App, who: &Actor, p: &OvertimeParams) -> Result<OvertimeReport> {
    who.require(Permission::ReadReports)?;
    let mut conn = app.store.read().await?;
    let zone = crate::org::group::settings_on(app, &mut conn)
        .await?
        .timezone;
    let (from, to) = window(p.from.as_deref(), p.to.as_deref(), zone)?;
    let group_by = group_by(p.group_by.as_deref())?;
    let w = OvertimeWindow {
        from,
        to,
        group_by,
        now: app.now(),
    };
    let tallies = reports::overtime(&mut conn, who.ticket_scope(), &w).await?;
    Ok(report(&w, &tallies))
}

/// Parse `from` and `to`: RFC 3339 instants, or dates read in `zone`, the
/// group's time zone (`from` from the start of its day, `to` to the end of
/// its day).
pub fn window(
    from: Option<&str>,
    to: Option<&str>,
    zone: Tz,
) -> Result<(DateTime<Utc>, DateTime<Utc>), FieldError> {
    let from = instant("from", from, false, zone)?;
    let to = instant("to", to, true, zone)?;
    if to <= from {
        return Err(FieldError::new(
            "to",
            "invalid_range",
            "to must be after from",
        ));
    }
    if to - from > TimeDelta::days(MAX_DAYS) {
        return Err(FieldError::new(
            "to",
            "range_too_long",
            format!("a report covers at most {MAX_DAYS} days"),
        ));
    }
    Ok((from, to))
}

fn instant(
    field: &str,
    raw: Option<&str>,
    end_of_day: bool,
    zone: Tz,
) -> Result<DateTime<Utc>, FieldError> {
    let raw = raw
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            FieldError::new(
                field,
                "required",
                format!("{field} is required (an RFC 3339 instant or a date YYYY-MM-DD)"),
            )
        })?;
    let bad = || {
        FieldError::new(
            field,
            "invalid_instant",
            format!(
                "{field} must be an RFC 3339 instant (2026-11-22T09:00:00+08:00) or a date (2026-11-22)"
            ),
        )
    };
    if raw.len() == 10 {
        let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| bad())?;
        let day = if end_of_day {
            day.succ_opt().ok_or_else(bad)?
        } else {
            day
        };
        return zone
            .from_local_datetime(&day.and_time(NaiveTime::MIN))
            .earliest()
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(bad);
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| bad())
}

pub fn group_by(raw: Option<&str>) -> Result<OvertimeGroup, FieldError> {
    match raw.map(str::trim) {
        None | Some("") | Some("department") => Ok(OvertimeGroup::Department),
        Some("dealer") => Ok(OvertimeGroup::Dealer),
        Some("step") => Ok(OvertimeGroup::Step),
        Some(_) => Err(FieldError::new(
            "group_by",
            "invalid_group_by",
            "group_by must be one of department, dealer, step",
        )),
    }
}

fn group_name(g: OvertimeGroup) -> &'static str {
    match g {
        OvertimeGroup::Department => "department",
        OvertimeGroup::Dealer => "dealer",
        OvertimeGroup::Step => "step",
    }
}

fn report(w: &OvertimeWindow, tallies: &[OvertimeTally]) -> OvertimeReport {
    let rows = tallies
        .iter()
        .map(|t| {
            let (key, name) = match &t.key {
                OvertimeKey::Place(id) => (id.map(RowKey::Id), t.name.clone()),
                OvertimeKey::Step { kind, step } => {
                    let s = step_name(kind, *step);
                    (Some(RowKey::Step(s.clone())), Some(s))
                }
            };
            row(key, name, t.clocks, t.breaches, t.open, &t.late_ms)
        })
        .collect();
    let mut all: Vec<i64> = tallies
        .iter()
        .flat_map(|t| t.late_ms.iter().copied())
        .collect();
    all.sort_unstable();
    let total = row(
        None,
        None,
        tallies.iter().map(|t| t.clocks).sum(),
        tallies.iter().map(|t| t.breaches).sum(),
        tallies.iter().map(|t| t.open).sum(),
        &all,
    );
    OvertimeReport {
        from: w.from,
        to: w.to,
        group_by: group_name(w.group_by).to_owned(),
        rows,
        total,
    }
}

/// `response`, `resolution`, `escalation 1`, `escalation 2`...
fn step_name(kind: &str, step: i64) -> String {
    if kind == "escalation" {
        format!("{kind} {step}")
    } else {
        kind.to_owned()
    }
}

fn row(
    key: Option<RowKey>,
    name: Option<String>,
    clocks: i64,
    breaches: i64,
    open: i64,
    late_ms: &[i64],
) -> OvertimeRow {
    let minutes = |p: f64| percentile(late_ms, p).map(|ms| (ms / 6_000.0).round() / 10.0);
    OvertimeRow {
        key,
        name,
        clocks,
        breaches,
        breach_rate: if clocks > 0 {
            breaches as f64 / clocks as f64
        } else {
            0.0
        },
        median_late_minutes: minutes(0.5),
        p90_late_minutes: minutes(0.9),
        open,
    }
}

/// The `p` quantile of ascending values, interpolated linearly between the
/// closest ranks (as spreadsheets' PERCENTILE.INC): the median of an even
/// count is the mean of the middle two. `None` for no values.
pub fn percentile(sorted: &[i64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(last);
    let (a, b) = (sorted.get(lo)?, sorted.get(hi)?);
    Some(*a as f64 + (h - lo as f64) * (*b - *a) as f64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono_tz::America::New_York;
    use chrono_tz::Asia::Shanghai;

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[7], 0.5), Some(7.0));
        assert_eq!(percentile(&[7], 0.9), Some(7.0));
        assert_eq!(percentile(&[1, 3], 0.5), Some(2.0));
        assert_eq!(percentile(&[30, 120, 180, 1620], 0.5), Some(150.0));
        let p90 = percentile(&[30, 120, 180, 1620], 0.9).unwrap();
        assert!((p90 - 1188.0).abs() < 1e-9, "{p90}");
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 0.5), Some(3.0));
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 1.0), Some(5.0));
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 0.0), Some(1.0));
    }

    #[test]
    fn minutes_have_one_decimal() {
        let r = row(None, None, 3, 2, 0, &[90_000, 95_000]);
        assert_eq!(r.median_late_minutes, Some(1.5));
        assert_eq!(r.p90_late_minutes, Some(1.6));
        assert!((r.breach_rate - 2.0 / 3.0).abs() < 1e-12);
        let r = row(None, None, 0, 0, 0, &[]);
        assert_eq!(
            (r.breach_rate, r.median_late_minutes, r.p90_late_minutes),
            (0.0, None, None)
        );
    }

    #[test]
    fn dates_are_whole_days_in_the_groups_time_zone() {
        let (from, to) = window(Some("2026-01-01"), Some("2026-01-01"), Shanghai).unwrap();
        assert_eq!(from, at("2025-12-31T16:00:00Z"));
        assert_eq!(to, at("2026-01-01T16:00:00Z"));
        let (from, to) = window(Some("2026-01-01"), Some("2026-01-01"), New_York).unwrap();
        assert_eq!(from, at("2026-01-01T05:00:00Z"));
        assert_eq!(to, at("2026-01-02T05:00:00Z"));
        // The day summer time starts in New York has 23 hours.
        let (from, to) = window(Some("2026-03-08"), Some("2026-03-08"), New_York).unwrap();
        assert_eq!(to - from, TimeDelta::hours(23));
        let (from, to) = window(
            Some("2026-03-01T09:00:00+08:00"),
            Some("2026-03-01T02:00:00.5Z"),
            New_York,
        )
        .unwrap();
        assert_eq!(from, at("2026-03-01T01:00:00Z"));
        assert_eq!(to, at("2026-03-01T02:00:00.500Z"));
    }

    #[test]
    fn windows_are_checked() {
        let field =
            |f: Option<&str>, t: Option<&str>| window(f, t, Shanghai).map_err(|e| e.field).err();
        assert_eq!(field(None, Some("2026-01-01")), Some("from".into()));
        assert_eq!(field(Some(" "), Some("2026-01-01")), Some("from".into()));
        assert_eq!(
            field(Some("2026-02-30"), Some("2026-03-01")),
            Some("from".into())
        );
        assert_eq!(
            field(Some("2026-1-5"), Some("2026-03-01")),
            Some("from".into())
        );
        assert_eq!(
            field(Some("yesterday"), Some("2026-03-01")),
            Some("from".into())
        );
        assert_eq!(field(Some("2026-01-01"), None), Some("to".into()));
        assert_eq!(
            field(Some("2026-01-01"), Some("2026-13-01")),
            Some("to".into())
        );
        assert_eq!(
            field(Some("2026-01-02T00:00:00Z"), Some("2026-01-02T00:00:00Z")),
            Some("to".into()),
            "an empty window"
        );
        assert_eq!(
            field(Some("2026-01-02"), Some("2026-01-01")),
            Some("to".into())
        );
        // 2026 has 365 days: through 2027-01-01 is 366, one more is too many.
        assert_eq!(field(Some("2026-01-01"), Some("2027-01-01")), None);
        assert_eq!(
            field(Some("2026-01-01"), Some("2027-01-02")),
            Some("to".into())
        );
    }

    #[test]
    fn group_by_defaults_to_department() {
        assert_eq!(group_by(None), Ok(OvertimeGroup::Department));
        assert_eq!(group_by(Some("step")), Ok(OvertimeGroup::Step));
        assert_eq!(group_by(Some("dealer")), Ok(OvertimeGroup::Dealer));
        assert_eq!(
            group_by(Some("week")).map_err(|e| e.field),
            Err("group_by".to_owned())
        );
    }

    #[test]
    fn steps_read_as_the_ladder() {
        assert_eq!(step_name("response", 0), "response");
        assert_eq!(step_name("escalation", 2), "escalation 2");
    }
}
