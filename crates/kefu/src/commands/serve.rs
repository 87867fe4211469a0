//! `kefu serve`: open (and migrate) the database, make sure an admin exists,
//! optionally fill the demo group, and serve until Ctrl-C or SIGTERM.

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::{ServeArgs, resolve};

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let settings = resolve(&args.db, args.listen.as_deref())?;
    tracing::debug!(?settings, "starting");
    // One `kefu serve` owns an embedded data folder: its clocks must fire
    // once. (On PostgreSQL several instances share the work instead.)
    let _owner = match settings.database_url {
        None => Some(own_data_folder(&settings.data)?),
        Some(_) => None,
    };
    let app = super::open_app(&settings).await?;
    let admin_password = std::env::var("KEFU_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty());
    if let Some(generated) =
        kefu_app::org::users::ensure_admin(&app, admin_password.as_deref()).await?
    {
        println!("created user admin with password {generated} (shown only this once)");
    }
    kefu_app::calendars::ensure_default(&app).await?;
    kefu_app::sla::ensure_defaults(&app).await?;
    if args.demo {
        match kefu_app::demo::fill(&app).await? {
            Some(logins) => {
                println!(
                    "demo data written; logins (password {}):",
                    kefu_app::demo::PASSWORD
                );
                for (username, role) in logins {
                    println!("  {username:<12} {role}");
                }
            }
            None => println!("the database already holds a dealer group; demo data not added"),
        }
    }
    let listener = TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    println!(
        "kefu {} listening on http://{addr}",
        env!("CARGO_PKG_VERSION")
    );
    let store = app.store.clone();
    // Clocks missed while kefu was down fire now; then each on time.
    let workers = kefu_app::workers::start(&app);
    let backups = super::backup::schedule(&settings);
    kefu_web::serve(listener, app, shutdown_signal()).await?;
    if let Some(b) = backups {
        b.abort();
    }
    tracing::info!("shutting down: stopping the background work, closing the database");
    workers.stop().await;
    store.close().await;
    Ok(())
}

/// Hold an exclusive lock on `kefu.lock` in the data folder for as long as
/// the returned file lives; the operating system releases it if we die.
pub(super) fn own_data_folder(dir: &std::path::Path) -> anyhow::Result<std::fs::File> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the data folder {}", dir.display()))?;
    let path = dir.join("kefu.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another kefu serve is already running on the data folder {}; \
             stop it first, or use PostgreSQL to run several",
            dir.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", path.display()))
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("signal received: finishing requests in flight");
}
