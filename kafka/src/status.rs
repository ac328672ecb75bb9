//! What a running consumer reports, for `/readyz` and `/metrics`: its state, the
//! partitions it holds, how far behind each is, and what it has consumed and
//! dead-lettered. Shared behind a lock the consumer's thread updates and the HTTP
//! handlers read; the catalog server renders it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The consumer's state as `/readyz` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsumerState {
    /// Joining the group or waiting for brokers.
    Connecting,
    /// Reading and applying messages.
    Running,
    /// Partitions paused because the store or the dead-letter topic refused; retrying.
    Paused(String),
    /// Stopped (shutdown).
    Stopped,
}

impl std::fmt::Display for ConsumerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConsumerState::Connecting => f.write_str("connecting"),
            ConsumerState::Running => f.write_str("running"),
            ConsumerState::Paused(reason) => write!(f, "paused: {reason}"),
            ConsumerState::Stopped => f.write_str("stopped"),
        }
    }
}

/// One partition a consumer holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartitionStatus {
    /// The next offset to apply (the stored position once one exists).
    pub next: Option<i64>,
    /// The broker's high watermark, when known.
    pub high_watermark: Option<i64>,
}

impl PartitionStatus {
    /// High watermark − next position, when both are known.
    pub fn lag(&self) -> Option<i64> {
        Some((self.high_watermark? - self.next?).max(0))
    }
}

/// A snapshot of one consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerSnapshot {
    /// The consumer group.
    pub group: String,
    /// Its state.
    pub state: ConsumerState,
    /// Assigned partitions: (topic, partition) → status.
    pub assigned: BTreeMap<(String, i32), PartitionStatus>,
    /// Messages consumed per topic (applied or dead-lettered).
    pub consumed: BTreeMap<String, u64>,
    /// Items dead-lettered per source topic since start.
    pub dead_letters: BTreeMap<String, u64>,
    /// Events appended to the change log since start.
    pub applied: u64,
    /// Events that were already in the log (sent over HTTP too, or re-sent by a
    /// producer); a consumer re-reading its own input would count here.
    pub duplicates: u64,
}

/// The shared status of one consumer; cheap to clone.
#[derive(Debug, Clone)]
pub struct ConsumerStatus(Arc<Mutex<ConsumerSnapshot>>);

impl ConsumerStatus {
    pub(crate) fn new(group: &str) -> ConsumerStatus {
        ConsumerStatus(Arc::new(Mutex::new(ConsumerSnapshot {
            group: group.to_owned(),
            state: ConsumerState::Connecting,
            assigned: BTreeMap::new(),
            consumed: BTreeMap::new(),
            dead_letters: BTreeMap::new(),
            applied: 0,
            duplicates: 0,
        })))
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> ConsumerSnapshot {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn update(&self, f: impl FnOnce(&mut ConsumerSnapshot)) {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner));
    }
}
