//! The PostgreSQL server of kefu's test suites, for this crate's tests and
//! those of the crates above it: the one place that decides whether a
//! PostgreSQL case runs. A case that cannot run never passes in silence:
//!
//! - `KEFU_TEST_DATABASE_URL` unset (or empty): the case prints
//!   `skipped: KEFU_TEST_DATABASE_URL is not set` and passes — unless
//!   `KEFU_REQUIRE_POSTGRES=1` (which `.ci/run` sets), then it fails;
//! - set, but the server cannot be reached: the case fails and says so.
//!
//! Not for kefu itself: nothing outside tests calls it.

use std::time::Duration;

use sqlx::{AssertSqlSafe, Connection};

/// The variable that names the server: `postgres://...`.
pub const DATABASE_URL: &str = "KEFU_TEST_DATABASE_URL";

/// The variable that, at `1`, makes a PostgreSQL case fail rather than
/// skip when [`DATABASE_URL`] is unset.
pub const REQUIRE: &str = "KEFU_REQUIRE_POSTGRES";

/// How long reaching the server may take before the case fails.
const REACH: Duration = Duration::from_secs(10);

/// The server's URL from the environment; `None` after printing that the
/// case is skipped.
///
/// # Panics
///
/// When no server is set but [`REQUIRE`] is `1`.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var(DATABASE_URL).ok();
    let require = std::env::var(REQUIRE).is_ok_and(|v| v == "1");
    match configured(url, require) {
        Ok(Some(url)) => Some(url),
        Ok(None) => {
            eprintln!("skipped: {DATABASE_URL} is not set");
            None
        }
        Err(why) => panic!("{why}"),
    }
}

/// What the two variables say: the server's URL; none (the case is
/// skipped); or why the case must fail.
pub fn configured(url: Option<String>, require: bool) -> Result<Option<String>, String> {
    match url.filter(|u| !u.is_empty()) {
        Some(url) => Ok(Some(url)),
        None if require => Err(format!(
            "{DATABASE_URL} is not set, and {REQUIRE}=1 says PostgreSQL cases must run: \
             set it to a PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/test)"
        )),
        None => Ok(None),
    }
}

/// A connection to the server at `url`, or why there is none.
pub async fn connect(url: &str) -> Result<sqlx::AnyConnection, String> {
    sqlx::any::install_default_drivers();
    let unreachable = |why: String| {
        format!(
            "{DATABASE_URL} is set, but PostgreSQL cannot be reached at {}: {why}",
            redacted(url)
        )
    };
    match tokio::time::timeout(REACH, sqlx::AnyConnection::connect(url)).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(unreachable(e.to_string())),
        Err(_) => Err(unreachable(format!("no answer in {REACH:?}"))),
    }
}

/// A new, empty schema on the server at `base` for one test, named from
/// `prefix`: answers the schema's name and a URL whose connections work in
/// it, or why there is none.
pub async fn try_fresh_schema(base: &str, prefix: &str) -> Result<(String, String), String> {
    let schema = format!(
        "{prefix}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    );
    let mut conn = connect(base).await?;
    // The name is made here from a prefix of kefu's tests, never from input.
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .map_err(|e| format!("creating the schema {schema}: {e}"))?;
    let _ = conn.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    Ok((schema, url))
}

/// [`try_fresh_schema`]'s URL.
///
/// # Panics
///
/// When the server cannot be reached, saying so.
pub async fn fresh_schema(base: &str, prefix: &str) -> String {
    match try_fresh_schema(base, prefix).await {
        Ok((_, url)) => url,
        Err(why) => panic!("{why}"),
    }
}

/// Drop a schema of [`try_fresh_schema`] and all it holds.
pub async fn drop_schema(base: &str, schema: &str) -> Result<(), String> {
    let mut conn = connect(base).await?;
    sqlx::raw_sql(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&mut conn)
        .await
        .map_err(|e| format!("dropping the schema {schema}: {e}"))?;
    let _ = conn.close().await;
    Ok(())
}

/// `url` without its password, for a message.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Nothing listens on port 1.
    const UNREACHABLE: &str = "postgres://kefu:secret@127.0.0.1:1/test";

    #[test]
    fn unset_skips_unless_postgres_is_required() {
        assert_eq!(configured(None, false), Ok(None));
        assert_eq!(configured(Some(String::new()), false), Ok(None));
        let why = configured(None, true).unwrap_err();
        assert!(why.contains("KEFU_TEST_DATABASE_URL is not set"), "{why}");
        assert!(why.contains("KEFU_REQUIRE_POSTGRES=1"), "{why}");
        assert_eq!(configured(Some(String::new()), true), Err(why));
        let url = "postgres://postgres@127.0.0.1:5432/test".to_owned();
        assert_eq!(configured(Some(url.clone()), true), Ok(Some(url)));
    }

    #[tokio::test]
    async fn an_unreachable_server_is_an_error_that_says_so() {
        let why = try_fresh_schema(UNREACHABLE, "kefu_never")
            .await
            .unwrap_err();
        assert!(
            why.starts_with("KEFU_TEST_DATABASE_URL is set, but PostgreSQL cannot be reached"),
            "{why}"
        );
        assert!(why.contains("kefu:***@127.0.0.1:1/test"), "{why}");
        assert!(!why.contains("secret"), "{why}");
    }

    /// What a case on an unreachable server does: it fails.
    #[tokio::test]
    #[should_panic(expected = "PostgreSQL cannot be reached")]
    async fn a_case_on_an_unreachable_server_fails() {
        fresh_schema(UNREACHABLE, "kefu_never").await;
    }
}
