//! `kefu user add|passwd|disable`: the operator's way to manage logins,
//! for example when the admin password is lost.

use anyhow::Context;
use kefu_app::org::users::{self, UserInput};
use serde_json::json;

use crate::config::{UserAction, UserArgs, resolve};

pub async fn run(args: UserArgs) -> anyhow::Result<()> {
    let settings = resolve(&args.db, None)?;
    let app = super::open_app(&settings).await?;
    let result = act(&app, args.action).await;
    app.store.close().await;
    result
}

async fn act(app: &kefu_app::App, action: UserAction) -> anyhow::Result<()> {
    match action {
        UserAction::Add {
            username,
            role,
            display_name,
            dealer,
            department_id,
            email,
        } => {
            let dealer_id = match dealer {
                Some(code) => Some(dealer_by_code(app, &code).await?),
                None => None,
            };
            let password = super::read_password("KEFU_USER_PASSWORD")?;
            let input = UserInput {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                username,
                password: Some(password),
                role,
                dealer_id,
                department_id,
                email,
                active: None,
            };
            let user = users::create_as(app, None, input).await.map_err(explain)?;
            println!(
                "created user {} (id {}, role {})",
                user.fields.username,
                user.id,
                user.fields.role.as_str()
            );
        }
        UserAction::Passwd { username } => {
            let user = users::by_username(app, &username).await.map_err(explain)?;
            let password = super::read_password("KEFU_USER_PASSWORD")?;
            users::update_as(app, None, user.id, json!({ "password": password }))
                .await
                .map_err(explain)?;
            println!("password of {username} changed");
        }
        UserAction::Disable { username } => {
            let user = users::by_username(app, &username).await.map_err(explain)?;
            users::update_as(app, None, user.id, json!({ "active": false }))
                .await
                .map_err(explain)?;
            println!("user {username} disabled; their tokens no longer work");
        }
    }
    Ok(())
}

async fn dealer_by_code(app: &kefu_app::App, code: &str) -> anyhow::Result<i64> {
    let mut conn = app.store.read().await?;
    kefu_store::org::dealers::by_code(&mut conn, code)
        .await?
        .map(|d| d.id)
        .with_context(|| format!("there is no dealer with code {code}"))
}

fn explain(e: kefu_app::AppError) -> anyhow::Error {
    match e {
        kefu_app::AppError::Invalid(f) => anyhow::anyhow!("{}: {}", f.field, f.message),
        kefu_app::AppError::NotFound => anyhow::anyhow!("no such user"),
        other => anyhow::anyhow!(other),
    }
}
