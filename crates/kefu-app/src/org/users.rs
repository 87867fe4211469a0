//! People who log in. Users are disabled, never deleted; disabling one ends
//! every session and token they hold.

use kefu_core::FieldError;
use kefu_core::org::{Permission, Role, Scope, User, UserFields};
use kefu_core::text;
use kefu_store::auth::tokens;
use kefu_store::org::users::{self, UserFilter};
use kefu_store::org::{dealers, departments};
use kefu_store::{Conn, Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{hash_password, new_secret, validate_password};
use crate::work::Work;
use crate::{Actor, App, AppError, Result, patched};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    /// 3 to 32 of letters, digits, `.`, `-`, `_`.
    pub username: String,
    /// Required on create; on update, sets a new password.
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    pub display_name: String,
    /// admin, manager, agent, dealer_staff, sales, liaison, dept_head, vp.
    pub role: String,
    /// Required for dealer_staff and sales.
    #[serde(default)]
    pub dealer_id: Option<i64>,
    /// Required for liaison and dept_head.
    #[serde(default)]
    pub department_id: Option<i64>,
    /// For e-mails about clocks that warn, breach or escalate.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

impl UserInput {
    pub fn validate(&self) -> Result<UserFields, FieldError> {
        let role = Role::parse(&self.role)?;
        if role.is_dealer_bound() && self.dealer_id.is_none() {
            return Err(FieldError::new(
                "dealer_id",
                "required",
                format!("a {} user belongs to a dealer", role.as_str()),
            ));
        }
        if role.is_department_bound() && self.department_id.is_none() {
            return Err(FieldError::new(
                "department_id",
                "required",
                format!("a {} user belongs to a department", role.as_str()),
            ));
        }
        Ok(UserFields {
            username: username(&self.username)?,
            display_name: text::text("display_name", &self.display_name, 50)?,
            role,
            dealer_id: self.dealer_id,
            department_id: self.department_id,
            email: email(self.email.as_deref())?,
            active: self.active.unwrap_or(true),
        })
    }

    fn from_record(u: &User) -> Self {
        let f = &u.fields;
        UserInput {
            username: f.username.clone(),
            password: None,
            display_name: f.display_name.clone(),
            role: f.role.as_str().to_owned(),
            dealer_id: f.dealer_id,
            department_id: f.department_id,
            email: f.email.clone(),
            active: Some(f.active),
        }
    }
}

fn email(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(e) = text::optional_text("email", raw, 254)? else {
        return Ok(None);
    };
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    } && !e
        .chars()
        .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',');
    if ok {
        Ok(Some(e))
    } else {
        Err(FieldError::new(
            "email",
            "invalid_email",
            "an e-mail address looks like name@example.com",
        ))
    }
}

fn username(raw: &str) -> Result<String, FieldError> {
    let u = raw.trim();
    let ok = (3..=32).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(u.to_owned())
    } else {
        Err(FieldError::new(
            "username",
            "invalid_username",
            "a username is 3 to 32 letters, digits, '.', '-' or '_'",
        ))
    }
}

/// Managers manage the people of the centre, but only an admin creates or
/// changes admins and managers.
fn check_may_manage(who: &Actor, roles: &[Role]) -> Result<()> {
    who.require(Permission::ManageUsers)?;
    if roles
        .iter()
        .any(|r| matches!(r, Role::Admin | Role::Manager))
    {
        who.require(Permission::ManageManagers)?;
    }
    Ok(())
}

async fn check_links(tx: &mut Conn, f: &UserFields) -> Result<()> {
    if let Some(d) = f.dealer_id
        && dealers::get(tx, d).await?.is_none()
    {
        return Err(AppError::invalid(
            "dealer_id",
            "unknown_dealer",
            format!("there is no dealer {d}"),
        ));
    }
    if let Some(d) = f.department_id
        && departments::get(tx, d).await?.is_none()
    {
        return Err(AppError::invalid(
            "department_id",
            "unknown_department",
            format!("there is no department {d}"),
        ));
    }
    Ok(())
}

pub async fn create(app: &App, who: &Actor, input: UserInput) -> Result<User> {
    let fields = input.validate()?;
    check_may_manage(who, &[fields.role])?;
    create_as(app, Some(who), input).await
}

