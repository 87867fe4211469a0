//! Health, metrics, request ids, the OpenAPI description, unknown routes.

use std::collections::BTreeSet;

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

/// The paths the router serves, as the router itself lists them: axum
/// shows no route table, but its `Debug` names every path it matches. A
/// change there finds no paths and fails the test, never passes it.
fn served_paths(t: &TestApp) -> BTreeSet<String> {
    let router = format!("{:?}", kefu_web::router(t.app.clone()));
    router
        .split('"')
        .filter(|s| s.starts_with('/') && !s.contains("__private__"))
        .map(str::to_owned)
        .collect()
}

/// A path as a request writes it: every `{param}` an id.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { "1" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

both!(openapi_describes_exactly_what_the_router_serves);
async fn openapi_describes_exactly_what_the_router_serves(t: TestApp) {
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

    // Every path the router serves under /api/v1 is documented, and every
    // documented path is served. The description does not describe itself.
    let served = served_paths(&t);
    assert!(served.contains("/healthz"), "no route table in {served:?}");
    let api = |p: &&String| p.starts_with("/api/v1/") && *p != "/api/v1/openapi.json";
    let served_api: BTreeSet<&String> = served.iter().filter(api).collect();
    let documented: BTreeSet<&String> = paths.keys().filter(api).collect();
    assert!(documented.len() > 40, "{documented:?}");
    assert_eq!(
        served_api.difference(&documented).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "served but not documented"
    );
    assert_eq!(
        documented.difference(&served_api).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "documented but not served"
    );
    for path in paths.keys() {
        assert!(served.contains(path), "{path} is documented, not served");
    }

    for (path, item) in paths {
        let url = t.url(&concrete(path));
        let ops: BTreeSet<String> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|m| m.to_uppercase())
            .collect();
        // The methods served on the path, as the router says them in a 405,
        // are the documented ones.
        let res = t
            .client
            .request(reqwest::Method::TRACE, &url)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "TRACE {path}");
        let allowed: BTreeSet<String> = res.headers()["allow"]
            .to_str()
            .unwrap()
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| m != "HEAD")
            .collect();
        assert_eq!(allowed, ops, "{path}: served methods against documented");
        // A parameter said to be in the path is in the path; the others are
        // the query's.
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default();
                let in_path = path.contains(&format!("{{{name}}}"));
                let said = p["in"].as_str().unwrap_or_default();
                assert_eq!(
                    said,
                    if in_path { "path" } else { "query" },
                    "{method} {path}: parameter {name}"
                );
            }
        }
        // Each documented operation reaches its handler: one that takes a
        // token asks for it, a public one is answered.
        for (method, op) in item.as_object().unwrap() {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = t.client.request(m, &url).send().await.unwrap();
            let secured = op
                .get("security")
                .is_some_and(|s| s != &serde_json::json!([]));
            if secured {
                assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
            } else {
                assert!(
                    ![StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED]
                        .contains(&res.status()),
                    "{method} {path}: {}",
                    res.status()
                );
            }
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

both!(openapi_documents_the_answers_kefu_gives);
async fn openapi_documents_the_answers_kefu_gives(t: TestApp) {
    let doc: serde_json::Value = t
        .client
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schemas = &doc["components"]["schemas"];
    let words = |name: &str| -> Vec<String> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has no enum: {}", schemas[name]))
            .iter()
            .map(|w| w.as_str().unwrap().to_owned())
            .collect()
    };
    // The words the API sends, not the Rust names.
    for (name, word) in [
        ("Category", "complaint"),
        ("Channel", "walk_in"),
        ("ClockKind", "response"),
        ("CustomerKind", "person"),
        ("EscalationTarget", "department_head"),
        ("Gender", "female"),
        ("Priority", "urgent"),
        ("Status", "in_progress"),
        ("Tier", "A"),
        ("Level", "L3"),
    ] {
        assert!(
            words(name).contains(&word.to_owned()),
            "{name}: {:?}",
            words(name)
        );
    }
    // A real order's words are among them.
    let customer = t
        .create(
            &t.admin,
            "/api/v1/customers",
            serde_json::json!({"name": "张伟", "phone": "13812345678"}),
        )
        .await;
    let (_, order) = t
        .post(
            &t.admin,
            "/api/v1/tickets",
            serde_json::json!({"customer_id": customer, "channel": "walk_in",
                "category": "complaint", "subject": "异响"}),
        )
        .await;
    for (field, name) in [
        ("channel", "Channel"),
        ("status", "Status"),
        ("priority", "Priority"),
    ] {
        let sent = order[field].as_str().unwrap().to_owned();
        assert!(words(name).contains(&sent), "{field}: {sent}");
    }
    // A calendar answer fits its schema: one object that names every field.
    let calendar = &schemas["CalendarRecord"];
    assert!(calendar.get("allOf").is_none(), "{calendar}");
    let (_, list) = t.get(&t.admin, "/api/v1/calendars").await;
    let props = calendar["properties"].as_object().unwrap();
    for key in list["items"][0].as_object().unwrap().keys() {
        assert!(props.contains_key(key), "CalendarRecord lacks {key}");
    }
    // The answers every operation may give are documented on each.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let r = &op["responses"];
            assert!(r.get("400").is_some(), "{method} {path}: 400");
            if op
                .get("security")
                .is_some_and(|s| s != &serde_json::json!([]))
            {
                assert!(r.get("401").is_some(), "{method} {path}: 401");
            }
            if op.get("requestBody").is_some() {
                assert!(r.get("415").is_some(), "{method} {path}: 415");
            }
        }
    }
}
