//! Chinese licence plates (GA 36): `粤B12345`, `沪A1234学`, and the
//! 8-character new-energy plates `沪AD12345` / `粤B12345D`.
//!
//! Plates are stored without the separating dot or spaces people write, so
//! `沪A·1234学` and `沪a 1234学` are the same plate.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::FieldError;

const FIELD: &str = "plate";
const CODE: &str = "invalid_plate";

/// The one-character abbreviations of the provinces, municipalities and
/// autonomous regions that issue plates.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
/// What ends a trailer, learner, police, Hong Kong or Macau plate.
const SPECIAL_SUFFIXES: &str = "挂学警港澳";
/// The letters that mark a new-energy plate (D and F were first; the rest
/// were added as the D and F series filled up).
const NEW_ENERGY_LETTERS: &str = "DABCEFGHJK";

/// A valid licence plate, normalised: no separators, upper-case letters.
///
/// Serialised as the string. There is deliberately no `Deserialize`: input
/// goes through [`Plate::parse`] so that a bad plate becomes a
/// [`FieldError`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Plate(String);

impl Plate {
    /// Parses a plate written with or without spaces, `·`, `•` or `-`, in
    /// upper or lower case.
    pub fn parse(raw: &str) -> Result<Plate, FieldError> {
        let plate: String = raw
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '·' | '•' | '-')))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let chars: Vec<char> = plate.chars().collect();
        let [province, authority, serial @ ..] = chars.as_slice() else {
            return Err(invalid(if chars.is_empty() {
                "the plate is empty".to_string()
            } else {
                "a plate has a province, a letter and 5 characters, as in 粤B12345".to_string()
            }));
        };
        if !PROVINCES.contains(*province) {
            return Err(invalid(format!(
                "a plate starts with a province abbreviation such as 京 or 粤, not {province}"
            )));
        }
        if !is_plate_letter(*authority) {
            return Err(invalid(format!(
                "the second character of a plate is a letter A-Z other than I and O, not {authority}"
            )));
        }
        match serial {
            [body @ .., last] if body.len() == 4 => {
                let valid = body.iter().copied().all(is_serial_char)
                    && (is_serial_char(*last) || SPECIAL_SUFFIXES.contains(*last));
                if !valid {
                    return Err(invalid(
                        "after the province and letter a plate has 5 digits or letters \
                         (not I or O); the last may be 挂, 学, 警, 港 or 澳",
                    ));
                }
            }
            [_, _, _, _, _, _] => {
                if !is_new_energy_serial(serial) {
                    return Err(invalid(
                        "a new-energy plate has one of D A B C E F G H J K, a digit or \
                         letter and 4 digits (沪AD12345), or 5 digits and one of those \
                         letters (粤B12345D)",
                    ));
                }
            }
            _ => {
                return Err(invalid(format!(
                    "after the province and letter a plate has 5 characters (6 for a \
                     new-energy vehicle), this one has {}",
                    serial.len()
                )));
            }
        }
        Ok(Plate(plate))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// New-energy plates are the ones with a 6-character serial.
    pub fn is_new_energy(&self) -> bool {
        self.0.chars().count() == 8
    }

    /// The abbreviation of the province that issued the plate, e.g. `粤`.
    pub fn province(&self) -> char {
        // A Plate always starts with its province; the default is never used.
        self.0.chars().next().unwrap_or_default()
    }
}

impl fmt::Display for Plate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Plate {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Plate::parse(s)
    }
}

fn invalid(message: impl Into<String>) -> FieldError {
    FieldError::new(FIELD, CODE, message)
}

/// Serial characters: digits and upper-case letters except I and O, which
/// plates leave out because they read as 1 and 0.
fn is_serial_char(c: char) -> bool {
    c.is_ascii_digit() || is_plate_letter(c)
}

/// Upper-case letters except I and O.
fn is_plate_letter(c: char) -> bool {
    c.is_ascii_uppercase() && !matches!(c, 'I' | 'O')
}

