//! Files as they arrive: Excel workbooks, bad headers, wrong encodings.

use super::*;

#[tokio::test]
async fn a_bad_file_writes_nothing() {
    let env = env().await;
    let cases: &[(&str, &str)] = &[
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
async fn unknown_columns_are_named_and_left_and_remarks_become_notes() {
    let env = env().await;
    let report = csv(
        &env,
        ImportKind::Customers,
        "姓名,手机号,爱好,备注\n张伟,13812345678,钓鱼,只接受下午来电\n",
    )
    .await;
    assert_eq!((report.rows, report.accepted), (1, 1));
    let warned: Vec<(&str, usize, &str)> = report
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.column, w.header.as_str()))
        .collect();
    assert_eq!(warned, [("ignored_column", 3, "爱好")]);
    let saved = customers_in(&env).await;
    assert_eq!(saved[0].fields.notes.as_deref(), Some("只接受下午来电"));

    // A car has no notes: its sheet's 备注 is named and left too.
    let vin = kefu_core::vehicles::Vin::with_check_digit("LSVAU2180N2183729")
        .expect("vin")
        .as_str()
        .to_owned();
    let sheet = format!("车架号,车主手机,备注\n{vin},13812345678,新车\n");
    let cars = csv(&env, ImportKind::Vehicles, &sheet).await;
    assert_eq!(cars.accepted, 1, "{cars:?}");
    assert_eq!(cars.warnings.len(), 1);
    assert_eq!(cars.warnings[0].header, "备注");
    assert!(cars.warnings[0].message.contains("column 3"));
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

fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for &(row, col, text) in cells {
        sheet.write_string(row, col, text).expect("cell");
    }
    book.save_to_buffer().expect("xlsx")
}

/// A cell at the far corner of a sheet once made the reader allocate the
/// whole rectangle up to it (17 billion cells) and the process abort.
#[tokio::test]
async fn a_far_cell_is_refused_or_read_sparsely_never_allocated_as_a_rectangle() {
    let env = env().await;
    // The only cell at XFD1048576: a header alone, whatever its place.
    let corner = workbook(&[(1_048_575, 16_383, "姓名")]);
    let result = run(&env, ImportKind::Customers, Format::Xlsx, &corner).await;
    assert_eq!(invalid_code(result), "missing_column");

    // A header in column A and one more cell in column XFD: too wide.
    let wide = workbook(&[(0, 0, "姓名"), (0, 1, "手机号"), (1_048_575, 16_383, "x")]);
    let result = run(&env, ImportKind::Customers, Format::Xlsx, &wide).await;
    let Err(AppError::Invalid(e)) = result else {
        panic!("a sheet spanning 16,384 columns is refused: {result:?}");
    };
    assert_eq!((e.code, e.field.as_str()), ("too_many_columns", "file"));
    assert!(
        e.message.contains(&MAX_COLUMNS.to_string()),
        "{}",
        e.message
    );
    assert!(e.message.contains("XFD"), "{}", e.message);

    // Far down but within the columns: read as the two rows it holds.
    let deep = workbook(&[
        (0, 0, "姓名"),
        (0, 1, "手机号"),
        (199_999, 0, "张伟"),
        (199_999, 1, "13812345678"),
    ]);
    let report = run(&env, ImportKind::Customers, Format::Xlsx, &deep)
        .await
        .expect("import");
    assert_eq!((report.rows, report.accepted), (1, 1));
    assert_eq!(customers_in(&env).await.len(), 1);
}

/// Sets the size that every part of a zip declares it unpacks to, in its
/// local header and in the central directory, as a zip bomb declares it.
fn declare_unpacked_size(zip: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 30 <= zip.len() {
        let at = match &zip[i..i + 4] {
            b"PK\x03\x04" => Some(i + 22),
            b"PK\x01\x02" => Some(i + 24),
            _ => None,
        };
        if let Some(at) = at {
            zip[at..at + 4].copy_from_slice(&size.to_le_bytes());
        }
        i += 1;
    }
}

#[tokio::test]
async fn a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked() {
    let env = env().await;
    let mut data = workbook(&[(0, 0, "姓名"), (0, 1, "手机号"), (1, 0, "张伟")]);
    declare_unpacked_size(&mut data, 0xF000_0000);
    let result = run(&env, ImportKind::Customers, Format::Xlsx, &data).await;
    let Err(AppError::Invalid(e)) = result else {
        panic!("a 3.75 GiB workbook is refused: {result:?}");
    };
    assert_eq!(e.code, "file_too_large");
    assert!(e.message.contains("256 MiB"), "{}", e.message);
    assert!(customers_in(&env).await.is_empty());
}
