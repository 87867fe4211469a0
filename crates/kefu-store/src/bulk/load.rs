//! A bulk load's transactions, whichever the engine: on SQLite through a
//! [`Loader`] of its own, on PostgreSQL through the store.

use super::{Loader, Rows, Target};
use crate::{Result, Store, Tx};

/// Where a bulk load writes.
#[derive(Debug)]
pub struct Load<'s> {
    store: &'s Store,
    loader: Option<Loader>,
}

impl<'s> Load<'s> {
    pub fn open(store: &'s Store) -> Result<Load<'s>> {
        Ok(Load {
            store,
            loader: store.loader()?,
        })
    }

    /// Begin a write transaction.
    pub async fn begin(&mut self) -> Result<LoadTx<'_>> {
        Ok(match &mut self.loader {
            Some(loader) => {
                loader.begin()?;
                LoadTx::Loader(Open(loader))
            }
            None => LoadTx::Store(self.store.begin().await?),
        })
    }
}

/// A transaction of a [`Load`]: commit it, or it rolls back when dropped.
pub enum LoadTx<'l> {
    Loader(Open<'l>),
    Store(Tx),
}

/// A transaction open on a [`Loader`].
#[derive(Debug)]
pub struct Open<'l>(&'l mut Loader);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        // Nothing to undo once committed.
        if let Err(e) = self.0.rollback() {
            tracing::warn!(error = %e, "rolling back a bulk load's transaction");
        }
    }
}

impl LoadTx<'_> {
    pub async fn commit(self) -> Result<()> {
        match self {
            LoadTx::Loader(open) => open.0.commit(),
            LoadTx::Store(tx) => Ok(tx.commit().await?),
        }
    }
}

impl Rows for LoadTx<'_> {
    fn target(&mut self) -> Target<'_> {
        match self {
            LoadTx::Loader(open) => Target::Loader(open.0),
            LoadTx::Store(tx) => Target::Store(tx),
        }
    }
}
