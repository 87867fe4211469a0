//! Start the real server on a free port, with a fresh SQLite folder or a
//! fresh PostgreSQL schema, and talk HTTP to it.

use std::time::Duration;

use kefu_app::{App, AppConfig, Clock};
use kefu_store::{Store, StoreOptions};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const ADMIN_PASSWORD: &str = "admin-password-1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Where a test's data lives, so a second server can open the same data.
#[derive(Clone)]
pub enum Place {
    Dir(std::path::PathBuf),
    Url(String),
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub app: App,
    pub place: Place,
    pub admin: String,
    _dir: Option<TempDir>,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
}

/// The PostgreSQL server tests use (`.ci/run` sets it); `None` after saying
/// the case is skipped. Fails the case when `KEFU_REQUIRE_POSTGRES=1` and no
/// server is set (see `kefu_store::testing`).
pub fn pg_url() -> Option<String> {
    kefu_store::testing::postgres_url()
}

/// A fresh, empty schema of its own for one test; fails the case, saying
/// so, when the server cannot be reached.
pub async fn fresh_pg_schema() -> String {
    let base = pg_url().expect("KEFU_TEST_DATABASE_URL");
    kefu_store::testing::fresh_schema(&base, "kefu_t").await
}

pub async fn open_store(place: &Place) -> Store {
    match place {
        Place::Dir(d) => Store::open_sqlite(d, &StoreOptions::default())
            .await
            .unwrap(),
        Place::Url(u) => Store::open_postgres(u, &StoreOptions::default())
            .await
            .unwrap(),
    }
}

impl TestApp {
    /// A new server on new, empty data; `None` for PostgreSQL when no test
    /// database is configured.
    pub async fn spawn(db: Db) -> Option<TestApp> {
        Self::spawn_with(db, AppConfig::default()).await
    }

    pub async fn spawn_with(db: Db, config: AppConfig) -> Option<TestApp> {
        Self::spawn_at(db, config, chrono::Utc::now()).await
    }

    /// A new server whose (manual) clock starts at `start`.
    pub async fn spawn_at(
        db: Db,
        config: AppConfig,
        start: chrono::DateTime<chrono::Utc>,
    ) -> Option<TestApp> {
        let (place, dir) = match db {
            Db::Sqlite => {
                let dir = TempDir::new().unwrap();
                (Place::Dir(dir.path().to_owned()), Some(dir))
            }
            Db::Postgres => {
                let base = pg_url()?;
                let url = kefu_store::testing::fresh_schema(&base, "kefu_t").await;
                (Place::Url(url), None)
            }
        };
        let clock = Clock::manual(start);
        let mut t = Self::start(place, config, clock).await;
        t._dir = dir;
        Some(t)
    }

    /// Start a server on existing data (e.g. after a restart).
    pub async fn start(place: Place, config: AppConfig, clock: Clock) -> TestApp {
        let store = open_store(&place).await;
        store.migrate().await.unwrap();
        let app = App::new(store, config, clock);
        kefu_app::org::users::ensure_admin(&app, Some(ADMIN_PASSWORD))
            .await
            .unwrap();
        kefu_app::calendars::ensure_default(&app).await.unwrap();
        kefu_app::sla::ensure_defaults(&app).await.unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(kefu_web::serve(listener, app.clone(), async move {
            let _ = rx.await;
        }));
        kefu_app::webhooks::install_tls_provider();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let mut t = TestApp {
            base,
            client,
            app,
            place,
            admin: String::new(),
            _dir: None,
            shutdown: Some(tx),
            handle: Some(handle),
        };
        t.admin = t.login("admin", ADMIN_PASSWORD).await;
        t
    }

    /// Stop gracefully and close the database; the data stays.
    pub async fn stop(mut self) -> (Place, Option<TempDir>) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            h.await.unwrap().unwrap();
        }
        self.app.store.close().await;
        (self.place.clone(), self._dir.take())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// Create something and return its id, failing the test otherwise.
    pub async fn create(&self, token: &str, path: &str, body: Value) -> i64 {
        let (status, v) = self.post(token, path, body).await;
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {v}");
        v["id"].as_i64().unwrap()
    }

    pub async fn dealer(&self, code: &str) -> i64 {
        self.create(
            &self.admin,
            "/api/v1/dealers",
            json!({"code": code, "name": format!("{code} 店")}),
        )
        .await
    }

    pub async fn department(&self, code: &str) -> i64 {
        self.create(
            &self.admin,
            "/api/v1/departments",
            json!({"code": code, "name": format!("{code} 部")}),
        )
        .await
    }

    /// A user of the role, logged in; returns (id, token).
    pub async fn user(
        &self,
        username: &str,
        role: &str,
        dealer_id: Option<i64>,
        department_id: Option<i64>,
    ) -> (i64, String) {
        let id = self
            .create(
                &self.admin,
                "/api/v1/users",
                json!({"username": username, "password": "password-123", "display_name": username,
                       "role": role, "dealer_id": dealer_id, "department_id": department_id}),
            )
            .await;
        (id, self.login(username, "password-123").await)
    }
}

/// Run a test body against SQLite and, when configured, PostgreSQL.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(t) = $crate::helpers::TestApp::spawn($crate::helpers::Db::Sqlite).await
                {
                    super::$name(t).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) =
                    $crate::helpers::TestApp::spawn($crate::helpers::Db::Postgres).await
                {
                    super::$name(t).await;
                }
            }
        }
    }; // The same, with a configuration of its own.
    ($name:ident, $config:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::helpers::TestApp::spawn_with($crate::helpers::Db::Sqlite, $config);
                if let Some(t) = t.await {
                    super::$name(t).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t =
                    $crate::helpers::TestApp::spawn_with($crate::helpers::Db::Postgres, $config);
                if let Some(t) = t.await {
                    super::$name(t).await;
                }
            }
        }
    };
    // The same, on a server whose clock starts at `$start`.
    ($name:ident, $config:expr, $start:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::helpers::Db::Sqlite;
                let t = $crate::helpers::TestApp::spawn_at(db, $config, $start);
                if let Some(t) = t.await {
                    super::$name(t).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let db = $crate::helpers::Db::Postgres;
                let t = $crate::helpers::TestApp::spawn_at(db, $config, $start);
                if let Some(t) = t.await {
                    super::$name(t).await;
                }
            }
        }
    };
}

/// A configuration whose tokens outlive the days a test moves its clock
/// through.
pub fn long_tokens() -> kefu_app::AppConfig {
    kefu_app::AppConfig {
        token_ttl: Duration::from_secs(365 * 24 * 3600),
        ..kefu_app::AppConfig::default()
    }
}

/// A valid VIN for a serial number: the check digit is computed.
pub fn vin(serial: u32) -> String {
    let body = format!("LSVAU2180N{:07}", serial % 10_000_000);
    kefu_core::vehicles::Vin::with_check_digit(&body)
        .unwrap()
        .as_str()
        .to_owned()
}
