//! Group commit: the task that drives a [`Writer`], the one place in a running server
//! that writes to the store.
//!
//! Request handlers submit changes and wait for the commit; the task takes everything
//! waiting at that moment as one batch (group commit), so under load many events share
//! a transaction and its fsync, and at rest a single event commits at once. A batch
//! that fails is retried submission by submission, so one bad submission cannot fail
//! its neighbours.
//!
//! The writer runs on a thread of its own, with its own single-threaded runtime and its
//! own database connection. Everything the server ingests passes through it, so it must
//! not queue behind request handlers: on the shared runtime, each of a transaction's
//! statements woke the writer from the database driver's thread into the runtime's
//! global queue, behind dozens of handlers decoding events, and the writer spent most of
//! its time waiting to be polled rather than writing.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};
use weft_schemas::change::MetadataChange;

use crate::source_positions::SourceMarks;
use crate::writer::{Outcome, Prepared, Writer};
use crate::{Backend, Store, StoreConfig, StoreError};

/// What the group-commit task reports as it commits; the server's metrics implement it.
/// A trait rather than the metrics type itself so that the store does not depend on
/// the HTTP layer's registry.
pub trait CommitObserver: Send + Sync + 'static {
    /// A batch of `changes` committed in `took`.
    fn observe_commit(&self, took: std::time::Duration, changes: usize);
    /// The log now ends at `seq`.
    fn set_seq(&self, seq: i64);
}

tokio::task_local! {
    /// What the request being served wrote, if any: the API answers a write with the
    /// log position of what it wrote, so that the client can ask another replica to
    /// reflect at least that much before it reads.
    pub static WRITTEN: Arc<Written>;
}

/// What one request's submissions wrote (see [`WRITTEN`]).
#[derive(Debug, Default)]
pub struct Written {
    last: std::sync::atomic::AtomicI64,
    duplicates: std::sync::atomic::AtomicBool,
}

impl Written {
    fn record(&self, outcomes: &[Outcome]) {
        use std::sync::atomic::Ordering;
        self.last
            .fetch_max(max_applied(outcomes), Ordering::Relaxed);
        if outcomes.iter().any(|o| matches!(o, Outcome::Duplicate)) {
            self.duplicates.store(true, Ordering::Relaxed);
        }
    }

    /// The highest sequence number the request's writes were logged at (0: none).
    pub fn last_applied(&self) -> i64 {
        self.last.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether any change was recognised as already in the log (its position is
    /// somewhere before the log's end).
    pub fn saw_duplicate(&self) -> bool {
        self.duplicates.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Most changes in one transaction.
const MAX_BATCH: usize = 1024;

/// The answer to a submission. The changes travel back with it so the request's task
/// frees them: dropping a batch of large events is real work, and the writer is the one
/// task that must not do any it can hand off.
type Reply = (Result<Vec<Outcome>, String>, Vec<Prepared>);

struct Submission {
    changes: Vec<Prepared>,
    /// Source positions and dead letters committed with the changes.
    marks: SourceMarks,
    reply: oneshot::Sender<Reply>,
}

/// Handle for submitting changes to the writer task; cheap to clone.
#[derive(Clone)]
pub struct WriterHandle {
    tx: mpsc::Sender<Submission>,
    committed: watch::Receiver<i64>,
    backend: Backend,
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
    ///
    /// The payloads are hashed and encoded for storage here, on the caller's task, so
    /// the serial writer only binds them.
    pub async fn submit(&self, changes: Vec<MetadataChange>) -> Result<Vec<Outcome>, SubmitError> {
        self.submit_marked(changes, SourceMarks::default()).await
    }

    /// [`WriterHandle::submit`] for a source that reads a stream: `marks` (its new
    /// positions, its dead letters) commit in the same transaction as `changes`, or not
    /// at all. `changes` may be empty (a page of messages that were all dead letters).
    pub async fn submit_marked(
        &self,
        changes: Vec<MetadataChange>,
        marks: SourceMarks,
    ) -> Result<Vec<Outcome>, SubmitError> {
        let changes: Vec<Prepared> = changes
            .into_iter()
            .map(|c| Prepared::new(self.backend, c))
            .collect();
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Submission {
                changes,
                marks,
                reply,
            })
            .await
            .map_err(|_| SubmitError::Stopped)?;
        let (result, changes) = rx.await.map_err(|_| SubmitError::Stopped)?;
        drop(changes);
        let outcomes = result.map_err(SubmitError::Store)?;
        let _ = WRITTEN.try_with(|w| w.record(&outcomes));
        Ok(outcomes)
    }

    /// Follows the last committed sequence number (derived views wake on it).
    pub fn committed(&self) -> watch::Receiver<i64> {
        self.committed.clone()
    }
}

/// The running writer; [`WriterTask::join`] waits until it has drained and stopped.
pub struct WriterTask {
    done: oneshot::Receiver<()>,
}

impl WriterTask {
    /// Waits for the writer to finish: it does once every [`WriterHandle`] is dropped
    /// and the queue is drained.
    pub async fn join(self) {
        let _ = self.done.await;
    }
}

/// Starts the writer on its own thread, over its own connection to the store `cfg`
/// names (already migrated by the caller's [`Store::open`]). It ends when every
/// [`WriterHandle`] is dropped and the queue is drained — which is how shutdown
/// finishes in-flight writes.
pub async fn spawn(
    cfg: &StoreConfig,
    metrics: Arc<dyn CommitObserver>,
    edge_refresh_micros: i64,
) -> Result<(WriterHandle, WriterTask), StoreError> {
    let cfg = StoreConfig {
        max_connections: 1,
        auto_checkpoint: false,
        ..cfg.clone()
    };
    let (ready_tx, ready_rx) = oneshot::channel::<Result<(WriterHandle, WriterTask), StoreError>>();
    std::thread::Builder::new()
        .name("weft-writer".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(StoreError::Io(e)));
                    return;
                }
            };
            rt.block_on(async move {
                let store = match Store::open(&cfg).await {
                    Ok(s) => s,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                run(store, metrics, edge_refresh_micros, ready_tx).await;
            });
        })?;
    ready_rx
        .await
        .map_err(|_| StoreError::Corrupt("the writer thread stopped while starting".into()))?
}

