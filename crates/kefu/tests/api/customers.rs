//! The customer record: phones as Chinese numbers look, lookups, updates,
//! soft deletion.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::helpers::TestApp;

both!(phones_are_normalised_and_found_however_written);
async fn phones_are_normalised_and_found_however_written(t: TestApp) {
    let dealer = t.dealer("SH001").await;
    let (s, c) = t
        .post(&t.admin, "/api/v1/customers", json!({"name": "张伟", "phone": "+86 138-1234-5678", "dealer_id": dealer,
            "other_phones": ["010-6552 1234"], "tier": "B", "gender": "male", "birthday": "1985-06-01",
            "tags": ["老客户"], "needs": {"general": ["周末保养"], "personal": [], "hidden": ["考虑换车"]}}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["phone"], "13812345678");
    assert_eq!(c["other_phones"], json!(["01065521234"]));
    assert_eq!(c["kind"], "person");
    assert_eq!(c["needs"]["hidden"], json!(["考虑换车"]));
    let id = c["id"].as_i64().unwrap();
    for written in [
        "13812345678",
        "%2B86%20138-1234-5678",
        "138%201234%205678",
        "0086-13812345678",
    ] {
        let (s, page) = t
            .get(&t.admin, &format!("/api/v1/customers?phone={written}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{written}: {page}");
        let ids: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [id], "{written}");
    }
    let (_, page) = t
        .get(&t.admin, "/api/v1/customers?phone=010-65521234")
        .await;
    assert_eq!(page["items"][0]["id"], id, "found by another phone too");
    let (s, body) = t.get(&t.admin, "/api/v1/customers?phone=12345").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "phone");
}

both!(a_family_sharing_a_phone_is_found_together);
async fn a_family_sharing_a_phone_is_found_together(t: TestApp) {
    let a = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "王强", "phone": "13900001111"}),
        )
        .await;
    let b = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "王芳", "phone": "13900001111"}),
        )
        .await;
    t.create(
        &t.admin,
        "/api/v1/customers",
        json!({"name": "别人", "phone": "13900002222"}),
    )
    .await;
    let (_, page) = t
        .get(&t.admin, "/api/v1/customers?phone=139-0000-1111")
        .await;
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [a, b]);
}

both!(search_by_name_or_phone_prefix);
async fn search_by_name_or_phone_prefix(t: TestApp) {
    let zw = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678"}),
        )
        .await;
    let zm = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "张敏", "phone": "13698765432"}),
        )
        .await;
    let lw = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "李伟", "phone": "13812340000"}),
        )
        .await;
    let ids = |v: &serde_json::Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let (_, p) = t.get(&t.admin, "/api/v1/customers?q=%E5%BC%A0").await; // 张
    assert_eq!(ids(&p), [zw, zm]);
    let (_, p) = t
        .get(&t.admin, "/api/v1/customers?q=%E5%BC%A0%E4%BC%9F")
        .await; // 张伟
    assert_eq!(ids(&p), [zw]);
    let (_, p) = t.get(&t.admin, "/api/v1/customers?q=1381234").await;
    assert_eq!(ids(&p), [zw, lw]);
    let (_, p) = t.get(&t.admin, "/api/v1/customers?q=138-1234-5").await;
    assert_eq!(ids(&p), [zw]);
    let (_, p) = t.get(&t.admin, "/api/v1/customers?q=%E8%B5%B5").await; // 赵
    assert!(ids(&p).is_empty());
}

both!(updates_patch_fields_and_validate_like_creation);
async fn updates_patch_fields_and_validate_like_creation(t: TestApp) {
    let id = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678", "wechat": "zw88", "tier": "C"}),
        )
        .await;
    let path = format!("/api/v1/customers/{id}");
    let (s, c) = t
        .patch(
            &t.admin,
            &path,
            json!({"tier": "A", "wechat": null, "address": "上海市浦东新区世纪大道1号"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["tier"], "A");
    assert!(c["wechat"].is_null());
    assert_eq!(c["name"], "张伟");
    let (s, body) = t
        .patch(&t.admin, &path, json!({"phone": "not a phone"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "phone");
    let (s, body) = t.patch(&t.admin, &path, json!({"colour": "red"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "colour");
    let (_, c) = t.get(&t.admin, &path).await;
    assert_eq!(c["tier"], "A", "a refused update changed nothing");
    assert_eq!(c["phone"], "13812345678");
    // Changing the phone moves the lookup with it.
    t.patch(&t.admin, &path, json!({"phone": "13700000001"}))
        .await;
    let (_, p) = t.get(&t.admin, "/api/v1/customers?phone=13812345678").await;
    assert!(p["items"].as_array().unwrap().is_empty());
    let (_, p) = t.get(&t.admin, "/api/v1/customers?phone=13700000001").await;
    assert_eq!(p["items"][0]["id"], id);
}

both!(deleting_is_soft_with_a_reason);
async fn deleting_is_soft_with_a_reason(t: TestApp) {
    let (_, agent) = t.user("li.agent", "agent", None, None).await;
    let id = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678"}),
        )
        .await;
    let path = format!("/api/v1/customers/{id}");
    let (s, _) = t
        .call(
            Method::DELETE,
            &path,
            Some(&agent),
            Some(json!({"reason": "重复建档"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "agents do not delete");
    let (s, body) = t
        .call(
            Method::DELETE,
            &path,
            Some(&t.admin),
            Some(json!({"reason": " "})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "reason");
    let (s, _) = t
        .call(
            Method::DELETE,
            &path,
            Some(&t.admin),
            Some(json!({"reason": "重复建档"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = t.get(&t.admin, &path).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, p) = t.get(&t.admin, "/api/v1/customers?phone=13812345678").await;
    assert!(p["items"].as_array().unwrap().is_empty());
    let (s, _) = t
        .call(
            Method::DELETE,
            &path,
            Some(&t.admin),
            Some(json!({"reason": "again"})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, audit) = t
        .get(
            &t.admin,
            &format!("/api/v1/audit?entity=customer&entity_id={id}"),
        )
        .await;
    let last = &audit["items"][0];
    assert_eq!(last["action"], "customer.delete");
    assert_eq!(last["after"]["deleted_reason"], "重复建档");
    assert_eq!(
        last["before"]["name"], "张伟",
        "nothing the customer said is lost"
    );
}

both!(hostile_text_is_stored_verbatim);
async fn hostile_text_is_stored_verbatim(t: TestApp) {
    let name = "Robert'); DROP TABLE customers;--";
    let address = "<script>alert('x')</script> & \"quotes\"";
    let id = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": name, "phone": "13812345678", "address": address}),
        )
        .await;
    let (_, c) = t.get(&t.admin, &format!("/api/v1/customers/{id}")).await;
    assert_eq!(c["name"], name);
    assert_eq!(c["address"], address);
    let (s, p) = t
        .get(&t.admin, "/api/v1/customers?q=%27%20OR%201%3D1%20--")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(p["items"].as_array().unwrap().is_empty());
    let (_, p) = t.get(&t.admin, "/api/v1/customers").await;
    assert_eq!(
        p["items"].as_array().unwrap().len(),
        1,
        "the table is still there"
    );
}
