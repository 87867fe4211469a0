//! Closed sets of words (channel, tier, status...) that the API spells in
//! lower case and kefu parses once.

/// An enum of words with `as_str`, `parse` (naming the field on error) and
/// serde and OpenAPI support.
macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident, $field:literal, $code:literal { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $(#[serde(rename = $word)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            pub fn parse(raw: &str) -> Result<Self, $crate::FieldError> {
                let raw = raw.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == raw).ok_or_else(|| {
                    let words: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::FieldError::new($field, $code, format!("{} must be one of {}", $field, words.join(", ")))
                })
            }
        }
    };
}
pub(crate) use word_enum;
