//! Customer imports: headers, bad rows, repeats, permissions, rollback.

use std::sync::Mutex;

use kefu_core::org::Role;

use super::*;

#[tokio::test]
async fn chinese_headers_with_a_bom() {
    let env = env().await;
    let file = "\u{feff}姓名,手机号,其他电话,客户类型,性别,生日,门店编码,客户等级,标签\n\
                张伟,138 1234 5678,13912345678；010-12345678,个人,男,1990/3/5,SH001,a级,VIP，试驾\n\
                李娜,+86 139-8765-4321,,公司,女,,,,\n";
    let calls = Mutex::new(Vec::new());
    let progress = |done, total| calls.lock().expect("lock").push((done, total));
    let report = import(
        &env.app,
        Some(&env.admin),
        ImportKind::Customers,
        Format::Csv,
        file.as_bytes(),
        &progress,
    )
    .await
    .expect("import");
    assert_eq!(
        (report.kind.as_str(), report.rows, report.accepted),
        ("customers", 2, 2)
    );
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(*calls.lock().expect("lock"), [(2, 2)]);

    let all = customers_in(&env).await;
    let zhang = &all[0].fields;
    assert_eq!(
        (zhang.name.as_str(), zhang.phone.as_str()),
        ("张伟", "13812345678")
    );
    let others: Vec<&str> = zhang.other_phones.iter().map(|p| p.as_str()).collect();
    assert_eq!(others, ["13912345678", "01012345678"]);
    assert_eq!(
        zhang.birthday.map(|d| d.to_string()).as_deref(),
        Some("1990-03-05")
    );
    assert_eq!(zhang.dealer_id, Some(env.dealer));
    assert_eq!(zhang.tier.map(|t| t.as_str()), Some("A"));
    assert_eq!(zhang.gender.map(|g| g.as_str()), Some("male"));
    assert_eq!(zhang.tags, ["VIP", "试驾"]);
    let li = &all[1].fields;
    assert_eq!(
        (li.kind.as_str(), li.phone.as_str(), li.dealer_id),
        ("company", "13987654321", None)
    );

    let audit = audit_of(&env, "customer").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "customer.import");
    assert_eq!(
        (audit[0].actor_id, audit[0].entity_id),
        (Some(env.admin.user_id), None)
    );
    assert_eq!(
        audit[0].after,
        Some(serde_json::json!({"rows": 2, "accepted": 2, "rejected": 0}))
    );
    assert_eq!(
        sql_count(
            &env,
            "SELECT count(*) FROM changes WHERE entity = 'customer'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn english_headers_any_case_and_the_operator() {
    let env = env().await;
    let file =
        " Name ,PHONE,Dealer Code,gender,Tier,Other_Phones\n王芳,13700001111,SH001,female,b,\n";
    let report = import(
        &env.app,
        None,
        ImportKind::Customers,
        Format::Csv,
        file.as_bytes(),
        &quiet,
    )
    .await
    .expect("import");
    assert_eq!(report.accepted, 1);
    let c = &customers_in(&env).await[0].fields;
    assert_eq!(
        (c.dealer_id, c.tier.map(|t| t.as_str())),
        (Some(env.dealer), Some("B"))
    );
    assert_eq!(audit_of(&env, "customer").await[0].actor_id, None);
}

#[tokio::test]
async fn bad_rows_are_reported_and_the_rest_written() {
    let env = env().await;
    let file = "姓名,手机号,门店编码,生日\n\
                张伟,13812345678,SH001,\n\
                李娜,12345,,\n\
                王芳,13700001111,NOPE,\n\
                张伟,+86 13812345678,,\n\
                ,13600001111,,\n\
                赵敏,13500001111,,1990-02-30\n\
                孙丽,#N/A,,\n\
                \n\
                周杰,13400001111,,\n";
    let report = csv(&env, ImportKind::Customers, file).await;
    assert_eq!((report.rows, report.accepted), (8, 2));
    assert_eq!(
        rejected(&report),
        [
            (3, Some("phone")),
            (4, Some("dealer_code")),
            (5, None),
            (6, Some("name")),
            (7, Some("birthday")),
            (8, Some("phone")),
        ]
    );
    assert_eq!(
        report.rejected[2].reason,
        "duplicate of line 2 (same name and phone)"
    );
    assert_eq!(customers_in(&env).await.len(), 2);
    assert_eq!(
        audit_of(&env, "customer").await[0].after,
        Some(serde_json::json!({"rows": 8, "accepted": 2, "rejected": 6}))
    );
}

#[tokio::test]
async fn importing_the_same_customers_again_rejects_every_row() {
    let env = env().await;
    let file = "姓名,手机号\n张伟,13812345678\n李娜,13987654321\n";
    assert_eq!(csv(&env, ImportKind::Customers, file).await.accepted, 2);
    let again = csv(&env, ImportKind::Customers, file).await;
    assert_eq!((again.rows, again.accepted), (2, 0));
    assert!(
        again
            .rejected
            .iter()
            .all(|r| r.reason.contains("already exists")),
        "{:?}",
        again.rejected
    );
    assert_eq!(customers_in(&env).await.len(), 2);
    // The same phone under another name is another person.
    assert_eq!(
        csv(
            &env,
            ImportKind::Customers,
            "姓名,手机号\n张伟伟,13812345678\n"
        )
        .await
        .accepted,
        1
    );
}

#[tokio::test]
async fn only_admins_and_managers_import() {
    let env = env().await;
    let file = b"name,phone\nA,13812345678\n";
    let as_role = |role| Actor {
        role,
        ..env.admin.clone()
    };
    for role in [Role::Agent, Role::DealerStaff, Role::Vp] {
        let result = import(
            &env.app,
            Some(&as_role(role)),
            ImportKind::Customers,
            Format::Csv,
            file,
            &quiet,
        )
        .await;
        assert!(
            matches!(result, Err(AppError::Forbidden(_))),
            "{role:?}: {result:?}"
        );
    }
    let manager = as_role(Role::Manager);
    let report = import(
        &env.app,
        Some(&manager),
        ImportKind::Customers,
        Format::Csv,
        file,
        &quiet,
    )
    .await;
    assert_eq!(report.map(|r| r.accepted).ok(), Some(1));
}

#[tokio::test]
async fn a_failure_while_writing_rolls_everything_back() {
    let env = env().await;
    // A trigger makes the 1,200th insert fail after the first batch is written.
    let url = format!("sqlite://{}", env.dir.path().join("kefu.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    sqlx::query(
        "CREATE TRIGGER boom BEFORE INSERT ON customers WHEN NEW.name = 'boom' \
         BEGIN SELECT RAISE(ABORT, 'boom'); END",
    )
    .execute(&mut conn)
    .await
    .expect("trigger");
    drop(conn);
    let mut file = String::from("姓名,手机号\n");
    for i in 0..1_500 {
        let name = if i == 1_199 {
            "boom".to_owned()
        } else {
            format!("客户{i}")
        };
        file.push_str(&format!("{name},138{i:08}\n"));
    }
    let calls = Mutex::new(Vec::new());
    let progress = |done, total| calls.lock().expect("lock").push((done, total));
    let result = import(
        &env.app,
        None,
        ImportKind::Customers,
        Format::Csv,
        file.as_bytes(),
        &progress,
    )
    .await;
    assert!(matches!(result, Err(AppError::Internal(_))), "{result:?}");
    assert_eq!(*calls.lock().expect("lock"), [(1_000, 1_500)]);
    assert!(customers_in(&env).await.is_empty());
    assert_eq!(
        sql_count(
            &env,
            "SELECT count(*) FROM changes WHERE entity = 'customer'"
        )
        .await,
        0
    );
    assert_eq!(
        sql_count(&env, "SELECT count(*) FROM customer_phones").await,
        0
    );
    assert!(audit_of(&env, "customer").await.is_empty());
}

/// `cargo test --release -p kefu-app speed_of_100k -- --ignored --nocapture`
#[tokio::test]
#[ignore = "a measurement; run it on a release build"]
async fn speed_of_100k_customers() {
    let env = env().await;
    let file = |offset: usize| {
        let mut f = String::from("姓名,手机号,门店编码,客户等级,标签\n");
        for i in offset..offset + 100_000 {
            f.push_str(&format!("客户{i},139{i:08},SH001,B,VIP;试驾\n"));
        }
        f
    };
    for (label, offset) in [
        ("into an empty table", 0),
        ("next to 100,000 others", 100_000),
    ] {
        let data = file(offset);
        let started = std::time::Instant::now();
        let report = csv(&env, ImportKind::Customers, &data).await;
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(report.accepted, 100_000);
        println!(
            "100,000 customers {label}: {secs:.2} s ({:.0} rows/s)",
            100_000.0 / secs
        );
    }
}
