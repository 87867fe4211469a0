//! `POST /api/v1/imports`: CSV and Excel files over HTTP.

use reqwest::StatusCode;
use serde_json::Value;

use crate::both;
use crate::helpers::TestApp;

async fn upload(
    t: &TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let res = t
        .client
        .post(t.url(&format!("/api/v1/imports?{query}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

both!(a_csv_of_customers_is_imported_with_a_report);
async fn a_csv_of_customers_is_imported_with_a_report(t: TestApp) {
    t.dealer("SH001").await;
    let csv = "\u{feff}姓名,手机,门店编码,等级\n张伟,138-1234-5678,SH001,A\n李娜,12345,SH001,B\n王芳,13900001111,XX999,C\n";
    let (s, report) = upload(
        &t,
        &t.admin,
        "kind=customers",
        "text/csv",
        csv.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    assert_eq!(report["rows"], 3);
    assert_eq!(report["accepted"], 1);
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(
        (rejected[0]["line"].as_i64(), rejected[0]["field"].as_str()),
        (Some(3), Some("phone"))
    );
    assert_eq!(
        (rejected[1]["line"].as_i64(), rejected[1]["field"].as_str()),
        (Some(4), Some("dealer_code"))
    );
    let (_, page) = t.get(&t.admin, "/api/v1/customers?phone=13812345678").await;
    assert_eq!(page["items"][0]["tier"], "A");
    let (_, audit) = t.get(&t.admin, "/api/v1/audit?entity=customer").await;
    assert_eq!(audit["items"][0]["action"], "customer.import");
}

both!(an_excel_file_of_vehicles_is_imported);
async fn an_excel_file_of_vehicles_is_imported(t: TestApp) {
    t.create(
        &t.admin,
        "/api/v1/customers",
        serde_json::json!({"name": "张伟", "phone": "13812345678"}),
    )
    .await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["车架号", "车牌", "车型", "客户手机"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, crate::helpers::vin(77)).unwrap();
    sheet.write_string(1, 1, "沪A77777").unwrap();
    sheet.write_string(1, 2, "帕萨特").unwrap();
    sheet.write_number(1, 3, 13812345678.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let (s, report) = upload(&t, &t.admin, "kind=vehicles", xlsx, bytes).await;
    assert_eq!(s, StatusCode::OK, "{report}");
    assert_eq!(report["accepted"], 1, "{report}");
    let (_, page) = t
        .get(&t.admin, "/api/v1/vehicles?plate=%E6%B2%AAA77777")
        .await;
    assert_eq!(page["items"][0]["model"], "帕萨特");
}

both!(imports_are_for_admins_and_managers_and_refuse_bad_files);
async fn imports_are_for_admins_and_managers_and_refuse_bad_files(t: TestApp) {
    let (_, agent) = t.user("li.agent", "agent", None, None).await;
    let csv = b"name,phone\nx,13812345678\n".to_vec();
    let (s, _) = upload(&t, &agent, "kind=customers", "text/csv", csv.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body) = upload(&t, &t.admin, "kind=planets", "text/csv", csv.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "kind");
    let (s, body) = upload(
        &t,
        &t.admin,
        "kind=customers",
        "text/csv",
        "name,phone,colour,备注\n赵磊,13812345670,red,周末联系\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::OK,
        "a column kefu does not know is left: {body}"
    );
    assert_eq!(body["accepted"], 1);
    assert_eq!(body["warnings"][0]["code"], "ignored_column");
    assert_eq!(body["warnings"][0]["header"], "colour");
    assert_eq!(body["warnings"][0]["column"], 3);
    assert_eq!(body["warnings"].as_array().map(Vec::len), Some(1));
    let (_, found) = t.get(&t.admin, "/api/v1/customers?phone=13812345670").await;
    assert_eq!(found["items"][0]["notes"], "周末联系");
    let (s, body) = upload(
        &t,
        &t.admin,
        "kind=customers",
        "text/csv",
        vec![0xb9, 0xfe, b',', b'\n'],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, page) = t.get(&t.admin, "/api/v1/customers").await;
    assert_eq!(
        page["items"].as_array().map(Vec::len),
        Some(1),
        "nothing written by the refused file"
    );
    // Files may be larger than the 1 MiB of other requests.
    let mut big = String::from("姓名,手机\n");
    for i in 0..60_000 {
        big.push_str(&format!("客户{i},139{i:08}\n"));
    }
    assert!(big.len() > 1024 * 1024);
    let (s, report) = upload(&t, &t.admin, "kind=customers", "text/csv", big.into_bytes()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(report["accepted"], 60_000);
}
