//! Other replicas' commits, as they happen: PostgreSQL's LISTEN/NOTIFY.
//!
//! Every writer transaction on PostgreSQL ends with `pg_notify` on [`CHANNEL`] carrying
//! the last sequence number it appended; PostgreSQL delivers it at commit, to every
//! listening session, so derived views on other replicas wake within milliseconds
//! instead of at their next poll. A notification sent while a listener was
//! disconnected is never redelivered, so after every (re)connect the listener reads the
//! log's end itself and wakes everything: a reconnect costs a catch-up, never an entry.
//! The views' poll stays as the backstop. SQLite has one process per file and nothing to
//! listen to.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::{Backend, Store, StoreError};

/// The channel the writer notifies and the listener listens on.
pub const CHANNEL: &str = "weft_log";

/// How long the listener waits before connecting again after a failure.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// What the listener reports; the server's metrics implement it, so the store does not
/// depend on the HTTP layer's registry.
pub trait ListenObserver: Send + Sync + 'static {
    /// A notification arrived.
    fn notified(&self);
    /// The listener connected again after losing its connection (or failing to open it).
    fn reconnected(&self);
}

impl Store {
    /// On PostgreSQL, starts a task that listens on [`CHANNEL`] and publishes the
    /// highest log sequence number it has heard of (from notifications, and from the
    /// log itself after every connect) until `stop` turns true. `None` on SQLite.
    pub fn listen_log(
        &self,
        observer: Arc<dyn ListenObserver>,
        stop: watch::Receiver<bool>,
    ) -> Option<(watch::Receiver<i64>, tokio::task::JoinHandle<()>)> {
        if self.backend() != Backend::Postgres {
            return None;
        }
        let (tx, rx) = watch::channel(0i64);
        let task = tokio::spawn(listen(self.clone(), tx, observer, stop));
        Some((rx, task))
    }
}

/// Publishes `seq` when it is past what was published.
fn publish(tx: &watch::Sender<i64>, seq: i64) {
    tx.send_if_modified(|v| {
        let moved = seq > *v;
        if moved {
            *v = seq;
        }
        moved
    });
}

/// Connects, listens and catches up: the log's end is read only once the LISTEN is in
/// place, so nothing committed in between can be missed.
async fn connect(store: &Store, tx: &watch::Sender<i64>) -> Result<PgListener, StoreError> {
    let mut listener = PgListener::connect(&store.url).await?;
    listener.listen(CHANNEL).await?;
    publish(tx, store.last_seq().await?);
    Ok(listener)
}

async fn listen(
    store: Store,
    tx: watch::Sender<i64>,
    observer: Arc<dyn ListenObserver>,
    mut stop: watch::Receiver<bool>,
) {
    let mut first = true;
    loop {
        if *stop.borrow() {
            return;
        }
        let connected = tokio::select! {
            c = connect(&store, &tx) => c,
            _ = stop.changed() => return,
        };
        let mut listener = match connected {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "listening for other replicas' commits failed; retrying");
                first = false;
                tokio::select! {
                    _ = tokio::time::sleep(RECONNECT_DELAY) => {}
                    _ = stop.changed() => return,
                }
                continue;
            }
        };
        if !first {
            tracing::info!("listening for other replicas' commits again; caught up with the log");
            observer.reconnected();
        }
        first = false;
        loop {
            let next = tokio::select! {
                n = listener.try_recv() => n,
                _ = stop.changed() => return,
            };
            match next {
                Ok(Some(n)) => {
                    observer.notified();
                    match n.payload().parse::<i64>() {
                        Ok(seq) => publish(&tx, seq),
                        Err(_) => {
                            tracing::warn!(payload = n.payload(), "unreadable log notification")
                        }
                    }
                }
                Ok(None) => {
                    tracing::warn!(
                        "lost the connection listening for other replicas' commits; reconnecting"
                    );
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "listening for other replicas' commits failed; reconnecting");
                    break;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(RECONNECT_DELAY) => {}
            _ = stop.changed() => return,
        }
    }
}
