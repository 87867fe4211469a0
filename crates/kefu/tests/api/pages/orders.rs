//! Opening an order from the workbench and carrying it through its moves:
//! the buttons are exactly the allowed moves, each move updates the order in
//! place, queues show it to the right people only.

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{Browser, form};
use crate::both;
use crate::helpers::TestApp;

const MOVES: [&str; 11] = [
    "answer", "dispatch", "escalate", "assign", "respond", "wait", "resume", "resolve", "callback",
    "reopen", "note",
];

/// The move buttons a page shows.
fn buttons(html: &str) -> Vec<&'static str> {
    MOVES
        .into_iter()
        .filter(|m| html.contains(&format!("data-testid=\"move-{m}\"")))
        .collect()
}

fn status_of(html: &str) -> String {
    let at = html
        .find("data-testid=\"ticket-status\" data-status=\"")
        .expect("a status on the page");
    let rest = &html[at + 41..];
    rest[..rest.find('"').unwrap()].to_owned()
}

both!(an_order_goes_from_intake_through_dispatch_to_a_closed_callback);
async fn an_order_goes_from_intake_through_dispatch_to_a_closed_callback(t: TestApp) {
    let sh = t.dealer("SH01").await;
    let bj = t.dealer("BJ01").await;
    t.user("sh_staff", "dealer_staff", Some(sh), None).await;
    t.user("bj_staff", "dealer_staff", Some(bj), None).await;
    let (_, agent_token) = t.user("agent", "agent", None, None).await;
    let customer = t
        .create(
            &agent_token,
            "/api/v1/customers",
            json!({"name": "朱娜", "phone": "13800002222", "dealer_id": sh}),
        )
        .await;
    let agent = Browser::login(&t, "agent", "password-123").await;

    // The form, filled in from the pop's link.
    let (status, page) = agent
        .get(&format!(
            "/tickets/new?customer_id={customer}&channel=phone&received_at=2026-01-05T02:00:00Z"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("data-testid=\"new-order\""));
    assert!(
        page.contains("<option value=\"phone\" selected>"),
        "channel phone is chosen"
    );
    assert!(
        page.contains("value=\"2026-01-05T02:00:00Z\""),
        "the call's time is kept"
    );

    // Without a subject: the form comes back with the error by the field, and nothing is written.
    let post = |pairs: Vec<(&'static str, String)>| {
        let mut body: Vec<(&str, String)> = pairs;
        body.push(("csrf", agent.csrf.clone()));
        let encoded = form(
            &body
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        );
        agent
            .client
            .post(t.url("/tickets/new"))
            .header(COOKIE, &agent.cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(encoded)
            .send()
    };
    let base = vec![
        ("customer_id", customer.to_string()),
        ("vehicle_id", String::new()),
        ("channel", "phone".to_owned()),
        ("category", "complaint".to_owned()),
        ("priority", "normal".to_owned()),
        ("received_at", "2026-01-05T02:00:00Z".to_owned()),
    ];
    let mut empty = base.clone();
    empty.push(("subject", "  ".to_owned()));
    let res = post(empty).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-testid=\"error-subject\""), "{html}");
    let (_, list) = t.get(&agent_token, "/api/v1/tickets").await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        0,
        "no half-written order"
    );

    let mut good = base.clone();
    good.push(("subject", "保养后底盘异响".to_owned()));
    let res = post(good).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let at = res.headers()[LOCATION].to_str().unwrap().to_owned();
    let id: i64 = at.trim_start_matches("/tickets/").parse().unwrap();
    let (_, order) = t.get(&agent_token, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(order["channel"], "phone");
    assert_eq!(order["received_at"], "2026-01-05T02:00:00Z");
    let number = order["number"].as_str().unwrap().to_owned();

    // New: exactly the moves the machine and the role allow.
    let (_, page) = agent.get(&at).await;
    assert_eq!(status_of(&page), "new");
    assert_eq!(buttons(&page), ["answer", "dispatch", "escalate", "note"]);
    assert!(page.contains(&format!("data-testid=\"ticket-number\">{number}<")));

    // The agent's own queue holds it.
    let (_, home) = agent.get("/").await;
    let mine = &home[home.find("data-testid=\"my-orders\"").unwrap()..];
    assert!(
        mine.contains(&format!("data-number=\"{number}\"")),
        "{home}"
    );

    // Dispatch: the order comes back as a part, not a page.
    let path = format!("/tickets/{id}/dispatch");
    let (status, part) = agent
        .htmx(
            &path,
            &[("dealer_id", &sh.to_string()), ("note", "请门店联系")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert!(!part.contains("<html"), "a part for htmx");
    assert_eq!(status_of(&part), "dispatched");
    assert!(
        part.contains("data-kind=\"dispatch\""),
        "the timeline shows it"
    );

    // Now with the dealer, it leaves the agent's own queue.
    let (_, home) = agent.get("/").await;
    let mine = &home[home.find("data-testid=\"my-orders\"").unwrap()
        ..home.find("data-testid=\"callbacks\"").unwrap()];
    assert!(
        !mine.contains(&format!("data-number=\"{number}\"")),
        "{home}"
    );

    // The Shanghai staff see it in their queue; Beijing's do not, and cannot open it.
    let sh_staff = Browser::login(&t, "sh_staff", "password-123").await;
    let bj_staff = Browser::login(&t, "bj_staff", "password-123").await;
    let queue = |html: &str| html[html.find("data-testid=\"team-queue\"").unwrap()..].to_owned();
    assert!(queue(&sh_staff.get("/").await.1).contains(&format!("data-number=\"{number}\"")));
    assert!(!queue(&bj_staff.get("/").await.1).contains(&format!("data-number=\"{number}\"")));
    assert_eq!(bj_staff.get(&at).await.0, StatusCode::NOT_FOUND);

    // Dealer staff may not dispatch: refused with a reason, nothing changes.
    let (_, page) = sh_staff.get(&at).await;
    assert_eq!(
        buttons(&page),
        ["assign", "respond", "wait", "resolve", "note"]
    );
    let (status, why) = sh_staff
        .htmx(&path, &[("dealer_id", &bj.to_string())])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{why}");
    assert!(!why.contains("<html"), "a sentence for the dialog: {why}");
    // A resolution is required.
    let (status, why) = sh_staff
        .htmx(&format!("/tickets/{id}/resolve"), &[("resolution", " ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
    let (status, part) = sh_staff
        .htmx(
            &format!("/tickets/{id}/resolve"),
            &[("resolution", "紧固底盘护板，试车无异响")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert_eq!(status_of(&part), "resolved");

    // The callback: reached and satisfied closes it.
    let (_, page) = agent.get(&at).await;
    assert!(buttons(&page).contains(&"callback"));
    let (status, why) = agent
        .htmx(&format!("/tickets/{id}/callback"), &[("satisfaction", "5")])
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reached is required: {why}"
    );
    let (status, part) = agent
        .htmx(
            &format!("/tickets/{id}/callback"),
            &[("reached", "yes"), ("satisfaction", "5")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert_eq!(status_of(&part), "closed");
    assert_eq!(buttons(&part), ["reopen", "note"]);

    // Unknown moves do not exist.
    let (status, _) = agent.htmx(&format!("/tickets/{id}/explode"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = agent
        .send(
            Method::POST,
            "/tickets/999999/note",
            &[("body", "x")],
            Some(&agent.csrf),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

both!(escalated_work_is_assigned_by_the_liaison);
async fn escalated_work_is_assigned_by_the_liaison(t: TestApp) {
    let quality = t.department("QA").await;
    let (_, agent_token) = t.user("agent", "agent", None, None).await;
    let (liaison_id, _) = t.user("liaison", "liaison", None, Some(quality)).await;
    let (worker, _) = t.user("qa_li", "liaison", None, Some(quality)).await;
    t.patch(
        &t.admin,
        &format!("/api/v1/departments/{quality}"),
        json!({"liaison_ids": [liaison_id]}),
    )
    .await;
    let customer = t
        .create(
            &agent_token,
            "/api/v1/customers",
            json!({"name": "陈刚", "phone": "13800003333"}),
        )
        .await;
    let id = t
        .create(
            &agent_token,
            "/api/v1/tickets",
            json!({"customer_id": customer, "channel": "phone", "category": "complaint", "subject": "配件迟迟不到"}),
        )
        .await;
    let agent = Browser::login(&t, "agent", "password-123").await;
    let (status, part) = agent
        .htmx(
            &format!("/tickets/{id}/escalate"),
            &[("department_id", &quality.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert_eq!(status_of(&part), "escalated");

    let liaison = Browser::login(&t, "liaison", "password-123").await;
    let (_, home) = liaison.get("/").await;
    let queue = &home[home.find("data-testid=\"team-queue\"").unwrap()..];
    assert!(queue.contains(&format!("href=\"/tickets/{id}\"")), "{home}");
    let (_, page) = liaison.get(&format!("/tickets/{id}")).await;
    assert!(buttons(&page).contains(&"assign"));
    assert!(
        page.contains(&format!("<option value=\"{worker}\"")),
        "the department's people to choose from"
    );
    let (status, part) = liaison
        .htmx(
            &format!("/tickets/{id}/assign"),
            &[("user_id", &worker.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert!(
        part.contains("data-testid=\"ticket-assignee\">qa_li<"),
        "{part}"
    );
}

both!(what_people_type_is_shown_as_text);
async fn what_people_type_is_shown_as_text(t: TestApp) {
    let (_, agent_token) = t.user("agent", "agent", None, None).await;
    let evil = "<script>alert(\"x\")</script><img src=x onerror=alert(1)>";
    let customer = t
        .create(
            &agent_token,
            "/api/v1/customers",
            json!({"name": evil, "phone": "13800004444"}),
        )
        .await;
    let id = t
        .create(
            &agent_token,
            "/api/v1/tickets",
            json!({"customer_id": customer, "channel": "phone", "category": "other", "subject": evil}),
        )
        .await;
    let agent = Browser::login(&t, "agent", "password-123").await;
    for path in [
        format!("/customers/{customer}"),
        format!("/tickets/{id}"),
        "/".to_owned(),
    ] {
        let (status, html) = agent.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!html.contains("<script>alert"), "{path}: {html}");
        assert!(!html.contains("<img src=x"), "{path}");
        let shown = html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;");
        assert!(shown, "{path}: the text is shown: {html}");
    }
    let (status, part) = agent
        .htmx(&format!("/tickets/{id}/note"), &[("body", evil)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!part.contains("<img src=x"), "{part}");
}

both!(a_customer_is_changed_from_their_page_with_errors_by_the_field);
async fn a_customer_is_changed_from_their_page_with_errors_by_the_field(t: TestApp) {
    let (_, agent_token) = t.user("agent", "agent", None, None).await;
    let customer = t
        .create(
            &agent_token,
            "/api/v1/customers",
            json!({"name": "孙丽", "phone": "13800008888"}),
        )
        .await;
    let agent = Browser::login(&t, "agent", "password-123").await;
    let (_, page) = agent.get(&format!("/customers/{customer}")).await;
    assert!(page.contains("data-testid=\"customer-edit\""), "{page}");
    let path = format!("/customers/{customer}");
    let mut fields = vec![
        ("name", "孙丽"),
        ("phone", "13800008888"),
        ("other_phones", "1380000"),
        ("wechat", ""),
        ("address", "上海市徐汇区"),
        ("tier", "B"),
        ("tags", "车主俱乐部"),
        ("general", "关注保养价格、希望周末服务"),
        ("personal", ""),
        ("hidden", ""),
    ];
    // A bad second phone: the form comes back with the message by that field.
    let (status, part) = agent.htmx(&path, &fields).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        part.contains("data-testid=\"error-other_phones\""),
        "{part}"
    );
    assert!(
        part.contains("value=\"上海市徐汇区\""),
        "what was typed stays"
    );
    let (_, before) = t
        .get(&agent_token, &format!("/api/v1/customers/{customer}"))
        .await;
    assert!(before["address"].is_null(), "nothing was written");

    fields[2] = ("other_phones", "13900009999");
    let res = agent
        .client
        .post(t.url(&path))
        .header(COOKIE, &agent.cookie)
        .header("x-csrf-token", &agent.csrf)
        .header("hx-request", "true")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&fields))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["hx-redirect"], path.as_str());
    let (_, after) = t
        .get(&agent_token, &format!("/api/v1/customers/{customer}"))
        .await;
    assert_eq!(after["address"], "上海市徐汇区");
    assert_eq!(after["tier"], "B");
    assert_eq!(after["other_phones"], json!(["13900009999"]));
    assert_eq!(
        after["needs"]["general"],
        json!(["关注保养价格", "希望周末服务"])
    );
    let (_, audit) = t.get(&t.admin, "/api/v1/audit?entity=customer").await;
    assert!(audit.to_string().contains("customer.update"), "{audit}");
}

both!(the_centre_picks_any_dealers_or_departments_queue);
async fn the_centre_picks_any_dealers_or_departments_queue(t: TestApp) {
    let sh = t.dealer("SH01").await;
    let bj = t.dealer("BJ01").await;
    let quality = t.department("QA").await;
    let (_, agent) = t.user("agent", "agent", None, None).await;
    t.user("boss", "manager", None, None).await;
    t.user("staff", "dealer_staff", Some(sh), None).await;
    let customer = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "吴磊", "phone": "13800009999"}),
        )
        .await;
    let mut numbers = Vec::new();
    for (path, body) in [
        ("dispatch", json!({"dealer_id": sh})),
        ("dispatch", json!({"dealer_id": bj})),
        ("escalate", json!({"department_id": quality})),
    ] {
        let id = t
            .create(
                &agent,
                "/api/v1/tickets",
                json!({"customer_id": customer, "channel": "phone", "category": "inquiry", "subject": "问询"}),
            )
            .await;
        let (status, o) = t
            .post(&agent, &format!("/api/v1/tickets/{id}/{path}"), body)
            .await;
        assert_eq!(status, StatusCode::OK, "{o}");
        numbers.push(o["number"].as_str().unwrap().to_owned());
    }
    let boss = Browser::login(&t, "boss", "password-123").await;
    let queue = |html: &str| html[html.find("data-testid=\"team-queue\"").unwrap()..].to_owned();
    let has = |html: &str, n: &str| queue(html).contains(&format!("data-number=\"{n}\""));
    let (_, all) = boss.get("/").await;
    assert!(all.contains("data-testid=\"queue-pick\""));
    assert!(numbers.iter().all(|n| has(&all, n)), "every queue at once");
    let (_, only_sh) = boss.get(&format!("/?queue=d{sh}")).await;
    assert!(
        has(&only_sh, &numbers[0]) && !has(&only_sh, &numbers[1]) && !has(&only_sh, &numbers[2])
    );
    assert!(only_sh.contains(&format!("<option value=\"d{sh}\" selected>")));
    let (_, only_qa) = boss.get(&format!("/?queue=p{quality}")).await;
    assert!(has(&only_qa, &numbers[2]) && !has(&only_qa, &numbers[0]));
    // A dealer's staff have their own queue only, whatever they ask for.
    let staff = Browser::login(&t, "staff", "password-123").await;
    let (_, theirs) = staff.get(&format!("/?queue=d{bj}")).await;
    assert!(!theirs.contains("data-testid=\"queue-pick\""));
    assert!(has(&theirs, &numbers[0]) && !has(&theirs, &numbers[1]));
}

both!(late_work_and_todays_callbacks_are_on_the_home_page);
async fn late_work_and_todays_callbacks_are_on_the_home_page(t: TestApp) {
    let sh = t.dealer("SH01").await;
    let (_, agent) = t.user("agent", "agent", None, None).await;
    let (_, staff) = t.user("staff", "dealer_staff", Some(sh), None).await;
    let customer = t
        .create(
            &agent,
            "/api/v1/customers",
            json!({"name": "郑洁", "phone": "13800001212", "dealer_id": sh}),
        )
        .await;
    let mut numbers = Vec::new();
    for resolve in [false, true] {
        let id = t
            .create(
                &agent,
                "/api/v1/tickets",
                json!({"customer_id": customer, "channel": "phone", "category": "repair", "subject": "异响"}),
            )
            .await;
        let (_, o) = t
            .post(
                &agent,
                &format!("/api/v1/tickets/{id}/dispatch"),
                json!({"dealer_id": sh}),
            )
            .await;
        numbers.push(o["number"].as_str().unwrap().to_owned());
        if resolve {
            let (status, o) = t
                .post(
                    &staff,
                    &format!("/api/v1/tickets/{id}/resolve"),
                    json!({"resolution": "已处理"}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{o}");
        }
    }
    let section = |html: &str, id: &str| {
        let at = html.find(&format!("data-testid=\"{id}\"")).unwrap();
        let rest = &html[at..];
        rest[..rest.find("</section>").unwrap()].to_owned()
    };
    // Three days on, the dispatched order's response is late and the
    // resolved one's callback is due.
    t.app
        .clock
        .advance(std::time::Duration::from_secs(3 * 24 * 3600));
    let b = Browser::login(&t, "agent", "password-123").await;
    let (_, home) = b.get("/").await;
    let late = section(&home, "at-risk");
    assert!(
        late.contains(&format!("data-number=\"{}\"", numbers[0])),
        "{late}"
    );
    assert!(late.contains("data-due=\""), "it counts down: {late}");
    assert!(
        !late.contains(&format!("data-number=\"{}\"", numbers[1])),
        "a resolved order is not late work"
    );
    let callbacks = section(&home, "callbacks");
    assert!(
        callbacks.contains(&format!("data-number=\"{}\"", numbers[1])),
        "{callbacks}"
    );
    assert!(!callbacks.contains(&format!("data-number=\"{}\"", numbers[0])));
}
