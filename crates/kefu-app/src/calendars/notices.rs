//! A year's official holidays entered into the default calendar from the
//! State Council's notice, before the built-in data knows that year.

use kefu_core::calendar::{Notice, parse_notice};
use kefu_store::calendars::{self, CalendarRecord};

use super::CalendarInput;
use crate::work::Work;
use crate::{Actor, App, AppError, Result};

/// Enter the notice in `text` into the default calendar: its dates become
/// the calendar's holidays and make-up workdays, and its year counts as
/// known. `who` is `None` from the command line. Entering a notice twice
/// changes nothing the second time.
pub async fn import_notice(
    app: &App,
    who: Option<&Actor>,
    text: &str,
) -> Result<(CalendarRecord, Notice)> {
    if let Some(who) = who {
        who.require(kefu_core::org::Permission::ManageSla)?;
    }
    let notice = parse_notice(text)?;
    let id = super::ensure_default(app).await?;
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = calendars::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut spec = before.spec.clone();
    spec.enter_notice(&notice);
    let mut input = CalendarInput::from_record(&before);
    input.holidays = spec.holidays;
    input.workdays = spec.workdays;
    input.official_years = spec.official_years;
    let valid = input.validate()?;
    calendars::update(&mut tx, id, &valid.name, &valid.spec, now).await?;
    let after = CalendarRecord {
        spec: valid.spec,
        updated_at: now,
        ..before.clone()
    };
    tx.audited(
        who,
        now,
        "calendar",
        id,
        "import_holidays",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit(app).await?;
    Ok((after, notice))
}
