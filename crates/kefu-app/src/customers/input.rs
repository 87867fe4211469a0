//! The customer as the API and the importer accept it.

use chrono::NaiveDate;
use kefu_core::FieldError;
use kefu_core::customers::{CustomerFields, CustomerKind, Gender, Needs, Phone, Tier};
use kefu_core::text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const MAX_OTHER_PHONES: usize = 10;
const MAX_NEEDS: usize = 50;

/// For an update, send any subset of fields; `null` clears one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    /// `person` (default) or `company`.
    #[serde(default)]
    pub kind: Option<String>,
    pub name: String,
    /// Mobile or landline with area code; `+86`, spaces and dashes are fine.
    pub phone: String,
    #[serde(default)]
    pub other_phones: Vec<String>,
    #[serde(default)]
    pub wechat: Option<String>,
    /// `male`, `female` or `unknown`.
    #[serde(default)]
    pub gender: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub birthday: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub dealer_id: Option<i64>,
    #[serde(default)]
    pub owner_id: Option<i64>,
    #[serde(default)]
    pub source: Option<String>,
    /// `A` to `E`.
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub needs: Option<Needs>,
    /// Free text, at most 2,000 characters.
    #[serde(default)]
    pub notes: Option<String>,
}

impl CustomerInput {
    /// The fields, checked; `today` bounds the birthday.
    pub fn validate(self, today: NaiveDate) -> Result<CustomerFields, FieldError> {
        let phone = Phone::parse(&self.phone)?;
        if self.other_phones.len() > MAX_OTHER_PHONES {
            return Err(FieldError::new(
                "other_phones",
                "too_many",
                format!("at most {MAX_OTHER_PHONES} other phones"),
            ));
        }
        let mut other_phones: Vec<Phone> = Vec::new();
        for (i, raw) in self.other_phones.iter().enumerate() {
            let p = Phone::parse(raw).map_err(|e| e.at(format!("other_phones[{i}]")))?;
            if p != phone && !other_phones.contains(&p) {
                other_phones.push(p);
            }
        }
        Ok(CustomerFields {
            kind: self
                .kind
                .as_deref()
                .map(CustomerKind::parse)
                .transpose()?
                .unwrap_or(CustomerKind::Person),
            name: text::text("name", &self.name, 100)?,
            phone,
            other_phones,
            wechat: text::optional_text("wechat", self.wechat.as_deref(), 64)?,
            gender: self.gender.as_deref().map(Gender::parse).transpose()?,
            birthday: self
                .birthday
                .as_deref()
                .map(|d| text::past_date("birthday", d, today))
                .transpose()?,
            address: text::optional_text("address", self.address.as_deref(), 300)?,
            dealer_id: self.dealer_id,
            owner_id: self.owner_id,
            source: text::optional_text("source", self.source.as_deref(), 50)?,
            tier: self.tier.as_deref().map(Tier::parse).transpose()?,
            tags: text::tags("tags", &self.tags, 20, 32)?,
            needs: needs(self.needs.unwrap_or_default())?,
            notes: text::optional_text("notes", self.notes.as_deref(), 2_000)?,
        })
    }

    pub(crate) fn from_record(f: &CustomerFields) -> Self {
        CustomerInput {
            kind: Some(f.kind.as_str().to_owned()),
            name: f.name.clone(),
            phone: f.phone.as_str().to_owned(),
            other_phones: f
                .other_phones
                .iter()
                .map(|p| p.as_str().to_owned())
                .collect(),
            wechat: f.wechat.clone(),
            gender: f.gender.map(|g| g.as_str().to_owned()),
            birthday: f.birthday.map(|d: NaiveDate| d.to_string()),
            address: f.address.clone(),
            dealer_id: f.dealer_id,
            owner_id: f.owner_id,
            source: f.source.clone(),
            tier: f.tier.map(|t| t.as_str().to_owned()),
            tags: f.tags.clone(),
            needs: Some(f.needs.clone()),
            notes: f.notes.clone(),
        }
    }
}

fn needs(n: Needs) -> Result<Needs, FieldError> {
    let list = |kind: &str, items: Vec<String>| -> Result<Vec<String>, FieldError> {
        if items.len() > MAX_NEEDS {
            return Err(FieldError::new(
                format!("needs.{kind}"),
                "too_many",
                format!("at most {MAX_NEEDS} needs of a kind"),
            ));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, s)| text::text(&format!("needs.{kind}[{i}]"), s, 500))
            .collect()
    };
    Ok(Needs {
        general: list("general", n.general)?,
        personal: list("personal", n.personal)?,
        hidden: list("hidden", n.hidden)?,
    })
}

#[cfg(test)]
mod tests {
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).expect("a day")
    }

    use super::*;

    fn base() -> CustomerInput {
        CustomerInput {
            name: "张伟".into(),
            phone: "+86 138-1234-5678".into(),
            ..CustomerInput::default()
        }
    }

    #[test]
    fn normalises_phones_and_drops_repeats() {
        let f = CustomerInput {
            other_phones: vec![
                "13812345678".into(),
                "010-12345678".into(),
                "01012345678".into(),
            ],
            ..base()
        }
        .validate(today())
        .unwrap();
        assert_eq!(f.phone.as_str(), "13812345678");
        let others: Vec<&str> = f.other_phones.iter().map(|p| p.as_str()).collect();
        assert_eq!(others, ["01012345678"]);
    }

    #[test]
    fn names_the_failing_field() {
        let cases = [
            (
                CustomerInput {
                    phone: "12345".into(),
                    ..base()
                },
                "phone",
            ),
            (
                CustomerInput {
                    name: " ".into(),
                    ..base()
                },
                "name",
            ),
            (
                CustomerInput {
                    other_phones: vec!["1".into()],
                    ..base()
                },
                "other_phones[0]",
            ),
            (
                CustomerInput {
                    tier: Some("Z".into()),
                    ..base()
                },
                "tier",
            ),
            (
                CustomerInput {
                    birthday: Some("1990-02-30".into()),
                    ..base()
                },
                "birthday",
            ),
            (
                CustomerInput {
                    gender: Some("x".into()),
                    ..base()
                },
                "gender",
            ),
            (
                CustomerInput {
                    address: Some("路".repeat(301)),
                    ..base()
                },
                "address",
            ),
            (
                CustomerInput {
                    needs: Some(Needs {
                        hidden: vec![String::new()],
                        ..Needs::default()
                    }),
                    ..base()
                },
                "needs.hidden[0]",
            ),
        ];
        for (input, field) in cases {
            assert_eq!(
                input.validate(today()).err().map(|e| e.field),
                Some(field.to_string())
            );
        }
    }
}
