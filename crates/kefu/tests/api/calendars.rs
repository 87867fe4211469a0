//! Business calendars: who may change them, validation naming the field,
//! deadline previews over real Chinese seasons, the month view, the default
//! calendar, and dealers and departments naming their calendar.

use chrono::{DateTime, Utc};
use kefu_app::{AppConfig, Clock};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::TestApp;

/// Monday to Friday 09:00–12:00 and 13:00–18:00 with China's official dates.
fn office(name: &str) -> Value {
    let day = json!([["09:00", "12:00"], ["13:00", "18:00"]]);
    json!({
        "name": name,
        "timezone": "Asia/Shanghai",
        "weekly": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day},
        "public_holidays": "CN",
    })
}

fn round_the_clock() -> Value {
    let day = json!([["00:00", "24:00"]]);
    json!({
        "name": "7×24 热线",
        "timezone": "Asia/Shanghai",
        "weekly": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day},
    })
}

fn instant(raw: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(raw).unwrap().to_utc()
}

/// `+` in an offset must not reach the server as a space.
fn encode(raw: &str) -> String {
    raw.replace('+', "%2B")
}

async fn due(t: &TestApp, token: &str, id: i64, start: &str, minutes: i64) -> DateTime<Utc> {
    let path = format!(
        "/api/v1/calendars/{id}/deadline?start={}&minutes={minutes}",
        encode(start)
    );
    let (s, body) = t.get(token, &path).await;
    assert_eq!(s, StatusCode::OK, "{path}: {body}");
    instant(body["due"].as_str().unwrap())
}

