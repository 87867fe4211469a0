//! Bad input gets a clear error with the field named, never a 500.

use reqwest::StatusCode;
use serde_json::json;

use crate::both;
use crate::helpers::TestApp;

async fn raw(
    t: &TestApp,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, serde_json::Value) {
    let res = t
        .client
        .post(t.url(path))
        .bearer_auth(&t.admin)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

both!(malformed_bodies_are_400_413_415);
async fn malformed_bodies_are_400_413_415(t: TestApp) {
    let (s, body) = raw(
        &t,
        "/api/v1/customers",
        "application/json",
        b"{\"name\": ".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    let (s, _) = raw(
        &t,
        "/api/v1/customers",
        "application/json",
        vec![b'{', b'"', 0xff, 0xfe, b'"', b'}'],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "invalid UTF-8");
    let (s, body) = raw(&t, "/api/v1/customers", "text/plain", b"{}".to_vec()).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    let huge = format!(
        "{{\"name\": \"{}\", \"phone\": \"13812345678\"}}",
        "x".repeat(1024 * 1024 + 10)
    );
    let (s, body) = raw(
        &t,
        "/api/v1/customers",
        "application/json",
        huge.into_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["code"], "too_large");
    let (s, _) = raw(
        &t,
        "/api/v1/customers",
        "application/json",
        b"[1, 2]".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, p) = t.get(&t.admin, "/api/v1/customers").await;
    assert!(
        p["items"].as_array().unwrap().is_empty(),
        "nothing half-written"
    );
}

both!(fields_that_do_not_fit_are_422_and_named);
async fn fields_that_do_not_fit_are_422_and_named(t: TestApp) {
    let cases = [
        (json!({"name": "张伟"}), "phone", "required"),
        (
            json!({"name": 42, "phone": "13812345678"}),
            "name",
            "invalid_type",
        ),
        (
            json!({"name": "张伟", "phone": 13812345678_i64}),
            "phone",
            "invalid_type",
        ),
        (
            json!({"name": "张伟", "phone": "13812345678", "vip": true}),
            "vip",
            "unknown_field",
        ),
        (
            json!({"name": "张伟", "phone": "23812345678"}),
            "phone",
            "invalid_phone",
        ),
        (
            json!({"name": "张".repeat(101), "phone": "13812345678"}),
            "name",
            "too_long",
        ),
        (
            json!({"name": "   ", "phone": "13812345678"}),
            "name",
            "required",
        ),
        (
            json!({"name": "张伟", "phone": "13812345678", "kind": "robot"}),
            "kind",
            "invalid_kind",
        ),
        (
            json!({"name": "张伟", "phone": "13812345678", "tags": ["x".repeat(33)]}),
            "tags[0]",
            "too_long",
        ),
        (
            json!({"name": "张伟", "phone": "13812345678", "dealer_id": "one"}),
            "dealer_id",
            "invalid_type",
        ),
        (
            json!({"name": "张伟", "phone": "13812345678", "dealer_id": 999999}),
            "dealer_id",
            "unknown_dealer",
        ),
        (
            json!({"name": "a\u{0007}b", "phone": "13812345678"}),
            "name",
            "invalid_text",
        ),
    ];
    for (body, field, code) in cases {
        let (s, res) = t.post(&t.admin, "/api/v1/customers", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {res}");
        assert_eq!(res["error"]["field"], field, "{body} -> {res}");
        assert_eq!(res["error"]["code"], code, "{body} -> {res}");
        assert!(!res["error"]["message"].as_str().unwrap().is_empty());
    }
}

both!(bad_query_and_path_values_are_not_500);
async fn bad_query_and_path_values_are_not_500(t: TestApp) {
    let (s, body) = t.get(&t.admin, "/api/v1/customers?limit=abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["field"], "limit");
    let (s, body) = t.get(&t.admin, "/api/v1/customers?cursor=%3Cx%3E").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["field"], "cursor");
    let (s, body) = t.get(&t.admin, "/api/v1/customers?nonsense=1").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["field"], "nonsense");
    let (s, _) = t.get(&t.admin, "/api/v1/customers/abc").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .get(&t.admin, "/api/v1/customers/99999999999999999999")
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .get(
            &t.admin,
            &format!("/api/v1/customers?q={}", "x".repeat(101)),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = t.patch(&t.admin, "/api/v1/dealers/1", json!([1])).await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::NOT_FOUND,
        "{s}"
    );
}

both!(what_no_real_record_has_is_refused);
async fn what_no_real_record_has_is_refused(t: TestApp) {
    let base = json!({"name": "张伟", "phone": "13812345678"});
    for (patch, field, code) in [
        (json!({"name": "\u{200B}\u{200C}"}), "name", "required"),
        (json!({"name": "\u{FEFF}"}), "name", "required"),
        (json!({"name": "张\u{202E}伟"}), "name", "invalid_text"),
        (
            json!({"address": "路\u{2066}1号"}),
            "address",
            "invalid_text",
        ),
        (json!({"birthday": "2100-01-01"}), "birthday", "in_future"),
    ] {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, res) = t.post(&t.admin, "/api/v1/customers", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {res}");
        assert_eq!(
            (
                res["error"]["field"].as_str(),
                res["error"]["code"].as_str()
            ),
            (Some(field), Some(code)),
            "{body}"
        );
    }
    let customer = t.create(&t.admin, "/api/v1/customers", base).await;
    for when in ["0000-01-01T00:00:00Z", "1999-12-31T23:59:59Z"] {
        let (s, res) = t
            .post(
                &t.admin,
                "/api/v1/tickets",
                json!({"customer_id": customer, "channel": "phone", "category": "inquiry",
                    "subject": "保养", "received_at": when}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{when} -> {res}");
        assert_eq!(res["error"]["field"], "received_at");
        assert_eq!(res["error"]["code"], "too_early");
    }
    let (_, list) = t.get(&t.admin, "/api/v1/customers").await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "nothing half-written"
    );
}
