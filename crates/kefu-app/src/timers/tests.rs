#![allow(clippy::unwrap_used)]

//! A kind of timer known only to this test: the scheduler fires it without
//! a line of its loop changed.

use std::sync::Mutex;
use std::time::Duration;

use chrono::TimeZone;
use kefu_store::{Store, StoreOptions};
use sqlx::Row;
use tempfile::TempDir;

use super::*;
use crate::{AppConfig, Clock};

/// Remembers each step it is given.
#[derive(Default)]
struct Reminders {
    taken: Mutex<Vec<(i64, Step)>>,
}

impl TimerKind for Reminders {
    fn subject(&self) -> &'static str {
        "test_reminder"
    }

    fn fire<'a>(
        &'a self,
        _app: &'a App,
        _work: &'a mut Work,
        timer: &'a mut Timer,
        step: Step,
        _now: DateTime<Utc>,
    ) -> Firing<'a> {
        self.taken.lock().unwrap().push((timer.subject_id, step));
        if step == Step::Due {
            timer.breached = true;
        }
        Box::pin(async { Ok(()) })
    }
}

fn timer(subject: &str, start: DateTime<Utc>) -> Timer {
    Timer {
        id: 0,
        subject: subject.to_owned(),
        subject_id: 42,
        kind: "ping".into(),
        step: 1,
        target: None,
        policy_id: None,
        calendar_id: None,
        dealer_id: None,
        department_id: None,
        started_at: start,
        minutes: 1,
        counts: kefu_core::timers::Counting::WorkingTime,
        due_at: start + chrono::TimeDelta::seconds(60),
        warn_at: Some(start + chrono::TimeDelta::seconds(30)),
        warned_at: None,
        paused_at: None,
        remaining_ms: None,
        stopped_at: None,
        fired_at: None,
        breached: false,
    }
}

#[tokio::test]
async fn a_kind_of_timer_the_scheduler_has_never_heard_of_fires_once_per_step() {
    let dir = TempDir::new().unwrap();
    let store = Store::open_sqlite(dir.path(), &StoreOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
    let app = App::new(store, AppConfig::default(), Clock::manual(start));
    let reminders = Arc::new(Reminders::default());
    app.timers.register(reminders.clone());

    let mut work = Work::begin(&app).await.unwrap();
    kefu_store::timers::start(
        &mut work,
        &[timer("test_reminder", start), timer("nobody_knows", start)],
    )
    .await
    .unwrap();
    work.commit(&app).await.unwrap();

    assert_eq!(
        run_due(&app, app.now()).await.unwrap(),
        0,
        "nothing is due yet"
    );
    app.clock.advance(Duration::from_secs(31));
    assert_eq!(
        run_due(&app, app.now()).await.unwrap(),
        2,
        "both warnings come up"
    );
    assert_eq!(
        run_due(&app, app.now()).await.unwrap(),
        0,
        "a warning is given once"
    );
    app.clock.advance(Duration::from_secs(30));
    assert_eq!(
        run_due(&app, app.now()).await.unwrap(),
        1,
        "the deadline; the unknown kind waits"
    );
    assert_eq!(
        run_due(&app, app.now()).await.unwrap(),
        0,
        "a timer fires once"
    );
    assert_eq!(
        *reminders.taken.lock().unwrap(),
        [(42, Step::Warn), (42, Step::Due)]
    );

    let mut conn = app.store.read().await.unwrap();
    let mine = kefu_store::timers::of_subject(&mut conn, "test_reminder", 42)
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].breached, "what the kind changed is saved");
    assert_eq!(mine[0].fired_at, Some(app.now()));
    assert_eq!(mine[0].next_at(), None);
    let unknown = kefu_store::timers::of_subject(&mut conn, "nobody_knows", 42)
        .await
        .unwrap();
    assert_eq!(
        unknown[0].warned_at, None,
        "a timer no kind fires is left as it was"
    );
    let changes: i64 = sqlx::query("SELECT count(*) AS n FROM changes WHERE entity = 'timer'")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get("n");
    assert_eq!(changes, 2, "each step taken is in the change log");
}
