//! `kefu calendar import-holidays FILE`: a year's official holidays and
//! make-up workdays, copied from the State Council's notice, entered into
//! the default calendar.

use anyhow::Context;

use crate::config::{CalendarAction, CalendarArgs, resolve};

/// A notice is a page of text; anything larger is the wrong file.
const MAX_BYTES: u64 = 1 << 20;

pub async fn run(args: CalendarArgs) -> anyhow::Result<()> {
    let CalendarAction::ImportHolidays { file } = &args.action;
    let size = std::fs::metadata(file)
        .with_context(|| format!("reading {}", file.display()))?
        .len();
    if size > MAX_BYTES {
        anyhow::bail!(
            "{} is {size} bytes; a notice is at most 1 MiB",
            file.display()
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", file.display()))?;
    let settings = resolve(&args.db, None)?;
    let app = super::open_app(&settings).await?;
    let result = kefu_app::calendars::import_notice(&app, None, &text).await;
    app.store.close().await;
    let (calendar, notice) = result.map_err(|e| match e {
        kefu_app::AppError::Invalid(f) => anyhow::anyhow!("{}: {}", f.field, f.message),
        other => anyhow::anyhow!(other),
    })?;
    println!(
        "entered {}: {} holidays and {} make-up workdays into the default calendar {:?}",
        notice.year,
        notice.holidays.len(),
        notice.workdays.len(),
        calendar.name
    );
    Ok(())
}
