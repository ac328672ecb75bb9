//! Dotted JSON paths (`inputs[1].name`) for decode errors and facet warnings.
//!
//! serde reports a missing field at the object that lacks it; callers want the path of
//! the field itself, so [`locate`] appends the field's name. Both the core decoder and
//! the facet checks use this, so paths look the same everywhere.

use std::fmt::Display;

use serde_path_to_error::{Path, Segment};

/// Deserializes a `T` from the deserializer `make` returns, with the path of any error.
///
/// Tracking the path costs on every key and value (each key is copied into a `String`),
/// and almost every input fits; so the input is read plainly first and, only when that
/// fails, read again with tracking to say where. Like `serde_path_to_error::deserialize`,
/// this does not check for trailing input.
pub(crate) fn deserialize_tracked<'de, R, T>(
    make: impl Fn() -> serde_json::Deserializer<R>,
) -> Result<T, serde_path_to_error::Error<serde_json::Error>>
where
    R: serde_json::de::Read<'de>,
    T: serde::de::DeserializeOwned,
{
    if let Ok(t) = T::deserialize(&mut make()) {
        return Ok(t);
    }
    serde_path_to_error::deserialize(&mut make())
}

/// Renders a serde path as `a.b[2].c`; empty for the root.
pub(crate) fn render(path: &Path) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
            Segment::Map { key } | Segment::Enum { variant: key } => push_key(&mut out, key),
            Segment::Unknown => push_key(&mut out, "?"),
        }
    }
    out
}

/// Appends an object key, quoting keys that would make the dotted form ambiguous
/// (custom facet names such as `spark.logicalPlan` contain dots).
pub(crate) fn push_key(out: &mut String, key: &str) {
    let plain = !key.is_empty() && !key.contains(['.', '[', ']', '"']);
    if plain {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(key);
    } else {
        out.push('[');
        out.push_str(&serde_json::Value::from(key).to_string());
        out.push(']');
    }
}

/// Path and message of a deserialization error, with a missing field named in the path.
pub(crate) fn locate<E: Display>(err: serde_path_to_error::Error<E>) -> (String, String) {
    let mut path = render(err.path());
    let message = without_position(err.into_inner().to_string());
    if let Some(field) = missing_field(&message) {
        push_key(&mut path, field);
    }
    (path, message)
}

/// The field name in serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(field, _)| field)
}

/// Drops serde_json's ` at line L column C` suffix: the error already names its field by
/// path, and the same input must get the same message whether it was read from bytes
/// (which have positions) or from a value (which has none).
fn without_position(mut message: String) -> String {
    if let Some(at) = message.rfind(" at line ") {
        let rest = &message[at + " at line ".len()..];
        let positional = rest
            .split_once(" column ")
            .is_some_and(|(l, c)| is_number(l) && is_number(c));
        if positional {
            message.truncate(at);
        }
    }
    message
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_dots_are_quoted() {
        let mut out = String::from("run.facets");
        push_key(&mut out, "spark.logicalPlan");
        assert_eq!(out, r#"run.facets["spark.logicalPlan"]"#);
        let mut root = String::new();
        push_key(&mut root, "eventTime");
        assert_eq!(root, "eventTime");
    }

    #[test]
    fn missing_field_name_is_extracted() {
        assert_eq!(missing_field("missing field `runId`"), Some("runId"));
        assert_eq!(missing_field("invalid type: integer `5`"), None);
    }
}
