//! Official public holidays and make-up workdays (调休) that a calendar can
//! follow, so admins need not type in the State Council's notice every year.

use chinese_holiday::DayKind::{NormalHoliday, NormalWorkday};
use chrono::{Datelike, NaiveDate};

use crate::word_enum::word_enum;

word_enum!(
    /// Whose official holidays a calendar follows (`public_holidays`).
    Official, "public_holidays", "invalid_public_holidays" {
        Cn = "CN",
    }
);

/// What the official arrangement says about a date, where it says anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OfficialDay {
    Holiday,
    Workday,
}

/// The first and last dates the `chinese_holiday` crate knows. It asserts
/// (panics) outside them, so it is never asked about any other date.
pub(super) fn cn_first() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2004, 1, 1)
}

pub(super) fn cn_last() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2026, 12, 25)
}

impl Official {
    /// The dates whose arrangement is known.
    pub fn coverage(self) -> Option<(NaiveDate, NaiveDate)> {
        match self {
            Official::Cn => Some((cn_first()?, cn_last()?)),
        }
    }

    /// The special arrangement of `date`, or `None` for an ordinary day (or a
    /// date outside [`Official::coverage`]). Ordinary weekends are left to the
    /// calendar's weekly hours: a dealer may open on Saturdays.
    pub(super) fn day(self, date: NaiveDate) -> Option<OfficialDay> {
        let (first, last) = self.coverage()?;
        if date < first || date > last {
            return None;
        }
        // In range, so the conversions cannot fail and the crate cannot panic.
        let year = u16::try_from(date.year()).ok()?;
        let month = u8::try_from(date.month()).ok()?;
        let day = u8::try_from(date.day()).ok()?;
        match chinese_holiday::chinese_holiday(chinese_holiday::Ymd::new(year, month, day)) {
            NormalHoliday | NormalWorkday => None,
            kind if kind.is_workday() => Some(OfficialDay::Workday),
            _ => Some(OfficialDay::Holiday),
        }
    }

    /// Whether any date of `year` is outside the known arrangement (2026
    /// counts: its last days are unknown, and New Year make-up days can fall
    /// there).
    pub(super) fn missing(self, year: i32) -> bool {
        match self.coverage() {
            Some((first, last)) => {
                year < first.year() || year > last.year() || {
                    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31);
                    dec31.is_none_or(|d| d > last)
                }
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn only_special_days_are_reported() {
        let cn = Official::Cn;
        assert_eq!(cn.day(d(2025, 1, 28)), Some(OfficialDay::Holiday));
        assert_eq!(cn.day(d(2025, 1, 26)), Some(OfficialDay::Workday));
        // An ordinary Saturday and an ordinary Monday: weekly hours decide.
        assert_eq!(cn.day(d(2025, 3, 8)), None);
        assert_eq!(cn.day(d(2025, 3, 10)), None);
    }

    #[test]
    fn never_asks_the_crate_outside_its_range() {
        let cn = Official::Cn;
        for date in [
            d(2003, 12, 31),
            d(2026, 12, 26),
            d(2027, 1, 1),
            NaiveDate::MIN,
            NaiveDate::MAX,
        ] {
            assert_eq!(cn.day(date), None);
        }
        assert_eq!(cn.day(d(2004, 1, 1)), Some(OfficialDay::Holiday));
        assert_eq!(cn.day(d(2026, 12, 25)), None);
    }

    #[test]
    fn missing_years() {
        let cn = Official::Cn;
        assert!(cn.missing(2003));
        assert!(!cn.missing(2004));
        assert!(!cn.missing(2025));
        assert!(cn.missing(2026));
        assert!(cn.missing(2027));
        assert!(cn.missing(i32::MAX));
        assert!(cn.missing(i32::MIN));
        assert_eq!(Official::parse("CN"), Ok(Official::Cn));
        assert_eq!(Official::parse("US").unwrap_err().field, "public_holidays");
    }
}
