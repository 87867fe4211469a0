//! Vehicles: VIN and plate rules, uniqueness, lookups as agents use them.

use reqwest::StatusCode;
use serde_json::json;

use crate::both;
use crate::helpers::{TestApp, vin};

both!(vehicles_are_validated_and_unique);
async fn vehicles_are_validated_and_unique(t: TestApp) {
    let c = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678"}),
        )
        .await;
    let (s, v) = t
        .post(&t.admin, "/api/v1/vehicles", json!({"customer_id": c, "vin": "lsvau218xn2183294", "plate": "沪A·12345",
            "brand": "大众", "model": "帕萨特", "mileage_km": 12000, "registered_on": "2022-03-01"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["vin"], "LSVAU218XN2183294");
    assert_eq!(v["plate"], "沪A12345");
    let cases = [
        (
            json!({"vin": "LSVAU2185N2183294"}),
            "vin",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"vin": "LSVAU218XN218329"}),
            "vin",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"vin": "LSVAU218XN2183294"}),
            "vin",
            StatusCode::CONFLICT,
        ),
        (
            json!({"vin": vin(1), "plate": "沪A12345"}),
            "plate",
            StatusCode::CONFLICT,
        ),
        (
            json!({"vin": vin(2), "plate": "XX12345"}),
            "plate",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"vin": vin(3), "mileage_km": -5}),
            "mileage_km",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"vin": vin(4), "registered_on": "2022-13-01"}),
            "registered_on",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"vin": vin(5), "customer_id": 999999}),
            "customer_id",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (patch, field, status) in cases {
        let mut body = json!({"customer_id": c});
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, res) = t.post(&t.admin, "/api/v1/vehicles", body.clone()).await;
        assert_eq!(
            (s, res["error"]["field"].as_str()),
            (status, Some(field)),
            "{body} -> {res}"
        );
    }
    // A new-energy plate, and a plate freed when its car leaves.
    let nev = t
        .create(
            &t.admin,
            "/api/v1/vehicles",
            json!({"customer_id": c, "vin": vin(6), "plate": "沪AD12345"}),
        )
        .await;
    let (s, _) = t
        .patch(
            &t.admin,
            &format!("/api/v1/vehicles/{}", v["id"]),
            json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = t
        .post(
            &t.admin,
            "/api/v1/vehicles",
            json!({"customer_id": c, "vin": vin(7), "plate": "沪A12345"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (_, got) = t.get(&t.admin, &format!("/api/v1/vehicles/{nev}")).await;
    assert_eq!(got["plate"], "沪AD12345");
}

both!(lookups_by_vin_last_six_and_plate);
async fn lookups_by_vin_last_six_and_plate(t: TestApp) {
    let dealer = t.dealer("SH001").await;
    let c = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678", "dealer_id": dealer}),
        )
        .await;
    let full = vin(123456);
    let id = t
        .create(
            &t.admin,
            "/api/v1/vehicles",
            json!({"customer_id": c, "vin": full, "plate": "粤B12345D"}),
        )
        .await;
    t.create(
        &t.admin,
        "/api/v1/vehicles",
        json!({"customer_id": c, "vin": vin(654321)}),
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
    let (_, p) = t
        .get(&t.admin, &format!("/api/v1/vehicles?vin={full}"))
        .await;
    assert_eq!(ids(&p), [id]);
    let last6 = &full[11..];
    let (_, p) = t
        .get(
            &t.admin,
            &format!("/api/v1/vehicles?vin={}", last6.to_lowercase()),
        )
        .await;
    assert_eq!(ids(&p), [id]);
    assert_eq!(
        p["items"][0]["dealer_id"], dealer,
        "the servicing dealer defaults to the owner's"
    );
    let (_, p) = t
        .get(&t.admin, "/api/v1/vehicles?plate=%E7%B2%A4B%2012345D")
        .await; // "粤B 12345D"
    assert_eq!(ids(&p), [id]);
    let (_, p) = t
        .get(&t.admin, &format!("/api/v1/vehicles?customer_id={c}"))
        .await;
    assert_eq!(ids(&p).len(), 2);
    let (s, body) = t.get(&t.admin, "/api/v1/vehicles?vin=ABC").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "vin");
}
