//! The search box: one match jumps straight to it, several are listed.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::json;

use super::Browser;
use crate::both;
use crate::helpers::{TestApp, vin};

both!(the_search_box_finds_people_cars_and_orders);
async fn the_search_box_finds_people_cars_and_orders(t: TestApp) {
    let (_, agent_token) = t.user("agent", "agent", None, None).await;
    let zhu = t
        .create(
            &agent_token,
            "/api/v1/customers",
            json!({"name": "朱娜", "phone": "13800001234"}),
        )
        .await;
    t.create(
        &agent_token,
        "/api/v1/customers",
        json!({"name": "朱刚", "phone": "13800005678"}),
    )
    .await;
    let car_vin = vin(42);
    t.create(
        &agent_token,
        "/api/v1/vehicles",
        json!({"customer_id": zhu, "vin": car_vin, "plate": "沪AH2345"}),
    )
    .await;
    let order = t
        .create(
            &agent_token,
            "/api/v1/tickets",
            json!({"customer_id": zhu, "channel": "phone", "category": "inquiry", "subject": "保养"}),
        )
        .await;
    let (_, o) = t
        .get(&agent_token, &format!("/api/v1/tickets/{order}"))
        .await;
    let number = o["number"].as_str().unwrap().to_owned();
    let b = Browser::login(&t, "agent", "password-123").await;
    let jump = |q: String| {
        let url = format!(
            "{}/search?q={}",
            b.base,
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        b.client.get(url).header(COOKIE, &b.cookie).send()
    };
    let to_customer = format!("/customers/{zhu}");
    for q in [
        "沪AH2345".to_owned(),
        "沪ah 2345".to_owned(),
        "+86 138-0000-1234".to_owned(),
        car_vin.clone(),
        car_vin[11..].to_owned(),
    ] {
        let res = jump(q.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{q}");
        assert_eq!(res.headers()[LOCATION], to_customer.as_str(), "{q}");
    }
    let res = jump(number.to_lowercase()).await.unwrap();
    assert_eq!(
        res.headers()[LOCATION],
        format!("/tickets/{order}").as_str()
    );

    // A name both customers start with: a list to choose from.
    let res = jump("朱".to_owned()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert_eq!(
        page.matches("data-testid=\"search-hit\"").count(),
        2,
        "{page}"
    );
    let res = jump("查无此人".to_owned()).await.unwrap();
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("data-testid=\"search-empty\"")
    );
}
