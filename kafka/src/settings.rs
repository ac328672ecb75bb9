//! What an operator configures for a consumer and for the change feed, and the client
//! properties Weft itself requires.
//!
//! Pass-through properties (SASL, SSL, timeouts) go to librdkafka as given, except the
//! ones Weft's guarantees rest on: those are set by Weft, and a property that says
//! otherwise is refused by name rather than silently overridden.

use std::collections::BTreeMap;

use rdkafka::ClientConfig;

use crate::KafkaError;

/// Where a consumer group with no stored position starts reading a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Start {
    /// From the oldest message the broker still holds.
    #[default]
    Earliest,
    /// From the next message produced after the partition is assigned.
    Latest,
}

impl std::str::FromStr for Start {
    type Err = KafkaError;
    fn from_str(s: &str) -> Result<Start, KafkaError> {
        match s {
            "earliest" => Ok(Start::Earliest),
            "latest" => Ok(Start::Latest),
            other => Err(KafkaError::Config(format!(
                "start: expected earliest or latest, got {other:?}"
            ))),
        }
    }
}

/// One consumer: a group reading OpenLineage events from topics.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerSettings {
    /// Bootstrap servers (`host:port,host:port`).
    pub brokers: String,
    /// Topics read.
    pub topics: Vec<String>,
    /// Consumer group id.
    pub group: String,
    /// Where a partition without a stored position starts.
    pub start: Start,
    /// Where refused messages go; `<topic>.dlq` per topic when `None`.
    pub dead_letter_topic: Option<String>,
    /// Pass-through librdkafka properties.
    pub properties: BTreeMap<String, String>,
}

impl ConsumerSettings {
    /// The dead-letter topic for messages read from `topic`.
    pub fn dead_letter_topic(&self, topic: &str) -> String {
        self.dead_letter_topic
            .clone()
            .unwrap_or_else(|| format!("{topic}.dlq"))
    }

    /// The store's name for this consumer's positions: `kafka:<group>`.
    pub fn source(&self) -> String {
        format!("kafka:{}", self.group)
    }

    /// Checks what the client cannot check itself.
    pub fn validate(&self) -> Result<(), KafkaError> {
        if self.brokers.trim().is_empty() {
            return Err(KafkaError::Config("brokers: must not be empty".into()));
        }
        if self.topics.is_empty() || self.topics.iter().any(|t| t.trim().is_empty()) {
            return Err(KafkaError::Config(
                "topics: at least one topic, none empty".into(),
            ));
        }
        if self.group.trim().is_empty() {
            return Err(KafkaError::Config("group: must not be empty".into()));
        }
        self.consumer_config()?;
        self.producer_config()?;
        Ok(())
    }

    /// The consumer's client configuration.
    pub(crate) fn consumer_config(&self) -> Result<ClientConfig, KafkaError> {
        client_config(
            &self.properties,
            &[
                ("bootstrap.servers", self.brokers.as_str()),
                ("group.id", self.group.as_str()),
                // The store holds the positions; Kafka's commits are only for lag tools.
                ("enable.auto.commit", "false"),
                ("enable.auto.offset.store", "false"),
            ],
            &[("statistics.interval.ms", "1000")],
        )
    }

    /// The dead-letter producer's client configuration.
    pub(crate) fn producer_config(&self) -> Result<ClientConfig, KafkaError> {
        producer_config(&self.brokers, &self.properties)
    }
}

/// The change feed: every committed change-log entry published to a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSettings {
    /// Bootstrap servers.
    pub brokers: String,
    /// The topic written.
    pub topic: String,
    /// Pass-through librdkafka properties.
    pub properties: BTreeMap<String, String>,
}

impl FeedSettings {
    /// Checks the settings.
    pub fn validate(&self) -> Result<(), KafkaError> {
        if self.brokers.trim().is_empty() {
            return Err(KafkaError::Config(
                "kafka_feed.brokers: must not be empty".into(),
            ));
        }
        if self.topic.trim().is_empty() {
            return Err(KafkaError::Config(
                "kafka_feed.topic: must not be empty".into(),
            ));
        }
        producer_config(&self.brokers, &self.properties).map(|_| ())
    }

    pub(crate) fn producer_config(&self) -> Result<ClientConfig, KafkaError> {
        producer_config(&self.brokers, &self.properties)
    }
}

/// A producer that keeps order per partition through retries and waits for every
/// in-sync replica: what both the dead letters and the change feed promise.
fn producer_config(
    brokers: &str,
    properties: &BTreeMap<String, String>,
) -> Result<ClientConfig, KafkaError> {
    client_config(
        properties,
        &[
            ("bootstrap.servers", brokers),
            ("enable.idempotence", "true"),
            ("acks", "all"),
        ],
        &[],
    )
    .map(|mut c| {
        // Consumer-only properties in a shared table would make the producer warn.
        for key in ["group.id", "enable.auto.commit", "enable.auto.offset.store"] {
            c.remove(key);
        }
        c
    })
}

/// `properties` with Weft's `required` settings (a property that differs is refused,
/// naming it) and its `defaults` (a property wins).
fn client_config(
    properties: &BTreeMap<String, String>,
    required: &[(&str, &str)],
    defaults: &[(&str, &str)],
) -> Result<ClientConfig, KafkaError> {
    for (k, key) in OWNED {
        if properties.contains_key(k) {
            return Err(KafkaError::Config(format!(
                "properties.{k}: set it with the {key} key instead"
            )));
        }
    }
    let mut config = ClientConfig::new();
    for (k, v) in defaults {
        config.set(*k, *v);
    }
    for (k, v) in properties {
        config.set(k, v);
    }
    for (k, v) in required {
        if let Some(given) = properties.get(*k)
            && given != v
        {
            return Err(KafkaError::Config(format!(
                "properties.{k} = {given:?}: Weft requires {v:?} (its delivery guarantees rest on it)"
            )));
        }
        config.set(*k, *v);
    }
    Ok(config)
}

/// Properties that have their own configuration key: (property, key).
const OWNED: [(&str, &str); 2] = [("bootstrap.servers", "brokers"), ("group.id", "group")];

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(props: &[(&str, &str)]) -> ConsumerSettings {
        ConsumerSettings {
            brokers: "localhost:9092".into(),
            topics: vec!["events".into()],
            group: "weft".into(),
            start: Start::Earliest,
            dead_letter_topic: None,
            properties: props
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn weft_settings_win_and_a_conflict_is_named() {
        let s = settings(&[
            ("security.protocol", "plaintext"),
            ("enable.auto.commit", "false"),
        ]);
        s.validate().expect("agreeing properties pass");
        let c = s.consumer_config().expect("config");
        assert_eq!(c.get("security.protocol"), Some("plaintext"));
        assert_eq!(c.get("enable.auto.offset.store"), Some("false"));
        let err = settings(&[("enable.auto.commit", "true")])
            .validate()
            .expect_err("conflict");
        assert!(err.to_string().contains("enable.auto.commit"), "{err}");
        let err = settings(&[("group.id", "other")])
            .validate()
            .expect_err("group.id");
        assert!(err.to_string().contains("group.id"), "{err}");
        assert_eq!(s.dead_letter_topic("events"), "events.dlq");
        assert!("sideways".parse::<Start>().is_err());
    }
}
