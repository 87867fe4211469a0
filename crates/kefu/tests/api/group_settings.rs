//! The group's settings: its time zone and the prefix of its order numbers,
//! read and changed by an admin only, checked field by field, audited, and
//! counted from the next order on, here and in another server on the same
//! database.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{self, ADMIN_PASSWORD, Place, TestApp};

const PATH: &str = "/api/v1/settings/group";

/// Move the test's clock on to the next 12:30 UTC: it is then 20:30 in
/// Shanghai, 07:30 or 08:30 in New York, the same day, and already the next
/// day (00:30 or 01:30) in Auckland. The admin logs in again, as their token
/// may have run out on the way. Answers that UTC day.
async fn at_half_past_twelve(t: &mut TestApp) -> NaiveDate {
    let now = t.app.now();
    let mut target = Utc.from_utc_datetime(&now.date_naive().and_hms_opt(12, 30, 0).unwrap());
    if target <= now {
        target += Duration::days(1);
    }
    t.app.clock.advance((target - now).to_std().unwrap());
    t.admin = t.login("admin", ADMIN_PASSWORD).await;
    target.date_naive()
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

async fn customer(t: &TestApp) -> i64 {
    t.create(
        &t.admin,
        "/api/v1/customers",
        json!({"name": "王芳", "phone": "13912345678"}),
    )
    .await
}

async fn open(t: &TestApp, customer: i64) -> Value {
    let (s, body) = t
        .post(
            &t.admin,
            "/api/v1/tickets",
            json!({"customer_id": customer, "channel": "phone",
                   "category": "inquiry", "subject": "保养预约"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    body
}

fn number(order: &Value) -> &str {
    order["number"].as_str().unwrap()
}

both!(new_orders_are_numbered_with_the_groups_prefix_and_day);
async fn new_orders_are_numbered_with_the_groups_prefix_and_day(mut t: TestApp) {
    let day = at_half_past_twelve(&mut t).await;
    let (s, body) = t.get(&t.admin, PATH).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"timezone": "Asia/Shanghai", "number_prefix": "GD-"})
    );
    let c = customer(&t).await;
    let first = open(&t, c).await;
    assert_eq!(number(&first), format!("GD-{}-0001", ymd(day)));

    let (s, body) = t
        .patch(
            &t.admin,
            PATH,
            json!({"timezone": "Pacific/Auckland", "number_prefix": "KF-"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"timezone": "Pacific/Auckland", "number_prefix": "KF-"})
    );
    let (_, read) = t.get(&t.admin, PATH).await;
    assert_eq!(read, body, "the change is kept");
    let next_day = day.succ_opt().unwrap();
    let second = open(&t, c).await;
    assert_eq!(
        number(&second),
        format!("KF-{}-0001", ymd(next_day)),
        "it is already tomorrow in Auckland"
    );

    // Only the prefix: the time zone stays. New York's day is Shanghai's,
    // and its count goes on from the order numbered there.
    let (s, body) = t
        .patch(&t.admin, PATH, json!({"number_prefix": "NY2-"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["timezone"], "Pacific/Auckland");
    let (s, _) = t
        .patch(&t.admin, PATH, json!({"timezone": " America/New_York "}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let third = open(&t, c).await;
    assert_eq!(number(&third), format!("NY2-{}-0002", ymd(day)));

    let id = first["id"].as_i64().unwrap();
    let (_, again) = t.get(&t.admin, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(number(&again), number(&first), "numbers given out stay");
    let (_, found) = t
        .get(
            &t.admin,
            &format!("/api/v1/tickets?number={}", number(&second)),
        )
        .await;
    assert_eq!(found["items"][0]["id"], second["id"], "{found}");

    let (s, trail) = t.get(&t.admin, "/api/v1/audit?entity=group_settings").await;
    assert_eq!(s, StatusCode::OK, "{trail}");
    let items = trail["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{trail}");
    assert_eq!(items[2]["action"], "group_settings.update");
    assert_eq!(items[2]["before"]["number_prefix"], "GD-");
    assert_eq!(items[2]["after"]["timezone"], "Pacific/Auckland");
    assert_eq!(items[0]["after"]["timezone"], "America/New_York");
}

/// The window a report of 2026-07-01 covers.
async fn window_of_july_first(t: &TestApp) -> (DateTime<Utc>, DateTime<Utc>) {
    let (s, body) = t
        .get(
            &t.admin,
            "/api/v1/reports/overtime?from=2026-07-01&to=2026-07-01",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let at = |k: &str| body[k].as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
    (at("from"), at("to"))
}

both!(report_dates_are_days_in_the_groups_time_zone);
async fn report_dates_are_days_in_the_groups_time_zone(t: TestApp) {
    let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    assert_eq!(
        window_of_july_first(&t).await,
        (utc("2026-06-30T16:00:00Z"), utc("2026-07-01T16:00:00Z"))
    );
    let (s, _) = t
        .patch(&t.admin, PATH, json!({"timezone": "America/New_York"}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        window_of_july_first(&t).await,
        (utc("2026-07-01T04:00:00Z"), utc("2026-07-02T04:00:00Z")),
        "summer time in New York"
    );
}

both!(a_bad_setting_is_refused_by_its_field_and_nothing_changes);
async fn a_bad_setting_is_refused_by_its_field_and_nothing_changes(t: TestApp) {
    let cases = [
        (
            json!({"timezone": "Mars/Olympus_Mons"}),
            "timezone",
            "invalid_timezone",
        ),
        (
            json!({"timezone": "+08:00"}),
            "timezone",
            "invalid_timezone",
        ),
        (json!({"timezone": ""}), "timezone", "invalid_timezone"),
        (json!({"timezone": 8}), "timezone", "invalid_type"),
        (json!({"timezone": null}), "timezone", "invalid_type"),
        (
            json!({"number_prefix": ""}),
            "number_prefix",
            "invalid_number_prefix",
        ),
        (
            json!({"number_prefix": "GD_"}),
            "number_prefix",
            "invalid_number_prefix",
        ),
        (
            json!({"number_prefix": "工单-"}),
            "number_prefix",
            "invalid_number_prefix",
        ),
        (
            json!({"number_prefix": "ABCDEFGHI"}),
            "number_prefix",
            "invalid_number_prefix",
        ),
        (
            json!({"number_prefix": "<b>-"}),
            "number_prefix",
            "invalid_number_prefix",
        ),
        (
            json!({"number_prefix": "G'; DROP"}),
            "number_prefix",
            "invalid_number_prefix",
        ),
        (
            json!({"number_prefix": ["GD-"]}),
            "number_prefix",
            "invalid_type",
        ),
        (json!({"prefix": "GD-"}), "prefix", "unknown_field"),
    ];
    for (body, field, code) in cases {
        let (s, answer) = t.patch(&t.admin, PATH, body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{body}: {answer}");
    }
    let (s, answer) = t.patch(&t.admin, PATH, json!(["GD-"])).await;
    assert!(
        s.is_client_error() && s != StatusCode::NOT_FOUND,
        "{s} {answer}"
    );
    let (_, now) = t.get(&t.admin, PATH).await;
    assert_eq!(
        now,
        json!({"timezone": "Asia/Shanghai", "number_prefix": "GD-"})
    );
    let (_, trail) = t.get(&t.admin, "/api/v1/audit?entity=group_settings").await;
    assert_eq!(trail["items"], json!([]), "nothing was written");
}

both!(only_an_admin_reads_or_changes_the_groups_settings);
async fn only_an_admin_reads_or_changes_the_groups_settings(t: TestApp) {
    let sh = t.dealer("SH001").await;
    let quality = t.department("quality").await;
    let others = [
        t.user("li.manager", "manager", None, None).await,
        t.user("wang.agent", "agent", None, None).await,
        t.user("zhao.store", "dealer_staff", Some(sh), None).await,
        t.user("qian.liaison", "liaison", None, Some(quality)).await,
        t.user("sun.vp", "vp", None, None).await,
    ];
    for (_, token) in &others {
        let (s, body) = t.get(token, PATH).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
        let (s, body) = t.patch(token, PATH, json!({"number_prefix": "X-"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    }
    let (s, _) = t.call(reqwest::Method::GET, PATH, None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (_, now) = t.get(&t.admin, PATH).await;
    assert_eq!(now["number_prefix"], "GD-", "no one else changed it");
}

both!(a_new_dealer_keeps_the_groups_time_zone_unless_given_one);
async fn a_new_dealer_keeps_the_groups_time_zone_unless_given_one(t: TestApp) {
    t.patch(&t.admin, PATH, json!({"timezone": "Asia/Urumqi"}))
        .await;
    let (s, d) = t
        .post(
            &t.admin,
            "/api/v1/dealers",
            json!({"code": "XJ001", "name": "乌鲁木齐店"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["timezone"], "Asia/Urumqi");
    let (_, d) = t
        .post(
            &t.admin,
            "/api/v1/dealers",
            json!({"code": "SH001", "name": "上海店", "timezone": "Asia/Shanghai"}),
        )
        .await;
    assert_eq!(d["timezone"], "Asia/Shanghai");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_another_server_numbers_the_next_order() {
    if helpers::pg_url().is_none() {
        eprintln!("KEFU_TEST_DATABASE_URL is not set: PostgreSQL case skipped");
        return;
    }
    let url = helpers::fresh_pg_schema().await;
    let clock = kefu_app::Clock::manual(Utc::now());
    let a = TestApp::start(Place::Url(url.clone()), Default::default(), clock.clone()).await;
    let b = TestApp::start(Place::Url(url), Default::default(), clock).await;
    let c = customer(&a).await;
    assert!(
        number(&open(&b, c).await).starts_with("GD-"),
        "B has read the settings"
    );
    let (s, _) = a
        .patch(&a.admin, PATH, json!({"number_prefix": "SH-"}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        number(&open(&b, c).await).starts_with("SH-"),
        "B numbers by A's change at once"
    );
}
