//! Chinese phone numbers, as agents type them or paste them from WeChat,
//! Excel or a dealer's website.
//!
//! A `Phone` holds only the national digits: an 11-digit mobile
//! (`13812345678`) or a landline with its leading-0 area code
//! (`01012345678`). One spelling per number is what lets kefu find the
//! customer again whatever way the number was written the first time.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::FieldError;

const FIELD: &str = "phone";
const CODE: &str = "invalid_phone";

const EMPTY: &str = "the phone number is empty";
const BAD_CHARACTER: &str =
    "a phone number may contain only digits, spaces, -, ( and ), with + only in +86";
const FOREIGN: &str = "only Chinese numbers are accepted: the country code must be +86 or 0086";
const NOTHING_AFTER_COUNTRY_CODE: &str = "nothing follows the country code 86";
const MOBILE: &str = "a mobile number has 11 digits starting with 13-19";
const LANDLINE: &str = "a landline is an area code (010, 02X or 0XXX) followed by a 7- or \
                        8-digit local number that does not start with 0";
const SERVICE: &str = "400 and 800 service numbers are not a customer's phone";
const UNKNOWN: &str = "a phone number is an 11-digit mobile starting with 13-19 or a landline \
                       starting with its area code (0...)";

/// A valid Chinese phone number, normalised to its national digits.
///
/// Serialised as the digit string. There is deliberately no `Deserialize`:
/// input goes through [`Phone::parse`] so that a bad number becomes a
/// [`FieldError`] naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Parses a mobile or landline number written in any of the usual ways
    /// (`+86 138-1234-5678`, `(0571)8888 8888`, full-width digits...).
    pub fn parse(raw: &str) -> Result<Phone, FieldError> {
        let digits = national_digits(raw).map_err(invalid)?;
        match digits.as_bytes() {
            [b'1', ..] if is_mobile(&digits) => Ok(Phone(digits)),
            [b'1', ..] => Err(invalid(MOBILE)),
            [b'0', ..] if landline_area_len(&digits).is_some() => Ok(Phone(digits)),
            [b'0', ..] => Err(invalid(LANDLINE)),
            [b'4' | b'8', b'0', b'0', ..] => Err(invalid(SERVICE)),
            _ => Err(invalid(UNKNOWN)),
        }
    }

    /// The normalised digits, e.g. `13812345678` or `01012345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mobile(&self) -> bool {
        is_mobile(&self.0)
    }

    /// The number as it may be shown to people who need to recognise a
    /// customer but not call them: `138****5678`, `010****5678`.
    pub fn masked(&self) -> String {
        // A mobile keeps its carrier prefix, a landline its area code (the
        // city); the last 4 digits are what people confirm over the phone.
        let head = if self.is_mobile() {
            3
        } else {
            landline_area_len(&self.0).unwrap_or(3)
        };
        let tail_start = self.0.len().saturating_sub(4);
        self.0
            .chars()
            .enumerate()
            .map(|(i, c)| if i < head || i >= tail_start { c } else { '*' })
            .collect()
    }

    /// The digits to search for when an agent types the beginning of a
    /// number: separators and the country code are dropped as in
    /// [`Phone::parse`]. `None` when the result is not 3 to 12 digits (too
    /// short to search on, or too long to be the start of a number).
    pub fn parse_prefix(raw: &str) -> Option<String> {
        let digits = national_digits(raw).ok()?;
        (3..=12).contains(&digits.len()).then_some(digits)
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Phone {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phone::parse(s)
    }
}

fn invalid(message: &str) -> FieldError {
    FieldError::new(FIELD, CODE, message)
}

/// Separators people put inside phone numbers. Full-width forms come from
/// Chinese input methods; the no-break space from copying web pages.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{3000}' | '-' | '(' | ')' | '－' | '（' | '）'
    )
}

/// The ASCII digit for an ASCII or full-width digit.
fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        // Full-width forms sit at a fixed offset from ASCII.
        '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0),
        _ => None,
    }
}

