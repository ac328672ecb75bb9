//! Leadership among the servers on one store: the lease holder runs the work that
//! must happen once however many replicas run (scheduled crawls).
//!
//! Each server tries to take the lease every [`TRY_EVERY`]; the holder checks every
//! [`CHECK_EVERY`] that its lease session still answers, and steps down when it does
//! not (its lock is gone with the connection, and another server may hold it already).
//! A holder that dies takes its session, and so its lock, with it: another server
//! takes over within one [`TRY_EVERY`].

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use weft_store::Store;
use weft_store::lease::LeaderLease;

use crate::metrics::Metrics;

/// How often a server that is not the leader tries to become it.
const TRY_EVERY: Duration = Duration::from_secs(2);

/// How often the leader checks that its lease still holds.
const CHECK_EVERY: Duration = Duration::from_secs(2);

/// Runs the lease loop until `stop`; the returned watch says whether this server leads.
pub fn spawn(
    store: Store,
    metrics: Arc<Metrics>,
    mut stop: watch::Receiver<bool>,
) -> (watch::Receiver<bool>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(async move {
        let mut lease: Option<LeaderLease> = None;
        loop {
            let holds = match &mut lease {
                Some(l) => Some(l.holds().await),
                None => None,
            };
            let wait = match holds {
                Some(true) => CHECK_EVERY,
                Some(false) => {
                    tracing::warn!("the leader lease's session broke; stepping down");
                    lease = None;
                    TRY_EVERY
                }
                None => match store.try_lead().await {
                    Ok(Some(l)) => {
                        tracing::info!(
                            "took the leader lease: this server runs the scheduled crawls"
                        );
                        lease = Some(l);
                        CHECK_EVERY
                    }
                    Ok(None) => TRY_EVERY,
                    Err(e) => {
                        tracing::warn!(error = %e, "trying the leader lease failed; will retry");
                        TRY_EVERY
                    }
                },
            };
            let leading = lease.is_some();
            metrics.set_leader(leading);
            tx.send_if_modified(|v| std::mem::replace(v, leading) != leading);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                break;
            }
        }
        metrics.set_leader(false);
        let _ = tx.send(false);
    });
    (rx, task)
}
