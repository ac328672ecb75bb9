//! Decoding: JSON bytes → [`Event`], with errors that name the offending field.
//!
//! Events are classified by shape, not by `schemaURL`, because producers send stale or
//! missing URLs and Marquez routes the same way: `run` ⇒ run event, else `dataset` ⇒
//! dataset event, else `job` ⇒ job event. After serde has checked types and required
//! keys, two rules Marquez also enforces are applied: `eventTime` must parse, and a
//! `parent` run facet must name its parent's `runId` (a child run without a resolvable
//! parent would corrupt the run hierarchy).

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer as _;
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
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
    // A shallow pass validates the syntax and finds the top-level keys without building
    // the document; the typed pass then reads the bytes once, straight into the event.
    // Going through a `Value` first would build every facet twice.
    let shape = Shape::of(bytes)?;
    let event = match shape.kind()? {
        Kind::Run => Event::Run(typed_slice(bytes)?),
        Kind::Dataset => Event::Dataset(typed_slice(bytes)?),
        Kind::Job => Event::Job(typed_slice(bytes)?),
    };
    checked(event)
}

pub(super) fn from_value(value: Value) -> Result<Event, DecodeError> {
    if !value.is_object() {
        return Err(DecodeError::syntax(format!(
            "expected a JSON object, found {}",
            json_type(&value)
        )));
    }
    // Facets are kept as JSON text, so a value goes back to text first; this path serves
    // events built in code, not request bodies.
    let bytes = serde_json::to_vec(&value).map_err(|e| DecodeError::syntax(e.to_string()))?;
    from_slice(&bytes)
}

/// The rules serde cannot express, applied to a decoded event.
fn checked(event: Event) -> Result<Event, DecodeError> {
    parse_event_time(event.event_time())
        .map_err(|e| DecodeError::shape("eventTime", e.to_string()))?;
    if let Event::Run(run_event) = &event {
        check_parent(&run_event.run)?;
    }
    Ok(event)
}

enum Kind {
    Run,
    Dataset,
    Job,
}

/// What the shallow pass learns: the JSON type of the body, and which of the keys that
/// decide an event's kind it has.
struct Shape {
    /// `Some(type)` when the body is not an object.
    found: Option<&'static str>,
    run: bool,
    dataset: bool,
    job: bool,
}

impl Shape {
    fn of(bytes: &[u8]) -> Result<Shape, DecodeError> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let failure = std::cell::RefCell::new(None);
        let shape = de
            .deserialize_any(ShapeVisitor { failure: &failure })
            .and_then(|s| de.end().map(|()| s))
            .map_err(|e| match failure.take() {
                Some(f) => f.into_error(&e),
                None => DecodeError::syntax(e.to_string()),
            })?;
        Ok(shape)
    }

    fn kind(&self) -> Result<Kind, DecodeError> {
        if let Some(found) = self.found {
            return Err(DecodeError::syntax(format!(
                "expected a JSON object, found {found}"
            )));
        }
        if self.run {
            Ok(Kind::Run)
        } else if self.dataset {
            Ok(Kind::Dataset)
        } else if self.job {
            Ok(Kind::Job)
        } else {
            Err(DecodeError::shape(
                "run",
                "missing field `run` (an event needs `run`, `dataset` or `job`)",
            ))
        }
    }

    fn other(found: &'static str) -> Shape {
        Shape {
            found: Some(found),
            run: false,
            dataset: false,
            job: false,
        }
    }
}

/// How deeply arrays and objects may nest in an event, counting the event itself as
/// level 1. Stored facets are parsed again on every read, with serde_json's recursion
/// limit of 128; refusing deeper values at the door keeps every accepted event readable.
pub const MAX_DEPTH: usize = 64;

/// Where the walk over an event's values failed, gathered while the error unwinds: the
/// innermost level records the problem, each level above adds its key or index.
struct Failure {
    /// Path segments, innermost first.
    segments: Vec<Segment>,
    /// Our own message, when the walk refused the value (not serde_json).
    message: Option<String>,
}

enum Segment {
    Key(String),
    Index(usize),
}

