//! Kafka in and out.
//!
//! In: [`consumer`] reads OpenLineage events (what `POST /api/v1/lineage` accepts: one
//! event, a JSON array, or newline-delimited events) from topics and applies them
//! exactly once: the consumer group's position per partition is stored in Weft's store
//! in the same transaction as the changes the messages produced
//! ([`weft_store::source_positions`]). Messages that cannot be stored go to a
//! dead-letter topic ([`dead_letter`]) and are recorded in the store.
//!
//! Out: [`feed`] publishes every committed change-log entry to a topic, as a derived
//! view whose cursor moves only after the broker acknowledged.
//!
//! The catalog server wires both in (configuration, start and stop, metrics, the
//! dead-letter listing); this crate knows nothing of HTTP.

#![deny(missing_docs)]

pub mod consumer;
pub mod dead_letter;
pub mod feed;
pub mod settings;
pub mod status;

pub use consumer::{ConsumerHandle, spawn};
pub use feed::{ChangeFeed, spawn_feed};
pub use settings::{ConsumerSettings, FeedSettings, Start};
pub use status::{ConsumerSnapshot, ConsumerState, ConsumerStatus, PartitionStatus};

/// What can go wrong starting a consumer or the feed.
#[derive(Debug, thiserror::Error)]
pub enum KafkaError {
    /// The configuration is invalid; the message names the key.
    #[error("kafka config: {0}")]
    Config(String),
    /// The Kafka client could not be created or refused a call.
    #[error("kafka client: {0}")]
    Client(String),
}
