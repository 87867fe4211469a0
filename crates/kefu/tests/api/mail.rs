//! E-mail about late work: a breach is mailed to the people told of it,
//! through a real SMTP conversation with a small receiving server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use kefu_app::{AppConfig, SmtpConfig};
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::helpers::{Db, TestApp};

/// What the SMTP sink received: recipients and the raw message.
type Inbox = Arc<Mutex<Vec<(Vec<String>, String)>>>;

/// An SMTP server that accepts everything, on a free port.
async fn smtp_sink() -> (u16, Inbox) {
    let inbox: Inbox = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let store = inbox.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ready\r\n").await.unwrap();
                let (mut rcpt, mut data, mut in_data) = (Vec::new(), String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            store
                                .lock()
                                .unwrap()
                                .push((std::mem::take(&mut rcpt), std::mem::take(&mut data)));
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "RCPT" => {
                            rcpt.push(line.clone());
                            b"250 ok\r\n"
                        }
                        "DATA" => {
                            in_data = true;
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, inbox)
}

/// The text of a message: its base64 body decoded, headers as sent.
fn readable(raw: &str) -> String {
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
    let body = if head
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: base64")
    {
        let joined: String = body.lines().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .unwrap(),
        )
        .unwrap()
    } else {
        body.to_owned()
    };
    format!("{head}\n\n{body}")
}

async fn breach_for_a_liaison_with_email(t: &TestApp) -> String {
    let day = json!([["00:00", "24:00"]]);
    let cal = t
        .create(&t.admin, "/api/v1/calendars", json!({"name": "7x24", "timezone": "Asia/Shanghai", "public_holidays": null,
            "weekly": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day}}))
        .await;
    let dept = t.department("quality").await;
    let (s, body) = t
        .post(&t.admin, "/api/v1/users", json!({"username": "sun.liaison", "password": "password-123",
            "display_name": "孙联络员", "role": "liaison", "department_id": dept, "email": "sun@example.com"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert_eq!(body["email"], "sun@example.com");
    t.patch(
        &t.admin,
        &format!("/api/v1/departments/{dept}"),
        json!({"calendar_id": cal, "liaison_ids": [body["id"]]}),
    )
    .await;
    let customer = t
        .create(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "张伟", "phone": "13812345678"}),
        )
        .await;
    let id = t
        .create(
            &t.admin,
            "/api/v1/tickets",
            json!({"customer_id": customer, "channel": "phone",
            "category": "complaint", "subject": "异响"}),
        )
        .await;
    let (_, r) = t
        .post(
            &t.admin,
            &format!("/api/v1/tickets/{id}/escalate"),
            json!({"department_id": dept}),
        )
        .await;
    t.app.clock.advance(Duration::from_secs(3 * 3600));
    assert_eq!(
        kefu_app::timers::run_due(&t.app, t.app.now())
            .await
            .unwrap(),
        1
    );
    r["number"].as_str().unwrap().to_owned()
}

fn config(port: u16) -> AppConfig {
    AppConfig {
        smtp: Some(SmtpConfig {
            url: format!("smtp://127.0.0.1:{port}"),
            from: "客服中心 <kefu@example.com>".into(),
        }),
        ..AppConfig::default()
    }
}

async fn counts(t: &TestApp) -> (i64, i64) {
    let mut conn = t.app.store.read().await.unwrap();
    kefu_store::mail::counts(&mut conn).await.unwrap()
}

async fn mails_a_breach(db: Db) {
    let (port, inbox) = smtp_sink().await;
    let Some(t) = TestApp::spawn_with(db, config(port)).await else {
        return;
    };
    let number = breach_for_a_liaison_with_email(&t).await;
    assert_eq!(
        kefu_app::mail::send_due(&t.app, t.app.now()).await.unwrap(),
        1
    );
    assert_eq!(counts(&t).await, (1, 0));
    let inbox = inbox.lock().unwrap().clone();
    assert_eq!(inbox.len(), 1, "only the liaison has an address");
    assert!(
        inbox[0].0[0].contains("<sun@example.com>"),
        "{:?}",
        inbox[0].0
    );
    let text = readable(&inbox[0].1);
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("请尽快处理"), "{text}");
    assert_eq!(
        kefu_app::mail::send_due(&t.app, t.app.now()).await.unwrap(),
        0,
        "sent once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breach_is_mailed_on_sqlite() {
    mails_a_breach(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breach_is_mailed_on_postgres() {
    mails_a_breach(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_mail_server_is_retried() {
    // A port nothing listens on: bind, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t = TestApp::spawn_with(Db::Sqlite, config(port)).await.unwrap();
    breach_for_a_liaison_with_email(&t).await;
    assert_eq!(
        kefu_app::mail::send_due(&t.app, t.app.now()).await.unwrap(),
        1
    );
    assert_eq!(counts(&t).await, (0, 1), "kept for another try");
    assert_eq!(
        kefu_app::mail::send_due(&t.app, t.app.now()).await.unwrap(),
        0,
        "not before a minute"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_nothing_is_queued_and_emails_are_validated() {
    let t = TestApp::spawn(Db::Sqlite).await.unwrap();
    breach_for_a_liaison_with_email(&t).await;
    assert_eq!(counts(&t).await, (0, 0));
    let (s, body) = t
        .post(
            &t.admin,
            "/api/v1/users",
            json!({"username": "li.agent", "password": "password-123",
            "display_name": "李", "role": "agent", "email": "not an address"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "email");
}
