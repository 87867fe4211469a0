//! The overtime report: clocks that came due in a window, their breaches and
//! how late they were, by department, dealer and step. A small group works
//! round the clock, so every deadline and every lateness below is plain
//! arithmetic in minutes after the orders were opened.

use std::time::Duration;

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeDelta, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::TestApp;

struct World {
    /// When every order was opened; all deadlines count from here.
    t0: DateTime<Utc>,
    quality: i64,
    service: i64,
    sh: i64,
    bj: i64,
    agent: String,
    head: String,
}

/// Two departments and two dealers on a 7x24 calendar; dealers' orders run a
/// response (240 min), a resolution (1440) and one escalation (2880) clock,
/// departments' the seed's response (120) and two escalations (2880, 4320).
///
/// Five orders, opened at t0, end up like this (minutes after t0; "late"
/// is the breach's lateness, "open" a breach still open at t0 + 4600):
///
/// | order | at      | response        | resolution   | escalation 1     | escalation 2    |
/// |-------|---------|-----------------|--------------|------------------|-----------------|
/// | A     | quality | met (60)        | -            | late 120         | met (stopped)   |
/// | B     | quality | late 30         | -            | late 1620        | late 180        |
/// | C     | service | open 4480       | -            | open 1720        | open 280        |
/// | D     | SH      | met (200)       | met (1000)   | met (stopped)    | -               |
/// | E     | BJ      | late 90         | late 60      | met (stopped)    | -               |
async fn world(t: &TestApp) -> World {
    let day = json!([["00:00", "24:00"]]);
    let cal = t
        .create(&t.admin, "/api/v1/calendars", json!({"name": "7x24", "timezone": "Asia/Shanghai",
            "weekly": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day},
            "public_holidays": null}))
        .await;
    let quality = t.department("quality").await;
    let service = t.department("service").await;
    let sh = t.dealer("SH001").await;
    let bj = t.dealer("BJ001").await;
    for path in [
        format!("/api/v1/departments/{quality}"),
        format!("/api/v1/departments/{service}"),
        format!("/api/v1/dealers/{sh}"),
        format!("/api/v1/dealers/{bj}"),
    ] {
        let (s, body) = t.patch(&t.admin, &path, json!({"calendar_id": cal})).await;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
    }
    t.create(
        &t.admin,
        "/api/v1/sla-policies",
        json!({"name": "门店时效", "rank": 10, "match": {"levels": ["L2"]},
            "response_minutes": 240, "resolution_minutes": 1440,
            "escalations": [{"after_minutes": 2880, "to": "manager"}]}),
    )
    .await;
    let (_, agent) = t.user("li.agent", "agent", None, None).await;
    let (_, head) = t.user("wu.head", "dept_head", None, Some(quality)).await;
    let customer = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678", "dealer_id": sh}),
        )
        .await;

    let t0 = t.app.now();
    let a = open(t, &agent, customer).await;
    step(t, &agent, a, "escalate", json!({"department_id": quality})).await;
    let b = open(t, &agent, customer).await;
    step(t, &agent, b, "escalate", json!({"department_id": quality})).await;
    let c = open(t, &agent, customer).await;
    step(t, &agent, c, "escalate", json!({"department_id": service})).await;
    let d = open(t, &agent, customer).await;
    step(t, &agent, d, "dispatch", json!({"dealer_id": sh})).await;
    let e = open(t, &agent, customer).await;
    step(t, &agent, e, "dispatch", json!({"dealer_id": bj})).await;
    assert_eq!(t.app.now(), t0, "the orders all start at t0");

    let w = World {
        t0,
        quality,
        service,
        sh,
        bj,
        agent,
        head,
    };
    let resolve = json!({"resolution": "已处理"});
    go(t, &w, 60).await;
    step(t, &w.agent, a, "respond", json!({})).await;
    go(t, &w, 130).await;
    go(t, &w, 150).await;
    step(t, &w.agent, b, "respond", json!({})).await;
    go(t, &w, 200).await;
    step(t, &w.agent, d, "respond", json!({})).await;
    go(t, &w, 300).await;
    go(t, &w, 330).await;
    step(t, &w.agent, e, "respond", json!({})).await;
    go(t, &w, 1000).await;
    step(t, &w.agent, d, "resolve", resolve.clone()).await;
    go(t, &w, 1500).await;
    step(t, &w.agent, e, "resolve", resolve.clone()).await;
    go(t, &w, 2900).await;
    go(t, &w, 3000).await;
    step(t, &w.agent, a, "resolve", resolve.clone()).await;
    go(t, &w, 4400).await;
    go(t, &w, 4500).await;
    step(t, &w.agent, b, "resolve", resolve).await;
    go(t, &w, 4600).await;
    w
}

