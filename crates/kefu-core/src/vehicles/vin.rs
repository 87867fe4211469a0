//! Vehicle identification numbers (GB 16735, the Chinese edition of
//! ISO 3779).
//!
//! A VIN is 17 characters from the digits and the letters without I, O and
//! Q (too easily read as 1 and 0). GB 16735 makes the 9th character a check
//! digit for every vehicle, which catches most single-character typos when
//! an agent copies a VIN from a photo of the registration certificate.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::FieldError;

const FIELD: &str = "vin";
const INVALID: &str = "invalid_vin";
const CHECK_DIGIT: &str = "vin_check_digit";

const LEN: usize = 17;
/// Index of the check digit (the 9th character).
const CHECK_INDEX: usize = 8;
/// ISO 3779 weights by position; the check digit itself weighs 0.
const WEIGHTS: [u32; LEN] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// A valid VIN: 17 upper-case characters with a correct check digit.
///
/// Serialised as the string. There is deliberately no `Deserialize`: input
/// goes through [`Vin::parse`] so that a bad VIN becomes a [`FieldError`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Vin(String);

impl Vin {
    /// Parses a VIN; surrounding whitespace and lower case are accepted.
    pub fn parse(raw: &str) -> Result<Vin, FieldError> {
        let vin = raw.trim().to_ascii_uppercase();
        let len = vin.chars().count();
        if len == 0 {
            return Err(invalid("the VIN is empty"));
        }
        if len != LEN {
            return Err(invalid(format!(
                "a VIN has 17 characters, this one has {len}"
            )));
        }
        if vin.contains(['I', 'O', 'Q']) {
            return Err(invalid(
                "I, O and Q never appear in a VIN: they are probably 1, 0 and 0",
            ));
        }
        if !vin.chars().all(is_vin_char) {
            return Err(invalid(
                "a VIN contains only digits and the letters A-Z (without I, O and Q)",
            ));
        }
        let expected = Vin::check_digit(&vin);
        let actual = vin.chars().nth(CHECK_INDEX);
        match (expected, actual) {
            (Some(expected), Some(actual)) if expected == actual => Ok(Vin(vin)),
            (Some(expected), Some(actual)) => Err(FieldError::new(
                FIELD,
                CHECK_DIGIT,
                format!(
                    "the check digit (9th character) should be {expected}, not {actual}: \
                     a character is probably mistyped"
                ),
            )),
            // Unreachable after the checks above; still an invalid VIN.
            _ => Err(invalid("a VIN contains only digits and the letters A-Z")),
        }
    }

    /// Builds a valid VIN from 17 characters by replacing the 9th with the
    /// correct check digit: for test data and demo records. `None` unless
    /// the other 16 characters are from the VIN alphabet (lower case is
    /// accepted and upper-cased).
    pub fn with_check_digit(body: &str) -> Option<Vin> {
        let body = body.trim().to_ascii_uppercase();
        let check = Vin::check_digit(&body)?;
        let vin = body
            .chars()
            .enumerate()
            .map(|(i, c)| if i == CHECK_INDEX { check } else { c })
            .collect();
        Some(Vin(vin))
    }

