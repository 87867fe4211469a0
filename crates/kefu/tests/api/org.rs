//! Dealers, departments, users: who may change them, validation, paging,
//! and the audit trail they leave.

use reqwest::StatusCode;
use serde_json::json;

use crate::both;
use crate::helpers::TestApp;

both!(dealers_are_created_read_changed_and_unique);
async fn dealers_are_created_read_changed_and_unique(t: TestApp) {
    let (s, d) = t
        .post(
            &t.admin,
            "/api/v1/dealers",
            json!({"code": "SH001", "name": "上海浦东店", "timezone": "Asia/Shanghai"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["timezone"], "Asia/Shanghai");
    assert_eq!(d["active"], true);
    let id = d["id"].as_i64().unwrap();
    let (s, d2) = t.get(&t.admin, &format!("/api/v1/dealers/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d2["name"], "上海浦东店");
    let (s, body) = t
        .post(
            &t.admin,
            "/api/v1/dealers",
            json!({"code": "SH001", "name": "again"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["field"], "code");
    let (s, body) = t
        .post(
            &t.admin,
            "/api/v1/dealers",
            json!({"code": "X1", "name": "x", "timezone": "Mars/Base"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "timezone");
    let (s, body) = t
        .post(
            &t.admin,
            "/api/v1/dealers",
            json!({"code": "a b", "name": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "code");
    let (s, d3) = t
        .patch(
            &t.admin,
            &format!("/api/v1/dealers/{id}"),
            json!({"region": "华东", "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d3}");
    assert_eq!(d3["region"], "华东");
    assert_eq!(d3["active"], false);
    assert_eq!(d3["name"], "上海浦东店", "untouched fields stay");
    let (s, _) = t
        .patch(&t.admin, "/api/v1/dealers/999999", json!({"name": "x"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

both!(only_admins_change_dealers_and_managers_manage_people);
async fn only_admins_change_dealers_and_managers_manage_people(t: TestApp) {
    let (_, manager) = t.user("wang.mgr", "manager", None, None).await;
    let (_, agent) = t.user("li.agent", "agent", None, None).await;
    for token in [&manager, &agent] {
        let (s, body) = t
            .post(
                token,
                "/api/v1/dealers",
                json!({"code": "BJ001", "name": "北京"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
    }
    let (s, _) = t
        .post(
            &agent,
            "/api/v1/departments",
            json!({"code": "quality", "name": "质量部"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .post(
            &manager,
            "/api/v1/departments",
            json!({"code": "quality", "name": "质量部"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let new_user = |role: &str, name: &str| json!({"username": name, "password": "password-123", "display_name": name, "role": role});
    let (s, _) = t
        .post(&manager, "/api/v1/users", new_user("agent", "new.agent"))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = t
        .post(&manager, "/api/v1/users", new_user("admin", "new.admin"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a manager may not make admins");
    let (s, _) = t
        .post(&manager, "/api/v1/users", new_user("manager", "new.mgr"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .post(&agent, "/api/v1/users", new_user("agent", "other.agent"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Everyone reads the organisation.
    let (s, _) = t.get(&agent, "/api/v1/dealers").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.get(&agent, "/api/v1/departments").await;
    assert_eq!(s, StatusCode::OK);
}

both!(users_are_validated_and_never_show_a_hash);
async fn users_are_validated_and_never_show_a_hash(t: TestApp) {
    let dealer = t.dealer("SH001").await;
    let dept = t.department("quality").await;
    let base = json!({"username": "chen", "password": "password-123", "display_name": "陈", "role": "dealer_staff"});
    let cases = [
        (json!({"role": "dealer_staff"}), "dealer_id"),
        (json!({"role": "liaison"}), "department_id"),
        (json!({"role": "king", "dealer_id": dealer}), "role"),
        (json!({"username": "x", "dealer_id": dealer}), "username"),
        (
            json!({"username": "has space", "dealer_id": dealer}),
            "username",
        ),
        (
            json!({"password": "short", "dealer_id": dealer}),
            "password",
        ),
        (json!({"dealer_id": 999999}), "dealer_id"),
        (
            json!({"role": "liaison", "department_id": 999999}),
            "department_id",
        ),
    ];
    for (patch, field) in cases {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, res) = t.post(&t.admin, "/api/v1/users", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {res}");
        assert_eq!(res["error"]["field"], field, "{body} -> {res}");
    }
    let mut ok = base.clone();
    ok["dealer_id"] = json!(dealer);
    let (s, user) = t.post(&t.admin, "/api/v1/users", ok.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{user}");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    let (s, res) = t.post(&t.admin, "/api/v1/users", ok).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(res["error"]["field"], "username");
    let (_, list) = t.get(&t.admin, "/api/v1/users").await;
    assert!(!list.to_string().contains("argon2"));
    let (s, res) = t
        .post(
            &t.admin,
            "/api/v1/users",
            json!({"username": "liaison1", "password": "password-123",
        "display_name": "联络员", "role": "liaison", "department_id": dept}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{res}");
}

both!(password_changes_take_effect);
async fn password_changes_take_effect(t: TestApp) {
    let (id, _) = t.user("zhou", "agent", None, None).await;
    let (s, _) = t
        .patch(
            &t.admin,
            &format!("/api/v1/users/{id}"),
            json!({"password": "brand-new-pass"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    t.login("zhou", "brand-new-pass").await;
    let (s, _) = t
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "zhou", "password": "password-123"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

both!(departments_name_their_people);
async fn departments_name_their_people(t: TestApp) {
    let dept = t.department("quality").await;
    let (head, _) = t.user("wu.head", "dept_head", None, Some(dept)).await;
    let (vp, _) = t.user("zheng.vp", "vp", None, None).await;
    let (l1, _) = t.user("sun.liaison", "liaison", None, Some(dept)).await;
    let (l2, _) = t.user("qian.liaison", "liaison", None, Some(dept)).await;
    let (s, d) = t
        .patch(
            &t.admin,
            &format!("/api/v1/departments/{dept}"),
            json!({"head_id": head, "vp_id": vp, "liaison_ids": [l2, l1, l1]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let mut want = vec![l1, l2];
    want.sort();
    assert_eq!(d["liaison_ids"], json!(want));
    let (_, d) = t
        .get(&t.admin, &format!("/api/v1/departments/{dept}"))
        .await;
    assert_eq!(d["head_id"], head);
    assert_eq!(d["vp_id"], vp);
    assert_eq!(d["liaison_ids"], json!(want));
    let (_, list) = t.get(&t.admin, "/api/v1/departments").await;
    assert_eq!(list["items"][0]["liaison_ids"], json!(want));
    let (s, body) = t
        .patch(
            &t.admin,
            &format!("/api/v1/departments/{dept}"),
            json!({"liaison_ids": [999999]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "liaison_ids[0]");
}

both!(lists_page_with_a_cursor);
async fn lists_page_with_a_cursor(t: TestApp) {
    for i in 0..5 {
        t.dealer(&format!("D{i}")).await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/dealers?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let (s, page) = t.get(&t.admin, &path).await;
        assert_eq!(s, StatusCode::OK);
        pages += 1;
        for d in page["items"].as_array().unwrap() {
            seen.push(d["code"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/dealers?limit=2&cursor={c}"),
            None => {
                assert!(page["next_cursor"].is_null());
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["D0", "D1", "D2", "D3", "D4"]);
    let (_, page) = t.get(&t.admin, "/api/v1/dealers?limit=1000").await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        5,
        "limit is capped, not refused"
    );
    let (s, body) = t.get(&t.admin, "/api/v1/dealers?limit=0").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["field"], "limit");
}

both!(the_audit_trail_records_who_did_what);
async fn the_audit_trail_records_who_did_what(t: TestApp) {
    let (mgr_id, manager) = t.user("wang.mgr", "manager", None, None).await;
    let (_, agent) = t.user("li.agent", "agent", None, None).await;
    let dealer = t.dealer("SH001").await;
    t.patch(
        &t.admin,
        &format!("/api/v1/dealers/{dealer}"),
        json!({"name": "上海浦东旗舰店"}),
    )
    .await;
    let (s, page) = t
        .get(
            &manager,
            &format!("/api/v1/audit?entity=dealer&entity_id={dealer}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["action"], "dealer.update", "newest first");
    assert_eq!(items[0]["before"]["name"], "SH001 店");
    assert_eq!(items[0]["after"]["name"], "上海浦东旗舰店");
    assert_eq!(items[1]["action"], "dealer.create");
    assert!(items[1]["before"].is_null());
    t.post(&manager, "/api/v1/users", json!({"username": "by.mgr", "password": "password-123", "display_name": "x", "role": "agent"})).await;
    let (_, page) = t
        .get(&t.admin, &format!("/api/v1/audit?actor_id={mgr_id}"))
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["action"], "user.create");
    assert!(!page.to_string().contains("argon2"));
    let (s, _) = t.get(&agent, "/api/v1/audit").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