async fn open(t: &TestApp, agent: &str, customer: i64) -> i64 {
    t.create(
        agent,
        "/api/v1/tickets",
        json!({"customer_id": customer, "channel": "phone",
            "category": "complaint", "subject": "异响"}),
    )
    .await
}

async fn step(t: &TestApp, token: &str, id: i64, action: &str, body: Value) {
    let (s, res) = t
        .post(token, &format!("/api/v1/tickets/{id}/{action}"), body)
        .await;
    assert_eq!(s, StatusCode::OK, "{action}: {res}");
}

/// Move the server's clock to `minutes` after t0 and fire what is due.
async fn go(t: &TestApp, w: &World, minutes: i64) {
    let target = w.t0 + TimeDelta::minutes(minutes);
    let by = (target - t.app.now()).to_std().unwrap();
    t.app.clock.advance(by);
    kefu_app::timers::run_due(&t.app, t.app.now())
        .await
        .unwrap();
}

/// An instant `minutes` (and `ms`) after t0, for a query string.
fn after(w: &World, minutes: i64, ms: i64) -> String {
    (w.t0 + TimeDelta::minutes(minutes) + TimeDelta::milliseconds(ms))
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn report(t: &TestApp, token: &str, query: &str) -> Value {
    let (s, body) = t
        .get(token, &format!("/api/v1/reports/overtime?{query}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{query}: {body}");
    body
}

/// A row as (key, name, clocks, breaches, median, p90, open), its rate checked.
type Line = (Value, Value, i64, i64, Option<f64>, Option<f64>, i64);

fn line(r: &Value) -> Line {
    let clocks = r["clocks"].as_i64().unwrap();
    let breaches = r["breaches"].as_i64().unwrap();
    let rate = r["breach_rate"].as_f64().unwrap();
    let want = if clocks == 0 {
        0.0
    } else {
        breaches as f64 / clocks as f64
    };
    assert!((rate - want).abs() < 1e-9, "breach_rate in {r}");
    (
        r["key"].clone(),
        r["name"].clone(),
        clocks,
        breaches,
        r["median_late_minutes"].as_f64(),
        r["p90_late_minutes"].as_f64(),
        r["open"].as_i64().unwrap(),
    )
}

fn rows(report: &Value) -> Vec<Line> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(line)
        .collect()
}

fn total(report: &Value) -> Line {
    line(&report["total"])
}

const ALL_TOTAL: (i64, i64, Option<f64>, Option<f64>, i64) = (15, 9, Some(180.0), Some(2272.0), 3);

fn counts(l: Line) -> (i64, i64, Option<f64>, Option<f64>, i64) {
    (l.2, l.3, l.4, l.5, l.6)
}

both!(
    the_report_counts_clocks_breaches_and_lateness,
    crate::helpers::long_tokens()
);
async fn the_report_counts_clocks_breaches_and_lateness(t: TestApp) {
    let w = world(&t).await;
    let window = format!("from={}&to={}", after(&w, -60, 0), after(&w, 10 * 1440, 0));

    // By department (the default). Lateness of all nine breaches, in
    // minutes: 30 60 90 120 180 280 1620 1720 4480.
    let r = report(&t, &t.admin, &window).await;
    assert_eq!(r["group_by"], "department");
    assert_eq!(
        rows(&r),
        [
            // 30 120 180 1620
            (
                json!(w.quality),
                json!("quality 部"),
                6,
                4,
                Some(150.0),
                Some(1188.0),
                0
            ),
            // 280 1720 4480, all still open
            (
                json!(w.service),
                json!("service 部"),
                3,
                3,
                Some(1720.0),
                Some(3928.0),
                3
            ),
            // The dealers' clocks ran at no department: 60 90
            (Value::Null, Value::Null, 6, 2, Some(75.0), Some(87.0), 0),
        ]
    );
    assert_eq!(counts(total(&r)), ALL_TOTAL);
    assert_eq!(r["total"]["key"], Value::Null);
    let echoed = |v: &Value| DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    assert_eq!(echoed(&r["from"]), w.t0 - TimeDelta::minutes(60));
    assert_eq!(echoed(&r["to"]), w.t0 + TimeDelta::minutes(10 * 1440));

    let r = report(&t, &t.admin, &format!("{window}&group_by=dealer")).await;
    assert_eq!(
        rows(&r),
        [
            (json!(w.sh), json!("SH001 店"), 3, 0, None, None, 0),
            (
                json!(w.bj),
                json!("BJ001 店"),
                3,
                2,
                Some(75.0),
                Some(87.0),
                0
            ),
            // The departments' clocks: 30 120 180 280 1620 1720 4480
            (Value::Null, Value::Null, 9, 7, Some(280.0), Some(2824.0), 3),
        ]
    );
    assert_eq!(counts(total(&r)), ALL_TOTAL);

    let r = report(&t, &t.admin, &format!("{window}&group_by=step")).await;
    let s = |k: &str| (json!(k), json!(k));
    assert_eq!(
        rows(&r),
        [
            // 30 90 4480(open)
            {
                let (k, n) = s("response");
                (k, n, 5, 3, Some(90.0), Some(3602.0), 1)
            },
            {
                let (k, n) = s("resolution");
                (k, n, 2, 1, Some(60.0), Some(60.0), 0)
            },
            // 120 1620 1720(open)
            {
                let (k, n) = s("escalation 1");
                (k, n, 5, 3, Some(1620.0), Some(1700.0), 1)
            },
            // 180 280(open)
            {
                let (k, n) = s("escalation 2");
                (k, n, 3, 2, Some(230.0), Some(270.0), 1)
            },
        ]
    );
    assert_eq!(counts(total(&r)), ALL_TOTAL);

    // Open breaches keep getting later until they settle.
    t.app.clock.advance(Duration::from_secs(60 * 60));
    let r = report(&t, &t.admin, &format!("{window}&group_by=step")).await;
    assert_eq!(
        (rows(&r)[3].4, rows(&r)[3].5),
        (Some(260.0), Some(324.0)),
        "escalation 2: 180, and 340 open"
    );

    // Other readers see the whole group too.
    let (_, vp) = t.user("zheng.vp", "vp", None, None).await;
    let (_, manager) = t.user("wang.mgr", "manager", None, None).await;
    for token in [&vp, &manager] {
        let r = report(&t, token, &window).await;
        assert_eq!(rows(&r).len(), 3);
        assert_eq!((total(&r).2, total(&r).3), (15, 9));
    }
}

both!(
    the_window_is_from_included_to_excluded,
    crate::helpers::long_tokens()
);
async fn the_window_is_from_included_to_excluded(t: TestApp) {
    let w = world(&t).await;
    // The departments' responses were due at 120, the dealers' at 240.
    let r = report(
        &t,
        &t.admin,
        &format!("from={}&to={}", after(&w, 120, 0), after(&w, 240, 0)),
    )
    .await;
    assert_eq!(
        rows(&r),
        [
            (
                json!(w.quality),
                json!("quality 部"),
                2,
                1,
                Some(30.0),
                Some(30.0),
                0
            ),
            (
                json!(w.service),
                json!("service 部"),
                1,
                1,
                Some(4480.0),
                Some(4480.0),
                1
            ),
        ]
    );
    let r = report(
        &t,
        &t.admin,
        &format!(
            "from={}&to={}&group_by=step",
            after(&w, 120, 0),
            after(&w, 240, 1)
        ),
    )
    .await;
    assert_eq!(counts(total(&r)), (5, 3, Some(90.0), Some(3602.0), 1));
    let r = report(
        &t,
        &t.admin,
        &format!("from={}&to={}", after(&w, 120, 1), after(&w, 240, 0)),
    )
    .await;
    assert!(rows(&r).is_empty(), "{r}");
    assert_eq!(counts(total(&r)), (0, 0, None, None, 0));
    assert_eq!(r["total"]["breach_rate"], 0.0);

    // The same instant in China's offset; `+` must be escaped in a query.
    let cn = FixedOffset::east_opt(8 * 3600).unwrap();
    let from = (w.t0 + TimeDelta::minutes(120))
        .with_timezone(&cn)
        .to_rfc3339_opts(SecondsFormat::Millis, false)
        .replace('+', "%2B");
    let r = report(
        &t,
        &t.admin,
        &format!("from={from}&to={}", after(&w, 240, 0)),
    )
    .await;
    assert_eq!(total(&r).2, 3);

    // Dates are whole days in Asia/Shanghai; every deadline falls within
    // four days of t0.
    let day = |d: i64| {
        (w.t0 + TimeDelta::days(d))
            .with_timezone(&cn)
            .format("%Y-%m-%d")
            .to_string()
    };
    let r = report(&t, &t.admin, &format!("from={}&to={}", day(0), day(4))).await;
    assert_eq!(counts(total(&r)), ALL_TOTAL);
    let r = report(&t, &t.admin, &format!("from={}&to={}", day(5), day(6))).await;
    assert_eq!(total(&r).2, 0);
}

both!(
    a_department_head_sees_only_their_department,
    crate::helpers::long_tokens()
);
async fn a_department_head_sees_only_their_department(t: TestApp) {
    let w = world(&t).await;
    let window = format!("from={}&to={}", after(&w, -60, 0), after(&w, 10 * 1440, 0));
    let r = report(&t, &w.head, &window).await;
    let quality = (
        json!(w.quality),
        json!("quality 部"),
        6,
        4,
        Some(150.0),
        Some(1188.0),
        0,
    );
    assert_eq!(rows(&r), std::slice::from_ref(&quality));
    assert_eq!(counts(total(&r)), counts(quality));

    let r = report(&t, &w.head, &format!("{window}&group_by=step")).await;
    let names: Vec<&str> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["response", "escalation 1", "escalation 2"]);
    assert_eq!(
        rows(&r)
            .into_iter()
            .map(|l| (l.2, l.3, l.4, l.5))
            .collect::<Vec<_>>(),
        [
            (2, 1, Some(30.0), Some(30.0)),
            (2, 2, Some(870.0), Some(1470.0)),
            (2, 1, Some(180.0), Some(180.0)),
        ]
    );
    let r = report(&t, &w.head, &format!("{window}&group_by=dealer")).await;
    assert_eq!(
        rows(&r),
        [(Value::Null, Value::Null, 6, 4, Some(150.0), Some(1188.0), 0)],
        "no dealer's clocks, and nothing of the other department"
    );

    let _ = w.service;
}

