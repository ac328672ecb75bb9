//! Decoding: JSON bytes → [`Event`], with errors that name the offending field.
//!
//! Events are classified by shape, not by `schemaURL`, because producers send stale or
//! missing URLs and Marquez routes the same way: `run` ⇒ run event, else `dataset` ⇒
//! dataset event, else `job` ⇒ job event. After serde has checked types and required
//! keys, two rules Marquez also enforces are applied: `eventTime` must parse, and a
//! `parent` run facet must name its parent's `runId` (a child run without a resolvable
//! parent would corrupt the run hierarchy).

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::event::{Event, Run};
use super::time::parse_event_time;
use crate::json_path;

/// Why an event was refused: not JSON at all, or JSON of the wrong shape.
///
/// Kept apart because an HTTP layer answers them differently (400 vs 422 in axum's
/// convention) and a client fixes them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The body is not JSON, or not a JSON object.
    Syntax,
    /// A required field is missing, has the wrong type, or has an unusable value.
    Shape,
}

/// A refused event, with the JSON path of the problem so the producer can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct DecodeError {
    /// Whether the body was not JSON or had the wrong shape.
    pub kind: DecodeErrorKind,
    /// Dotted path of the field (`run.runId`, `inputs[1].name`); `$` for the whole body.
    pub path: String,
    /// What was wrong, in serde's or the time parser's words.
    pub message: String,
}

impl DecodeError {
    fn syntax(message: impl Into<String>) -> Self {
        DecodeError {
            kind: DecodeErrorKind::Syntax,
            path: "$".to_owned(),
            message: message.into(),
        }
    }

    fn shape(path: impl Into<String>, message: impl Into<String>) -> Self {
        DecodeError {
            kind: DecodeErrorKind::Shape,
            path: path.into(),
            message: message.into(),
        }
    }
}

pub(super) fn from_slice(bytes: &[u8]) -> Result<Event, DecodeError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| DecodeError::syntax(e.to_string()))?;
    from_value(value)
}

pub(super) fn from_value(value: Value) -> Result<Event, DecodeError> {
    let Value::Object(object) = &value else {
        return Err(DecodeError::syntax(format!(
            "expected a JSON object, found {}",
            json_type(&value)
        )));
    };
    let event = if object.contains_key("run") {
        Event::Run(typed(value)?)
    } else if object.contains_key("dataset") {
        Event::Dataset(typed(value)?)
    } else if object.contains_key("job") {
        Event::Job(typed(value)?)
    } else {
        return Err(DecodeError::shape(
            "run",
            "missing field `run` (an event needs `run`, `dataset` or `job`)",
        ));
    };
    parse_event_time(event.event_time())
        .map_err(|e| DecodeError::shape("eventTime", e.to_string()))?;
    if let Event::Run(run_event) = &event {
        check_parent(&run_event.run)?;
    }
    Ok(event)
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let (path, message) = json_path::locate(e);
        DecodeError::shape(path, message)
    })
}

/// Refuses a `parent` facet without a string `run.runId`, as Marquez does.
fn check_parent(run: &Run) -> Result<(), DecodeError> {
    let Some(parent) = run.facets.as_ref().and_then(|f| f.get("parent")) else {
        return Ok(());
    };
    match parent.pointer("/run/runId") {
        Some(Value::String(_)) => Ok(()),
        Some(other) => Err(DecodeError::shape(
            "run.facets.parent.run.runId",
            format!("invalid type: {}, expected a string", json_type(other)),
        )),
        None => Err(DecodeError::shape(
            "run.facets.parent.run.runId",
            "missing field `runId` (a parent run facet must name its parent run)",
        )),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
