//! Kafka over REST and in the operators' endpoints: `GET /api/v1/kafka/dead-letters`
//! (the messages consumers could not store, newest first, `limit` and `offset`), the
//! consumers' part of `/readyz` and their lines of `/metrics`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Value, json};
use weft_kafka::ConsumerStatus;
use weft_store::read::iso;
use weft_store::source_positions::DeadLetterRecord;

use super::AppState;
use super::error::ApiError;

/// Query string of the dead-letter listing.
#[derive(Debug, Deserialize)]
pub struct DeadLetterParams {
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/kafka/dead-letters`.
pub async fn dead_letters(
    State(s): State<AppState>,
    q: Result<Query<DeadLetterParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = super::graph::query(q)?;
    let (limit, offset) = super::page(p.limit, p.offset)?;
    let letters = s.store.dead_letters(limit, offset).await?;
    let total = s.store.dead_letter_total().await?;
    let letters: Vec<Value> = letters.iter().map(letter_json).collect();
    Ok(Json(json!({ "deadLetters": letters, "totalCount": total })))
}

/// A dead letter as REST shows it. The key is text when it is UTF-8 (OpenLineage
/// clients' keys are), else null.
fn letter_json(r: &DeadLetterRecord) -> Value {
    let d = &r.letter;
    json!({
        "id": r.id,
        "source": d.source,
        "topic": d.stream,
        "partition": d.partition,
        "offset": d.offset,
        "item": d.item,
        "key": d.key.as_deref().and_then(|k| std::str::from_utf8(k).ok()),
        "error": d.error,
        "path": d.path,
        "deadLetterTopic": d.dead_letter_stream,
        "time": iso(Some(r.at)),
    })
}

/// The consumers' part of `/readyz`: state and assigned partitions of each. A consumer
/// that is still connecting, or paused on a store refusal, does not make the server
/// unready (the store answering decides that), but it is shown.
pub fn readiness(consumers: &[ConsumerStatus]) -> Option<Value> {
    if consumers.is_empty() {
        return None;
    }
    let list: Vec<Value> = consumers
        .iter()
        .map(|c| {
            let s = c.snapshot();
            json!({
                "group": s.group,
                "state": s.state.to_string(),
                "assigned": s.assigned.keys()
                    .map(|(t, p)| format!("{t}/{p}"))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    Some(match <[Value; 1]>::try_from(list) {
        Ok([one]) => one,
        Err(list) => Value::Array(list),
    })
}

/// The consumers' lines of `/metrics`.
pub fn metrics(consumers: &[ConsumerStatus]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    if consumers.is_empty() {
        return s;
    }
    let snaps: Vec<_> = consumers.iter().map(ConsumerStatus::snapshot).collect();
    let _ = writeln!(
        s,
        "# HELP weft_kafka_consumer_lag Messages behind the high watermark, per partition held."
    );
    let _ = writeln!(s, "# TYPE weft_kafka_consumer_lag gauge");
    for c in &snaps {
        for ((topic, partition), p) in &c.assigned {
            if let Some(lag) = p.lag() {
                let _ = writeln!(
                    s,
                    "weft_kafka_consumer_lag{{group=\"{}\",topic=\"{}\",partition=\"{partition}\"}} {lag}",
                    crate::metrics::escape_label(&c.group),
                    crate::metrics::escape_label(topic)
                );
            }
        }
    }
    let _ = writeln!(
        s,
        "# HELP weft_kafka_messages_consumed_total Kafka messages applied or dead-lettered."
    );
    let _ = writeln!(s, "# TYPE weft_kafka_messages_consumed_total counter");
    for c in &snaps {
        for (topic, n) in &c.consumed {
            let _ = writeln!(
                s,
                "weft_kafka_messages_consumed_total{{group=\"{}\",topic=\"{}\"}} {n}",
                crate::metrics::escape_label(&c.group),
                crate::metrics::escape_label(topic)
            );
        }
    }
    for (name, help, value) in [
        (
            "weft_kafka_events_applied_total",
            "Events from Kafka appended to the change log.",
            (|c: &weft_kafka::ConsumerSnapshot| c.applied)
                as fn(&weft_kafka::ConsumerSnapshot) -> u64,
        ),
        (
            "weft_kafka_events_duplicate_total",
            "Events from Kafka that were already in the change log.",
            |c| c.duplicates,
        ),
    ] {
        let _ = writeln!(s, "# HELP {name} {help}");
        let _ = writeln!(s, "# TYPE {name} counter");
        for c in &snaps {
            let _ = writeln!(
                s,
                "{name}{{group=\"{}\"}} {}",
                crate::metrics::escape_label(&c.group),
                value(c)
            );
        }
    }
    let _ = writeln!(
        s,
        "# HELP weft_kafka_dead_letters_total Refused items sent to a dead-letter topic, by source topic."
    );
    let _ = writeln!(s, "# TYPE weft_kafka_dead_letters_total counter");
    let mut per_topic = std::collections::BTreeMap::<&str, u64>::new();
    for c in &snaps {
        for (topic, n) in &c.dead_letters {
            *per_topic.entry(topic).or_default() += n;
        }
    }
    for (topic, n) in per_topic {
        let _ = writeln!(
            s,
            "weft_kafka_dead_letters_total{{topic=\"{}\"}} {n}",
            crate::metrics::escape_label(topic)
        );
    }
    s
}