/// `1[3-9]` and 9 more digits.
fn is_mobile(digits: &str) -> bool {
    match digits.as_bytes() {
        [b'1', b'3'..=b'9', rest @ ..] => rest.len() == 9 && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// The length of the area code (with its 0) when `digits` is a valid
/// landline, `None` otherwise. Beijing (010) and the 02X cities have
/// 3-digit codes and 8-digit local numbers; everywhere else has 4-digit
/// codes and 7- or 8-digit local numbers.
fn landline_area_len(digits: &str) -> Option<usize> {
    let (area_len, local_lens): (usize, &[usize]) = match digits.as_bytes() {
        [b'0', b'1', b'0', ..] | [b'0', b'2', _, ..] => (3, &[8]),
        [b'0', b'3'..=b'9', _, _, ..] => (4, &[7, 8]),
        _ => return None,
    };
    let local = digits.as_bytes().get(area_len..)?;
    // A local number starting with 0 is a doubled trunk prefix, a typo.
    // (Real ones do not start with 1 either, but placeholder numbers such
    // as 010-12345678 are common in dealer data and the examples of kefu.)
    let valid = local_lens.contains(&local.len())
        && matches!(local.first(), Some(b'1'..=b'9'))
        && local.iter().all(u8::is_ascii_digit);
    valid.then_some(area_len)
}

/// The national digits of `raw`: separators dropped, full-width digits made
/// ASCII, the country code removed, and the trunk 0 that a landline drops
/// after the country code put back. Says nothing yet about whether the
/// digits are a valid number.
fn national_digits(raw: &str) -> Result<String, &'static str> {
    let mut cleaned = String::with_capacity(raw.len());
    for c in raw.chars() {
        if let Some(d) = ascii_digit(c) {
            cleaned.push(d);
        } else if c == '+' || c == '＋' {
            cleaned.push('+');
        } else if !is_separator(c) {
            return Err(BAD_CHARACTER);
        }
    }
    if cleaned.is_empty() {
        return Err(EMPTY);
    }

    let international = if let Some(rest) = cleaned.strip_prefix('+') {
        Some(rest.strip_prefix("86").ok_or(FOREIGN)?)
    } else if let Some(rest) = cleaned.strip_prefix("0086") {
        Some(rest)
    } else if cleaned.starts_with("00") {
        return Err(FOREIGN);
    } else {
        None
    };

    let national = match international {
        Some("") => return Err(NOTHING_AFTER_COUNTRY_CODE),
        // After the country code a landline drops its trunk 0 (`+86 10 ...`
        // is Beijing); put it back so both spellings store the same. Some
        // people keep it anyway (`+86 (0)10 ...`), and mobiles never had one.
        Some(rest) if rest.starts_with('0') || starts_like_mobile(rest) => rest.to_string(),
        Some(rest) => format!("0{rest}"),
        // A bare 86 is only taken as the country code in front of a
        // complete mobile: anything shorter may be the start of a number.
        None => match cleaned.strip_prefix("86") {
            Some(rest) if is_mobile(rest) => rest.to_string(),
            _ => cleaned.clone(),
        },
    };
    if national.contains('+') {
        return Err(BAD_CHARACTER);
    }
    Ok(national)
}

fn starts_like_mobile(digits: &str) -> bool {
    matches!(digits.as_bytes(), [b'1', b'3'..=b'9', ..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(raw: &str) -> Result<String, String> {
        Phone::parse(raw)
            .map(|p| p.as_str().to_string())
            .map_err(|e| e.message)
    }

    #[test]
    fn accepts_the_ways_numbers_are_written() {
        let cases = [
            ("13812345678", "13812345678"),
            ("138 1234 5678", "13812345678"),
            ("138-1234-5678", "13812345678"),
            ("+86 138-1234-5678", "13812345678"),
            ("+8613812345678", "13812345678"),
            ("0086 138 1234 5678", "13812345678"),
            ("8613812345678", "13812345678"),
            ("(+86) 13812345678", "13812345678"),
            ("  19912345678  ", "19912345678"),
            ("１３８１２３４５６７８", "13812345678"),
            ("138\u{3000}1234\u{3000}5678", "13812345678"),
            ("＋86 138 1234 5678", "13812345678"),
            ("010-12345678", "01012345678"),
            ("(010) 8888 6666", "01088886666"),
            ("021-23456789", "02123456789"),
            ("(0571)8888 8888", "057188888888"),
            ("0571-8888888", "05718888888"),
            ("0571-1888888", "05711888888"),
            ("（0755）2345 6789", "075523456789"),
            ("+86 10 1234 5678", "01012345678"),
            ("0086 571 8888 8888", "057188888888"),
            ("+86 (0)10 1234 5678", "01012345678"),
            ("+86 21 2345 6789", "02123456789"),
        ];
        for (raw, want) in cases {
            assert_eq!(parsed(raw), Ok(want.to_string()), "{raw:?}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_chinese_phone() {
        let cases = [
            ("", EMPTY),
            ("   ", EMPTY),
            ("--", EMPTY),
            ("1381234567", MOBILE),
            ("138123456789", MOBILE),
            ("12812345678", MOBILE),
            ("10012345678", MOBILE),
            ("138-1234-567a", BAD_CHARACTER),
            ("tel: 13812345678", BAD_CHARACTER),
            ("138.1234.5678", BAD_CHARACTER),
            ("138+12345678", BAD_CHARACTER),
            ("+86+13812345678", BAD_CHARACTER),
            ("+1 415 555 0100", FOREIGN),
            ("001 415 555 0100", FOREIGN),
            ("+86", NOTHING_AFTER_COUNTRY_CODE),
            ("0086", NOTHING_AFTER_COUNTRY_CODE),
            ("010-1234567", LANDLINE),
            ("010-02345678", LANDLINE),
            ("010-12345678-1", LANDLINE),
            ("021-1234567", LANDLINE),
            ("0571-0888888", LANDLINE),
            ("0571-888888", LANDLINE),
            ("0571-888888888", LANDLINE),
            ("011-23456789", LANDLINE),
            ("0123456789", LANDLINE),
            ("400-123-4567", SERVICE),
            ("800-123-4567", SERVICE),
            ("95588", UNKNOWN),
            ("23456789", UNKNOWN),
            // A bare 86 in front of a landline is not a country code.
            ("861012345678", UNKNOWN),
        ];
        for (raw, want) in cases {
            assert_eq!(parsed(raw), Err(want.to_string()), "{raw:?}");
        }
    }

    #[test]
    fn errors_name_the_phone_field() {
        assert_eq!(
            Phone::parse("abc").map_err(|e| (e.field, e.code)),
            Err(("phone".to_string(), "invalid_phone"))
        );
    }

    #[test]
    fn mobile_and_landline_are_told_apart() {
        assert_eq!(Phone::parse("13812345678").map(|p| p.is_mobile()), Ok(true));
        assert_eq!(
            Phone::parse("01012345678").map(|p| p.is_mobile()),
            Ok(false)
        );
        assert_eq!(
            Phone::parse("05718888888").map(|p| p.is_mobile()),
            Ok(false)
        );
    }

    #[test]
    fn masking_keeps_the_prefix_and_last_four() {
        let cases = [
            ("13812345678", "138****5678"),
            ("01012345678", "010****5678"),
            ("02123456789", "021****6789"),
            ("057188888888", "0571****8888"),
            ("05712345678", "0571***5678"),
        ];
        for (raw, want) in cases {
            assert_eq!(Phone::parse(raw).map(|p| p.masked()), Ok(want.to_string()));
        }
    }

    #[test]
    fn display_and_from_str_use_the_digits() {
        let phone: Result<Phone, _> = "+86 138-1234-5678".parse();
        assert_eq!(phone.map(|p| p.to_string()), Ok("13812345678".to_string()));
    }

    #[test]
    fn prefixes_for_search() {
        let cases = [
            ("138", Some("138")),
            ("138 1234", Some("1381234")),
            ("+86 138", Some("138")),
            ("0086 1381234", Some("1381234")),
            ("+86 10 1234", Some("0101234")),
            ("010-1234", Some("0101234")),
            ("８６１", Some("861")),
            ("86138", Some("86138")),
            ("8613812345678", Some("13812345678")),
            ("057188888888", Some("057188888888")),
            ("13", None),
            ("", None),
            ("+86", None),
            ("+1 415", None),
            ("138x", None),
            ("0571888888889", None),
        ];
        for (raw, want) in cases {
            assert_eq!(
                Phone::parse_prefix(raw),
                want.map(str::to_string),
                "{raw:?}"
            );
        }
    }

    /// `+86 ` then `mobile` with a separator after some digits.
    fn decorated(mobile: &str, separators: &[Option<&str>]) -> String {
        let mut out = String::from("+86 ");
        for (c, sep) in mobile.chars().zip(separators) {
            out.push(c);
            if let Some(sep) = sep {
                out.push_str(sep);
            }
        }
        out
    }

    fn separators() -> impl Strategy<Value = Vec<Option<&'static str>>> {
        proptest::collection::vec(
            proptest::option::of(prop_oneof![
                Just(" "),
                Just("-"),
                Just("\u{3000}"),
                Just(" - ")
            ]),
            11,
        )
    }

    /// Mobiles and both kinds of landline, some with a country code.
    const VALID_PHONE: &str = concat!(
        "(\\+86 |0086)?",
        "(1[3-9][0-9]{9}",
        "|0(10|2[0-9])[1-9][0-9]{7}",
        "|0[3-9][0-9]{2}[1-9][0-9]{6,7})",
    );

    proptest! {
        #[test]
        fn valid_mobiles_parse_to_themselves(mobile in "1[3-9][0-9]{9}") {
            prop_assert_eq!(parsed(&mobile), Ok(mobile.clone()));
        }

        #[test]
        fn decorated_mobiles_parse_to_the_digits(
            mobile in "1[3-9][0-9]{9}",
            seps in separators(),
        ) {
            prop_assert_eq!(parsed(&decorated(&mobile, &seps)), Ok(mobile));
        }

        #[test]
        fn parsing_is_idempotent(raw in VALID_PHONE) {
            let phone = Phone::parse(&raw);
            prop_assert!(phone.is_ok(), "{raw:?}: {phone:?}");
            if let Ok(phone) = phone {
                prop_assert_eq!(Phone::parse(phone.as_str()), Ok(phone.clone()));
                prop_assert_eq!(Phone::parse_prefix(phone.as_str()), Some(phone.to_string()));
            }
        }

        #[test]
        fn masked_mobiles_hide_the_middle_four(mobile in "1[3-9][0-9]{9}") {
            let masked = Phone::parse(&mobile).map(|p| p.masked());
            prop_assert_eq!(
                masked,
                Ok(format!("{}****{}", &mobile[..3], &mobile[7..]))
            );
        }

        #[test]
        fn random_input_never_panics(raw in "\\PC{0,30}") {
            let _ = Phone::parse(&raw);
            let _ = Phone::parse_prefix(&raw);
        }

        #[test]
        fn digit_noise_never_panics(raw in "[+86０-９0-9 ()（）-]{0,20}") {
            if let Ok(phone) = Phone::parse(&raw) {
                prop_assert!(phone.as_str().bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(phone.masked().chars().count(), phone.as_str().len());
            }
            if let Some(prefix) = Phone::parse_prefix(&raw) {
                prop_assert!(prefix.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!((3..=12).contains(&prefix.len()));
            }
        }
    }
}
