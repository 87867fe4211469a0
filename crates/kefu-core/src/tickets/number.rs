//! The number agents read over the phone, `GD-20261123-0042`: the group's
//! prefix, the day the order was opened in the group's time zone (not UTC,
//! so a day's orders are the ones people saw come in that day), and the
//! order's count within that day from 1, four digits or more.
//!
//! The counting itself is the store's (one counter per day); this says how
//! a day is named and how a number is written.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::FieldError;

/// The prefix a new group numbers with.
pub const DEFAULT_PREFIX: &str = "GD-";
/// The time zone a new group counts its days in.
pub const DEFAULT_ZONE: Tz = chrono_tz::Asia::Shanghai;
/// The longest prefix: a number stays short enough to read out.
pub const MAX_PREFIX: usize = 8;

/// A prefix of 1 to [`MAX_PREFIX`] ASCII letters, digits and dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NumberPrefix(String);

impl NumberPrefix {
    pub fn parse(raw: &str) -> Result<NumberPrefix, FieldError> {
        let p = raw.trim();
        let fits = (1..=MAX_PREFIX).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        fits.then(|| NumberPrefix(p.to_owned())).ok_or_else(|| {
            FieldError::new(
                "number_prefix",
                "invalid_number_prefix",
                format!("number_prefix is 1 to {MAX_PREFIX} ASCII letters, digits or dashes"),
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for NumberPrefix {
    fn default() -> Self {
        NumberPrefix(DEFAULT_PREFIX.to_owned())
    }
}

/// How the group numbers its orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbering {
    pub prefix: NumberPrefix,
    /// Whose midnight starts a new day's count.
    pub zone: Tz,
}

impl Default for Numbering {
    fn default() -> Self {
        Numbering {
            prefix: NumberPrefix::default(),
            zone: DEFAULT_ZONE,
        }
    }
}

impl Numbering {
    /// The day an order opened at `at` is counted in: `20261123`.
    pub fn day(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone).format("%Y%m%d").to_string()
    }

    /// The number of the `seq`-th order of `day` (as [`Numbering::day`]
    /// names it).
    pub fn number(&self, day: &str, seq: i64) -> String {
        format!("{}{day}-{seq:04}", self.prefix.as_str())
    }
}

/// Whether `raw` is written as an order number, whatever its prefix (orders
/// keep the prefix they were numbered with): a prefix, eight digits, a dash
/// and four digits or more.
pub fn looks_like_number(raw: &str) -> bool {
    let Some((head, seq)) = raw.rsplit_once('-') else {
        return false;
    };
    let Some(prefix) = head.len().checked_sub(8).and_then(|n| head.get(..n)) else {
        return false;
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    seq.len() >= 4
        && digits(seq)
        && digits(&head[prefix.len()..])
        && NumberPrefix::parse(prefix).is_ok_and(|p| p.as_str() == prefix)
}

/// Whether a search for `raw` means an order number: one written in full
/// under any prefix, or the start of one under `prefix` (`GD-2026`, any
/// case). A prefix of digits alone never claims a search by its start: a
/// phone number would read as one.
pub fn may_be_number(raw: &str, prefix: &NumberPrefix) -> bool {
    if looks_like_number(raw) {
        return true;
    }
    let p = prefix.as_str();
    let distinct = p.bytes().any(|b| !b.is_ascii_digit());
    let rest = raw
        .get(..p.len())
        .filter(|head| head.eq_ignore_ascii_case(p))
        .and_then(|_| raw.get(p.len()..));
    distinct && rest.is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn numbering(prefix: &str, zone: &str) -> Numbering {
        Numbering {
            prefix: NumberPrefix::parse(prefix).unwrap(),
            zone: zone.parse().unwrap(),
        }
    }

    #[test]
    fn the_default_is_gd_and_shanghai() {
        let n = Numbering::default();
        let day = n.day(at("2026-11-23T01:30:00Z"));
        assert_eq!(n.number(&day, 42), "GD-20261123-0042");
        assert_eq!(n.zone, chrono_tz::Asia::Shanghai);
    }

    #[test]
    fn the_day_turns_at_the_groups_own_midnight() {
        let cases = [
            // (instant, zone, day)
            ("2026-11-22T15:59:59Z", "Asia/Shanghai", "20261122"),
            ("2026-11-22T16:00:00Z", "Asia/Shanghai", "20261123"),
            ("2026-11-23T04:59:59Z", "America/New_York", "20261122"),
            ("2026-11-23T05:00:00Z", "America/New_York", "20261123"),
            // Summer time: New York is 4 hours behind in July.
            ("2026-07-01T03:59:59Z", "America/New_York", "20260630"),
            ("2026-07-01T04:00:00Z", "America/New_York", "20260701"),
            // Auckland is 13 hours ahead in its summer (November).
            ("2026-11-22T10:59:59Z", "Pacific/Auckland", "20261122"),
            ("2026-11-22T11:00:00Z", "Pacific/Auckland", "20261123"),
            ("2026-12-31T23:59:59Z", "UTC", "20261231"),
            ("2027-01-01T00:00:00Z", "UTC", "20270101"),
            // New Year comes to Shanghai eight hours before London.
            ("2026-12-31T16:00:00Z", "Asia/Shanghai", "20270101"),
            ("2026-12-31T16:00:00Z", "Europe/London", "20261231"),
        ];
        for (instant, zone, day) in cases {
            let n = numbering("GD-", zone);
            assert_eq!(n.day(at(instant)), day, "{instant} in {zone}");
        }
    }

    #[test]
    fn one_instant_is_another_day_elsewhere() {
        let instant = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
        let shanghai = numbering("GD-", "Asia/Shanghai");
        let new_york = numbering("NY-", "America/New_York");
        assert_eq!(
            shanghai.number(&shanghai.day(instant), 1),
            "GD-20261123-0001"
        );
        assert_eq!(
            new_york.number(&new_york.day(instant), 1),
            "NY-20261122-0001"
        );
    }

    #[test]
    fn numbers_carry_the_prefix_and_four_digits_or_more() {
        let cases = [
            ("GD-", 1, "GD-20261123-0001"),
            ("GD-", 42, "GD-20261123-0042"),
            ("GD-", 9999, "GD-20261123-9999"),
            ("GD-", 10_000, "GD-20261123-10000"),
            ("GD-", 123_456, "GD-20261123-123456"),
            ("SH", 7, "SH20261123-0007"),
            ("KF-SH-", 7, "KF-SH-20261123-0007"),
            ("A", 0, "A20261123-0000"),
            ("12345678", 5, "1234567820261123-0005"),
        ];
        for (prefix, seq, number) in cases {
            let n = numbering(prefix, "Asia/Shanghai");
            assert_eq!(n.number("20261123", seq), number, "{prefix} {seq}");
        }
    }

    #[test]
    fn a_prefix_is_a_few_ascii_letters_digits_or_dashes() {
        for ok in ["GD-", "gd-", "A", "KF-2", "12345678", "--", " GD- "] {
            assert!(NumberPrefix::parse(ok).is_ok(), "{ok:?}");
        }
        assert_eq!(NumberPrefix::parse(" GD- ").unwrap().as_str(), "GD-");
        for bad in [
            "",
            "  ",
            "GD_",
            "G D",
            "工单-",
            "GD/",
            "123456789",
            "GD-\n-",
            "ＧＤ",
        ] {
            let e = NumberPrefix::parse(bad).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code),
                ("number_prefix", "invalid_number_prefix"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn numbers_are_recognised_whatever_their_prefix() {
        for yes in [
            "GD-20261123-0042",
            "NY-20261122-0001",
            "SH20261123-0007",
            "GD-20261123-10000",
            "KF-SH-20261123-0007",
        ] {
            assert!(looks_like_number(yes), "{yes}");
        }
        for no in [
            "",
            "GD-",
            "20261123-0042",
            "GD-2026112-0042",
            "GD-20261123-042",
            "GD-20261123",
            "GD_20261123-0042",
            "GD-2026112a-0042",
            "13812345678",
            "沪A12345",
            "GD-20261123-00４2",
        ] {
            assert!(!looks_like_number(no), "{no}");
        }
    }

    #[test]
    fn a_search_means_a_number_by_its_prefix_or_its_shape() {
        let gd = NumberPrefix::default();
        let one = NumberPrefix::parse("1").unwrap();
        let cases = [
            ("GD-20261123-0042", &gd, true),
            ("gd-20261123-0042", &gd, true),
            ("GD-2026", &gd, true),
            ("GD-", &gd, true),
            ("NY-20261122-0001", &gd, true),
            ("GD-张", &gd, false),
            ("13812345678", &gd, false),
            ("13812345678", &one, false),
            ("120261123-0001", &one, true),
            (
                "LSVAB2BR5KN123456",
                &NumberPrefix::parse("L").unwrap(),
                false,
            ),
            ("沪A12345", &gd, false),
        ];
        for (raw, prefix, means) in cases {
            assert_eq!(may_be_number(raw, prefix), means, "{raw} under {prefix:?}");
        }
    }
}
