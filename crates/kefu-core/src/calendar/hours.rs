//! Working hours of one day: ranges of local wall-clock time, in minutes from
//! midnight, written `"09:00"`..`"18:00"` by admins.

use crate::FieldError;

/// Minutes in a day; `24:00` is the end of the day and only valid as an end.
pub const DAY_MINUTES: u16 = 24 * 60;

/// One stretch of working time in a day, `[start, end)` in minutes from local
/// midnight: `start < end <= 1440`. A value that exists is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkRange {
    start: u16,
    end: u16,
}

impl WorkRange {
    /// `None` unless `start < end <= 1440`.
    pub const fn new(start: u16, end: u16) -> Option<Self> {
        if start < end && end <= DAY_MINUTES {
            Some(Self { start, end })
        } else {
            None
        }
    }

    /// The whole day, `00:00`..`24:00`.
    pub const ALL_DAY: Self = Self {
        start: 0,
        end: DAY_MINUTES,
    };

    /// Minutes from local midnight at which work starts.
    pub fn start(self) -> u16 {
        self.start
    }

    /// Minutes from local midnight at which work stops (1440 = midnight ending
    /// the day).
    pub fn end(self) -> u16 {
        self.end
    }

    pub fn minutes(self) -> u16 {
        self.end - self.start
    }

    /// `["09:00", "18:00"]`, as the API writes it.
    pub fn to_strings(self) -> [String; 2] {
        [hhmm(self.start), hhmm(self.end)]
    }
}

/// `540` as `"09:00"`, `1440` as `"24:00"`.
fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `"HH:MM"` with two digits each, `00:00` to `24:00`, as minutes.
fn parse_hhmm(raw: &str) -> Option<u16> {
    let (h, m) = raw.trim().split_once(':')?;
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60 + m;
    (m < 60 && minutes <= DAY_MINUTES).then_some(minutes)
}

/// One day's ranges as admins enter them, reported as `weekly.<day>[i]`:
/// each `[start, end]` with `start < end`, in order and not overlapping (a
/// range may start where the previous one ends).
pub(super) fn parse_day(day: &str, raw: &[[String; 2]]) -> Result<Vec<WorkRange>, FieldError> {
    let mut out: Vec<WorkRange> = Vec::with_capacity(raw.len());
    for (i, [start, end]) in raw.iter().enumerate() {
        let field = format!("weekly.{day}[{i}]");
        let (Some(start), Some(end)) = (parse_hhmm(start), parse_hhmm(end)) else {
            return Err(FieldError::new(
                field,
                "invalid_time",
                "working hours must be written HH:MM, from 00:00 to 24:00",
            ));
        };
        let range = WorkRange::new(start, end).ok_or_else(|| {
            FieldError::new(
                field.clone(),
                "empty_range",
                "a range of working hours must end after it starts",
            )
        })?;
        if out.last().is_some_and(|prev| range.start < prev.end) {
            return Err(FieldError::new(
                field,
                "overlapping_range",
                "ranges of working hours must be in order and must not overlap",
            ));
        }
        out.push(range);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Raw = (&'static str, &'static str);

    fn day(ranges: &[Raw]) -> Result<Vec<WorkRange>, FieldError> {
        let raw: Vec<[String; 2]> = ranges
            .iter()
            .map(|(a, b)| [a.to_string(), b.to_string()])
            .collect();
        parse_day("tue", &raw)
    }

    #[test]
    fn valid_days_parse_to_minutes() {
        let lunch = day(&[("09:00", "12:00"), ("13:30", "18:00")]).unwrap();
        assert_eq!(
            lunch,
            [
                WorkRange::new(540, 720).unwrap(),
                WorkRange::new(810, 1080).unwrap()
            ]
        );
        assert_eq!(day(&[("00:00", "24:00")]).unwrap(), [WorkRange::ALL_DAY]);
        assert_eq!(day(&[]).unwrap(), []);
        // Touching ranges are allowed.
        assert_eq!(
            day(&[("08:00", "12:00"), ("12:00", "13:00")])
                .unwrap()
                .len(),
            2
        );
        assert_eq!(lunch[1].to_strings(), ["13:30", "18:00"]);
        assert_eq!(WorkRange::ALL_DAY.to_strings(), ["00:00", "24:00"]);
    }

    #[test]
    fn invalid_days_name_the_range() {
        let cases: &[(&[Raw], &str, &str)] = &[
            (&[("9:00", "12:00")], "weekly.tue[0]", "invalid_time"),
            (&[("09:00", "24:01")], "weekly.tue[0]", "invalid_time"),
            (&[("09:60", "12:00")], "weekly.tue[0]", "invalid_time"),
            (&[("25:00", "26:00")], "weekly.tue[0]", "invalid_time"),
            (
                &[("09:00", "12:00"), ("x", "y")],
                "weekly.tue[1]",
                "invalid_time",
            ),
            (&[("+9:00", "12:00")], "weekly.tue[0]", "invalid_time"),
            (&[("12:00", "12:00")], "weekly.tue[0]", "empty_range"),
            (&[("18:00", "09:00")], "weekly.tue[0]", "empty_range"),
            (&[("24:00", "24:00")], "weekly.tue[0]", "empty_range"),
            (
                &[("09:00", "12:00"), ("11:00", "13:00")],
                "weekly.tue[1]",
                "overlapping_range",
            ),
            (
                &[("13:00", "18:00"), ("09:00", "12:00")],
                "weekly.tue[1]",
                "overlapping_range",
            ),
        ];
        for (ranges, field, code) in cases {
            let err = day(ranges).unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.code),
                (*field, *code),
                "{ranges:?}"
            );
        }
    }
}
