//! `metadataChanges`: the change log as a live feed, over graphql-transport-ws.
//!
//! An active catalog tells tools what changed instead of making them poll. The feed
//! reads the change log after a sequence number and then waits on the writer's commit
//! signal, so a subscriber sees every committed change once, in order, and a client
//! that reconnects with the last `seq` it saw misses nothing. The stream holds no
//! resources but a watch receiver and a metrics guard: when the client goes, both drop.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{Context, ErrorExtensions, InputObject, Result, Subscription};
use futures_util::Stream;

use super::types::{Change, state};
use super::{Viewer, store_error};
use crate::auth::Scope;

/// Which changes a subscriber wants; every given condition must hold.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ChangeFilter {
    /// Only these kinds (`openlineage.run`, `catalog.edit`, `tag.review`…).
    pub kinds: Option<Vec<String>>,
    /// Only this namespace.
    pub namespace: Option<String>,
    /// Only entities starting with this (`dataset:postgres://db:5432:shop.`).
    pub entity_prefix: Option<String>,
}

impl ChangeFilter {
    fn wants(&self, c: &Change) -> bool {
        self.kinds.as_ref().is_none_or(|k| k.contains(&c.kind))
            && self
                .namespace
                .as_ref()
                .is_none_or(|n| c.namespace.as_deref() == Some(n.as_str()))
            && self
                .entity_prefix
                .as_ref()
                .is_none_or(|p| c.entity.starts_with(p.as_str()))
    }
}

/// Changes read per round trip to the log.
const BATCH: i64 = 200;

/// Most subscriptions one WebSocket may hold open at once. Each reads the change log
/// after every commit, so the count, not the socket, is what costs: a page needs one or
/// two, and without a cap one client could start thousands on a single connection.
pub const PER_CONNECTION: usize = 32;

/// The subscriptions open on one WebSocket connection (in its connection data).
#[derive(Debug, Default, Clone)]
pub struct ConnectionSubscriptions(Arc<AtomicUsize>);

impl ConnectionSubscriptions {
    /// A slot for one more subscription, or `None` at the cap.
    fn take(&self) -> Option<Slot> {
        let before = self.0.fetch_add(1, Ordering::Relaxed);
        if before >= PER_CONNECTION {
            self.0.fetch_sub(1, Ordering::Relaxed);
            return None;
        }
        Some(Slot(self.0.clone()))
    }
}

/// One open subscription's place in its connection's count, given back on drop.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The subscription root.
pub struct SubscriptionRoot;

#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Every change committed after `since` (default: from now on), as it commits.
    async fn metadata_changes(
        &self,
        ctx: &Context<'_>,
        since: Option<i64>,
        filter: Option<ChangeFilter>,
    ) -> Result<impl Stream<Item = Change>> {
        ctx.data::<Viewer>()?.require(Scope::Read)?;
        let slot = match ctx.data_opt::<ConnectionSubscriptions>() {
            Some(open) => Some(open.take().ok_or_else(|| {
                async_graphql::Error::new(format!(
                    "too many subscriptions on this connection (at most {PER_CONNECTION}); \
                     complete one or open another connection"
                ))
                .extend_with(|_, e| e.set("code", "TOO_MANY_SUBSCRIPTIONS"))
            })?),
            None => None,
        };
        let s = state(ctx).clone();
        let cursor = match since {
            Some(seq) if seq >= 0 => seq,
            Some(_) => return Err(super::bad_input("since", "since must not be negative")),
            None => s.store.last_seq().await.map_err(store_error)?,
        };
        let filter = filter.unwrap_or_default();
        let feed = Feed {
            cursor,
            buffer: VecDeque::new(),
            // Every replica's commits, not only this one's writer's.
            committed: s.commits.clone(),
            shutdown: s.shutdown.clone(),
            guard: s.metrics.subscription_opened(),
            _slot: slot,
            store: s.store.clone(),
            filter,
        };
        Ok(futures_util::stream::unfold(feed, |mut f| async move {
            let next = f.next().await?;
            Some((next, f))
        }))
    }
}

struct Feed {
    cursor: i64,
    buffer: VecDeque<Change>,
    committed: tokio::sync::watch::Receiver<i64>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    #[allow(dead_code)]
    guard: crate::metrics::SubscriptionGuard,
    /// Held for the stream's life: its connection's count goes down when it ends.
    _slot: Option<Slot>,
    store: weft_store::Store,
    filter: ChangeFilter,
}

impl Feed {
    /// The next wanted change; `None` ends the stream (the server is stopping).
    async fn next(&mut self) -> Option<Change> {
        loop {
            if let Some(c) = self.buffer.pop_front() {
                return Some(c);
            }
            if *self.shutdown.borrow() {
                return None;
            }
            // Seen before reading: a commit after the read wakes the wait below.
            self.committed.borrow_and_update();
            match self
                .store
                .changes(self.cursor, BATCH, None, None, false)
                .await
            {
                Ok(entries) if !entries.is_empty() => {
                    for e in entries {
                        self.cursor = e.seq;
                        let c = Change::from(e);
                        if self.filter.wants(&c) {
                            self.buffer.push_back(c);
                        }
                    }
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "change feed read failed; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    continue;
                }
            }
            tokio::select! {
                changed = self.committed.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                }
                _ = self.shutdown.changed() => {}
            }
        }
    }
}
