//! Closed sets of words (channel, tier, status...) that the API spells in
//! lower case and kefu parses once.

/// An enum of words with `as_str`, `parse` (naming the field on error) and
/// serde and OpenAPI support.
macro_rules! word_enum {
    ($(#[doc = $doc:literal])* $name:ident, $field:literal, $code:literal { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $word)] $variant),+
        }

        // Written by hand: the derive cannot see a rename that a macro
        // passes in, and would document the Rust names instead of the words.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: &str = concat!($($doc, "\n",)* "");
                let doc = doc.lines().map(str::trim).collect::<Vec<_>>().join(" ");
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description((!doc.trim().is_empty()).then(|| doc.trim().to_owned()))
                    .enum_values(Some([$($word),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
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
