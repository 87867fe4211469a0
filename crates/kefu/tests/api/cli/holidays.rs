//! `kefu calendar import-holidays FILE`: a year the built-in official data
//! does not know, entered from the State Council's notice.

use tempfile::TempDir;

use super::*;

const NOTICE_2027: &str = "# 国务院办公厅关于2027年部分节假日安排的通知\n\
    2027-01-01 休 元旦\n\
    2027-02-06~2027-02-12 休 春节\n\
    2027-02-14 班\n\
    2027-02-20 班\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_enters_its_year_into_the_default_calendar() {
    let dir = TempDir::new().unwrap();
    let bad = write_file(dir.path(), "bad.txt", "2027-01-01 休\n2027-02-30 班\n");
    let out = run(kefu_in(
        dir.path(),
        &["calendar", "import-holidays", bad.to_str().unwrap()],
    ))
    .fails();
    assert!(out.stderr.contains("line 2"), "{out}");
    let file = write_file(dir.path(), "2027.txt", NOTICE_2027);
    let out = run(kefu_in(
        dir.path(),
        &["calendar", "import-holidays", file.to_str().unwrap()],
    ))
    .ok();
    assert!(
        out.stdout
            .contains("entered 2027: 8 holidays and 2 make-up workdays"),
        "{out}"
    );

    let mut cmd = serve_cmd(dir.path(), &[]);
    cmd.env("KEFU_ADMIN_PASSWORD", "admin-password-1");
    let server = serve(cmd);
    let token = server.login("admin", "admin-password-1").await;
    let (_, list) = server.get(&token, "/api/v1/calendars").await;
    let cal = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["is_default"] == true)
        .unwrap()
        .clone();
    assert_eq!(cal["official_years"], json!([2027]), "{cal}");
    let id = cal["id"].as_i64().unwrap();
    let (_, m) = server
        .get(
            &token,
            &format!("/api/v1/calendars/{id}/month?year=2027&month=2"),
        )
        .await;
    assert_eq!(m["official_dates_missing"], false, "{m}");
    let day = |d: &str| {
        m["days"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["date"] == d)
            .unwrap()
            .clone()
    };
    assert_eq!(
        day("2027-02-09")["working"],
        false,
        "a Tuesday of the Spring Festival"
    );
    assert_eq!(day("2027-02-14")["working"], true, "a Sunday worked");

    // A deadline through 2027 is now trusted; one running into 2028 is flagged.
    let (_, due) = server
        .get(
            &token,
            &format!(
                "/api/v1/calendars/{id}/deadline?start=2027-02-05T17:30:00%2B08:00&minutes=60"
            ),
        )
        .await;
    assert_eq!(
        due["due"], "2027-02-14T01:30:00Z",
        "past the festival, on the Sunday worked: {due}"
    );
    assert_eq!(due["official_dates_missing"], false, "{due}");
    let (_, due) = server
        .get(
            &token,
            &format!(
                "/api/v1/calendars/{id}/deadline?start=2027-12-31T17:00:00%2B08:00&minutes=120"
            ),
        )
        .await;
    assert_eq!(due["official_dates_missing"], true, "{due}");
    server.terminate();

    // Entering it again changes nothing.
    let out = run(kefu_in(
        dir.path(),
        &["calendar", "import-holidays", file.to_str().unwrap()],
    ))
    .ok();
    assert!(out.stdout.contains("entered 2027"), "{out}");
}
