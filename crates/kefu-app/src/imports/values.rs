//! Cell text as spreadsheets write it, turned into what the API's inputs
//! accept: Chinese words for enumerations, lists in one cell, numbers with
//! separators, dates with a midnight time. Anything not recognised is passed
//! on unchanged, so that validation reports it with the input's own message.

use kefu_core::FieldError;

/// Several values in one cell: `138..;139..`, `VIP，试驾`, `a/b`.
pub(super) fn list(cell: Option<&str>) -> Vec<String> {
    cell.map(|c| {
        c.split([';', ',', '；', '，', '/', '、'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// Look `cell` up in a table of spellings, ignoring ASCII case.
fn word(cell: &str, table: &[(&str, &'static str)]) -> String {
    table
        .iter()
        .find(|(spelling, _)| spelling.eq_ignore_ascii_case(cell))
        .map_or_else(|| cell.to_owned(), |(_, word)| (*word).to_owned())
}

pub(super) fn kind(cell: &str) -> String {
    word(
        cell,
        &[
            ("person", "person"),
            ("个人", "person"),
            ("个人客户", "person"),
            ("私人", "person"),
            ("company", "company"),
            ("公司", "company"),
            ("企业", "company"),
            ("企业客户", "company"),
            ("单位", "company"),
        ],
    )
}

pub(super) fn gender(cell: &str) -> String {
    word(
        cell,
        &[
            ("male", "male"),
            ("m", "male"),
            ("男", "male"),
            ("男性", "male"),
            ("先生", "male"),
            ("female", "female"),
            ("f", "female"),
            ("女", "female"),
            ("女性", "female"),
            ("女士", "female"),
            ("unknown", "unknown"),
            ("未知", "unknown"),
        ],
    )
}

/// `a`, `A级` and `A类` are tier A.
pub(super) fn tier(cell: &str) -> String {
    cell.trim_end_matches(['级', '类'])
        .trim()
        .to_ascii_uppercase()
}

/// A whole number; thousands separators and a `km`/`公里` unit are fine.
pub(super) fn integer(field: &str, cell: &str) -> Result<i64, FieldError> {
    let s = cell.trim();
    let s = s.strip_suffix("公里").unwrap_or(s);
    let cut = s.len().saturating_sub(2);
    let s = match (s.get(..cut), s.get(cut..)) {
        (Some(number), Some(unit)) if unit.eq_ignore_ascii_case("km") => number,
        _ => s,
    };
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    digits.parse().map_err(|_| {
        FieldError::new(
            field,
            "invalid_number",
            format!("{field} must be a whole number, not '{cell}'"),
        )
    })
}

/// A date as CSV exports often carry it, `2024-03-15 00:00:00`: the day is
/// what the field holds, so a time of day after it is dropped.
pub(super) fn date(cell: &str) -> String {
    match cell.split_once(' ') {
        Some((day, time))
            if !time.is_empty() && time.trim().chars().all(|c| c.is_ascii_digit() || c == ':') =>
        {
            day.to_owned()
        }
        _ => cell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_every_usual_separator() {
        assert_eq!(
            list(Some("a; b，c/d、e,,f")),
            ["a", "b", "c", "d", "e", "f"]
        );
        assert!(list(None).is_empty());
        assert!(list(Some(" ; ")).is_empty());
    }

    #[test]
    fn words_in_chinese_and_english() {
        assert_eq!(kind("企业"), "company");
        assert_eq!(kind("Person"), "person");
        assert_eq!(kind("robot"), "robot");
        assert_eq!(gender("女"), "female");
        assert_eq!(gender("MALE"), "male");
        assert_eq!(tier("b级"), "B");
        assert_eq!(tier("C"), "C");
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(integer("mileage_km", "12,345 km"), Ok(12345));
        assert_eq!(integer("mileage_km", "800公里"), Ok(800));
        assert_eq!(integer("dealer_id", "7"), Ok(7));
        assert_eq!(
            integer("mileage_km", "12.5").map_err(|e| e.code),
            Err("invalid_number")
        );
        assert_eq!(date("2024-03-15 00:00:00"), "2024-03-15");
        assert_eq!(date("2024/3/15 0:00"), "2024/3/15");
        assert_eq!(date("2024-03-15"), "2024-03-15");
        assert_eq!(date("next week"), "next week");
    }
}
