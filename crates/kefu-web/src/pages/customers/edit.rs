//! Changing a customer's record from their page: the form comes back with
//! the message next to the field at fault, and nothing is written until the
//! whole record is valid.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use kefu_app::{App, AppError};
use kefu_core::customers::Customer;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::pages::form::Id;
use crate::pages::i18n::Tr;
use crate::pages::views::Choice;
use crate::pages::{PageError, Viewer, html};

pub const TIERS: &[&str] = &["A", "B", "C", "D", "E"];

/// The form as sent, and as shown.
#[derive(Deserialize, Default, Clone)]
pub struct CustomerForm {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub other_phones: String,
    #[serde(default)]
    pub wechat: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub general: String,
    #[serde(default)]
    pub personal: String,
    #[serde(default)]
    pub hidden: String,
}

impl CustomerForm {
    pub fn of(c: &Customer) -> CustomerForm {
        let f = &c.fields;
        let join = |xs: &[String]| xs.join("、");
        CustomerForm {
            name: f.name.clone(),
            phone: f.phone.as_str().to_owned(),
            other_phones: f
                .other_phones
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            wechat: f.wechat.clone().unwrap_or_default(),
            address: f.address.clone().unwrap_or_default(),
            tier: f.tier.map(|t| t.as_str().to_owned()).unwrap_or_default(),
            tags: join(&f.tags),
            general: join(&f.needs.general),
            personal: join(&f.needs.personal),
            hidden: join(&f.needs.hidden),
        }
    }

    /// The change as the API would take it: blank means none.
    fn patch(&self) -> Value {
        let opt = |s: &str| {
            let s = s.trim();
            if s.is_empty() { Value::Null } else { json!(s) }
        };
        json!({
            "name": self.name.trim(),
            "phone": self.phone.trim(),
            "other_phones": list(&self.other_phones),
            "wechat": opt(&self.wechat),
            "address": opt(&self.address),
            "tier": opt(&self.tier),
            "tags": list(&self.tags),
            "needs": {
                "general": list(&self.general),
                "personal": list(&self.personal),
                "hidden": list(&self.hidden),
            },
        })
    }
}

/// Items as people type them: separated by 、，, ; or new lines.
fn list(raw: &str) -> Vec<String> {
    raw.split(['、', '，', ',', ';', '；', '\n'])
        .flat_map(|s| {
            // Phone numbers are also separated by spaces.
            if s.trim()
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '-' || c == '+')
            {
                s.split_whitespace().map(str::to_owned).collect::<Vec<_>>()
            } else {
                vec![s.trim().to_owned()]
            }
        })
        .filter(|s| !s.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "customer_edit.html")]
pub struct EditForm {
    pub t: Tr,
    pub id: i64,
    pub f: CustomerForm,
    pub tiers: Vec<Choice>,
    /// (field, message) of what was wrong.
    pub error: Option<(String, String)>,
}

impl EditForm {
    pub fn new(t: Tr, id: i64, f: CustomerForm, error: Option<(String, String)>) -> EditForm {
        let mut tiers = vec![Choice::new("", "—", f.tier.is_empty())];
        tiers.extend(Choice::words(t, "tier", TIERS, &f.tier));
        EditForm {
            t,
            id,
            f,
            tiers,
            error,
        }
    }

    /// The text fields in order: (name, label, value).
    pub fn fields(&self) -> Vec<(&'static str, &str, &str)> {
        let t = self.t;
        let f = &self.f;
        vec![
            ("name", t.t("field.name"), f.name.as_str()),
            ("phone", t.t("field.phone"), f.phone.as_str()),
            (
                "other_phones",
                t.t("field.other_phones"),
                f.other_phones.as_str(),
            ),
            ("wechat", t.t("field.wechat"), f.wechat.as_str()),
            ("address", t.t("field.address"), f.address.as_str()),
            ("tags", t.t("field.tags"), f.tags.as_str()),
            ("general", t.t("needs.general"), f.general.as_str()),
            ("personal", t.t("needs.personal"), f.personal.as_str()),
            ("hidden", t.t("needs.hidden"), f.hidden.as_str()),
        ]
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        // The record names needs as `needs.general[1]`; the form as `general`.
        let at_fault = |f: &str| {
            let f = f.strip_prefix("needs.").unwrap_or(f);
            f == field || f.starts_with(&format!("{field}["))
        };
        self.error
            .as_ref()
            .filter(|(f, _)| at_fault(f))
            .map(|(_, m)| m.as_str())
    }
}

pub async fn save(
    State(app): State<App>,
    v: Viewer,
    Id(id): Id,
    crate::pages::form::Form(f): crate::pages::form::Form<CustomerForm>,
) -> Result<Response, PageError> {
    match kefu_app::customers::update(&app, &v.actor, id, f.patch()).await {
        Ok(_) => {
            let mut res = axum::http::StatusCode::NO_CONTENT.into_response();
            let to = HeaderValue::from_str(&format!("/customers/{id}"))
                .map_err(|_| PageError::internal())?;
            res.headers_mut().insert("hx-redirect", to);
            Ok(res)
        }
        Err(AppError::Invalid(e)) => {
            let field = e.field.clone();
            let message = PageError::from(AppError::Invalid(e)).message(v.t);
            Ok(html(&EditForm::new(v.t, id, f, Some((field, message)))))
        }
        Err(e) => Err(e.into()),
    }
}
