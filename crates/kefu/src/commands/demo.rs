//! `kefu demo --customers N --tickets M`: fill an empty database with a
//! believable dealer group, with a progress bar, and say what was written.

use std::time::Instant;

use kefu_app::demo::{self, Size, Stage};

use crate::config::{DemoArgs, resolve};

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let settings = resolve(&args.db, None)?;
    let _owner = match settings.database_url {
        None => Some(super::serve::own_data_folder(&settings.data)?),
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
    let size = Size {
        customers: args.customers,
        tickets: args.tickets,
        open: args.open,
        seed: args.seed,
    };
    let started = Instant::now();
    // The stage being written, when it started and how far it got.
    let current = std::sync::Mutex::new((Stage::Customers, Instant::now(), 0));
    let finish = |(stage, since, done): (Stage, Instant, u64)| {
        let secs = since.elapsed().as_secs_f64();
        if done > 0 {
            eprintln!(
                "\n{}: {done} in {secs:.1} s ({:.0}/s)",
                label(stage),
                done as f64 / secs.max(1e-9)
            );
        }
    };
    let progress = |stage: Stage, done: u64, total: u64| {
        if let Ok(mut s) = current.lock() {
            if s.0 != stage {
                finish(*s);
                *s = (stage, Instant::now(), 0);
            }
            s.2 = done;
        }
        super::progress(label(stage), done, total);
    };
    let result = demo::generate(&app, size, &progress).await;
    if let Ok(s) = current.lock() {
        finish(*s);
    }
    app.store.close().await;
    let Some(filled) = result? else {
        anyhow::bail!(
            "the database already holds a dealer group; kefu demo fills only an empty one"
        );
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} dealers, {} users, {} customers, {} vehicles, {} work orders ({} events, {} clocks, \
         {} breaches) in {secs:.1} s",
        filled.dealers,
        filled.users,
        filled.customers,
        filled.vehicles,
        filled.tickets,
        filled.events,
        filled.clocks,
        filled.breaches,
    );
    println!("logins (password {}):", demo::PASSWORD);
    for (username, role) in filled.logins {
        println!("  {username:<12} {role}");
    }
    Ok(())
}

fn label(stage: Stage) -> &'static str {
    match stage {
        Stage::Customers => "customers",
        Stage::Orders => "orders",
        Stage::Indexes => "indexes",
    }
}
