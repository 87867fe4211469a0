//! The admin pages: users, departments, dealers, calendars and SLA policies
//! changed through their forms as a browser posts them, refused by the field
//! at fault, closed to roles without the permission, and audited.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};
use serde_json::{Value, json};

use super::{Browser, form};
use crate::both;
use crate::helpers::{ADMIN_PASSWORD, TestApp};

/// A form posted as a browser without JavaScript posts it: the token in the
/// body. Returns the status, where it redirects to, and the page.
async fn submit(b: &Browser, path: &str, pairs: &[(&str, &str)]) -> (StatusCode, String, String) {
    let mut body: Vec<(&str, &str)> = pairs.to_vec();
    body.push(("csrf", &b.csrf));
    let res = b
        .client
        .post(format!("{}{path}", b.base))
        .header(COOKIE, &b.cookie)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&body))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let to = res
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, to, res.text().await.unwrap())
}

/// The actions the audit trail holds for a record, newest first.
async fn audited(t: &TestApp, entity: &str, id: i64) -> Vec<String> {
    let (status, page) = t
        .get(
            &t.admin,
            &format!("/api/v1/audit?entity={entity}&entity_id={id}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn users(t: &TestApp) -> Vec<Value> {
    let (_, page) = t.get(&t.admin, "/api/v1/users?limit=200").await;
    page["items"].as_array().unwrap().clone()
}

async fn user_id(t: &TestApp, username: &str) -> i64 {
    users(t)
        .await
        .iter()
        .find(|u| u["username"] == username)
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_else(|| panic!("no user {username}"))
}

/// Whether a token can still be had with this password.
async fn can_log_in(t: &TestApp, username: &str, password: &str) -> bool {
    let (status, _) = t
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await;
    status == StatusCode::OK
}

/// The `data-off` of a day in a month view.
fn off(html: &str, date: &str) -> String {
    let at = html
        .find(&format!("data-date=\"{date}\""))
        .unwrap_or_else(|| panic!("no day {date}"));
    let rest = &html[at..];
    let v = rest.find("data-off=\"").unwrap() + 10;
    rest[v..v + rest[v..].find('"').unwrap()].to_owned()
}

both!(an_admin_creates_a_user_through_the_form_who_then_logs_in);
async fn an_admin_creates_a_user_through_the_form_who_then_logs_in(t: TestApp) {
    let sh = t.dealer("SH01").await;
    let admin = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    let (status, home) = admin.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains("data-testid=\"nav-admin\""),
        "the header links to admin"
    );

    let (status, page) = admin.get("/admin/users").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("data-testid=\"new-user\""));
    assert!(
        page.contains("data-testid=\"tab-sla\""),
        "an admin sees every tab"
    );
    assert!(
        page.contains("<option value=\"manager\""),
        "an admin grants manager"
    );

    let (status, to, body) = submit(
        &admin,
        "/admin/users",
        &[
            ("username", "zhang.wei"),
            ("display_name", "张伟"),
            ("role", "dealer_staff"),
            ("dealer_id", &sh.to_string()),
            ("department_id", ""),
            ("email", ""),
            ("password", "secret-pass-1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(to, "/admin/users");
    let (_, page) = admin.get("/admin/users").await;
    assert!(page.contains("data-username=\"zhang.wei\""), "{page}");
    assert!(page.contains("SH01 店"), "the row names the dealer");

    let zhang = Browser::login(&t, "zhang.wei", "secret-pass-1").await;
    let (_, home) = zhang.get("/").await;
    assert!(home.contains("zhang.wei"), "{home}");
    assert!(
        !home.contains("data-testid=\"nav-admin\""),
        "dealer staff get no admin link"
    );
    let (status, _) = zhang.get("/admin/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let id = user_id(&t, "zhang.wei").await;
    let u = users(&t).await.into_iter().find(|u| u["id"] == id).unwrap();
    assert_eq!(u["role"], "dealer_staff");
    assert_eq!(u["dealer_id"], sh);
    assert_eq!(audited(&t, "user", id).await, ["user.create"]);
}

both!(a_bad_field_is_shown_next_to_it_and_nothing_is_written);
async fn a_bad_field_is_shown_next_to_it_and_nothing_is_written(t: TestApp) {
    let admin = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    let before = users(&t).await.len();
    let good = [
        ("username", "li.na"),
        ("display_name", "李娜"),
        ("role", "agent"),
        ("dealer_id", ""),
        ("department_id", ""),
        ("email", ""),
        ("password", "secret-pass-1"),
    ];
    let with = |field: &'static str, value: &'static str| -> Vec<(&'static str, &'static str)> {
        good.iter()
            .map(|(k, v)| if *k == field { (*k, value) } else { (*k, *v) })
            .collect()
    };
    let cases = [
        (
            with("username", "李 娜"),
            "username",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            with("username", "ab"),
            "username",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            with("role", "root"),
            "role",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            with("role", "sales"),
            "dealer_id",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            with("password", "short"),
            "password",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            with("email", "not-mail"),
            "email",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            with("dealer_id", "x"),
            "dealer_id",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (with("username", "admin"), "username", StatusCode::CONFLICT),
    ];
    for (pairs, field, expected) in cases {
        let (status, _, page) = submit(&admin, "/admin/users", &pairs).await;
        assert_eq!(status, expected, "{field}: {page}");
        assert!(
            page.contains(&format!("data-testid=\"error-{field}\"")),
            "{field}: {page}"
        );
        assert!(page.contains("value=\"李娜\""), "what was typed is kept");
        assert!(
            !page.contains("secret-pass-1"),
            "a password is never echoed"
        );
    }
    // In the viewer's words, next to the field.
    let (_, _, page) = submit(&admin, "/admin/users", &with("role", "root")).await;
    assert!(page.contains("角色: 请选择角色"), "{page}");
    assert_eq!(users(&t).await.len(), before, "nothing was written");
    let (_, trail) = t.get(&t.admin, "/api/v1/audit?entity=user").await;
    assert!(
        trail["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] != "user.create" || e["actor_id"].is_null()),
        "no user was created: {trail}"
    );
}

both!(disabling_a_user_on_the_page_ends_their_session);
async fn disabling_a_user_on_the_page_ends_their_session(t: TestApp) {
    let (id, _) = t.user("wang.fang", "agent", None, None).await;
    let agent = Browser::login(&t, "wang.fang", "password-123").await;
    let admin = Browser::login(&t, "admin", ADMIN_PASSWORD).await;

    let (status, part) = admin
        .htmx(&format!("/admin/users/{id}/active"), &[("active", "false")])
        .await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert!(!part.contains("<html"), "a row for htmx, not a page");
    assert!(part.starts_with(&format!("<tr id=\"user-{id}\"")), "{part}");
    assert!(part.contains("data-active=\"false\""));
    assert!(part.contains("data-testid=\"enable-wang.fang\""));
    assert!(part.contains("data-testid=\"row-notice\""));

    // The open session is over: the next page load goes to the login page.
    let res = agent
        .client
        .get(format!("{}/", agent.base))
        .header(COOKIE, &agent.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/login");
    assert!(!can_log_in(&t, "wang.fang", "password-123").await);

    // Enabled again, they log in again.
    let (status, part) = admin
        .htmx(&format!("/admin/users/{id}/active"), &[("active", "true")])
        .await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert!(part.contains("data-active=\"true\""));
    assert!(can_log_in(&t, "wang.fang", "password-123").await);

    // One's own account cannot be disabled, and the page says why.
    let me = user_id(&t, "admin").await;
    let (status, said) = admin
        .htmx(&format!("/admin/users/{me}/active"), &[("active", "false")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(said.contains("不能停用自己的账号"), "{said}");
    // Without htmx: back to the list.
    let (status, to, _) = submit(
        &admin,
        &format!("/admin/users/{id}/active"),
        &[("active", "false")],
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/admin/users")
    );

    let trail = audited(&t, "user", id).await;
    assert_eq!(trail[..3], ["user.disable", "user.update", "user.disable"]);
}

both!(a_password_reset_lets_them_in_with_the_new_one_only);
async fn a_password_reset_lets_them_in_with_the_new_one_only(t: TestApp) {
    let (id, _) = t.user("zhao.lei", "agent", None, None).await;
    let admin = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    let path = format!("/admin/users/{id}/password");

    let (status, said) = admin.htmx(&path, &[("password", "short")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(said.contains("密码"), "{said}");
    assert!(
        can_log_in(&t, "zhao.lei", "password-123").await,
        "unchanged"
    );

    let (status, part) = admin.htmx(&path, &[("password", "new-secret-9")]).await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert!(part.contains("密码已修改"), "{part}");
    assert!(!can_log_in(&t, "zhao.lei", "password-123").await);
    Browser::login(&t, "zhao.lei", "new-secret-9").await;
    assert_eq!(audited(&t, "user", id).await[0], "user.password");
}

both!(a_manager_manages_people_but_not_dealers_nor_managers);
async fn a_manager_manages_people_but_not_dealers_nor_managers(t: TestApp) {
    let (_, _) = t.user("boss", "manager", None, None).await;
    let (agent_id, _) = t.user("agent1", "agent", None, None).await;
    let manager = Browser::login(&t, "boss", "password-123").await;

    for path in [
        "/admin/dealers",
        "/admin/calendars",
        "/admin/sla",
        "/admin/sla/1",
        "/admin/calendars/1",
    ] {
        let (status, page) = manager.get(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.contains("data-testid=\"error-status\">403<"), "{page}");
    }
    let (status, page) = manager.get("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<option value=\"manager\""), "not offered");
    assert!(
        !page.contains("data-testid=\"tab-dealers\""),
        "no tab to dealers"
    );
    assert!(page.contains("data-testid=\"tab-departments\""));
    let (status, _) = manager.get("/admin/departments").await;
    assert_eq!(status, StatusCode::OK);

    let before = users(&t).await.len();
    let (status, _, page) = submit(
        &manager,
        "/admin/users",
        &[
            ("username", "boss2"),
            ("display_name", "二号经理"),
            ("role", "manager"),
            ("password", "secret-pass-1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert_eq!(users(&t).await.len(), before, "no manager was made");
    let (status, _, _) = submit(
        &manager,
        "/admin/dealers",
        &[("code", "XX01"), ("name", "不该有的店")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Nor may a manager take over an admin through the row's actions.
    let admin_id = user_id(&t, "admin").await;
    let (status, _) = manager
        .htmx(
            &format!("/admin/users/{admin_id}/password"),
            &[("password", "taken-over-1")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(can_log_in(&t, "admin", ADMIN_PASSWORD).await);

    // What a manager may do, they do: an agent disabled.
    let (status, _) = manager
        .htmx(
            &format!("/admin/users/{agent_id}/active"),
            &[("active", "false")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(audited(&t, "user", agent_id).await[0], "user.disable");

    // An agent has no admin page at all.
    t.user("agent2", "agent", None, None).await;
    let agent = Browser::login(&t, "agent2", "password-123").await;
    let (_, home) = agent.get("/").await;
    assert!(!home.contains("data-testid=\"nav-admin\""));
    let (status, _) = agent.get("/admin/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

both!(dealers_and_departments_are_made_and_changed_through_their_forms);
async fn dealers_and_departments_are_made_and_changed_through_their_forms(t: TestApp) {
    let admin = Browser::login(&t, "admin", ADMIN_PASSWORD).await;

    // A dealer: made, then renamed and closed.
    let (status, to, page) = submit(
        &admin,
        "/admin/dealers",
        &[("code", "SH 01"), ("name", "上海店"), ("active", "on")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{to}");
    assert!(page.contains("data-testid=\"error-code\""), "{page}");
    let (status, to, _) = submit(
        &admin,
        "/admin/dealers",
        &[
            ("code", "SH01"),
            ("name", "上海店"),
            ("region", "华东"),
            ("calendar_id", ""),
            ("active", "on"),
        ],
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/admin/dealers")
    );
    let (_, list) = t.get(&t.admin, "/api/v1/dealers").await;
    let dealer = list["items"][0]["id"].as_i64().unwrap();
    let (status, page) = admin.get(&format!("/admin/dealers/{dealer}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"华东\""), "{page}");
    let path = format!("/admin/dealers/{dealer}");
    let (status, _, page) = submit(&admin, &path, &[("name", ""), ("region", "华东")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("data-testid=\"error-name\""), "{page}");
    let (status, _, _) = submit(
        &admin,
        &path,
        &[
            ("name", "<b>上海浦东店</b>"),
            ("region", "华东二区"),
            ("calendar_id", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = admin.get("/admin/dealers").await;
    assert!(
        page.contains("&lt;b&gt;上海浦东店") || page.contains("&#60;b&#62;上海浦东店"),
        "stored as text, shown escaped"
    );
    assert!(!page.contains("<b>上海浦东店"));
    let (_, d) = t.get(&t.admin, &format!("/api/v1/dealers/{dealer}")).await;
    assert_eq!(
        (&d["code"], &d["name"], &d["region"], &d["active"]),
        (
            &json!("SH01"),
            &json!("<b>上海浦东店</b>"),
            &json!("华东二区"),
            &json!(false)
        )
    );
    assert_eq!(
        audited(&t, "dealer", dealer).await,
        ["dealer.update", "dealer.create"]
    );

    // A department, then its head, VP and liaisons chosen from the users.
    let (status, _, _) = submit(
        &admin,
        "/admin/departments",
        &[("code", "quality"), ("name", "质量部"), ("active", "on")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, list) = t.get(&t.admin, "/api/v1/departments").await;
    let dept = list["items"][0]["id"].as_i64().unwrap();
    let (head, _) = t.user("bu.zhang", "dept_head", None, Some(dept)).await;
    let (vp, _) = t.user("fu.zong", "vp", None, None).await;
    let (l1, _) = t.user("lian.yi", "liaison", None, Some(dept)).await;
    let (l2, _) = t.user("lian.er", "liaison", None, Some(dept)).await;
    let path = format!("/admin/departments/{dept}");
    let (status, page) = admin.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("<option value=\"{l2}\"")), "{page}");
    let (h, v, a, b) = (
        head.to_string(),
        vp.to_string(),
        l1.to_string(),
        l2.to_string(),
    );
    let (status, _, page) = submit(
        &admin,
        &path,
        &[("name", "质量部"), ("head_id", "999999"), ("active", "on")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("data-testid=\"error-head_id\""), "{page}");
    let (status, _, page) = submit(
        &admin,
        &path,
        &[
            ("name", "质量管理部"),
            ("head_id", &h),
            ("vp_id", &v),
            ("liaison_ids", &a),
            ("liaison_ids", &b),
            ("calendar_id", ""),
            ("active", "on"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, d) = t
        .get(&t.admin, &format!("/api/v1/departments/{dept}"))
        .await;
    assert_eq!(d["name"], "质量管理部");
    assert_eq!(d["head_id"], head);
    assert_eq!(d["vp_id"], vp);
    assert_eq!(d["liaison_ids"], json!([l1, l2]));
    let (_, page) = admin.get("/admin/departments").await;
    assert!(
        page.contains("data-testid=\"liaisons\">lian.yi、lian.er<"),
        "{page}"
    );
    assert_eq!(
        audited(&t, "department", dept).await,
        ["department.update", "department.create"]
    );
}

both!(a_holiday_is_off_and_a_make_up_saturday_is_on_in_the_month_view);
async fn a_holiday_is_off_and_a_make_up_saturday_is_on_in_the_month_view(t: TestApp) {
    let admin = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    let week = "09:00-12:00, 13:00-18:00";
    let mut pairs = vec![
        ("name", "门店日历"),
        ("timezone", "Asia/Shanghai"),
        ("public_holidays", ""),
        ("weekly.mon", week),
        ("weekly.tue", week),
        ("weekly.wed", week),
        ("weekly.thu", week),
        ("weekly.fri", week),
        ("weekly.sat", ""),
        ("weekly.sun", ""),
        ("holidays", "2026-10-14"),
        ("workdays", "2026-10-10"),
    ];
    let (status, to, page) = submit(&admin, "/admin/calendars", &pairs).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let id: i64 = to.trim_start_matches("/admin/calendars/").parse().unwrap();

    let (status, page) = admin.get(&format!("{to}?month=2026-10")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("data-testid=\"month\" data-month=\"2026-10\""));
    assert_eq!(page.matches("data-testid=\"day\"").count(), 31);
    assert_eq!(off(&page, "2026-10-14"), "true", "the holiday is off");
    assert_eq!(
        off(&page, "2026-10-10"),
        "false",
        "the make-up Saturday is worked"
    );
    assert_eq!(off(&page, "2026-10-11"), "true", "a Sunday is off");
    assert_eq!(off(&page, "2026-10-13"), "false", "a Tuesday is worked");
    assert!(
        page.contains("?month=2026-09\""),
        "a link to the month before"
    );
    assert!(
        page.contains("?month=2026-11\""),
        "a link to the month after"
    );
    assert!(page.contains("value=\"2026-10-14\"") || page.contains(">2026-10-14<"));

    // htmx moves to another month without the page.
    let res = admin
        .client
        .get(format!("{}{to}?month=2026-11", admin.base))
        .header(COOKIE, &admin.cookie)
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    let part = res.text().await.unwrap();
    assert!(part.starts_with("<section id=\"month\""), "{part}");
    assert_eq!(part.matches("data-testid=\"day\"").count(), 30);
    let (status, _) = admin.get(&format!("{to}?month=2026-13")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Bad hours, or a date both off and worked, are refused by the field.
    let path = format!("/admin/calendars/{id}");
    pairs[4] = ("weekly.tue", "9点到6点");
    let (status, _, page) = submit(&admin, &path, &pairs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("data-testid=\"error-weekly.tue\""), "{page}");
    pairs[4] = ("weekly.tue", week);
    pairs[11] = ("workdays", "2026-10-10\n2026-10-14");
    let (status, _, page) = submit(&admin, &path, &pairs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("data-testid=\"error-workdays\""), "{page}");
    let (_, cal) = t.get(&t.admin, &format!("/api/v1/calendars/{id}")).await;
    assert_eq!(
        cal["workdays"],
        json!(["2026-10-10"]),
        "nothing was written"
    );

    // A Saturday morning shift, saved.
    pairs[8] = ("weekly.sat", "09:00-12:00");
    pairs[11] = ("workdays", "2026-10-10");
    let (status, to, _) = submit(&admin, &path, &pairs).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, path.as_str())
    );
    let (_, cal) = t.get(&t.admin, &format!("/api/v1/calendars/{id}")).await;
    assert_eq!(cal["weekly"]["sat"], json!([["09:00", "12:00"]]));
    let (_, page) = admin.get(&format!("{path}?month=2026-10")).await;
    assert_eq!(
        off(&page, "2026-10-17"),
        "false",
        "Saturdays are worked now"
    );
    assert_eq!(
        audited(&t, "calendar", id).await,
        ["calendar.update", "calendar.create"]
    );
}

both!(an_sla_policy_edit_is_validated_and_saved);
async fn an_sla_policy_edit_is_validated_and_saved(t: TestApp) {
    let admin = Browser::login(&t, "admin", ADMIN_PASSWORD).await;
    let (_, list) = t.get(&t.admin, "/api/v1/sla-policies").await;
    let policy = list["items"][0].clone();
    let id = policy["id"].as_i64().unwrap();
    let (status, page) = admin.get("/admin/sla").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("data-testid=\"policy-row\"").count(), 2);
    let path = format!("/admin/sla/{id}");
    let (status, page) = admin.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"escalations\""), "{page}");
    assert!(page.contains("value=\"L3\" checked"), "{page}");

    let mut pairs = vec![
        ("name", "部门时效（投诉）"),
        ("calendar_id", ""),
        ("rank", "10"),
        ("match.levels", "L3"),
        ("match.categories", "complaint"),
        ("match.categories", "repair"),
        ("response_minutes", "60"),
        ("resolution_minutes", "1440"),
        ("warning_percent", "150"),
        ("callback_attempts", "2"),
        ("callback_spacing_minutes", "240"),
        ("active", "on"),
        // The ladder: the first step changed to working time, the second
        // removed, a third added in a blank row.
        ("esc_minutes", "2880"),
        ("esc_counts", "working_time"),
        ("esc_to", "department_head"),
        ("esc_minutes", "4320"),
        ("esc_counts", "round_the_clock"),
        ("esc_to", "vp"),
        ("esc_remove", "1"),
        ("esc_minutes", "5760"),
        ("esc_counts", "round_the_clock"),
        ("esc_to", "manager"),
        ("esc_minutes", ""),
        ("esc_counts", "working_time"),
        ("esc_to", "department_head"),
    ];
    let (status, _, page) = submit(&admin, &path, &pairs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("data-testid=\"error-warning_percent\""),
        "{page}"
    );
    assert!(
        page.contains("value=\"complaint\" checked"),
        "the ticks are kept"
    );
    pairs[8] = ("warning_percent", "75");
    pairs[6] = ("response_minutes", "一小时");
    let (status, _, page) = submit(&admin, &path, &pairs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("data-testid=\"error-response_minutes\""),
        "{page}"
    );
    let (_, same) = t.get(&t.admin, &format!("/api/v1/sla-policies/{id}")).await;
    assert_eq!(same, policy, "nothing was written");

    pairs[6] = ("response_minutes", "60");
    let (status, to, page) = submit(&admin, &path, &pairs).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/admin/sla"),
        "{page}"
    );
    let (_, p) = t.get(&t.admin, &format!("/api/v1/sla-policies/{id}")).await;
    assert_eq!(p["name"], "部门时效（投诉）");
    assert_eq!(p["rank"], 10);
    assert_eq!(p["match"]["levels"], json!(["L3"]));
    assert_eq!(p["match"]["categories"], json!(["complaint", "repair"]));
    assert_eq!(p["match"]["channels"], json!([]));
    assert_eq!(
        (
            &p["response_minutes"],
            &p["resolution_minutes"],
            &p["warning_percent"]
        ),
        (&json!(60), &json!(1440), &json!(75))
    );
    assert_eq!(
        (&p["callback_attempts"], &p["callback_spacing_minutes"]),
        (&json!(2), &json!(240))
    );
    assert_eq!(
        p["escalations"],
        json!([{"after_minutes": 2880, "to": "department_head", "counts": "working_time"},
               {"after_minutes": 5760, "to": "manager", "counts": "round_the_clock"}]),
        "the ladder as edited"
    );
    // The page shows the ladder as saved, a step out of order is refused
    // next to the ladder.
    let (_, page) = admin.get(&path).await;
    assert!(page.contains("value=\"5760\""), "{page}");
    let mut bad = pairs.clone();
    bad[12] = ("esc_minutes", "6000");
    let (status, _, page) = submit(&admin, &path, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("data-testid=\"error-escalations\""), "{page}");
    assert_eq!(audited(&t, "sla_policy", id).await, ["sla_policy.update"]);

    // A new policy from the list page.
    let (status, _, page) = submit(
        &admin,
        "/admin/sla",
        &[
            ("name", "A 级客户"),
            ("rank", "5"),
            ("match.tiers", "A"),
            ("response_minutes", "30"),
            ("warning_percent", "80"),
            ("callback_attempts", "3"),
            ("callback_spacing_minutes", "480"),
            ("active", "on"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, list) = t.get(&t.admin, "/api/v1/sla-policies").await;
    let made = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "A 级客户")
        .unwrap()
        .clone();
    assert_eq!(made["match"]["tiers"], json!(["A"]));
    assert_eq!(
        audited(&t, "sla_policy", made["id"].as_i64().unwrap()).await,
        ["sla_policy.create"]
    );
}
