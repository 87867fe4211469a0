//! A year's official holidays and make-up workdays as an admin copies them
//! from the State Council's notice (国务院办公厅关于部分节假日安排的通知),
//! one line per date or range of dates:
//!
//! ```text
//! # 2027 年部分节假日安排
//! 2027-01-01 休
//! 2027-02-06~2027-02-12 休      春节
//! 2027-02-14 班
//! ```
//!
//! `休` or `holiday` is a day off, `班` or `workday` a make-up workday; a
//! range is `FROM~TO` or `FROM..TO`; anything after the kind is a remark, and
//! `#` starts a comment. The notice is for the year most of its dates are in;
//! it may reach into the December before and the January after (New Year
//! arrangements do), no further.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::FieldError;

/// One year's notice, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub year: i32,
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
}

/// A notice has at most this many lines worth reading.
const MAX_LINES: usize = 1000;
/// And a range at most this many days (the longest official holiday is 8).
const MAX_RANGE_DAYS: i64 = 31;

/// The notice in `text`, or the first line that is wrong (`line N`).
pub fn parse_notice(text: &str) -> Result<Notice, FieldError> {
    let mut days: BTreeMap<NaiveDate, (bool, usize)> = BTreeMap::new();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > MAX_LINES {
        return Err(FieldError::new(
            "file",
            "too_long",
            format!("a notice has at most {MAX_LINES} lines"),
        ));
    }
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let line = raw.split('#').next().unwrap_or_default().trim();
        let line = line.trim_start_matches('\u{FEFF}');
        if line.is_empty() {
            continue;
        }
        let bad = |message: String| FieldError::new(format!("line {n}"), "invalid_notice", message);
        let mut words = line.split_whitespace();
        let (Some(when), Some(kind)) = (words.next(), words.next()) else {
            return Err(bad(format!(
                "line {n} is a date or FROM~TO, then 休 or 班: {line:?}"
            )));
        };
        let holiday = match kind {
            "休" | "holiday" => true,
            "班" | "workday" => false,
            other => return Err(bad(format!("line {n}: {other:?} is neither 休 nor 班"))),
        };
        let (from, to) = match when.split_once('~').or_else(|| when.split_once("..")) {
            Some((a, b)) => (a, b),
            None => (when, when),
        };
        let date = |s: &str| {
            crate::text::date("date", s).map_err(|e| bad(format!("line {n}: {}", e.message)))
        };
        let (from, to) = (date(from)?, date(to)?);
        if to < from || (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(bad(format!(
                "line {n}: a range runs forwards and spans at most {MAX_RANGE_DAYS} days"
            )));
        }
        for day in from.iter_days().take_while(|d| *d <= to) {
            if let Some((was, at)) = days.insert(day, (holiday, n))
                && was != holiday
            {
                return Err(bad(format!(
                    "line {n}: {day} is already a {} on line {at}",
                    if was { "holiday" } else { "workday" }
                )));
            }
        }
    }
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for day in days.keys() {
        *years.entry(day.year()).or_default() += 1;
    }
    let Some((&year, _)) = years.iter().max_by_key(|(y, n)| (**n, -**y)) else {
        return Err(FieldError::new(
            "file",
            "required",
            "the notice lists no dates",
        ));
    };
    let first = NaiveDate::from_ymd_opt(year - 1, 12, 1);
    let last = NaiveDate::from_ymd_opt(year + 1, 1, 31);
    if let Some((day, (_, n))) = days
        .iter()
        .find(|(d, _)| first.is_none_or(|f| **d < f) || last.is_none_or(|l| **d > l))
    {
        return Err(FieldError::new(
            format!("line {n}"),
            "invalid_notice",
            format!("line {n}: {day} is too far from {year}, the year of this notice"),
        ));
    }
    let pick = |want: bool| {
        days.iter()
            .filter(|(_, (h, _))| *h == want)
            .map(|(d, _)| *d)
            .collect()
    };
    Ok(Notice {
        year,
        holidays: pick(true),
        workdays: pick(false),
    })
}

