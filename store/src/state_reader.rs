//! A connection held for a run of reads over current state: what a derived view uses
//! to see what a page of the log changed.
//!
//! A view's step issues a dozen small statements (names, columns, edges, tags of the
//! datasets a page touched); holding one connection for all of them keeps them off the
//! pool's queue and each one a single round-trip. The connection stays inside this
//! crate: callers get typed records from the methods in [`crate::log_subjects`],
//! [`crate::graph_state`], [`crate::search_docs`] and [`crate::derived_lineage`].

use sqlx::Any;
use sqlx::pool::PoolConnection;

use crate::{Backend, Store, StoreError};

/// One pooled connection for reads of current state; see the module documentation.
pub struct StateReader {
    pub(crate) conn: PoolConnection<Any>,
    pub(crate) backend: Backend,
}

impl std::fmt::Debug for StateReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateReader")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Takes a connection from the pool for a run of reads.
    pub async fn state_reader(&self) -> Result<StateReader, StoreError> {
        Ok(StateReader {
            conn: self.pool().acquire().await?,
            backend: self.backend(),
        })
    }
}
