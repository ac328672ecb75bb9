//! A replica's read position: the highest log sequence number every read it serves
//! reflects.
//!
//! Each derived view reports what its readers see ([`crate::DerivedView::position`]);
//! the replica's position is the minimum over its views. Reads of the store itself
//! reflect at least as much (current state is written in the transaction that appends
//! to the log), so that minimum holds for every read. A client that wrote through one
//! replica and reads through another asks the second to wait until its position reaches
//! the write's ([`Positions::wait_for`]).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

/// The positions of a replica's views, and their minimum; cheap to clone.
#[derive(Clone, Debug)]
pub struct Positions {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    views: Mutex<BTreeMap<&'static str, i64>>,
    min: watch::Sender<i64>,
}

impl Default for Positions {
    fn default() -> Self {
        Positions::new()
    }
}

impl Positions {
    /// No view yet: position 0.
    pub fn new() -> Positions {
        Positions {
            inner: Arc::new(Inner {
                views: Mutex::new(BTreeMap::new()),
                min: watch::channel(0).0,
            }),
        }
    }

    /// Counts `view` in, at position 0 until it reports: a replica whose view has not
    /// caught up yet must not claim what that view has not applied.
    pub fn register(&self, view: &'static str) {
        self.update(|views| {
            views.entry(view).or_insert(0);
        });
    }

    /// Counts `view` out (it stopped for good and serves nothing).
    pub fn remove(&self, view: &'static str) {
        self.update(|views| {
            views.remove(view);
        });
    }

    /// `view` now reflects the log up to `seq`. A view's position only moves forward.
    pub fn set(&self, view: &'static str, seq: i64) {
        self.update(|views| {
            let at = views.entry(view).or_insert(0);
            *at = (*at).max(seq);
        });
    }

    fn update(&self, change: impl FnOnce(&mut BTreeMap<&'static str, i64>)) {
        let mut views = self.inner.views.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut views);
        let min = views.values().min().copied().unwrap_or(0);
        self.inner.min.send_if_modified(|v| {
            let moved = *v != min;
            *v = min;
            moved
        });
    }

    /// The highest log entry every read of this replica reflects.
    pub fn position(&self) -> i64 {
        *self.inner.min.borrow()
    }

    /// Each view's position, by name.
    pub fn views(&self) -> BTreeMap<&'static str, i64> {
        self.inner
            .views
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits (woken by the views' progress, up to `timeout`) until the position is at
    /// least `seq`: `Ok` with the position reached, or `Err` with the position when the
    /// time ran out.
    pub async fn wait_for(&self, seq: i64, timeout: Duration) -> Result<i64, i64> {
        let mut rx = self.inner.min.subscribe();
        let reached = tokio::time::timeout(timeout, rx.wait_for(|&p| p >= seq)).await;
        match reached {
            Ok(Ok(p)) => Ok(*p),
            _ => Err(self.position()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_slowest_view_decides_and_waiting_ends_when_it_moves() {
        let p = Positions::new();
        p.register("a");
        p.register("b");
        p.set("a", 10);
        assert_eq!(p.position(), 0);
        assert_eq!(p.wait_for(5, Duration::from_millis(10)).await, Err(0));
        let waiter = {
            let p = p.clone();
            tokio::spawn(async move { p.wait_for(7, Duration::from_secs(30)).await })
        };
        p.set("b", 8);
        assert_eq!(waiter.await.ok(), Some(Ok(8)));
        p.set("b", 3);
        assert_eq!(p.position(), 8, "a view's position never moves back");
        p.remove("b");
        assert_eq!(p.position(), 10);
    }
}