async fn run(
    store: Store,
    metrics: Arc<dyn CommitObserver>,
    edge_refresh_micros: i64,
    ready: oneshot::Sender<Result<(WriterHandle, WriterTask), StoreError>>,
) {
    let last = match store.last_seq().await {
        Ok(l) => l,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    metrics.set_seq(last);
    let (tx, mut rx) = mpsc::channel::<Submission>(4096);
    let (seq_tx, seq_rx) = watch::channel(last);
    let (done_tx, done_rx) = oneshot::channel();
    let handle = WriterHandle {
        tx,
        committed: seq_rx,
        backend: store.backend(),
    };
    if ready
        .send(Ok((handle, WriterTask { done: done_rx })))
        .is_err()
    {
        return;
    }
    let mut writer = Writer::new(store.clone(), edge_refresh_micros);
    {
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
            let all: Vec<&Prepared> = batch.iter().flat_map(|s| s.changes.iter()).collect();
            let marks: Vec<&SourceMarks> = batch
                .iter()
                .map(|s| &s.marks)
                .filter(|m| !m.is_empty())
                .collect();
            let started = std::time::Instant::now();
            let applied = writer.apply_marked(&all, &marks).await;
            drop(marks);
            let count = all.len();
            drop(all);
            match applied {
                Ok(outcomes) => {
                    metrics.observe_commit(started.elapsed(), count);
                    last = last.max(max_applied(&outcomes));
                    // Published before anyone is answered: a client that got its 201
                    // must see its write counted in /metrics.
                    metrics.set_seq(last);
                    let mut it = outcomes.into_iter();
                    for s in batch {
                        let mine: Vec<Outcome> = it.by_ref().take(s.changes.len()).collect();
                        let _ = s.reply.send((Ok(mine), s.changes));
                    }
                }
                Err(e) if batch.len() > 1 => {
                    tracing::warn!(error = %e, submissions = batch.len(), "batch failed; retrying one by one");
                    for s in batch {
                        let refs: Vec<&Prepared> = s.changes.iter().collect();
                        let r = writer
                            .apply_marked(&refs, &[&s.marks])
                            .await
                            .map_err(|e| e.to_string());
                        drop(refs);
                        if let Ok(o) = &r {
                            last = last.max(max_applied(o));
                            metrics.set_seq(last);
                        }
                        let _ = s.reply.send((r, s.changes));
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "write failed");
                    for s in batch {
                        let _ = s.reply.send((Err(e.to_string()), s.changes));
                    }
                }
            }
            metrics.set_seq(last);
            seq_tx.send_if_modified(|v| std::mem::replace(v, last) != last);
        }
        tracing::debug!("writer drained and stopped");
    }
    store.close().await;
    let _ = done_tx.send(());
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
