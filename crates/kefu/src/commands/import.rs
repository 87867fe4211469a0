//! `kefu import customers|vehicles FILE`, with a progress bar on the terminal.

use std::time::Instant;

use anyhow::Context;
use kefu_app::imports::{self, Format, ImportKind};

use crate::config::{ImportArgs, resolve};

pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    let kind = ImportKind::parse(&args.kind).map_err(|e| anyhow::anyhow!(e.message))?;
    let data =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let format = Format::detect(args.file.file_name().and_then(|n| n.to_str()), &data);
    let settings = resolve(&args.db, None)?;
    let app = super::open_app(&settings).await?;
    let started = Instant::now();
    let result = imports::import(&app, None, kind, format, &data, &|done, total| {
        super::progress("rows", done as u64, total as u64)
    })
    .await;
    eprintln!();
    app.store.close().await;
    let report = result.map_err(|e| match e {
        kefu_app::AppError::Invalid(f) => anyhow::anyhow!("{}: {}", f.field, f.message),
        other => anyhow::anyhow!(other),
    })?;
    let secs = started.elapsed().as_secs_f64();
    for w in &report.warnings {
        eprintln!("warning: {}", w.message);
    }
    for r in &report.rejected {
        let field = r
            .field
            .as_deref()
            .map(|f| format!(" [{f}]"))
            .unwrap_or_default();
        println!("line {}{field}: {}", r.line, r.reason);
    }
    println!(
        "{} rows: {} imported, {} rejected in {:.2} s ({:.0} rows/s)",
        report.rows,
        report.accepted,
        report.rejected.len(),
        secs,
        report.rows as f64 / secs.max(1e-9)
    );
    Ok(())
}
