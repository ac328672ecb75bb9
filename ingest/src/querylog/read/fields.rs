//! Reading a row's cells: text, JSON written as text, and timestamps in the forms the
//! exports write them.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::framing::*;

/// The first present, non-empty, non-null value among `keys`, as text.
pub(super) fn text(row: &Row, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match row.get(*k)? {
        Value::String(s) if !s.trim().is_empty() && s != "NULL" && s != "\\N" => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// A value that may be JSON, or JSON written as text (CSV cells).
pub(super) fn json(row: &Row, key: &str) -> Option<Value> {
    match row.get(key)? {
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() || s == "NULL" || s == "null" {
                None
            } else {
                serde_json::from_str(s).ok()
            }
        }
        Value::Null => None,
        v => Some(v.clone()),
    }
}

pub(super) fn time(row: &Row, keys: &[&str]) -> Result<Option<i64>, String> {
    for k in keys {
        match row.get(*k) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) if s.trim().is_empty() => continue,
            Some(v) => return parse_time(v).map(Some),
        }
    }
    Ok(None)
}

/// Reads a timestamp as the exports write it, into microseconds since the epoch (UTC).
///
/// Accepts RFC 3339 (`2024-05-01T10:00:00.123Z`), Snowflake's
/// `2024-05-01 10:00:00.123 -0700`, BigQuery's `2024-05-01 10:00:00.123456 UTC`, naive
/// `2024-05-01 10:00:00[.ffffff]` (taken as UTC, as Redshift's system views are), and
/// epoch numbers, whose unit is guessed from their size (seconds, milliseconds,
/// microseconds or nanoseconds), as text or as numbers.
pub fn parse_time(v: &Value) -> Result<i64, String> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(epoch(i))
            } else if let Some(f) = n.as_f64() {
                Ok(epoch_f(f))
            } else {
                Err(format!("bad timestamp {n}"))
            }
        }
        Value::String(s) => parse_time_str(s.trim()),
        other => Err(format!("bad timestamp {other}")),
    }
}

pub(super) fn epoch(i: i64) -> i64 {
    let a = i.unsigned_abs();
    if a < 100_000_000_000 {
        i.saturating_mul(1_000_000)
    } else if a < 100_000_000_000_000 {
        i.saturating_mul(1_000)
    } else if a < 100_000_000_000_000_000 {
        i
    } else {
        i / 1_000
    }
}

pub(super) fn epoch_f(f: f64) -> i64 {
    if f.abs() < 1e11 {
        (f * 1e6).round() as i64
    } else {
        epoch(f as i64)
    }
}

pub(super) fn parse_time_str(s: &str) -> Result<i64, String> {
    if !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && let Ok(i) = s.parse::<i64>()
    {
        return Ok(epoch(i));
    }
    if let Ok(f) = s.parse::<f64>() {
        return Ok(epoch_f(f));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_micros());
    }
    let body = s
        .strip_suffix(" UTC")
        .or_else(|| s.strip_suffix('Z'))
        .or_else(|| s.strip_suffix(" Z"));
    if let Some(b) = body {
        return naive(b.trim_end()).ok_or_else(|| format!("bad timestamp `{s}`"));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Ok(t.timestamp_micros());
        }
    }
    naive(s).ok_or_else(|| format!("bad timestamp `{s}`"))
}

pub(super) fn naive(s: &str) -> Option<i64> {
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc().timestamp_micros());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_micros())
}

pub(super) fn query(row: &Row, keys: &[&str]) -> Result<String, String> {
    let q = keys
        .iter()
        .find_map(|k| row.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .unwrap_or("");
    if q.is_empty() {
        return Err(format!("no query text (`{}`)", keys[0]));
    }
    Ok(q.to_owned())
}
