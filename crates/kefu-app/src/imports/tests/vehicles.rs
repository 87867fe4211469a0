//! Vehicle imports: owners found by phone, VINs and plates kept unique.

use kefu_core::vehicles::{Vehicle, Vin};
use kefu_store::vehicles::VehicleFilter;

use super::*;

fn vin(body: &str) -> String {
    Vin::with_check_digit(body)
        .expect("vin body")
        .as_str()
        .to_owned()
}

/// `vin` with a wrong check digit.
fn bad_vin(body: &str) -> String {
    let good = vin(body);
    let wrong = if good.as_bytes()[8] == b'1' { '2' } else { '1' };
    good.chars()
        .enumerate()
        .map(|(i, c)| if i == 8 { wrong } else { c })
        .collect()
}

async fn vehicles_in(env: &Env) -> Vec<Vehicle> {
    let mut conn = env.app.store.read().await.expect("read");
    kefu_store::vehicles::list(
        &mut conn,
        Scope::Group,
        &VehicleFilter::default(),
        PageRequest::first(10_000),
    )
    .await
    .expect("list")
    .items
}

/// 张伟 (SH001) and two customers sharing one phone, 李娜 and 李强.
async fn owners(env: &Env) -> Vec<Customer> {
    let file =
        "姓名,手机号,门店编码\n张伟,13812345678,SH001\n李娜,13987654321,\n李强,13987654321,\n";
    assert_eq!(csv(env, ImportKind::Customers, file).await.accepted, 3);
    customers_in(env).await
}

#[tokio::test]
async fn vehicles_are_linked_to_their_owner_by_phone() {
    let env = env().await;
    let people = owners(&env).await;
    let (a, b) = (vin("LSVAM4187C2000001"), vin("LFV2A21K0A4000002"));
    let file = format!(
        "车架号,车牌号,品牌,车型,购车日期,里程,交强险到期日,车主手机,车主姓名\n\
         {a},沪A12345,大众,帕萨特,2023/5/1,\"12,000\",2025年5月1日,138-1234-5678,\n\
         {b},,奥迪,A4L,,,,13987654321,李强\n"
    );
    let report = csv(&env, ImportKind::Vehicles, &file).await;
    assert_eq!(
        (report.kind.as_str(), report.rows, report.accepted),
        ("vehicles", 2, 2)
    );
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);

    let all = vehicles_in(&env).await;
    let first = &all[0].fields;
    assert_eq!(first.vin.as_str(), a);
    assert_eq!(first.customer_id, people[0].id);
    // The servicing dealer defaults to the owner's.
    assert_eq!(first.dealer_id, Some(env.dealer));
    assert_eq!(first.plate.as_ref().map(|p| p.as_str()), Some("沪A12345"));
    assert_eq!(first.mileage_km, Some(12_000));
    assert_eq!(
        first.purchased_on.map(|d| d.to_string()).as_deref(),
        Some("2023-05-01")
    );
    assert_eq!(
        first
            .compulsory_insurance_expires_on
            .map(|d| d.to_string())
            .as_deref(),
        Some("2025-05-01")
    );
    assert!(first.active);
    let second = &all[1].fields;
    assert_eq!((second.customer_id, second.dealer_id), (people[2].id, None));

    let audit = audit_of(&env, "vehicle").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "vehicle.import");
    assert_eq!(
        audit[0].after,
        Some(serde_json::json!({"rows": 2, "accepted": 2, "rejected": 0}))
    );
    assert_eq!(
        sql_count(
            &env,
            "SELECT count(*) FROM changes WHERE entity = 'vehicle'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn bad_vehicle_rows_are_reported_with_line_and_field() {
    let env = env().await;
    let people = owners(&env).await;
    let v: Vec<String> = (1..=9)
        .map(|i| vin(&format!("LSVAM4187C200000{i}")))
        .collect();
    let bad = bad_vin("LSVAM4187C2000009");
    let li = people[1].id;
    let file = format!(
        "VIN,plate,brand,mileage_km,dealer_code,customer_phone,customer_name,customer_id\n\
         {v0},沪A11111,大众,,,13812345678,,\n\
         {bad},,大众,,,13812345678,,\n\
         {v0},,大众,,,13812345678,,\n\
         {v1},,大众,,NOPE,13812345678,,\n\
         {v2},,大众,,,13700000000,,\n\
         {v3},,大众,,,13987654321,,\n\
         {v4},,大众,,,13987654321,王五,\n\
         {v5},沪A11111,大众,,,13812345678,,\n\
         {v6},,大众,lots,,13812345678,,\n\
         {v7},,大众,,,,,{li}\n\
         {v8},,大众,,,13812345678,,{li}\n",
        v0 = v[0],
        v1 = v[1],
        v2 = v[2],
        v3 = v[3],
        v4 = v[4],
        v5 = v[5],
        v6 = v[6],
        v7 = v[7],
        v8 = v[8],
    );
    let report = csv(&env, ImportKind::Vehicles, &file).await;
    assert_eq!((report.rows, report.accepted), (11, 2));
    assert_eq!(
        rejected(&report),
        [
            (3, Some("vin")),
            (4, Some("vin")),
            (5, Some("dealer_code")),
            (6, Some("customer_phone")),
            (7, Some("customer_phone")),
            (8, Some("customer_name")),
            (9, Some("plate")),
            (10, Some("mileage_km")),
            (12, Some("customer_phone")),
        ]
    );
    assert_eq!(report.rejected[1].reason, "duplicate of line 2 (same VIN)");
    assert_eq!(
        report.rejected[6].reason,
        "duplicate of line 2 (same plate)"
    );
    let written: Vec<(String, i64)> = vehicles_in(&env)
        .await
        .into_iter()
        .map(|v| (v.fields.vin.as_str().to_owned(), v.fields.customer_id))
        .collect();
    assert_eq!(written, [(v[0].clone(), people[0].id), (v[7].clone(), li)]);

    // Again: the VINs and the plate are taken now.
    let again = format!(
        "车架号,车牌号,车主手机\n{},,13812345678\n{},沪A11111,13812345678\n",
        v[7], v[8]
    );
    let report = csv(&env, ImportKind::Vehicles, &again).await;
    assert_eq!(rejected(&report), [(2, Some("vin")), (3, Some("plate"))]);
    assert!(
        report.rejected[0].reason.contains("already recorded"),
        "{:?}",
        report.rejected
    );
    assert_eq!(vehicles_in(&env).await.len(), 2);
}

#[tokio::test]
async fn a_dealer_code_overrides_the_owners_dealer() {
    let env = env().await;
    let people = owners(&env).await;
    let file = format!(
        "车架号,车主手机,门店\n{},13987654321;李娜,SH001\n",
        vin("LSVAM4187C2000001")
    );
    // A list of phones is not a phone.
    assert_eq!(
        rejected(&csv(&env, ImportKind::Vehicles, &file).await),
        [(2, Some("customer_phone"))]
    );
    let file = format!(
        "车架号,客户姓名,车主手机,门店\n{},李娜,13987654321,SH001\n",
        vin("LSVAM4187C2000001")
    );
    assert_eq!(csv(&env, ImportKind::Vehicles, &file).await.accepted, 1);
    let v = &vehicles_in(&env).await[0].fields;
    assert_eq!(
        (v.customer_id, v.dealer_id),
        (people[1].id, Some(env.dealer))
    );
}
