//! The customer form refuses what the API refuses, in the viewer's language.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use serde_json::json;

use super::Browser;
use crate::both;
use crate::helpers::TestApp;

both!(a_form_that_is_not_utf8_is_refused_not_mangled);
async fn a_form_that_is_not_utf8_is_refused_not_mangled(t: TestApp) {
    let id = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678"}),
        )
        .await;
    for (lang, words, required) in [
        ("zh-CN", "姓名: 不是有效的 UTF-8 文字", "姓名: 必填"),
        ("en", "Name: not UTF-8 text", "Name: required"),
    ] {
        let b = Browser::login_with(&t, "admin", crate::helpers::ADMIN_PASSWORD, lang).await;
        let res = b
            .client
            .post(format!("{}/customers/{id}", b.base))
            .header(COOKIE, &b.cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-csrf-token", &b.csrf)
            .header("hx-request", "true")
            .body(&b"name=%E5%BC%A0%FF&phone=13812345678"[..])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        let text = res.text().await.unwrap();
        assert!(text.contains(words), "{lang}: {text}");
        // The same name by its right bytes, but invisible, is refused too.
        let (s, page) = b
            .htmx(
                &format!("/customers/{id}"),
                &[("name", "\u{200B}"), ("phone", "13812345678")],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "the form again, with its error");
        assert!(page.contains(required), "{lang}: {page}");
    }
    let (_, c) = t.get(&t.admin, &format!("/api/v1/customers/{id}")).await;
    assert_eq!(c["name"], "张伟", "unchanged");
}
