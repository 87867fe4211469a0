//! Free text, tags and dates from user input, bounded before they are stored.
//!
//! Text is kept verbatim apart from surrounding whitespace: SQL, HTML, emoji
//! and Chinese are all legitimate in a note, and escaping is the job of
//! whatever renders it. Only control characters are refused, because they
//! are never typed on purpose and break exports and terminals.

use chrono::NaiveDate;

use crate::FieldError;

/// Dates earlier or later than this are typos (`0224`, `2204`), not
/// customer history or appointments.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// `raw` without surrounding whitespace; required, at most `max_chars`
/// characters (not bytes: a Chinese character counts as one), and free of
/// control characters other than line breaks and tabs.
pub fn text(field: &str, raw: &str, max_chars: usize) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            format!("{field} must not be empty"),
        ));
    }
    if trimmed.chars().count() > max_chars {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("{field} must be at most {max_chars} characters"),
        ));
    }
    if let Some(c) = trimmed
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new(
            field,
            "invalid_text",
            format!(
                "{field} contains the control character U+{:04X}",
                u32::from(c)
            ),
        ));
    }
    if let Some(c) = trimmed.chars().find(|c| is_direction_control(*c)) {
        return Err(FieldError::new(
            field,
            "invalid_text",
            format!(
                "{field} contains the invisible direction control U+{:04X}, which can make text read backwards",
                u32::from(c)
            ),
        ));
    }
    if trimmed
        .chars()
        .all(|c| c.is_whitespace() || is_invisible(c))
    {
        return Err(FieldError::new(
            field,
            "required",
            format!("{field} has no visible character"),
        ));
    }
    Ok(trimmed.to_string())
}

/// Bidirectional embeddings, overrides and isolates (U+202A to U+202E,
/// U+2066 to U+2069): never typed into a name or a note, and used to make a
/// file name or a sum read otherwise than it is.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no room: zero-width spaces and joiners, the word
/// joiner and invisible operators, the byte-order mark, soft hyphen, the
/// Hangul fillers. A joiner inside an emoji is fine; text of only these is
/// empty to a reader.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// Like [`text`], but a missing or blank value is `None` rather than an
/// error: a cleared form field means "no value".
pub fn optional_text(
    field: &str,
    raw: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    match raw {
        Some(raw) if !raw.trim().is_empty() => text(field, raw, max_chars).map(Some),
        _ => Ok(None),
    }
}

/// A calendar date written `2024-03-15`, `2024/03/15` (Excel) or
/// `2024年03月15日` (Chinese); month and day may drop their leading zero.
pub fn date(field: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    let invalid = |message: String| FieldError::new(field, "invalid_date", message);
    let (year, month, day) = split_date(raw.trim())
        .ok_or_else(|| invalid(format!("{field} must be a date written as YYYY-MM-DD")))?;
    if !YEARS.contains(&year) {
        return Err(invalid(format!(
            "{field} must be in the years {} to {}",
            YEARS.start(),
            YEARS.end()
        )));
    }
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| invalid(format!("{field} is not a day of the calendar")))
}

/// Like [`date`], for a day that has already been (a birthday, a purchase):
/// not after `today`.
pub fn past_date(field: &str, raw: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let day = date(field, raw)?;
    if day > today {
        return Err(FieldError::new(
            field,
            "in_future",
            format!("{field} cannot be in the future"),
        ));
    }
    Ok(day)
}

/// Year, month and day as written, before checking they make a real date.
fn split_date(s: &str) -> Option<(i32, u32, u32)> {
    let (year, month, day) = if let Some(rest) = s.strip_suffix('日') {
        let (year, rest) = rest.split_once('年')?;
        let (month, day) = rest.split_once('月')?;
        (year, month, day)
    } else {
        // One separator throughout: `2024-03/15` is more likely a mistake
        // than a date.
        let separator = if s.contains('/') { '/' } else { '-' };
        let mut parts = s.split(separator);
        let parts = (parts.next()?, parts.next()?, parts.next()?, parts.next());
        match parts {
            (year, month, day, None) => (year, month, day),
            _ => return None,
        }
    };
    Some((
        number(year, 4..=4)?,
        number(month, 1..=2)?,
        number(day, 1..=2)?,
    ))
}

