//! The change feed: every committed change-log entry published to a Kafka topic as
//! `{seq, kind, entity, actor, namespace, time}`, keyed by entity.
//!
//! It is a derived view ([`weft_views::DerivedView`]): it reads the log after its
//! cursor a page at a time, produces the page, waits until the broker acknowledged
//! every message, and only then records the cursor in the store. A crash between the
//! acknowledgement and the cursor re-publishes that page: delivery is at least once,
//! in log order per key (the producer is idempotent, so its retries neither reorder nor
//! duplicate within a partition).

use std::sync::Arc;
use std::time::Duration;

use rdkafka::producer::{FutureProducer, FutureRecord};
use serde::Serialize;
use tokio::sync::watch;
use weft_store::log::LogEntry;
use weft_store::{Store, StoreError};
use weft_views::{DerivedView, ViewObserver};

use crate::KafkaError;
use crate::settings::FeedSettings;

/// The view's name: the key of its cursor in `view_cursors`. A publisher's name, so
/// `weft rebuild` keeps the cursor (the log it published has not changed).
pub const FEED_VIEW: &str = "publish.kafka_feed";

/// How long a page may wait for the broker's acknowledgements before the round fails
/// (and is retried from the cursor).
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);

/// One published message's value.
#[derive(Debug, Serialize)]
pub struct FeedMessage<'a> {
    /// The entry's sequence number.
    pub seq: i64,
    /// Its kind (`openlineage.run`, …).
    pub kind: &'a str,
    /// The entity it is about; also the message key.
    pub entity: &'a str,
    /// Who caused it.
    pub actor: &'a str,
    /// Its namespace, when it has one.
    pub namespace: Option<&'a str>,
    /// When it was committed (RFC 3339, UTC).
    pub time: String,
}

impl<'a> FeedMessage<'a> {
    /// The message for a log entry.
    pub fn of(e: &'a LogEntry) -> FeedMessage<'a> {
        FeedMessage {
            seq: e.seq,
            kind: &e.kind,
            entity: &e.entity,
            actor: &e.actor,
            namespace: e.namespace.as_deref(),
            time: chrono::DateTime::from_timestamp_micros(e.at)
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
                .unwrap_or_default(),
        }
    }
}

/// Why a page was not published.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// Reading the log or recording the cursor failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The broker refused or did not acknowledge.
    #[error("kafka: {0}")]
    Kafka(String),
}

/// The change feed as a derived view.
pub struct ChangeFeed {
    producer: FutureProducer,
    topic: String,
}

impl ChangeFeed {
    /// A feed to the topic `settings` names.
    pub fn new(settings: &FeedSettings) -> Result<ChangeFeed, KafkaError> {
        settings.validate()?;
        let producer = settings.producer_config()?.create()?;
        Ok(ChangeFeed {
            producer,
            topic: settings.topic.clone(),
        })
    }
}

impl DerivedView for ChangeFeed {
    type Error = FeedError;

    fn name(&self) -> &'static str {
        FEED_VIEW
    }

    async fn apply(&mut self, store: &Store, entries: &[LogEntry]) -> Result<(), FeedError> {
        let mut pending = Vec::with_capacity(entries.len());
        for e in entries {
            let value = serde_json::to_vec(&FeedMessage::of(e))
                .map_err(|err| FeedError::Kafka(format!("encoding entry {}: {err}", e.seq)))?;
            let record = FutureRecord::to(&self.topic).key(&e.entity).payload(&value);
            let delivery = self
                .producer
                .send_result(record)
                .map_err(|(err, _)| FeedError::Kafka(format!("{}: {err}", self.topic)))?;
            pending.push(delivery);
        }
        for d in pending {
            match tokio::time::timeout(DELIVERY_TIMEOUT, d).await {
                Ok(Ok(Ok(_))) => {}
                Ok(Ok(Err((err, _)))) => {
                    return Err(FeedError::Kafka(format!("{}: {err}", self.topic)));
                }
                Ok(Err(_)) => return Err(FeedError::Kafka("the producer stopped".into())),
                Err(_) => {
                    return Err(FeedError::Kafka(format!(
                        "{}: no acknowledgement",
                        self.topic
                    )));
                }
            }
        }
        if let Some(last) = entries.last() {
            store.record_view_cursor(FEED_VIEW, last.seq).await?;
        }
        Ok(())
    }

    async fn reset(&mut self, store: &Store) -> Result<(), FeedError> {
        Ok(store.reset_view_cursor(FEED_VIEW).await?)
    }
}

/// Runs the feed until `shutdown`, while `leader` says this server leads: of several
/// replicas on one store only the leader publishes, and a server that loses the lease
/// stops publishing until it leads again (its successor resumes from the stored cursor,
/// so a change may be published twice around a takeover, never skipped).
pub fn spawn_feed(
    feed: ChangeFeed,
    store: Store,
    committed: watch::Receiver<i64>,
    shutdown: watch::Receiver<bool>,
    leader: watch::Receiver<bool>,
    observer: Option<Arc<dyn ViewObserver>>,
) -> tokio::task::JoinHandle<()> {
    weft_views::spawn_while_leading(feed, store, committed, shutdown, leader, observer)
}