both!(
    only_managers_read_reports_and_bad_windows_are_named,
    crate::helpers::long_tokens()
);
async fn only_managers_read_reports_and_bad_windows_are_named(t: TestApp) {
    let good = "from=2026-01-01&to=2026-01-31";
    let sh = t.dealer("SH001").await;
    let quality = t.department("quality").await;
    let (_, agent) = t.user("li.agent", "agent", None, None).await;
    let (_, liaison) = t.user("sun.liaison", "liaison", None, Some(quality)).await;
    let (_, staff) = t.user("sh.staff", "dealer_staff", Some(sh), None).await;
    let (_, sales) = t.user("sh.sales", "sales", Some(sh), None).await;
    for token in [&agent, &liaison, &staff, &sales] {
        for query in [good, "from=nonsense"] {
            let (s, body) = t
                .get(token, &format!("/api/v1/reports/overtime?{query}"))
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
            assert_eq!(body["error"]["code"], "forbidden");
        }
    }
    let (s, _) = t
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/reports/overtime?{good}"),
            None,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    for (query, field) in [
        ("to=2026-01-31", "from"),
        ("from=&to=2026-01-31", "from"),
        ("from=yesterday&to=2026-01-31", "from"),
        ("from=2026-02-30&to=2026-03-31", "from"),
        ("from=2026-01-01T25:00:00Z&to=2026-03-31", "from"),
        (
            "from=%27%3B%20DROP%20TABLE%20clocks%3B--&to=2026-03-31",
            "from",
        ),
        ("from=2026-01-01", "to"),
        ("from=2026-01-01&to=2026-13-01", "to"),
        ("from=2026-01-02&to=2026-01-01", "to"),
        ("from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
        ("from=2026-01-01&to=2027-01-02", "to"),
        ("from=2026-01-01&to=2026-01-31&group_by=week", "group_by"),
        (
            "from=2026-01-01&to=2026-01-31&group_by=department%3B%20DROP%20TABLE%20breaches",
            "group_by",
        ),
    ] {
        let (s, body) = t
            .get(&t.admin, &format!("/api/v1/reports/overtime?{query}"))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}: {body}");
    }
    let (s, body) = t
        .get(
            &t.admin,
            &format!("/api/v1/reports/overtime?{good}&color=red"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "color");

    // Dates: from the start of `from`'s day to the end of `to`'s, in
    // Shanghai; 2026 through 2027-01-01 is the longest window, 366 days.
    let r = report(&t, &t.admin, "from=2026-01-01&to=2026-01-01").await;
    let echoed = |v: &Value| {
        DateTime::parse_from_rfc3339(v.as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    assert_eq!(echoed(&r["from"]).to_rfc3339(), "2025-12-31T16:00:00+00:00");
    assert_eq!(echoed(&r["to"]).to_rfc3339(), "2026-01-01T16:00:00+00:00");
    assert_eq!(counts(total(&r)), (0, 0, None, None, 0));
    let r = report(&t, &t.admin, "from=2026-01-01&to=2027-01-01&group_by=step").await;
    assert_eq!(r["group_by"], "step");

    let (_, api) = t
        .call(reqwest::Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert!(api["paths"]["/api/v1/reports/overtime"]["get"].is_object());
}
