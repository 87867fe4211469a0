//! What happens now, told to every kefu serving the same PostgreSQL
//! database: a ringing call must pop on the agent's page whichever instance
//! the page is connected to. The message goes out with the transaction that
//! stores the call (`NOTIFY` is delivered at commit, never for a rollback);
//! each instance listens and hands it to its own open pages. The embedded
//! database has one instance, which needs no such relay.

use sqlx::postgres::PgListener;

use crate::{Conn, Result, Store};

/// The channel is `kefu_live_<schema>`: kefu groups kept in separate
/// schemas of one database (and tests running side by side) do not hear each
/// other.
pub const CHANNEL: &str = "kefu_live_";

/// Announce `payload` to every listening instance when `tx` commits.
/// Nothing on SQLite.
pub async fn announce(store: &Store, tx: &mut Conn, payload: &str) -> Result<()> {
    if let Some(announce) = store.dialect().announce() {
        sqlx::query(announce)
            .bind(CHANNEL)
            .bind(payload.to_owned())
            .execute(tx)
            .await?;
    }
    Ok(())
}

/// A connection that hears the announcements; none on SQLite.
pub struct Listener(PgListener);

impl Listener {
    pub async fn open(store: &Store) -> Result<Option<Listener>> {
        let Some(url) = store.url() else {
            return Ok(None);
        };
        let mut l = PgListener::connect(url).await?;
        let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
            .fetch_one(&mut l)
            .await?;
        l.listen(&format!("{CHANNEL}{schema}")).await?;
        Ok(Some(Listener(l)))
    }

    /// The next announcement. A lost connection is opened again (what was
    /// announced meanwhile is missed: a pop is only useful while the phone
    /// rings).
    pub async fn next(&mut self) -> Result<String> {
        Ok(self.0.recv().await?.payload().to_owned())
    }
}