/// Create a user; `who` is `None` when the operator does it from the command line.
pub async fn create_as(app: &App, who: Option<&Actor>, input: UserInput) -> Result<User> {
    let fields = input.validate()?;
    let password = input
        .password
        .as_deref()
        .ok_or_else(|| AppError::invalid("password", "required", "a new user needs a password"))?;
    validate_password(password)?;
    let hash = hash_password(password)?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    check_links(&mut tx, &fields).await?;
    let user = users::insert(&mut tx, &fields, &hash, now).await?;
    tx.created(who, now, "user", user.id, &user).await?;
    tx.commit(app).await?;
    Ok(user)
}

pub async fn update(app: &App, who: &Actor, id: i64, patch: serde_json::Value) -> Result<User> {
    who.require(Permission::ManageUsers)?;
    update_as(app, Some(who), id, patch).await
}

/// Apply a merge patch to a user. A `password` in the patch sets a new one;
/// `"active": false` disables the user and revokes their tokens.
pub async fn update_as(
    app: &App,
    who: Option<&Actor>,
    id: i64,
    patch: serde_json::Value,
) -> Result<User> {
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = users::get(&mut tx, Scope::Group, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let input = patched(&UserInput::from_record(&before), patch)?;
    let fields = input.validate()?;
    if let Some(who) = who {
        check_may_manage(who, &[before.fields.role, fields.role])?;
        if who.user_id == id && !fields.active {
            return Err(AppError::Conflict {
                field: Some("active".into()),
                message: "you cannot disable your own account".into(),
            });
        }
    }
    check_links(&mut tx, &fields).await?;
    users::update(&mut tx, id, &fields, now).await?;
    if let Some(p) = &input.password {
        validate_password(p)?;
        users::set_password(&mut tx, id, &hash_password(p)?, now).await?;
    }
    if before.fields.active && !fields.active {
        tokens::revoke_all(&mut tx, id, None, now).await?;
    } else if input.password.is_some() {
        // A new password ends every other way in: a stolen token or a
        // forgotten session stops working now, and the one that made the
        // change, if it is the user's own, goes on.
        let keep = who.filter(|w| w.user_id == id).and_then(|w| w.token_id);
        tokens::revoke_all(&mut tx, id, keep, now).await?;
    }
    let after = User {
        fields,
        updated_at: now,
        ..before.clone()
    };
    let verb = match (
        &input.password,
        before.fields.active && !after.fields.active,
    ) {
        (_, true) => "disable",
        (Some(_), false) => "password",
        (None, false) => "update",
    };
    tx.audited(who, now, "user", id, verb, Some(&before), Some(&after))
        .await?;
    tx.commit(app).await?;
    // Here at once; other processes when they next read `auth_version`.
    app.tokens.clear();
    Ok(after)
}

pub async fn get(app: &App, who: &Actor, id: i64) -> Result<User> {
    who.require(Permission::ReadUsers)?;
    let mut conn = app.store.read().await?;
    users::get(&mut conn, who.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn by_username(app: &App, username: &str) -> Result<User> {
    let mut conn = app.store.read().await?;
    users::by_username(&mut conn, username)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn list(
    app: &App,
    who: &Actor,
    filter: &UserFilter,
    page: PageRequest,
) -> Result<Page<User>> {
    who.require(Permission::ReadUsers)?;
    let mut conn = app.store.read().await?;
    Ok(users::list(&mut conn, who.scope(), filter, page).await?)
}

/// On first start, create `admin` with the given password, or a generated one
/// which is returned so it can be printed once. Does nothing when users exist.
pub async fn ensure_admin(app: &App, password: Option<&str>) -> Result<Option<String>> {
    {
        let mut conn = app.store.read().await?;
        if users::count(&mut conn).await? > 0 {
            return Ok(None);
        }
    }
    let (password, generated) = match password {
        Some(p) => (p.to_owned(), false),
        None => (new_secret()?.chars().skip(5).take(16).collect(), true),
    };
    let input = UserInput {
        username: "admin".into(),
        password: Some(password.clone()),
        display_name: "管理员".into(),
        role: "admin".into(),
        dealer_id: None,
        department_id: None,
        email: None,
        active: None,
    };
    match create_as(app, None, input).await {
        Ok(_) => Ok(generated.then_some(password)),
        // Another instance sharing the database created it first.
        Err(AppError::Conflict { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
