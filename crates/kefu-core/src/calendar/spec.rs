//! A calendar as admins enter it and the API carries it, checked once by
//! [`CalendarSpec::build`] into a [`Calendar`].

use std::collections::BTreeSet;

use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::hours::{WorkRange, parse_day};
use super::{Calendar, Official};
use crate::FieldError;

/// At most this many admin dates of each kind: ten years of daily entries is
/// already far beyond any real calendar.
const MAX_DATES: usize = 3660;

/// The API's names of the weekdays, Monday first.
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A calendar as the API writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// An IANA time zone, e.g. `Asia/Shanghai`; hours are local to it.
    #[schema(example = "Asia/Shanghai")]
    pub timezone: String,
    pub weekly: WeeklySpec,
    /// `CN` to follow China's official holidays and make-up workdays
    /// (known from 2004 to 2026-12-25), or null.
    #[schema(example = "CN")]
    pub public_holidays: Option<String>,
    /// Extra days off, `YYYY-MM-DD`; they win over official make-up workdays.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Extra make-up workdays (调休), worked with Monday's hours; they win
    /// over official holidays.
    #[serde(default)]
    pub workdays: Vec<String>,
    /// Years whose official arrangement an admin entered into `holidays` and
    /// `workdays` (`kefu calendar import-holidays`): their official dates
    /// count as known.
    #[serde(default)]
    pub official_years: Vec<i32>,
}

/// Working hours per weekday: ranges `["HH:MM", "HH:MM"]` from `00:00` to
/// `24:00`, in order, not overlapping. A missing day has no working hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklySpec {
    #[serde(default)]
    #[schema(example = json!([["09:00", "12:00"], ["13:00", "18:00"]]))]
    pub mon: Vec<[String; 2]>,
    #[serde(default)]
    pub tue: Vec<[String; 2]>,
    #[serde(default)]
    pub wed: Vec<[String; 2]>,
    #[serde(default)]
    pub thu: Vec<[String; 2]>,
    #[serde(default)]
    pub fri: Vec<[String; 2]>,
    #[serde(default)]
    pub sat: Vec<[String; 2]>,
    #[serde(default)]
    pub sun: Vec<[String; 2]>,
}

impl WeeklySpec {
    fn days(&self) -> [&[[String; 2]]; 7] {
        [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ]
    }
}

impl CalendarSpec {
    /// The calendar, or the first field that is wrong: `timezone`,
    /// `weekly.<day>[i]`, `public_holidays`, `holidays`/`holidays[i]`,
    /// `workdays`/`workdays[i]` (a date both a holiday and a workday is
    /// reported on the workday). A date listed twice counts once.
    pub fn build(&self) -> Result<Calendar, FieldError> {
        let tz = self.timezone.trim().parse::<Tz>().map_err(|_| {
            FieldError::new(
                "timezone",
                "invalid_timezone",
                format!("{} is not an IANA time zone", self.timezone),
            )
        })?;
        let mut weekly: [Vec<WorkRange>; 7] = Default::default();
        for ((slot, name), raw) in weekly.iter_mut().zip(DAYS).zip(self.weekly.days()) {
            *slot = parse_day(name, raw)?;
        }
        let official = self
            .public_holidays
            .as_deref()
            .map(Official::parse)
            .transpose()?;
        let holidays = dates("holidays", &self.holidays)?;
        let workdays = dates("workdays", &self.workdays)?;
        if let Some(i) = self
            .workdays
            .iter()
            .position(|raw| crate::text::date("workdays", raw).is_ok_and(|d| holidays.contains(&d)))
        {
            return Err(FieldError::new(
                format!("workdays[{i}]"),
                "conflicting_date",
                "a date cannot be both a holiday and a make-up workday",
            ));
        }
        let mut entered = BTreeSet::new();
        for (i, year) in self.official_years.iter().enumerate() {
            if !(super::FIRST_YEAR..=super::LAST_YEAR).contains(year) {
                return Err(FieldError::new(
                    format!("official_years[{i}]"),
                    "invalid_year",
                    format!("a year from {} to {}", super::FIRST_YEAR, super::LAST_YEAR),
                ));
            }
            entered.insert(*year);
        }
        Ok(Calendar::from_parts(tz, weekly, official, holidays, workdays).with_entered(entered))
    }
}

/// Admin dates, reported as `field[i]`; any format [`crate::text::date`]
/// takes, years 1900 to 2100.
fn dates(field: &str, raw: &[String]) -> Result<BTreeSet<NaiveDate>, FieldError> {
    if raw.len() > MAX_DATES {
        return Err(FieldError::new(
            field,
            "too_many",
            format!("{field} may list at most {MAX_DATES} dates"),
        ));
    }
    raw.iter()
        .enumerate()
        .map(|(i, s)| crate::text::date(field, s).map_err(|e| e.at(format!("{field}[{i}]"))))
        .collect()
}