impl Failure {
    fn into_error(self, err: &serde_json::Error) -> DecodeError {
        let message = match self.message {
            Some(m) => m,
            // serde_json's overflow ("number out of range at line 1 column 9") is a
            // value problem, reported like any other at its path.
            None if err.to_string().starts_with("number out of range") => {
                "number out of range (not finite as a 64-bit float)".to_owned()
            }
            None => return DecodeError::syntax(err.to_string()),
        };
        let mut path = String::new();
        for segment in self.segments.iter().rev() {
            match segment {
                Segment::Key(k) => json_path::push_key(&mut path, k),
                Segment::Index(i) => {
                    path.push('[');
                    path.push_str(&i.to_string());
                    path.push(']');
                }
            }
        }
        if path.is_empty() {
            path.push('$');
        }
        DecodeError::shape(path, message)
    }
}

type FailureCell = std::cell::RefCell<Option<Failure>>;

/// Notes that the value at `segment` failed: the first (innermost) caller starts the
/// path, the ones above extend it.
fn note(failure: &FailureCell, segment: Segment) {
    let mut slot = failure.borrow_mut();
    match slot.as_mut() {
        Some(f) => f.segments.push(segment),
        None => {
            *slot = Some(Failure {
                segments: vec![segment],
                message: None,
            })
        }
    }
}

/// Refuses at the innermost level with our own message.
fn refuse<E: serde::de::Error>(failure: &FailureCell, message: String) -> E {
    *failure.borrow_mut() = Some(Failure {
        segments: Vec::new(),
        message: Some(message.clone()),
    });
    E::custom(message)
}

/// Walks one value without building it, refusing numbers that are not finite as `f64`
/// and nesting deeper than [`MAX_DEPTH`].
#[derive(Clone, Copy)]
struct Walk<'a> {
    depth: usize,
    failure: &'a FailureCell,
}

impl<'de> serde::de::DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let inner = self.enter::<A::Error>()?;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if let Err(e) = map.next_value_seed(inner) {
                note(self.failure, Segment::Key(key.into_owned()));
                return Err(e);
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let inner = self.enter::<A::Error>()?;
        let mut index = 0;
        loop {
            match seq.next_element_seed(inner) {
                Ok(Some(())) => index += 1,
                Ok(None) => return Ok(()),
                Err(e) => {
                    note(self.failure, Segment::Index(index));
                    return Err(e);
                }
            }
        }
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(refuse(self.failure, format!("number {v} is not finite")))
        }
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
}

impl<'a> Walk<'a> {
    /// The walk one level down, or a refusal when that is deeper than [`MAX_DEPTH`].
    fn enter<E: serde::de::Error>(self) -> Result<Walk<'a>, E> {
        if self.depth > MAX_DEPTH {
            return Err(refuse(
                self.failure,
                format!("nested deeper than {MAX_DEPTH} levels of arrays and objects"),
            ));
        }
        Ok(Walk {
            depth: self.depth + 1,
            failure: self.failure,
        })
    }
}

struct ShapeVisitor<'a> {
    failure: &'a FailureCell,
}

impl<'de> Visitor<'de> for ShapeVisitor<'_> {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut shape = Shape {
            found: None,
            run: false,
            dataset: false,
            job: false,
        };
        let walk = Walk {
            depth: 2,
            failure: self.failure,
        };
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "run" => shape.run = true,
                "dataset" => shape.dataset = true,
                "job" => shape.job = true,
                _ => {}
            }
            if let Err(e) = map.next_value_seed(walk) {
                note(self.failure, Segment::Key(key.into_owned()));
                return Err(e);
            }
        }
        Ok(shape)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::other("an array"))
    }

    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::other("null"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::other("a string"))
    }
}

fn typed_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    json_path::deserialize_tracked(|| serde_json::Deserializer::from_slice(bytes)).map_err(|e| {
        let (path, message) = json_path::locate(e);
        DecodeError::shape(path, message)
    })
}

/// Refuses a `parent` facet without a string `run.runId`, as Marquez does.
fn check_parent(run: &Run) -> Result<(), DecodeError> {
    let Some(parent) = run.facets.as_ref().and_then(|f| f.get("parent")) else {
        return Ok(());
    };
    let parent = parent.to_value();
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