impl super::CalendarSpec {
    /// The spec with a year's notice entered: its dates become admin dates
    /// (a notice's workday is no longer an admin holiday, and the reverse),
    /// and its year counts as known.
    pub fn enter_notice(&mut self, notice: &Notice) {
        let parse = |s: &String| crate::text::date("date", s).ok();
        let ymd = |d: &NaiveDate| d.format("%Y-%m-%d").to_string();
        self.holidays
            .retain(|s| parse(s).is_none_or(|d| !notice.workdays.contains(&d)));
        self.workdays
            .retain(|s| parse(s).is_none_or(|d| !notice.holidays.contains(&d)));
        for (list, new) in [
            (&mut self.holidays, &notice.holidays),
            (&mut self.workdays, &notice.workdays),
        ] {
            let mut all: std::collections::BTreeSet<NaiveDate> =
                list.iter().filter_map(parse).collect();
            let unreadable: Vec<String> = list
                .iter()
                .filter(|s| parse(s).is_none())
                .cloned()
                .collect();
            all.extend(new.iter().copied());
            *list = unreadable.into_iter().chain(all.iter().map(ymd)).collect();
        }
        if !self.official_years.contains(&notice.year) {
            self.official_years.push(notice.year);
            self.official_years.sort_unstable();
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
    fn a_notice_reads_as_an_admin_copies_it() {
        let n = parse_notice(
            "\u{FEFF}# 2027 年部分节假日安排\n\n2027-01-01 休 元旦\n2027-02-06~2027-02-08 休 春节\n\
             2027/2/14 班\n2027-10-01..2027-10-02 holiday\n2027-09-26 workday # 国庆\n",
        )
        .unwrap();
        assert_eq!(n.year, 2027);
        assert_eq!(
            n.holidays,
            [
                d(2027, 1, 1),
                d(2027, 2, 6),
                d(2027, 2, 7),
                d(2027, 2, 8),
                d(2027, 10, 1),
                d(2027, 10, 2)
            ]
        );
        assert_eq!(n.workdays, [d(2027, 2, 14), d(2027, 9, 26)]);
    }

    #[test]
    fn a_new_year_reaching_into_the_next_january_is_the_notice_year() {
        let n = parse_notice("2018-12-29 班\n2018-12-30~2019-01-01 休\n2018-02-15~2018-02-21 休\n")
            .unwrap();
        assert_eq!(n.year, 2018);
        assert!(n.holidays.contains(&d(2019, 1, 1)));
    }

    #[test]
    fn a_notice_entered_makes_its_year_known_and_its_dates_count() {
        let mut spec: super::super::CalendarSpec = serde_json::from_value(serde_json::json!({
            "timezone": "Asia/Shanghai",
            "weekly": {"mon": [["09:00", "18:00"]], "tue": [["09:00", "18:00"]],
                "wed": [["09:00", "18:00"]], "thu": [["09:00", "18:00"]], "fri": [["09:00", "18:00"]]},
            "public_holidays": "CN",
            "holidays": ["2027-02-14", "2027-05-20"],
        }))
        .unwrap();
        let before = spec.build().unwrap();
        assert!(before.official_dates_missing(2027));
        let notice = parse_notice("2027-02-08~2027-02-10 休\n2027-02-14 班\n").unwrap();
        spec.enter_notice(&notice);
        spec.enter_notice(&notice);
        assert_eq!(
            spec.holidays,
            ["2027-02-08", "2027-02-09", "2027-02-10", "2027-05-20"]
        );
        assert_eq!(spec.workdays, ["2027-02-14"]);
        assert_eq!(spec.official_years, [2027]);
        let after = spec.build().unwrap();
        assert!(!after.official_dates_missing(2027));
        assert!(after.official_dates_missing(2028));
        assert!(!after.is_workday(d(2027, 2, 9)), "a Tuesday off");
        assert!(after.is_workday(d(2027, 2, 14)), "a Sunday worked");
    }

    #[test]
    fn wrong_lines_are_named() {
        for (text, field) in [
            ("2027-01-01\n", "line 1"),
            ("\n2027-01-01 放假\n", "line 2"),
            ("2027-02-30 休\n", "line 1"),
            ("2027-02-08~2027-02-06 休\n", "line 1"),
            ("2027-01-01~2027-03-01 休\n", "line 1"),
            ("2027-01-01 休\n2027-01-01 班\n", "line 2"),
            ("2027-01-01 休\n2027-01-02 休\n2029-05-01 休\n", "line 3"),
        ] {
            assert_eq!(parse_notice(text).unwrap_err().field, field, "{text:?}");
        }
        assert_eq!(parse_notice("# nothing\n").unwrap_err().code, "required");
    }
}
