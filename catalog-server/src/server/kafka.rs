//! `weft serve`'s Kafka parts: the consumers of `[[kafka]]` and the change feed of
//! `[kafka_feed]`, started after the writer and stopped before it drains (each
//! consumer holds a writer handle, and the writer stops only once every handle is gone).

use std::sync::Arc;

use tokio::sync::watch;
use weft_kafka::{ChangeFeed, ConsumerHandle, ConsumerStatus};
use weft_store::Store;
use weft_store::group_commit::WriterHandle;

use crate::config::Config;
use crate::metrics::Metrics;

/// The running consumers.
pub struct Consumers(Vec<ConsumerHandle>);

impl Consumers {
    /// What each reports, for `/readyz` and `/metrics`.
    pub fn statuses(&self) -> Vec<ConsumerStatus> {
        self.0.iter().map(ConsumerHandle::status).collect()
    }

    /// Stops every consumer (each drops its page in hand, uncommitted, and leaves its
    /// group), releasing their writer handles.
    pub async fn stop(self) {
        for c in self.0 {
            c.stop().await;
        }
    }
}

/// Starts one consumer per `[[kafka]]` entry. A consumer that cannot be created (a
/// property librdkafka refuses) stops the start, naming it.
pub fn start_consumers(
    cfg: &Config,
    store: &Store,
    writer: &WriterHandle,
) -> Result<Consumers, weft_kafka::KafkaError> {
    let mut out = Vec::new();
    for settings in &cfg.kafka {
        tracing::info!(
            brokers = %settings.brokers, topics = ?settings.topics, group = %settings.group,
            "starting Kafka consumer"
        );
        out.push(weft_kafka::spawn(
            settings.clone(),
            store.clone(),
            writer.clone(),
            cfg.aliases.clone(),
            cfg.classifications.clone(),
            tokio::runtime::Handle::current(),
        )?);
    }
    Ok(Consumers(out))
}

/// Starts the change feed when `[kafka_feed]` is configured. It publishes while this
/// server holds the leader lease (`leader`), so replicas configured alike publish each
/// change once between them; it wakes on every replica's commits (`committed`).
pub fn start_feed(
    cfg: &Config,
    store: &Store,
    committed: watch::Receiver<i64>,
    leader: watch::Receiver<bool>,
    stop: watch::Receiver<bool>,
    metrics: Arc<Metrics>,
) -> Result<Option<tokio::task::JoinHandle<()>>, weft_kafka::KafkaError> {
    let Some(settings) = &cfg.kafka_feed else {
        return Ok(None);
    };
    tracing::info!(brokers = %settings.brokers, topic = %settings.topic, "publishing the change feed");
    let feed = ChangeFeed::new(settings)?;
    Ok(Some(weft_kafka::spawn_feed(
        feed,
        store.clone(),
        committed,
        stop,
        leader,
        Some(metrics),
    )))
}