impl Calendar {
    /// The calendar as the API writes it; `build` gives it back unchanged.
    pub fn to_spec(&self) -> CalendarSpec {
        let day = |d: Weekday| -> Vec<[String; 2]> {
            self.weekly(d).iter().map(|r| r.to_strings()).collect()
        };
        let ymd = |set: &BTreeSet<NaiveDate>| -> Vec<String> {
            set.iter()
                .map(|d| d.format("%Y-%m-%d").to_string())
                .collect()
        };
        CalendarSpec {
            timezone: self.timezone().name().to_string(),
            weekly: WeeklySpec {
                mon: day(Weekday::Mon),
                tue: day(Weekday::Tue),
                wed: day(Weekday::Wed),
                thu: day(Weekday::Thu),
                fri: day(Weekday::Fri),
                sat: day(Weekday::Sat),
                sun: day(Weekday::Sun),
            },
            public_holidays: self.official().map(|o| o.as_str().to_string()),
            holidays: ymd(self.holidays()),
            workdays: ymd(self.workdays()),
            official_years: self.entered.iter().copied().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(value: serde_json::Value) -> CalendarSpec {
        serde_json::from_value(value).unwrap()
    }

    fn office() -> serde_json::Value {
        json!({
            "timezone": "Asia/Shanghai",
            "weekly": { "mon": [["09:00", "12:00"], ["13:00", "18:00"]] },
            "public_holidays": "CN",
            "holidays": ["2027-01-04"],
            "workdays": ["2027-01-09"],
        })
    }

    #[test]
    fn builds_and_round_trips() {
        let cal = spec(office()).build().unwrap();
        assert_eq!(cal.weekly(Weekday::Mon).len(), 2);
        assert!(cal.weekly(Weekday::Tue).is_empty());
        assert_eq!(cal.official(), Some(Official::Cn));
        assert_eq!(cal.to_spec().build().unwrap(), cal);
        let office = Calendar::china_office(chrono_tz::Asia::Shanghai);
        assert_eq!(office.to_spec().build().unwrap(), office);
        let all = Calendar::round_the_clock(chrono_tz::Europe::Berlin);
        let all_spec = all.to_spec();
        assert_eq!(all_spec.weekly.sun, [["00:00", "24:00"]]);
        assert_eq!(all_spec.public_holidays, None);
        assert_eq!(all_spec.build().unwrap(), all);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut extra = office();
        extra["weekend"] = json!(true);
        assert!(serde_json::from_value::<CalendarSpec>(extra).is_err());
        let mut extra_day = office();
        extra_day["weekly"]["mo"] = json!([]);
        assert!(serde_json::from_value::<CalendarSpec>(extra_day).is_err());
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases = [
            (
                "timezone",
                json!("Mars/Olympus"),
                "timezone",
                "invalid_timezone",
            ),
            (
                "weekly",
                json!({ "sat": [["10:00", "9:00"]] }),
                "weekly.sat[0]",
                "invalid_time",
            ),
            (
                "weekly",
                json!({ "sun": [["10:00", "12:00"], ["10:30", "11:00"]] }),
                "weekly.sun[1]",
                "overlapping_range",
            ),
            (
                "public_holidays",
                json!("cn"),
                "public_holidays",
                "invalid_public_holidays",
            ),
            (
                "holidays",
                json!(["2025-01-01", "2025-02-30"]),
                "holidays[1]",
                "invalid_date",
            ),
            (
                "holidays",
                json!(["1800-01-01"]),
                "holidays[0]",
                "invalid_date",
            ),
            (
                "workdays",
                json!(["tomorrow"]),
                "workdays[0]",
                "invalid_date",
            ),
            (
                "workdays",
                json!(["2027-01-09", "2027/1/4"]),
                "workdays[1]",
                "conflicting_date",
            ),
            (
                "holidays",
                json!(vec!["2025-01-01"; 3661]),
                "holidays",
                "too_many",
            ),
        ];
        for (key, value, field, code) in cases {
            let mut raw = office();
            raw[key] = value;
            let err = spec(raw).build().unwrap_err();
            assert_eq!((err.field.as_str(), err.code), (field, code), "{key}");
        }
    }

    #[test]
    fn optional_parts_default_to_nothing() {
        let cal = spec(json!({ "timezone": "UTC", "weekly": {}, "public_holidays": null }))
            .build()
            .unwrap();
        assert!(!cal.has_working_time());
        assert!(cal.holidays().is_empty() && cal.workdays().is_empty());
        assert!(!cal.official_dates_missing(2027));
    }
}
