//! `kefu`: the customer-service centre for car dealers, as one program.

mod commands;
mod config;

use clap::Parser;

use config::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    config::init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kefu: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => commands::serve::run(args).await,
            Command::Migrate(args) => commands::migrate::run(args).await,
            Command::User(args) => commands::user::run(args).await,
            Command::Import(args) => commands::import::run(args).await,
            Command::Demo(args) => commands::demo::run(args).await,
            Command::Calendar(args) => commands::calendar::run(args).await,
            Command::Backup(args) => commands::backup::run(args).await,
            Command::Restore(args) => commands::backup::restore(args).await,
            Command::Export(args) => commands::export::run(args).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kefu: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
