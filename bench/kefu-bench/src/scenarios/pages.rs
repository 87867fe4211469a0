//! `pages`: the workbench as an agent uses it all day: the home page (four
//! queues with their clocks) and a work order's page (the order, its clocks,
//! timeline and moves), rendered on the server. Each sample is one page.
//! Target: every page under 50 ms on the server; here p95 at the client,
//! which includes the server's time.

use anyhow::Context;

use crate::bench::Bench;
use crate::floors::Floor;
use crate::load::{ClientState, Http, Outcome, Workload};

struct Pages {
    base: String,
    cookie: String,
    max: u64,
}

impl Workload for Pages {
    type Client = Http;
    fn ops(&self) -> &[&'static str] {
        &["GET / (home)", "GET /tickets/{id}"]
    }
    async fn connect(&self, _: usize) -> anyhow::Result<Http> {
        Http::with_cookie(&self.base, &self.cookie)
    }
    async fn call(&self, http: &mut Http, st: &mut ClientState) -> Outcome {
        // One home page for every four order pages.
        if st.rng.id(5) == 1 {
            Outcome::of(0, http.get("/").await.map(drop))
        } else {
            let id = st.rng.id(self.max);
            Outcome::of(1, http.get(&format!("/tickets/{id}")).await.map(drop))
        }
    }
}

/// Log in through the login form as a demo agent; the session cookie.
async fn session(base: &str) -> anyhow::Result<String> {
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = c.get(format!("{base}/login")).send().await?;
    let login = page
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("kefu_login="))
        .and_then(|v| v.split(';').next())
        .context("no login cookie")?
        .to_owned();
    let body = format!("username=agent&password=kefu-demo&csrf={login}");
    let res = c
        .post(format!("{base}/login"))
        .header(reqwest::header::COOKIE, format!("kefu_login={login}"))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await?;
    let session = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("kefu_session="))
        .and_then(|v| v.split(';').next())
        .context("the demo agent could not log in")?
        .to_owned();
    Ok(session)
}

pub async fn run(b: &mut Bench) -> anyhow::Result<()> {
    let floors = [Floor::Http];
    super::floors_first(b, &floors).await?;
    let d = super::drive(b, "pages", async |t, facts, _, _| {
        anyhow::ensure!(facts.tickets > 0, "the data holds no work orders");
        Ok(Pages {
            base: t.base.clone(),
            cookie: session(&t.base).await?,
            max: facts.tickets,
        })
    })
    .await?;
    let mut row = d.row(
        "pages",
        "workbench: GET / (1 in 5) and GET /tickets/{id}",
        1.0,
    );
    row.target("p95 ≤ 50 ms", row.latency.p95_ms <= 50.0 && row.errors == 0);
    b.against(&mut row, &floors).await?;
    b.push(row);
    for op in d.op_rows("pages") {
        b.push(op);
    }
    Ok(())
}