/// Small new-energy vehicles put the energy letter first (`D12345`,
/// `DF1234`), large ones last (`12345D`).
fn is_new_energy_serial(serial: &[char]) -> bool {
    let is_energy = |c: &char| NEW_ENERGY_LETTERS.contains(*c);
    match serial {
        [energy, second, digits @ ..] if is_energy(energy) && is_serial_char(*second) => {
            digits.len() == 4 && digits.iter().all(char::is_ascii_digit)
        }
        [digits @ .., energy] if is_energy(energy) => {
            digits.len() == 5 && digits.iter().all(char::is_ascii_digit)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(raw: &str) -> Result<String, String> {
        Plate::parse(raw)
            .map(|p| p.to_string())
            .map_err(|e| e.message)
    }

    #[test]
    fn accepts_valid_plates() {
        let cases = [
            ("粤B12345", "粤B12345", false),
            ("粤B·12345", "粤B12345", false),
            ("粤b 123ab", "粤B123AB", false),
            (" 京A-88888 ", "京A88888", false),
            ("沪A·1234学", "沪A1234学", false),
            ("冀F1234挂", "冀F1234挂", false),
            ("粤Z1234港", "粤Z1234港", false),
            ("粤Z1234澳", "粤Z1234澳", false),
            ("川A1234警", "川A1234警", false),
            ("琼Z•9999Z", "琼Z9999Z", false),
            ("沪AD12345", "沪AD12345", true),
            ("沪A·DF1234", "沪ADF1234", true),
            ("京AK12345", "京AK12345", true),
            ("粤B12345D", "粤B12345D", true),
            ("粤B 12345F", "粤B12345F", true),
            ("浙A\u{3000}12345K", "浙A12345K", true),
        ];
        for (raw, want, new_energy) in cases {
            assert_eq!(parsed(raw), Ok(want.to_string()), "{raw:?}");
            assert_eq!(
                Plate::parse(raw).map(|p| p.is_new_energy()),
                Ok(new_energy),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn rejects_invalid_plates() {
        let cases = [
            ("", "the plate is empty"),
            (" · ", "the plate is empty"),
            ("粤", "a plate has a province, a letter and 5 characters"),
            ("港B12345", "province abbreviation"),
            ("XB12345", "province abbreviation"),
            ("B12345", "province abbreviation"),
            ("粤I12345", "second character"),
            ("粤O12345", "second character"),
            ("粤112345", "second character"),
            ("粤B1234", "this one has 4"),
            ("粤B1234567", "this one has 7"),
            ("粤B1234I", "5 digits or letters"),
            ("粤BO1234", "5 digits or letters"),
            ("粤B12学45", "5 digits or letters"),
            ("粤B1234粤", "5 digits or letters"),
            ("京AF1234X", "new-energy"),
            ("京AD1234X", "new-energy"),
            ("京AL12345", "new-energy"),
            ("粤B12345L", "new-energy"),
            ("粤B1234AD", "new-energy"),
            ("粤BDI1234", "new-energy"),
            ("粤B_12345", "new-energy"),
            ("粤B_1234", "5 digits or letters"),
        ];
        for (raw, want) in cases {
            let err = Plate::parse(raw).map_err(|e| (e.field, e.code, e.message));
            match err {
                Err((field, code, message)) => {
                    assert_eq!((field.as_str(), code), ("plate", "invalid_plate"));
                    assert!(message.contains(want), "{raw:?}: {message}");
                }
                Ok(p) => panic!("{raw:?} parsed as {p:?}"),
            }
        }
    }

    #[test]
    fn province_and_from_str() {
        let plate: Result<Plate, _> = "粤B·12345".parse();
        assert_eq!(plate.map(|p| p.province()), Ok('粤'));
    }

    fn province() -> impl Strategy<Value = char> {
        proptest::sample::select(PROVINCES.chars().collect::<Vec<_>>())
    }

    /// Valid plates in normalised form.
    fn plate() -> impl Strategy<Value = String> {
        let serial = prop_oneof![
            "[A-HJ-NP-Z0-9]{5}",
            "[A-HJ-NP-Z0-9]{4}[挂学警港澳]",
            "[DABCEFGHJK][A-HJ-NP-Z0-9][0-9]{4}",
            "[0-9]{5}[DABCEFGHJK]",
        ];
        (province(), "[A-HJ-NP-Z]", serial).prop_map(|(p, a, s)| format!("{p}{a}{s}"))
    }

    fn separator() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just(" "), Just("·"), Just("•"), Just("-"), Just(" · ")]
    }

    proptest! {
        #[test]
        fn valid_plates_round_trip(plate in plate()) {
            let parsed = Plate::parse(&plate);
            prop_assert_eq!(parsed.as_ref().map(Plate::as_str), Ok(plate.as_str()));
            if let Ok(p) = parsed {
                prop_assert_eq!(Plate::parse(p.as_str()), Ok(p.clone()));
                prop_assert_eq!(Some(p.province()), plate.chars().next());
                prop_assert_eq!(p.is_new_energy(), plate.chars().count() == 8);
            }
        }

        #[test]
        fn separators_and_case_do_not_matter(
            plate in plate(),
            decorations in proptest::collection::vec(proptest::option::of(separator()), 8),
            lower in any::<bool>(),
        ) {
            let mut written = String::from("  ");
            // Plates have at most 8 characters, one decoration each.
            for (c, decoration) in plate.chars().zip(&decorations) {
                written.push(if lower { c.to_ascii_lowercase() } else { c });
                if let Some(d) = decoration {
                    written.push_str(d);
                }
            }
            prop_assert_eq!(parsed(&written), Ok(plate));
        }

        #[test]
        fn random_input_never_panics(raw in "\\PC{0,12}") {
            let _ = Plate::parse(&raw);
        }

        #[test]
        fn plate_like_input_never_panics(raw in "[京粤沪港A-Za-z0-9学挂 ·-]{0,10}") {
            if let Ok(p) = Plate::parse(&raw) {
                prop_assert!(PROVINCES.contains(p.province()));
                prop_assert!(matches!(p.as_str().chars().count(), 7 | 8));
            }
        }
    }
}