    /// The check digit for 17 upper-case characters: the weighted sum mod 11,
    /// with 10 written `X`. The 9th character is ignored (its weight is 0), so
    /// a placeholder may stand there. `None` for a wrong length or a character
    /// outside the VIN alphabet.
    pub fn check_digit(vin: &str) -> Option<char> {
        if vin.chars().count() != LEN {
            return None;
        }
        let mut sum = 0;
        for (i, (c, weight)) in vin.chars().zip(WEIGHTS).enumerate() {
            if i != CHECK_INDEX {
                sum += transliterate(c)? * weight;
            }
        }
        match sum % 11 {
            10 => Some('X'),
            r => char::from_digit(r, 10),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last 6 characters (the serial number), which is what agents and
    /// customers read to each other over the phone.
    pub fn last6(&self) -> &str {
        // A Vin is 17 ASCII characters, so the slice always exists.
        self.0.get(LEN - 6..).unwrap_or_default()
    }

    /// Normalises what an agent typed to search by the last 6 characters:
    /// `Some` only for exactly 6 characters of the VIN alphabet.
    pub fn parse_last6(raw: &str) -> Option<String> {
        let last6 = raw.trim().to_ascii_uppercase();
        (last6.chars().count() == 6 && last6.chars().all(is_vin_char)).then_some(last6)
    }
}

impl fmt::Display for Vin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Vin {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vin::parse(s)
    }
}

fn invalid(message: impl Into<String>) -> FieldError {
    FieldError::new(FIELD, INVALID, message)
}

fn is_vin_char(c: char) -> bool {
    transliterate(c).is_some()
}

/// The value ISO 3779 gives each upper-case VIN character; `None` for
/// anything outside the alphabet (including I, O and Q).
fn transliterate(c: char) -> Option<u32> {
    let value = match c {
        '0'..='9' => return c.to_digit(10),
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        'R' | 'Z' => 9,
        _ => return None,
    };
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

    fn code(raw: &str) -> Result<String, &'static str> {
        Vin::parse(raw).map(|v| v.to_string()).map_err(|e| e.code)
    }

    #[test]
    fn known_good_vins() {
        // Both have X as check digit, verified by hand.
        for vin in ["LSVAU218XN2183294", "1M8GDM9AXKP042788"] {
            assert_eq!(code(vin), Ok(vin.to_string()));
            assert_eq!(Vin::check_digit(vin), Some('X'));
        }
        // All ones: the weights other than the check digit's sum to 89,
        // and 89 mod 11 is 1.
        assert_eq!(
            code("11111111111111111"),
            Ok("11111111111111111".to_string())
        );
        assert_eq!(Vin::check_digit("LFV2A21K0A3000000"), Some('6'));
        assert_eq!(code("LFV2A21K0A3000000"), Err(CHECK_DIGIT));
        assert_eq!(
            code("LFV2A21K6A3000000"),
            Ok("LFV2A21K6A3000000".to_string())
        );
    }

    #[test]
    fn accepts_lower_case_and_whitespace() {
        assert_eq!(
            code("  lsvau218xn2183294\n"),
            Ok("LSVAU218XN2183294".to_string())
        );
    }

