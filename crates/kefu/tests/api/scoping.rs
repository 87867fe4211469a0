//! Dealer isolation: a dealer's staff and salespeople see their own dealer's
//! customers and vehicles only; another dealer's record answers 404.

use reqwest::StatusCode;
use serde_json::json;

use crate::both;
use crate::helpers::{TestApp, vin};

both!(dealers_never_see_each_others_customers_or_vehicles);
async fn dealers_never_see_each_others_customers_or_vehicles(t: TestApp) {
    let sh = t.dealer("SH001").await;
    let bj = t.dealer("BJ001").await;
    let (_, sh_staff) = t.user("sh.staff", "dealer_staff", Some(sh), None).await;
    let (_, bj_staff) = t.user("bj.staff", "dealer_staff", Some(bj), None).await;
    let (_, sh_sales) = t.user("sh.sales", "sales", Some(sh), None).await;
    let (_, agent) = t.user("li.agent", "agent", None, None).await;

    // Staff create customers of their own dealer by default.
    let (s, c) = t
        .post(
            &sh_staff,
            "/api/v1/customers",
            json!({"name": "上海客户", "phone": "13811112222"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["dealer_id"], sh);
    let sh_customer = c["id"].as_i64().unwrap();
    let bj_customer = t
        .create(
            &bj_staff,
            "/api/v1/customers",
            json!({"name": "北京客户", "phone": "13811112222"}),
        )
        .await;
    let sh_vehicle = t
        .create(
            &sh_staff,
            "/api/v1/vehicles",
            json!({"customer_id": sh_customer, "vin": vin(1), "plate": "沪A11111"}),
        )
        .await;
    let bj_vehicle = t
        .create(
            &bj_staff,
            "/api/v1/vehicles",
            json!({"customer_id": bj_customer, "vin": vin(2), "plate": "京N22222"}),
        )
        .await;

    // Reading one record of another dealer answers 404, as if it did not exist.
    for (token, theirs) in [
        (&sh_staff, bj_customer),
        (&bj_staff, sh_customer),
        (&sh_sales, bj_customer),
    ] {
        let (s, body) = t.get(token, &format!("/api/v1/customers/{theirs}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["error"]["code"], "not_found");
        let (s, _) = t
            .patch(
                token,
                &format!("/api/v1/customers/{theirs}"),
                json!({"name": "改"}),
            )
            .await;
        assert!(
            s == StatusCode::NOT_FOUND || s == StatusCode::FORBIDDEN,
            "{s}"
        );
    }
    for (token, theirs) in [
        (&sh_staff, bj_vehicle),
        (&bj_staff, sh_vehicle),
        (&sh_sales, bj_vehicle),
    ] {
        let (s, _) = t.get(token, &format!("/api/v1/vehicles/{theirs}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (s, _) = t
        .patch(
            &sh_staff,
            &format!("/api/v1/vehicles/{bj_vehicle}"),
            json!({"mileage_km": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Lists and lookups show only what the caller may see.
    let ids = |v: &serde_json::Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    for (token, mine) in [
        (&sh_staff, sh_customer),
        (&sh_sales, sh_customer),
        (&bj_staff, bj_customer),
    ] {
        let (_, p) = t.get(token, "/api/v1/customers").await;
        assert_eq!(ids(&p), [mine]);
        let (_, p) = t.get(token, "/api/v1/customers?phone=13811112222").await;
        assert_eq!(
            ids(&p),
            [mine],
            "a shared phone reveals only your own customer"
        );
        let (_, p) = t.get(token, "/api/v1/customers?q=13811").await;
        assert_eq!(ids(&p), [mine]);
        let (_, p) = t
            .get(
                token,
                &format!(
                    "/api/v1/customers?dealer_id={}",
                    if mine == sh_customer { bj } else { sh }
                ),
            )
            .await;
        assert!(ids(&p).is_empty());
    }
    let (_, p) = t.get(&sh_staff, "/api/v1/vehicles").await;
    assert_eq!(ids(&p), [sh_vehicle]);
    let (_, p) = t
        .get(&sh_staff, "/api/v1/vehicles?plate=%E4%BA%ACN22222")
        .await;
    assert!(ids(&p).is_empty());
    let (_, p) = t
        .get(&sh_staff, &format!("/api/v1/vehicles?vin={}", vin(2)))
        .await;
    assert!(ids(&p).is_empty());

    // Central roles see the whole group.
    let (_, p) = t.get(&agent, "/api/v1/customers?phone=13811112222").await;
    assert_eq!(ids(&p), [sh_customer, bj_customer]);
    let (_, p) = t.get(&agent, "/api/v1/vehicles").await;
    assert_eq!(ids(&p), [sh_vehicle, bj_vehicle]);
}

both!(dealer_roles_cannot_write_across_dealers);
async fn dealer_roles_cannot_write_across_dealers(t: TestApp) {
    let sh = t.dealer("SH001").await;
    let bj = t.dealer("BJ001").await;
    let (_, sh_staff) = t.user("sh.staff", "dealer_staff", Some(sh), None).await;
    let (_, sh_sales) = t.user("sh.sales", "sales", Some(sh), None).await;
    let (s, body) = t
        .post(
            &sh_staff,
            "/api/v1/customers",
            json!({"name": "x", "phone": "13811112222", "dealer_id": bj}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let mine = t
        .create(
            &sh_staff,
            "/api/v1/customers",
            json!({"name": "x", "phone": "13811112222"}),
        )
        .await;
    let (s, _) = t
        .patch(
            &sh_staff,
            &format!("/api/v1/customers/{mine}"),
            json!({"dealer_id": bj}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a customer is not moved to another dealer by its staff"
    );
    let bj_customer = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "y", "phone": "13833334444", "dealer_id": bj}),
        )
        .await;
    let (s, body) = t
        .post(
            &sh_staff,
            "/api/v1/vehicles",
            json!({"customer_id": bj_customer, "vin": vin(9)}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["field"], "customer_id",
        "another dealer's customer does not exist for them"
    );
    let (s, _) = t
        .post(
            &sh_sales,
            "/api/v1/customers",
            json!({"name": "z", "phone": "13855556666"}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "sales never own the customer record"
    );
}

both!(back_office_roles_read_but_do_not_write_customers);
async fn back_office_roles_read_but_do_not_write_customers(t: TestApp) {
    let dept = t.department("quality").await;
    let (_, liaison) = t.user("sun.liaison", "liaison", None, Some(dept)).await;
    let (_, vp) = t.user("zheng.vp", "vp", None, None).await;
    let id = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678"}),
        )
        .await;
    for token in [&liaison, &vp] {
        let (s, _) = t.get(token, &format!("/api/v1/customers/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = t
            .post(
                token,
                "/api/v1/customers",
                json!({"name": "x", "phone": "13811112222"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = t
            .patch(
                token,
                &format!("/api/v1/customers/{id}"),
                json!({"name": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}

both!(dealer_staff_see_only_their_dealers_people);
async fn dealer_staff_see_only_their_dealers_people(t: TestApp) {
    let sh = t.dealer("SH001").await;
    let bj = t.dealer("BJ001").await;
    let (me, sh_staff) = t.user("sh.staff", "dealer_staff", Some(sh), None).await;
    let (other, _) = t.user("bj.staff", "dealer_staff", Some(bj), None).await;
    let (_, p) = t.get(&sh_staff, "/api/v1/users").await;
    let ids: Vec<i64> = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [me]);
    let (s, _) = t.get(&sh_staff, &format!("/api/v1/users/{other}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, sales) = t.user("sh.sales", "sales", Some(sh), None).await;
    let (s, _) = t.get(&sales, "/api/v1/users").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