/// ASCII digits only (no sign, no spaces), with a bounded number of them.
fn number<T: std::str::FromStr>(s: &str, digits: std::ops::RangeInclusive<usize>) -> Option<T> {
    if digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// A list of short labels: each one checked like [`text`] (and reported as
/// `tags[i]`), duplicates dropped keeping the first, at most `max_count`
/// distinct tags.
pub fn tags(
    field: &str,
    raw: &[String],
    max_count: usize,
    max_chars: usize,
) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::with_capacity(raw.len().min(max_count));
    for (i, tag) in raw.iter().enumerate() {
        let tag = text(field, tag, max_chars).map_err(|e| e.at(format!("{field}[{i}]")))?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > max_count {
        return Err(FieldError::new(
            field,
            "too_many",
            format!("{field} may have at most {max_count} tags"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code<T>(result: Result<T, FieldError>) -> Result<T, &'static str> {
        result.map_err(|e| e.code)
    }

    #[test]
    fn text_trims_and_keeps_everything_else() {
        let cases = [
            ("  hello  ", "hello"),
            ("\u{3000}张先生\u{3000}", "张先生"),
            (
                "line 1\nline 2\r\n\tindented",
                "line 1\nline 2\r\n\tindented",
            ),
            ("'; DROP TABLE customers; --", "'; DROP TABLE customers; --"),
            ("<script>alert(1)</script>", "<script>alert(1)</script>"),
            ("👍 满意", "👍 满意"),
        ];
        for (raw, want) in cases {
            assert_eq!(text("note", raw, 100), Ok(want.to_string()), "{raw:?}");
        }
    }

    #[test]
    fn text_rejects_empty_long_and_control_characters() {
        let cases = [
            ("", 10, "required", "note must not be empty"),
            (" \n\t ", 10, "required", "note must not be empty"),
            (
                "abcdefghijk",
                10,
                "too_long",
                "note must be at most 10 characters",
            ),
            (
                "一二三四五六七八九十一",
                10,
                "too_long",
                "note must be at most 10 characters",
            ),
            (
                "bell\u{7}",
                10,
                "invalid_text",
                "note contains the control character U+0007",
            ),
            (
                "a\u{0}b",
                10,
                "invalid_text",
                "note contains the control character U+0000",
            ),
            (
                "a\u{1b}[31m",
                10,
                "invalid_text",
                "note contains the control character U+001B",
            ),
            (
                "a\u{85}b",
                10,
                "invalid_text",
                "note contains the control character U+0085",
            ),
        ];
        for (raw, max, want_code, want_message) in cases {
            assert_eq!(
                text("note", raw, max).map_err(|e| (e.field, e.code, e.message)),
                Err(("note".to_string(), want_code, want_message.to_string())),
                "{raw:?}"
            );
        }
        // The limit counts characters, not bytes.
        assert_eq!(
            text("note", "一二三四五六七八九十", 10),
            Ok("一二三四五六七八九十".to_string())
        );
    }

    #[test]
    fn text_refuses_what_no_reader_sees_or_reads_backwards() {
        for raw in [
            "\u{200B}",
            "\u{200B}\u{200C}\u{FEFF}",
            " \u{2060} ",
            "\u{3164}",
        ] {
            assert_eq!(code(text("name", raw, 10)), Err("required"), "{raw:?}");
        }
        for raw in [
            "张\u{202E}伟",
            "invoice\u{202E}fdp.exe",
            "a\u{2066}b\u{2069}",
        ] {
            assert_eq!(code(text("name", raw, 20)), Err("invalid_text"), "{raw:?}");
        }
        let e = text("name", "x\u{202E}", 5).unwrap_err();
        assert!(e.message.contains("U+202E"), "{}", e.message);
        // A joiner inside an emoji, and a zero-width space between words, stay.
        assert_eq!(
            text("note", "👨\u{200D}👩", 10).as_deref(),
            Ok("👨\u{200D}👩")
        );
        assert_eq!(
            text("name", "张\u{200B}伟", 10).as_deref(),
            Ok("张\u{200B}伟")
        );
    }

    #[test]
    fn past_dates_are_not_after_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(past_date("birthday", "2026-12-07", today), Ok(today));
        assert_eq!(
            code(past_date("birthday", "2026-12-08", today)),
            Err("in_future")
        );
        assert_eq!(
            code(past_date("birthday", "2100-01-01", today)),
            Err("in_future")
        );
        assert_eq!(
            code(past_date("birthday", "1899-12-31", today)),
            Err("invalid_date")
        );
    }

    #[test]
    fn optional_text_treats_blank_as_none() {
        assert_eq!(optional_text("note", None, 10), Ok(None));
        assert_eq!(optional_text("note", Some(""), 10), Ok(None));
        assert_eq!(optional_text("note", Some("  \n"), 10), Ok(None));
        assert_eq!(
            optional_text("note", Some(" hi "), 10),
            Ok(Some("hi".to_string()))
        );
        assert_eq!(
            code(optional_text("note", Some("too long here"), 5)),
            Err("too_long")
        );
    }

    #[test]
    fn dates_in_the_usual_spellings() {
        let want = NaiveDate::from_ymd_opt(2024, 3, 5);
        let cases = [
            "2024-03-05",
            "2024/03/05",
            "2024年03月05日",
            "2024年3月5日",
            "2024/3/5",
            "2024-3-05",
            " 2024-03-05 ",
        ];
        for raw in cases {
            assert_eq!(date("visit_date", raw).ok(), want, "{raw:?}");
        }
        assert_eq!(
            date("d", "1900-01-01").ok(),
            NaiveDate::from_ymd_opt(1900, 1, 1)
        );
        assert_eq!(
            date("d", "2100-12-31").ok(),
            NaiveDate::from_ymd_opt(2100, 12, 31)
        );
        assert_eq!(
            date("d", "2024-02-29").ok(),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
    }

    #[test]
    fn bad_dates() {
        let cases = [
            "",
            "2024",
            "2024-03",
            "2024-03-05-01",
            "2024-03/05",
            "2024.03.05",
            "24-03-05",
            "02024-03-05",
            "2024-003-05",
            "2024-+3-05",
            "2024-03-05T10:00",
            "2024-03-05 10:00",
            "2024年03月05",
            "2024年3-5日",
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "1899-12-31",
            "2101-01-01",
            "0224-03-05",
            "２０２４-03-05",
            "yesterday",
        ];
        for raw in cases {
            assert_eq!(
                date("visit_date", raw).map_err(|e| (e.field, e.code)),
                Err(("visit_date".to_string(), "invalid_date")),
                "{raw:?}"
            );
        }
        assert_eq!(
            date("d", "2204-03-05").map_err(|e| e.message),
            Err("d must be in the years 1900 to 2100".to_string())
        );
    }

    fn strings(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated_in_order() {
        assert_eq!(
            tags(
                "tags",
                &strings(&[" vip ", "试驾", "vip", "试驾 ", "VIP"]),
                3,
                10
            ),
            Ok(strings(&["vip", "试驾", "VIP"]))
        );
        assert_eq!(tags("tags", &[], 3, 10), Ok(vec![]));
        // Duplicates do not count towards the maximum.
        assert_eq!(
            tags("tags", &strings(&["a", "a", "a", "b"]), 2, 10),
            Ok(strings(&["a", "b"]))
        );
    }

    #[test]
    fn tag_errors_name_the_tag() {
        assert_eq!(
            tags("tags", &strings(&["ok", " "]), 3, 10).map_err(|e| (e.field, e.code)),
            Err(("tags[1]".to_string(), "required"))
        );
        assert_eq!(
            tags("tags", &strings(&["ok", "far too long"]), 3, 5).map_err(|e| (e.field, e.code)),
            Err(("tags[1]".to_string(), "too_long"))
        );
        assert_eq!(
            tags("tags", &strings(&["a", "b", "c"]), 2, 5).map_err(|e| (e.field, e.code)),
            Err(("tags".to_string(), "too_many"))
        );
    }

    proptest! {
        #[test]
        fn text_never_panics_and_respects_the_maximum(
            raw in "\\PC{0,40}|.{0,40}",
            max in 0usize..30,
        ) {
            if let Ok(t) = text("note", &raw, max) {
                prop_assert!(t.chars().count() <= max);
                prop_assert!(!t.is_empty());
                prop_assert_eq!(t.trim(), t.as_str());
                // Trimming is idempotent: the output is accepted unchanged.
                prop_assert_eq!(text("note", &t, max), Ok(t.clone()));
            }
        }

        #[test]
        fn text_with_any_characters_never_panics(raw in any::<String>(), max in 0usize..50) {
            let _ = text("note", &raw, max);
            let _ = optional_text("note", Some(&raw), max);
        }

        #[test]
        fn printable_text_survives_verbatim(
            core in "[^\\p{Cc}\\p{Cf}\\s\u{034F}\u{115F}\u{1160}\u{3164}\u{FFA0}][^\\p{Cc}\\p{Cf}]{0,18}[^\\p{Cc}\\p{Cf}\\s]",
            pad in "[ \t\n]{0,3}",
        ) {
            let raw = format!("{pad}{core}{pad}");
            prop_assert_eq!(text("note", &raw, 20), Ok(core));
        }

        #[test]
        fn valid_dates_parse_in_every_spelling(day in 0i64..(201 * 366)) {
            let Some(start) = NaiveDate::from_ymd_opt(1900, 1, 1) else {
                return Err(TestCaseError::fail("1900-01-01 exists"));
            };
            let d = start + chrono::Duration::days(day);
            prop_assume!(YEARS.contains(&chrono::Datelike::year(&d)));
            for raw in [
                d.format("%Y-%m-%d").to_string(),
                d.format("%Y/%m/%d").to_string(),
                d.format("%Y年%m月%d日").to_string(),
            ] {
                prop_assert_eq!(date("d", &raw), Ok(d));
            }
        }

        #[test]
        fn dates_never_panic(raw in "\\PC{0,16}|[0-9/年月日-]{0,14}") {
            if let Ok(d) = date("d", &raw) {
                prop_assert!(YEARS.contains(&chrono::Datelike::year(&d)));
            }
        }

        #[test]
        fn tags_never_exceed_the_limits(
            raw in proptest::collection::vec("[ a-c]{0,4}", 0..8),
            max_count in 0usize..5,
            max_chars in 1usize..4,
        ) {
            if let Ok(out) = tags("tags", &raw, max_count, max_chars) {
                prop_assert!(out.len() <= max_count);
                prop_assert!(out.iter().all(|t| t.chars().count() <= max_chars));
                let mut unique = out.clone();
                unique.sort();
                unique.dedup();
                prop_assert_eq!(unique.len(), out.len());
            }
        }
    }
}