    #[test]
    fn rejects_malformed_vins() {
        let cases = [
            ("", INVALID, "the VIN is empty"),
            ("   ", INVALID, "the VIN is empty"),
            (
                "LSVAU218XN218329",
                INVALID,
                "a VIN has 17 characters, this one has 16",
            ),
            (
                "LSVAU218XN21832944",
                INVALID,
                "a VIN has 17 characters, this one has 18",
            ),
            (
                "LSVAU218XN2183 94",
                INVALID,
                "a VIN contains only digits and the letters A-Z (without I, O and Q)",
            ),
            (
                "LSVAU218XN218329-",
                INVALID,
                "a VIN contains only digits and the letters A-Z (without I, O and Q)",
            ),
            (
                "LSVAU218XN218329中",
                INVALID,
                "a VIN contains only digits and the letters A-Z (without I, O and Q)",
            ),
            (
                "LSVAU218XNO183294",
                INVALID,
                "I, O and Q never appear in a VIN: they are probably 1, 0 and 0",
            ),
            (
                "LSVAU218XNI183294",
                INVALID,
                "I, O and Q never appear in a VIN: they are probably 1, 0 and 0",
            ),
            (
                "lsvau218xnq183294",
                INVALID,
                "I, O and Q never appear in a VIN: they are probably 1, 0 and 0",
            ),
            (
                "LSVAU2181N2183294",
                CHECK_DIGIT,
                "the check digit (9th character) should be X, not 1: a character is probably mistyped",
            ),
            (
                "LSVAU218XN2183295",
                CHECK_DIGIT,
                "the check digit (9th character) should be 1, not X: a character is probably mistyped",
            ),
        ];
        for (raw, want_code, want_message) in cases {
            let err = Vin::parse(raw).map_err(|e| (e.field, e.code, e.message));
            assert_eq!(
                err,
                Err(("vin".to_string(), want_code, want_message.to_string())),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn with_check_digit_fixes_the_ninth_character() {
        assert_eq!(
            Vin::with_check_digit("LSVAU2180N2183294").map(|v| v.to_string()),
            Some("LSVAU218XN2183294".to_string())
        );
        assert_eq!(
            Vin::with_check_digit("1m8gdm9a_kp042788").map(|v| v.to_string()),
            Some("1M8GDM9AXKP042788".to_string())
        );
        assert_eq!(Vin::with_check_digit("LSVAU2180N218329"), None);
        assert_eq!(Vin::with_check_digit("LSVAU2180N218329O"), None);
        assert_eq!(Vin::check_digit("LSVAU2180N21832"), None);
    }

    #[test]
    fn last6_and_its_search_form() {
        assert_eq!(
            Vin::parse("LSVAU218XN2183294").map(|v| v.last6().to_string()),
            Ok("183294".to_string())
        );
        let cases = [
            ("183294", Some("183294")),
            (" ab1234 ", Some("AB1234")),
            ("18329", None),
            ("1832944", None),
            ("18329O", None),
            ("18 294", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(Vin::parse_last6(raw), want.map(str::to_string), "{raw:?}");
        }
    }

    #[test]
    fn from_str_parses() {
        let vin: Result<Vin, _> = "1M8GDM9AXKP042788".parse();
        assert_eq!(vin.map(|v| v.as_str().len()), Ok(17));
    }

    fn body() -> impl Strategy<Value = String> {
        "[0-9A-HJ-NPR-Z]{17}"
    }

    proptest! {
        #[test]
        fn with_check_digit_makes_valid_vins(body in body()) {
            let vin = Vin::with_check_digit(&body);
            prop_assert!(vin.is_some());
            if let Some(vin) = vin {
                prop_assert_eq!(Vin::parse(vin.as_str()), Ok(vin.clone()));
                prop_assert_eq!(Vin::parse(&vin.as_str().to_lowercase()), Ok(vin.clone()));
                prop_assert_eq!(vin.last6(), &body[11..]);
            }
        }

        #[test]
        fn single_substitutions_are_detected(
            body in body(),
            index in (0..LEN).prop_filter("not the check digit", |i| *i != CHECK_INDEX),
            replacement in proptest::sample::select(ALPHABET.chars().collect::<Vec<_>>()),
        ) {
            let Some(vin) = Vin::with_check_digit(&body) else {
                return Err(TestCaseError::fail("body from the alphabet"));
            };
            let original = vin.as_str().chars().nth(index);
            // Characters with the same value (A and J...) are
            // indistinguishable to the check digit; any other change
            // alters the sum by weight * difference, never a multiple of 11.
            prop_assume!(original.and_then(transliterate) != transliterate(replacement));
            let typo: String = vin
                .as_str()
                .chars()
                .enumerate()
                .map(|(i, c)| if i == index { replacement } else { c })
                .collect();
            prop_assert_eq!(Vin::parse(&typo).map_err(|e| e.code), Err(CHECK_DIGIT));
        }

        #[test]
        fn random_input_never_panics(raw in "\\PC{0,20}") {
            let _ = Vin::parse(&raw);
            let _ = Vin::parse_last6(&raw);
            let _ = Vin::with_check_digit(&raw);
            let _ = Vin::check_digit(&raw);
        }

        #[test]
        fn near_vins_never_panic(raw in "[0-9A-Za-z ]{15,19}") {
            if let Ok(vin) = Vin::parse(&raw) {
                prop_assert_eq!(vin.as_str().len(), LEN);
                let check = vin.as_str().chars().nth(CHECK_INDEX);
                prop_assert_eq!(Vin::check_digit(vin.as_str()), check);
            }
        }
    }
}