both!(calendars_are_created_read_and_changed);
async fn calendars_are_created_read_and_changed(t: TestApp) {
    let mut body = office("上海门店日历");
    body["holidays"] = json!(["2027/1/4", "2027-01-04", "2026-12-31"]);
    body["workdays"] = json!(["2027年1月9日"]);
    let (s, c) = t.post(&t.admin, "/api/v1/calendars", body).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["name"], "上海门店日历");
    assert_eq!(c["timezone"], "Asia/Shanghai");
    assert_eq!(
        c["weekly"]["mon"],
        json!([["09:00", "12:00"], ["13:00", "18:00"]])
    );
    assert_eq!(c["weekly"]["sat"], json!([]));
    assert_eq!(c["public_holidays"], "CN");
    assert_eq!(
        c["holidays"],
        json!(["2026-12-31", "2027-01-04"]),
        "dates are written back as YYYY-MM-DD, sorted, once each"
    );
    assert_eq!(c["workdays"], json!(["2027-01-09"]));
    assert_eq!(c["is_default"], false);
    assert!(c["created_at"].is_string() && c["updated_at"].is_string());
    assert!(c.get("spec").is_none(), "the record is flat: {c}");

    let (s, got) = t.get(&t.admin, &format!("/api/v1/calendars/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(got, c);

    let (s, changed) = t
        .patch(
            &t.admin,
            &format!("/api/v1/calendars/{id}"),
            json!({"name": "上海门店日历（新）", "public_holidays": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{changed}");
    assert_eq!(changed["name"], "上海门店日历（新）");
    assert!(changed["public_holidays"].is_null());
    assert_eq!(changed["weekly"], c["weekly"], "untouched fields stay");
    assert_eq!(changed["holidays"], c["holidays"]);
    let (_, got) = t.get(&t.admin, &format!("/api/v1/calendars/{id}")).await;
    assert_eq!(got, changed);

    let (s, _) = t.get(&t.admin, "/api/v1/calendars/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .patch(&t.admin, "/api/v1/calendars/999999", json!({"name": "x"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t.get(&t.admin, "/api/v1/calendars/abc").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

both!(bad_calendars_name_the_field);
async fn bad_calendars_name_the_field(t: TestApp) {
    let cases = [
        (
            json!({"timezone": "Mars/Olympus"}),
            "timezone",
            "invalid_timezone",
        ),
        (
            json!({"weekly": {"mon": [["09:00", "25:00"]]}}),
            "weekly.mon[0]",
            "invalid_time",
        ),
        (
            json!({"weekly": {"wed": [["10:00", "09:00"]]}}),
            "weekly.wed[0]",
            "empty_range",
        ),
        (
            json!({"weekly": {"tue": [["09:00", "12:00"], ["11:00", "13:00"]]}}),
            "weekly.tue[1]",
            "overlapping_range",
        ),
        (
            json!({"holidays": ["2025-02-30"]}),
            "holidays[0]",
            "invalid_date",
        ),
        (
            json!({"workdays": ["2027-01-09", "next monday"]}),
            "workdays[1]",
            "invalid_date",
        ),
        (
            json!({"public_holidays": "cn"}),
            "public_holidays",
            "invalid_public_holidays",
        ),
        (json!({"weekend": true}), "weekend", "unknown_field"),
        (json!({"weekly": {}}), "weekly", "no_working_time"),
        (json!({"name": "  "}), "name", "required"),
        (
            json!({"holidays": "2025-01-01"}),
            "holidays",
            "invalid_type",
        ),
    ];
    for (patch, field, code) in cases {
        let mut body = office("x");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, res) = t.post(&t.admin, "/api/v1/calendars", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {res}");
        assert_eq!(res["error"]["field"], field, "{body} -> {res}");
        assert_eq!(res["error"]["code"], code, "{body} -> {res}");
    }
    let mut missing = office("x");
    missing.as_object_mut().unwrap().remove("weekly");
    let (s, res) = t.post(&t.admin, "/api/v1/calendars", missing).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res["error"]["field"], "weekly");

    // An update is checked by the same rules.
    let id = t.create(&t.admin, "/api/v1/calendars", office("ok")).await;
    let (s, res) = t
        .patch(
            &t.admin,
            &format!("/api/v1/calendars/{id}"),
            json!({"holidays": ["2025-01-01", "tomorrow"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res["error"]["field"], "holidays[1]");
    let (s, res) = t
        .patch(
            &t.admin,
            &format!("/api/v1/calendars/{id}"),
            json!({"is_default": true}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(res["error"]["field"], "is_default");
    let (_, c) = t.get(&t.admin, &format!("/api/v1/calendars/{id}")).await;
    assert_eq!(c["holidays"], json!([]), "a refused update changes nothing");
}

both!(only_admins_change_calendars_and_everyone_reads_them);
async fn only_admins_change_calendars_and_everyone_reads_them(t: TestApp) {
    let dealer = t.dealer("SH001").await;
    let (_, manager) = t.user("wang.mgr", "manager", None, None).await;
    let (_, agent) = t.user("li.agent", "agent", None, None).await;
    let (_, staff) = t
        .user("chen.staff", "dealer_staff", Some(dealer), None)
        .await;
    let id = t
        .create(&t.admin, "/api/v1/calendars", office("门店"))
        .await;
    for token in [&manager, &agent, &staff] {
        let (s, body) = t.post(token, "/api/v1/calendars", office("x")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
        let (s, _) = t
            .patch(
                token,
                &format!("/api/v1/calendars/{id}"),
                json!({"name": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        for path in [
            "/api/v1/calendars".to_owned(),
            format!("/api/v1/calendars/{id}"),
            format!("/api/v1/calendars/{id}/month?year=2025&month=1"),
            format!("/api/v1/calendars/{id}/deadline?start=2025-01-24T09:00:00Z&minutes=60"),
        ] {
            let (s, body) = t.get(token, &path).await;
            assert_eq!(s, StatusCode::OK, "{path}: {body}");
        }
    }
    let (_, c) = t.get(&t.admin, &format!("/api/v1/calendars/{id}")).await;
    assert_eq!(c["name"], "门店");
    let (s, _) = t
        .call(reqwest::Method::GET, "/api/v1/calendars", None, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

both!(deadlines_follow_the_chinese_calendar);
async fn deadlines_follow_the_chinese_calendar(t: TestApp) {
    let office = t
        .create(&t.admin, "/api/v1/calendars", office("办公"))
        .await;
    let cases = [
        // Friday before the Spring Festival: an hour on Friday, then the
        // make-up Sunday 2025-01-26.
        (
            "2025-01-24T17:00:00+08:00",
            120,
            "2025-01-26T10:00:00+08:00",
        ),
        // The same instant written in UTC.
        ("2025-01-24T09:00:00Z", 120, "2025-01-26T10:00:00+08:00"),
        // Across the lunch break.
        ("2025-03-03T11:30:00+08:00", 60, "2025-03-03T13:30:00+08:00"),
        // Started during lunch: counting starts at 13:00.
        ("2025-03-03T12:15:00+08:00", 30, "2025-03-03T13:30:00+08:00"),
        // Before National Day (2025-10-01 to 10-08 off).
        (
            "2025-09-30T17:00:00+08:00",
            120,
            "2025-10-09T10:00:00+08:00",
        ),
        // Due at the end of the day, not at the start of the next.
        ("2025-03-03T17:00:00+08:00", 60, "2025-03-03T18:00:00+08:00"),
        // Nothing owed: due at once, even out of hours.
        ("2025-03-01T03:00:00+08:00", 0, "2025-03-01T03:00:00+08:00"),
    ];
    for (start, minutes, want) in cases {
        let got = due(&t, &t.admin, office, start, minutes).await;
        assert_eq!(got, instant(want), "{start} + {minutes} min");
    }

    let all_hours = t
        .create(&t.admin, "/api/v1/calendars", round_the_clock())
        .await;
    let start = "2025-01-24T17:00:00+08:00";
    for minutes in [1, 120, 7 * 24 * 60, 525_600] {
        let got = due(&t, &t.admin, all_hours, start, minutes).await;
        assert_eq!(got, instant(start) + chrono::TimeDelta::minutes(minutes));
    }

    // 2027 has no official dates yet: an admin's holiday moves the deadline.
    let (start, minutes) = ("2027-01-08T17:00:00+08:00", 120);
    let before = due(&t, &t.admin, office, start, minutes).await;
    assert_eq!(before, instant("2027-01-11T10:00:00+08:00"));
    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/calendars/{office}"),
            json!({"holidays": ["2027-01-11"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let after = due(&t, &t.admin, office, start, minutes).await;
    assert_eq!(after, instant("2027-01-12T10:00:00+08:00"));
}

both!(deadline_input_is_checked);
async fn deadline_input_is_checked(t: TestApp) {
    let id = t
        .create(&t.admin, "/api/v1/calendars", office("办公"))
        .await;
    let base = format!("/api/v1/calendars/{id}/deadline");
    let cases = [
        ("start=yesterday&minutes=60", "start", "invalid_instant"),
        ("start=2025-01-24&minutes=60", "start", "invalid_instant"),
        (
            "start=2025-01-24T09:00:00Z&minutes=-1",
            "minutes",
            "out_of_range",
        ),
        (
            "start=2025-01-24T09:00:00Z&minutes=525601",
            "minutes",
            "out_of_range",
        ),
    ];
    for (query, field, code) in cases {
        let (s, body) = t.get(&t.admin, &format!("{base}?{query}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}: {body}");
        assert_eq!(body["error"]["code"], code, "{query}: {body}");
    }
    for (query, field) in [
        ("minutes=60", "start"),
        ("start=2025-01-24T09:00:00Z", "minutes"),
        ("start=2025-01-24T09:00:00Z&minutes=soon", "minutes"),
    ] {
        let (s, body) = t.get(&t.admin, &format!("{base}?{query}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}: {body}");
    }
    // One working minute a week cannot give a year of business minutes
    // within the 100 years a deadline may lie ahead.
    let mut sparse = office("稀疏");
    sparse["weekly"] = json!({"mon": [["09:00", "09:01"]]});
    let sparse = t.create(&t.admin, "/api/v1/calendars", sparse).await;
    let (s, body) = t
        .get(
            &t.admin,
            &format!(
                "/api/v1/calendars/{sparse}/deadline?start=2025-01-24T09:00:00Z&minutes=525600"
            ),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "minutes");
    assert_eq!(body["error"]["code"], "no_working_time");
    let (s, _) = t
        .get(
            &t.admin,
            "/api/v1/calendars/999999/deadline?start=2025-01-24T09:00:00Z&minutes=60",
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

both!(the_month_view_shows_why_a_day_is_worked);
async fn the_month_view_shows_why_a_day_is_worked(t: TestApp) {
    let mut body = office("办公");
    body["holidays"] = json!(["2025-01-24"]);
    let id = t.create(&t.admin, "/api/v1/calendars", body).await;
    let (s, m) = t
        .get(
            &t.admin,
            &format!("/api/v1/calendars/{id}/month?year=2025&month=1"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(
        (m["year"].as_i64(), m["month"].as_i64()),
        (Some(2025), Some(1))
    );
    assert_eq!(m["official_dates_missing"], false);
    let days = m["days"].as_array().unwrap();
    assert_eq!(days.len(), 31);
    let day = |date: &str| {
        days.iter()
            .find(|d| d["date"] == date)
            .cloned()
            .unwrap_or_else(|| panic!("{date} missing from {m}"))
    };
    let sunday = day("2025-01-26");
    assert_eq!(sunday["working"], true, "{sunday}");
    assert_eq!(sunday["status"], "workday");
    assert_eq!(sunday["source"], "official");
    assert_eq!(
        sunday["hours"],
        json!([["09:00", "12:00"], ["13:00", "18:00"]])
    );
    let eve = day("2025-01-28");
    assert_eq!(eve["working"], false, "{eve}");
    assert_eq!(eve["status"], "holiday");
    assert_eq!(eve["source"], "official");
    assert_eq!(eve["hours"], json!([]));
    let admin_day = day("2025-01-24");
    assert_eq!(
        (
            &admin_day["working"],
            &admin_day["status"],
            &admin_day["source"]
        ),
        (&json!(false), &json!("holiday"), &json!("admin"))
    );
    let saturday = day("2025-01-25");
    assert_eq!(saturday["working"], false);
    assert_eq!(saturday["status"], "regular");
    assert!(saturday["source"].is_null());
    assert_eq!(day("2025-01-23")["working"], true);

    let (_, m) = t
        .get(
            &t.admin,
            &format!("/api/v1/calendars/{id}/month?year=2027&month=2"),
        )
        .await;
    assert_eq!(m["official_dates_missing"], true, "{m}");
    assert_eq!(m["days"].as_array().unwrap().len(), 28);

    for (query, field) in [
        ("year=2025&month=13", "month"),
        ("year=1800&month=1", "year"),
    ] {
        let (s, body) = t
            .get(&t.admin, &format!("/api/v1/calendars/{id}/month?{query}"))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["field"], field);
    }
    let (s, body) = t
        .get(&t.admin, &format!("/api/v1/calendars/{id}/month?year=2025"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "month");
    let (s, _) = t
        .get(&t.admin, "/api/v1/calendars/999999/month?year=2025&month=1")
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

both!(the_default_calendar_is_made_once);
async fn the_default_calendar_is_made_once(t: TestApp) {
    let (s, page) = t.get(&t.admin, "/api/v1/calendars").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    let default = &items[0];
    assert_eq!(default["is_default"], true);
    assert_eq!(default["name"], "默认日历");
    assert_eq!(default["timezone"], "Asia/Shanghai");
    assert_eq!(default["public_holidays"], "CN");
    assert_eq!(
        default["weekly"]["fri"],
        json!([["09:00", "12:00"], ["13:00", "18:00"]])
    );
    let default_id = default["id"].as_i64().unwrap();
    assert_eq!(
        kefu_app::calendars::ensure_default(&t.app).await.unwrap(),
        default_id
    );
    let (_, audit) = t
        .get(
            &t.admin,
            &format!("/api/v1/audit?entity=calendar&entity_id={default_id}"),
        )
        .await;
    assert_eq!(audit["items"][0]["action"], "calendar.create", "{audit}");
    assert!(audit["items"][0]["actor_id"].is_null());

    // load: by id, or the default for None.
    {
        let mut conn = t.app.store.read().await.unwrap();
        let (id, cal) = kefu_app::calendars::load(&mut conn, None).await.unwrap();
        assert_eq!(id, default_id);
        assert_eq!(cal.timezone().name(), "Asia/Shanghai");
        let err = kefu_app::calendars::load(&mut conn, Some(999_999))
            .await
            .err();
        assert!(
            matches!(&err, Some(kefu_app::AppError::Conflict { field: Some(f), .. }) if f == "calendar_id"),
            "{err:?}"
        );
    }

    // Processes starting together: the unique index lets one make it.
    let mut tx = t.app.store.begin().await.unwrap();
    sqlx::query("UPDATE calendars SET is_default = 0")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let ids = futures_join(&t).await;
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_ne!(ids[0], default_id);
    let (_, page) = t.get(&t.admin, "/api/v1/calendars").await;
    let defaults: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["is_default"] == true)
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(defaults, [ids[0]]);

    // A restart on the same data makes no second one.
    let (place, dir) = t.stop().await;
    let t = TestApp::start(place, AppConfig::default(), Clock::System).await;
    let (_, page) = t.get(&t.admin, "/api/v1/calendars").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "{page}");
    drop(t.stop().await);
    drop(dir);
}

/// `ensure_default` four times at once.
async fn futures_join(t: &TestApp) -> Vec<i64> {
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let app = t.app.clone();
            tokio::spawn(async move { kefu_app::calendars::ensure_default(&app).await })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap());
    }
    ids
}

both!(dealers_and_departments_name_their_calendar);
async fn dealers_and_departments_name_their_calendar(t: TestApp) {
    let cal = t
        .create(&t.admin, "/api/v1/calendars", office("北京门店"))
        .await;
    let (s, body) = t
        .post(
            &t.admin,
            "/api/v1/dealers",
            json!({"code": "BJ001", "name": "北京店", "calendar_id": 999999}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "calendar_id");
    assert_eq!(body["error"]["code"], "unknown_calendar");
    let (s, d) = t
        .post(
            &t.admin,
            "/api/v1/dealers",
            json!({"code": "BJ001", "name": "北京店", "calendar_id": cal}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["calendar_id"], cal);
    let dealer = d["id"].as_i64().unwrap();
    let (_, d) = t.get(&t.admin, &format!("/api/v1/dealers/{dealer}")).await;
    assert_eq!(d["calendar_id"], cal);
    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/dealers/{dealer}"),
            json!({"calendar_id": 999999}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "calendar_id");
    let (s, d) = t
        .patch(
            &t.admin,
            &format!("/api/v1/dealers/{dealer}"),
            json!({"calendar_id": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert!(d["calendar_id"].is_null(), "null: the default calendar");
    let other = t.dealer("SH001").await;
    let (_, d) = t.get(&t.admin, &format!("/api/v1/dealers/{other}")).await;
    assert!(d["calendar_id"].is_null());

    let (s, body) = t
        .post(
            &t.admin,
            "/api/v1/departments",
            json!({"code": "quality", "name": "质量部", "calendar_id": 999999}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "calendar_id");
    let dept = t.department("quality").await;
    let (s, d) = t
        .patch(
            &t.admin,
            &format!("/api/v1/departments/{dept}"),
            json!({"calendar_id": cal}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["calendar_id"], cal);
    let (_, list) = t.get(&t.admin, "/api/v1/departments").await;
    assert_eq!(list["items"][0]["calendar_id"], cal);
}

both!(calendar_changes_leave_audit_lines);
async fn calendar_changes_leave_audit_lines(t: TestApp) {
    let id = t
        .create(&t.admin, "/api/v1/calendars", office("广州门店"))
        .await;
    let (s, _) = t
        .patch(
            &t.admin,
            &format!("/api/v1/calendars/{id}"),
            json!({"name": "广州天河店", "workdays": ["2027-01-09"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, page) = t
        .get(
            &t.admin,
            &format!("/api/v1/audit?entity=calendar&entity_id={id}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    assert_eq!(items[0]["action"], "calendar.update", "newest first");
    assert_eq!(items[0]["before"]["name"], "广州门店");
    assert_eq!(items[0]["before"]["workdays"], json!([]));
    assert_eq!(items[0]["after"]["name"], "广州天河店");
    assert_eq!(items[0]["after"]["workdays"], json!(["2027-01-09"]));
    assert_eq!(items[1]["action"], "calendar.create");
    assert!(items[1]["before"].is_null());
    assert_eq!(items[1]["after"]["timezone"], "Asia/Shanghai");
    assert!(items.iter().all(|i| i["actor_id"].is_i64()));
}

both!(openapi_describes_the_calendar_endpoints);
async fn openapi_describes_the_calendar_endpoints(t: TestApp) {
    let res = t
        .client
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    let doc: Value = res.json().await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/api/v1/calendars", &["get", "post"][..]),
        ("/api/v1/calendars/{id}", &["get", "patch"]),
        ("/api/v1/calendars/{id}/deadline", &["get"]),
        ("/api/v1/calendars/{id}/month", &["get"]),
    ] {
        for m in methods {
            assert!(
                paths.get(path).and_then(|p| p.get(*m)).is_some(),
                "{m} {path} missing"
            );
        }
    }
}
