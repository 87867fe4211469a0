//! Health, metrics, request ids, the OpenAPI description, unknown routes.

use reqwest::StatusCode;

use crate::both;
use crate::helpers::TestApp;

both!(health_is_public_and_ok);
async fn health_is_public_and_ok(t: TestApp) {
    let res = t.client.get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-request-id"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

both!(request_ids_are_echoed_or_made);
async fn request_ids_are_echoed_or_made(t: TestApp) {
    let res = t
        .client
        .get(t.url("/healthz"))
        .header("x-request-id", "call-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "call-42");
    let a = t.client.get(t.url("/healthz")).send().await.unwrap();
    let b = t.client.get(t.url("/healthz")).send().await.unwrap();
    assert_ne!(a.headers()["x-request-id"], b.headers()["x-request-id"]);
    // A hostile id is replaced, not reflected.
    let res = t
        .client
        .get(t.url("/healthz"))
        .header("x-request-id", "<script>")
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "<script>");
}

both!(metrics_count_requests_by_route);
async fn metrics_count_requests_by_route(t: TestApp) {
    for _ in 0..3 {
        let (s, _) = t.get(&t.admin, "/api/v1/customers?limit=1").await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, _) = t.get(&t.admin, "/api/v1/customers/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let text = t
        .client
        .get(t.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"kefu_http_requests_total{method="GET",route="/api/v1/customers",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/api/v1/customers/{id}",status="404"} 1"#),
        "{text}"
    );
    assert!(text.contains("kefu_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/customers\",le=\"+Inf\"} 3"));
}

both!(openapi_describes_every_endpoint);
async fn openapi_describes_every_endpoint(t: TestApp) {
    let res = t
        .client
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/healthz", &["get"][..]),
        ("/metrics", &["get"]),
        ("/api/v1/auth/token", &["post", "delete"]),
        ("/api/v1/dealers", &["get", "post"]),
        ("/api/v1/dealers/{id}", &["get", "patch"]),
        ("/api/v1/departments", &["get", "post"]),
        ("/api/v1/departments/{id}", &["get", "patch"]),
        ("/api/v1/users", &["get", "post"]),
        ("/api/v1/users/{id}", &["get", "patch"]),
        ("/api/v1/customers", &["get", "post"]),
        ("/api/v1/customers/{id}", &["get", "patch", "delete"]),
        ("/api/v1/vehicles", &["get", "post"]),
        ("/api/v1/vehicles/{id}", &["get", "patch"]),
        ("/api/v1/imports", &["post"]),
        ("/api/v1/audit", &["get"]),
    ] {
        for m in methods {
            assert!(
                paths.get(path).and_then(|p| p.get(*m)).is_some(),
                "{m} {path} missing"
            );
        }
    }
    let ui = t.client.get(t.url("/api/docs/")).send().await.unwrap();
    assert_eq!(ui.status(), StatusCode::OK);
    assert!(ui.text().await.unwrap().contains("swagger"));
}

both!(unknown_routes_answer_in_the_envelope);
async fn unknown_routes_answer_in_the_envelope(t: TestApp) {
    let (s, body) = t.get(&t.admin, "/api/v1/nothing-here").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}
