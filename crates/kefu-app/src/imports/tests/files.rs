//! Files as they arrive: Excel workbooks, bad headers, wrong encodings.

use super::*;

#[tokio::test]
async fn a_bad_file_writes_nothing() {
    let env = env().await;
    let cases: &[(&str, &str)] = &[
        (
            "姓名,手机号,爱好\n张伟,13812345678,钓鱼\n",
            "unknown_column",
        ),
        ("姓名,手机号,\n张伟,13812345678,钓鱼\n", "unknown_column"),
        ("姓名,手机号\n张伟,13812345678,多余\n", "unknown_column"),
        (
            "姓名,电话,手机号\n张伟,13812345678,13812345678\n",
            "duplicate_column",
        ),
        ("姓名,微信\n张伟,zw\n", "missing_column"),
        ("", "empty_file"),
        ("\u{feff}", "empty_file"),
    ];
    for (file, code) in cases {
        let result = run(&env, ImportKind::Customers, Format::Csv, file.as_bytes()).await;
        assert_eq!(invalid_code(result), *code, "{file:?}");
    }
    let result = run(
        &env,
        ImportKind::Customers,
        Format::Csv,
        b"\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\n",
    )
    .await;
    assert_eq!(invalid_code(result), "invalid_encoding");
    let result = run(
        &env,
        ImportKind::Vehicles,
        Format::Csv,
        "车架号,品牌\nX,Y\n".as_bytes(),
    )
    .await;
    assert_eq!(invalid_code(result), "missing_column");
    assert!(customers_in(&env).await.is_empty());
    assert!(audit_of(&env, "customer").await.is_empty());

    let header_only = csv(&env, ImportKind::Customers, "姓名,手机号\n").await;
    assert_eq!(
        (
            header_only.rows,
            header_only.accepted,
            header_only.rejected.len()
        ),
        (0, 0, 0)
    );
}

#[tokio::test]
async fn templates_are_valid_headers() {
    let env = env().await;
    for kind in [ImportKind::Customers, ImportKind::Vehicles] {
        let report = csv(&env, kind, templates(kind)).await;
        assert_eq!(report.rows, 0, "{kind:?}");
    }
}

#[tokio::test]
async fn excel_workbooks_with_numeric_phones_and_date_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
    let env = env().await;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    for (col, header) in ["姓名", "手机号", "生日", "门店编码", "客户等级"]
        .into_iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, header).expect("header");
    }
    sheet.write_string(1, 0, "张伟").expect("cell");
    sheet.write_number(1, 1, 13812345678.0).expect("cell");
    let birthday = ExcelDateTime::from_ymd(1990, 3, 5).expect("date");
    sheet
        .write_datetime_with_format(1, 2, &birthday, &date)
        .expect("cell");
    sheet.write_string(1, 3, "SH001").expect("cell");
    sheet.write_string(1, 4, "C").expect("cell");
    // Row 3 is left empty; row 4 has a bad phone.
    sheet.write_string(3, 0, "李娜").expect("cell");
    sheet.write_number(3, 1, 12345.0).expect("cell");
    let data = book.save_to_buffer().expect("xlsx");

    assert_eq!(Format::detect(Some("客户.csv"), &data), Format::Xlsx);
    let report = run(&env, ImportKind::Customers, Format::Xlsx, &data)
        .await
        .expect("import");
    assert_eq!((report.rows, report.accepted), (2, 1));
    assert_eq!(rejected(&report), [(4, Some("phone"))]);
    let c = &customers_in(&env).await[0].fields;
    assert_eq!(c.phone.as_str(), "13812345678");
    assert_eq!(
        c.birthday.map(|d| d.to_string()).as_deref(),
        Some("1990-03-05")
    );
    assert_eq!(c.dealer_id, Some(env.dealer));
}
