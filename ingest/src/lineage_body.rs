//! The bytes of an OpenLineage delivery into changes: one event JSON object, a JSON
//! array of events, or newline-delimited events.
//!
//! Shared by every transport that carries what `POST /api/v1/lineage` accepts (the HTTP
//! endpoint, a Kafka message), so an event means the same and has the same dedupe key
//! whichever way it came: each event is decoded from its own bytes and normalized by
//! [`normalize`], whose payload (and so the key) is the event's deterministic JSON, not
//! the bytes as sent.

use serde_json::value::RawValue;
use weft_schemas::change::MetadataChange;
use weft_schemas::openlineage::Event;

use crate::aliases::Aliases;
use crate::openlineage::{NormalizeError, check_classifications, normalize};

/// Why an event, or a whole body, was refused: the message and the JSON path it names
/// (empty for the body itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What is wrong.
    pub message: String,
    /// Where, as a JSON path within the event.
    pub path: String,
}

/// The shape a delivery's bytes take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyShape {
    /// One event object, or a JSON array of them (told apart by the first byte).
    Json,
    /// One event per line; blank lines are skipped.
    Ndjson,
}

/// A decoded delivery.
#[derive(Debug)]
pub struct Decoded {
    /// Whether the body was a batch (array or lines) rather than one object.
    pub batch: bool,
    /// Each event in order: its change (aliases applied), or why it was refused.
    pub items: Vec<Result<MetadataChange, Refusal>>,
}

/// Decodes and normalizes every event in `body` with `actor` as their actor. A bad event
/// of a batch refuses only itself; a body that is no batch at all, or a batch with no
/// events, is refused whole. `classifications` is the catalog's set: an event whose
/// `weft_governance` facet states another is refused ([`check_classifications`]).
pub fn decode_body(
    body: &[u8],
    shape: BodyShape,
    actor: &str,
    aliases: &Aliases,
    classifications: &[String],
) -> Result<Decoded, Refusal> {
    let one = |bytes: &[u8]| -> Result<MetadataChange, Refusal> {
        let event = Event::from_slice(bytes).map_err(|e| Refusal {
            message: e.message,
            path: e.path,
        })?;
        let refusal = |e: NormalizeError| Refusal {
            message: e.message(),
            path: e.path().to_owned(),
        };
        check_classifications(&event, classifications).map_err(refusal)?;
        let mut change = normalize(&event, actor).map_err(refusal)?;
        aliases.apply(&mut change);
        Ok(change)
    };
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let items: Vec<Result<MetadataChange, Refusal>> = match shape {
        BodyShape::Json if first != Some(b'[') => {
            return Ok(Decoded {
                batch: false,
                items: vec![one(body)],
            });
        }
        BodyShape::Json => {
            let raw: Vec<&RawValue> = serde_json::from_slice(body).map_err(|e| Refusal {
                message: format!("body is not a JSON array of events: {e}"),
                path: String::new(),
            })?;
            raw.into_iter()
                .map(|item| one(item.get().as_bytes()))
                .collect()
        }
        BodyShape::Ndjson => body
            .split(|b| *b == b'\n')
            .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
            .map(one)
            .collect(),
    };
    if items.is_empty() {
        return Err(Refusal {
            message: "the batch holds no events".into(),
            path: String::new(),
        });
    }
    Ok(Decoded { batch: true, items })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"eventTime":"2024-01-01T00:00:00Z","producer":"p","eventType":"START",
      "run":{"runId":"0190c7c0-0000-7000-8000-000000000001"},"job":{"namespace":"ns","name":"daily"}}"#;

    fn allowed() -> Vec<String> {
        weft_schemas::governance::DEFAULT_CLASSIFICATIONS
            .map(str::to_owned)
            .to_vec()
    }

    fn with_classification(c: &str) -> String {
        format!(
            r#"{{"eventTime":"2024-01-01T00:00:00Z","producer":"p","eventType":"COMPLETE",
              "run":{{"runId":"0190c7c0-0000-7000-8000-000000000002"}},"job":{{"namespace":"ns","name":"daily"}},
              "inputs":[{{"namespace":"ns","name":"in"}}],
              "outputs":[{{"namespace":"ns","name":"out","facets":{{"weft_governance":
                {{"_producer":"p","_schemaURL":"s","classification":"{c}"}}}}}}]}}"#
        )
    }

    #[test]
    fn a_classification_outside_the_set_is_refused_at_its_field() {
        let aliases = Aliases::default();
        let body = with_classification("publc");
        let d = decode_body(body.as_bytes(), BodyShape::Json, "a", &aliases, &allowed())
            .expect("decoded");
        let err = d.items[0].as_ref().expect_err("refused");
        assert_eq!(err.path, "outputs[0].facets.weft_governance.classification");
        assert!(err.message.contains("`publc`"), "{err:?}");
        assert!(err.message.contains("public, internal"), "{err:?}");
        let body = with_classification("Internal");
        let d = decode_body(body.as_bytes(), BodyShape::Json, "a", &aliases, &allowed())
            .expect("decoded");
        assert!(d.items[0].is_ok(), "{:?}", d.items[0]);
        // A set of the catalog's own: `internal` is no longer one.
        let d = decode_body(
            body.as_bytes(),
            BodyShape::Json,
            "a",
            &aliases,
            &["open".to_owned()],
        )
        .expect("decoded");
        assert!(d.items[0].is_err());
    }

    #[test]
    fn one_event_an_array_and_lines_give_the_same_change() {
        let aliases = Aliases::default();
        let one =
            decode_body(EVENT.as_bytes(), BodyShape::Json, "a", &aliases, &allowed()).expect("one");
        assert!(!one.batch);
        let array = format!("[{EVENT}, {{\"eventTime\": 3}}]");
        let batch = decode_body(array.as_bytes(), BodyShape::Json, "a", &aliases, &allowed())
            .expect("array");
        assert!(batch.batch);
        assert_eq!(batch.items.len(), 2);
        let lines = format!("{}\n\n", EVENT.replace('\n', " "));
        let nd = decode_body(
            lines.as_bytes(),
            BodyShape::Ndjson,
            "a",
            &aliases,
            &allowed(),
        )
        .expect("lines");
        let key = |d: &Decoded| d.items[0].as_ref().expect("valid").dedupe_key.clone();
        assert_eq!(key(&one), key(&batch));
        assert_eq!(key(&one), key(&nd));
        assert!(batch.items[1].is_err());
    }

    #[test]
    fn a_body_that_is_no_batch_is_refused_whole() {
        let aliases = Aliases::default();
        let err =
            decode_body(b"[1,", BodyShape::Json, "a", &aliases, &allowed()).expect_err("refused");
        assert!(err.message.contains("not a JSON array"), "{err:?}");
        let err =
            decode_body(b"[]", BodyShape::Json, "a", &aliases, &allowed()).expect_err("empty");
        assert!(err.message.contains("no events"), "{err:?}");
        let one =
            decode_body(b"not json", BodyShape::Json, "a", &aliases, &allowed()).expect("decoded");
        assert!(one.items[0].is_err());
    }
}
