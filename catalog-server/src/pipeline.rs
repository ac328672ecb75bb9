//! The writer task: the one place in a running server that writes to the store.
//!
//! Request handlers submit changes and wait for the commit; the task takes everything
//! waiting at that moment as one batch (group commit), so under load many events share
//! a transaction and its fsync, and at rest a single event commits at once. A batch
//! that fails is retried submission by submission, so one bad submission cannot fail
//! its neighbours.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};
use weft_schemas::change::MetadataChange;

use crate::metrics::Metrics;
use crate::store::Store;
use crate::store::writer::{Outcome, Writer};

/// Most changes in one transaction.
const MAX_BATCH: usize = 1024;

struct Submission {
    changes: Vec<MetadataChange>,
    reply: oneshot::Sender<Result<Vec<Outcome>, String>>,
}

/// Handle for submitting changes to the writer task; cheap to clone.
#[derive(Clone)]
pub struct WriterHandle {
    tx: mpsc::Sender<Submission>,
    committed: watch::Receiver<i64>,
}

/// Why a submission was not written.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The writer has stopped (shutdown).
    #[error("the writer has stopped")]
    Stopped,
    /// The database refused the transaction.
    #[error("store: {0}")]
    Store(String),
}

impl WriterHandle {
    /// Submits changes and waits until they are committed (or refused).
    pub async fn submit(&self, changes: Vec<MetadataChange>) -> Result<Vec<Outcome>, SubmitError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Submission { changes, reply })
            .await
            .map_err(|_| SubmitError::Stopped)?;
        rx.await
            .map_err(|_| SubmitError::Stopped)?
            .map_err(SubmitError::Store)
    }

    /// Follows the last committed sequence number (derived views wake on it).
    pub fn committed(&self) -> watch::Receiver<i64> {
        self.committed.clone()
    }
}

/// Starts the writer task. It ends when every [`WriterHandle`] is dropped and the queue
/// is drained — which is how shutdown finishes in-flight writes.
pub async fn spawn(
    store: Store,
    metrics: Arc<Metrics>,
    edge_refresh_micros: i64,
) -> Result<(WriterHandle, tokio::task::JoinHandle<()>), crate::store::StoreError> {
    let last = store.last_seq().await?;
    metrics.set_seq(last);
    let (tx, mut rx) = mpsc::channel::<Submission>(4096);
    let (seq_tx, seq_rx) = watch::channel(last);
    let mut writer = Writer::new(store, edge_refresh_micros);
    let task = tokio::spawn(async move {
        let mut last = last;
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            let mut n = batch[0].changes.len();
            while n < MAX_BATCH {
                match rx.try_recv() {
                    Ok(s) => {
                        n += s.changes.len();
                        batch.push(s);
                    }
                    Err(_) => break,
                }
            }
            let all: Vec<&MetadataChange> = batch.iter().flat_map(|s| s.changes.iter()).collect();
            let started = std::time::Instant::now();
            match writer.apply(&all).await {
                Ok(outcomes) => {
                    metrics.observe_commit(started.elapsed(), all.len());
                    last = last.max(max_applied(&outcomes));
                    let mut it = outcomes.into_iter();
                    for s in batch {
                        let mine: Vec<Outcome> = it.by_ref().take(s.changes.len()).collect();
                        let _ = s.reply.send(Ok(mine));
                    }
                }
                Err(e) if batch.len() > 1 => {
                    tracing::warn!(error = %e, submissions = batch.len(), "batch failed; retrying one by one");
                    for s in batch {
                        let refs: Vec<&MetadataChange> = s.changes.iter().collect();
                        let r = writer.apply(&refs).await.map_err(|e| e.to_string());
                        if let Ok(o) = &r {
                            last = last.max(max_applied(o));
                        }
                        let _ = s.reply.send(r);
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "write failed");
                    for s in batch {
                        let _ = s.reply.send(Err(e.to_string()));
                    }
                }
            }
            metrics.set_seq(last);
            seq_tx.send_if_modified(|v| std::mem::replace(v, last) != last);
        }
        tracing::debug!("writer drained and stopped");
    });
    Ok((
        WriterHandle {
            tx,
            committed: seq_rx,
        },
        task,
    ))
}

fn max_applied(outcomes: &[Outcome]) -> i64 {
    outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Applied(seq) => Some(*seq),
            Outcome::Duplicate => None,
        })
        .max()
        .unwrap_or(0)
}
