//! `kefu migrate`: bring the schema up to date and say what was done.

use crate::config::{DbArgs, resolve};

pub async fn run(args: DbArgs) -> anyhow::Result<()> {
    let settings = resolve(&args, None)?;
    let store = super::open_store(&settings).await?;
    let status = store.migrate().await?;
    if status.before == status.after {
        println!("schema is up to date (version {})", status.after);
    } else {
        println!(
            "schema migrated from version {} to {}",
            status.before, status.after
        );
    }
    store.close().await;
    Ok(())
}
