//! The customer's lifetime record (客户终身档案) as kefu stores and shows it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Phone;
use crate::word_enum::word_enum;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Customer {
    pub id: i64,
    #[serde(flatten)]
    pub fields: CustomerFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when the customer was soft-deleted; nothing they said is lost.
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CustomerFields {
    pub kind: CustomerKind,
    pub name: String,
    /// The primary phone, normalised (`13812345678`, `01012345678`).
    #[schema(value_type = String, example = "13812345678")]
    pub phone: Phone,
    #[schema(value_type = Vec<String>)]
    pub other_phones: Vec<Phone>,
    pub wechat: Option<String>,
    pub gender: Option<Gender>,
    pub birthday: Option<NaiveDate>,
    pub address: Option<String>,
    /// The owning store.
    pub dealer_id: Option<i64>,
    /// The account manager.
    pub owner_id: Option<i64>,
    pub source: Option<String>,
    pub tier: Option<Tier>,
    pub tags: Vec<String>,
    pub needs: Needs,
    /// What the centre keeps in mind about the customer, as free text (the
    /// 备注 of a dealer's customer sheet).
    pub notes: Option<String>,
}

impl CustomerFields {
    /// Every phone of the customer, the primary first.
    pub fn phones(&self) -> impl Iterator<Item = &Phone> {
        std::iter::once(&self.phone).chain(self.other_phones.iter())
    }
}

/// What the customer needs, in the three kinds the centre records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Needs {
    #[serde(default)]
    pub general: Vec<String>,
    #[serde(default)]
    pub personal: Vec<String>,
    /// Needs the customer did not say but the centre noticed.
    #[serde(default)]
    pub hidden: Vec<String>,
}

word_enum!(
    /// A private person or a company (fleet, key account).
    CustomerKind, "kind", "invalid_kind" { Person = "person", Company = "company" }
);
word_enum!(Gender, "gender", "invalid_gender" { Male = "male", Female = "female", Unknown = "unknown" });
word_enum!(
    /// The customer tier, A (best) to E; it picks the SLA and the service.
    Tier, "tier", "invalid_tier" { A = "A", B = "B", C = "C", D = "D", E = "E" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_enums_parse_their_words_only() {
        assert_eq!(Tier::parse("B"), Ok(Tier::B));
        assert_eq!(Gender::parse(" female "), Ok(Gender::Female));
        let err = CustomerKind::parse("robot").err();
        assert_eq!(
            err.map(|e| (e.field, e.code)),
            Some(("kind".into(), "invalid_kind"))
        );
        assert!(Tier::parse("F").is_err());
        assert!(Tier::parse("a").is_err());
    }
}
