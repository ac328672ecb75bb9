//! Messages Kafka consumers could not store (`Query.kafkaDeadLetters`).

use super::*;
use weft_store::source_positions::DeadLetterRecord;

/// A message (or one item of a batch message) a Kafka consumer refused and sent to its
/// dead-letter topic, as `GET /api/v1/kafka/dead-letters` lists it.
#[derive(SimpleObject, Debug, Clone)]
pub struct KafkaDeadLetter {
    /// The topic it was read from.
    pub topic: String,
    /// Its partition.
    pub partition: i32,
    /// Its offset in the partition.
    pub offset: i64,
    /// The refused item's index in a batch message; -1 when the whole message was refused.
    pub item: i32,
    /// The message's key, when it had one that is UTF-8 text.
    pub key: Option<String>,
    /// Why it was refused.
    pub error: String,
    /// The JSON path the error names, when it names one.
    pub path: Option<String>,
    /// The dead-letter topic it was sent to.
    pub dead_letter_topic: String,
    /// The consumer (`kafka:<group>`) that read it.
    pub source: String,
    /// When it was recorded.
    pub time: DateTime<Utc>,
}

impl From<DeadLetterRecord> for KafkaDeadLetter {
    fn from(r: DeadLetterRecord) -> KafkaDeadLetter {
        let d = r.letter;
        KafkaDeadLetter {
            topic: d.stream,
            partition: d.partition,
            offset: d.offset,
            item: d.item,
            key: d.key.and_then(|k| String::from_utf8(k).ok()),
            error: d.error,
            path: d.path,
            dead_letter_topic: d.dead_letter_stream,
            source: d.source,
            time: Utc.timestamp_micros(r.at).single().unwrap_or_default(),
        }
    }
}
