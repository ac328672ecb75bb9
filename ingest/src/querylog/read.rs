//! Readers for exported query logs.
//!
//! Each vendor's export is read by its documented column names (Snowflake and Redshift
//! views spell them in upper case, BigQuery in lower; either case is accepted) into
//! [`QueryRecord`]s. A line that cannot be read is a [`RecordError`] with its line
//! number and the rest still reads: one bad line must not cost a whole crawl.
//!
//! CSV is read by a small RFC 4180 reader (quoted fields with `""` escapes and line
//! breaks), which keeps line numbers for errors and needs no extra dependency. JSON is
//! either one object per line or a single array; an array is parsed whole, so a syntax
//! error in it is one error for the whole array.

use std::io::BufRead;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use super::{QueryRecord, TableAccess};

/// The export formats [`read_log`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Snowflake `QUERY_HISTORY` (optionally joined with `ACCESS_HISTORY`), CSV or JSON.
    Snowflake,
    /// BigQuery `INFORMATION_SCHEMA.JOBS`, JSON lines or a JSON array.
    BigQuery,
    /// Redshift `SYS_QUERY_HISTORY`, CSV or JSON.
    Redshift,
    /// Weft's generic JSON lines: `{"query", "user", "start_time", "database", "schema",
    /// "dialect"}`.
    Jsonl,
}

/// A format name [`Format::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown query log format `{0}` (known: snowflake, bigquery, redshift, jsonl)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "snowflake" => Ok(Format::Snowflake),
            "bigquery" => Ok(Format::BigQuery),
            "redshift" => Ok(Format::Redshift),
            "jsonl" => Ok(Format::Jsonl),
            _ => Err(UnknownFormat(s.to_owned())),
        }
    }
}

impl Format {
    /// The dialect statements of this log are written in, when the format implies one.
    pub fn dialect(self) -> Option<&'static str> {
        match self {
            Format::Snowflake => Some("snowflake"),
            Format::BigQuery => Some("bigquery"),
            Format::Redshift => Some("redshift"),
            Format::Jsonl => None,
        }
    }
}

/// A line (or record) of a log that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RecordError {
    /// 1-based line where the record starts.
    pub line: u64,
    /// What was wrong.
    pub message: String,
}

/// Reads a log export, one [`QueryRecord`] per execution.
///
/// Snowflake and Redshift exports may be CSV (with a header) or JSON; the first
/// non-space byte decides (`[` or `{` is JSON). Rows a format says to skip (BigQuery jobs
/// that are not queries, script parents) yield nothing.
pub fn read_log<R: BufRead>(
    format: Format,
    input: R,
) -> impl Iterator<Item = Result<QueryRecord, RecordError>> {
    LogReader {
        format,
        input,
        line: 0,
        state: State::Detect,
        buf: String::new(),
    }
}

enum State {
    Detect,
    Csv(Vec<String>),
    JsonLines,
    Array(std::vec::IntoIter<Value>, u64),
    Done,
}

struct LogReader<R> {
    format: Format,
    input: R,
    /// Lines consumed so far.
    line: u64,
    state: State,
    buf: String,
}

type Row = Map<String, Value>;

impl<R: BufRead> LogReader<R> {
    /// The next physical line into `buf` (appended); false at the end.
    fn read_line(&mut self) -> Result<bool, RecordError> {
        match self.input.read_line(&mut self.buf) {
            Ok(0) => Ok(false),
            Ok(_) => {
                self.line += 1;
                Ok(true)
            }
            Err(e) => Err(RecordError {
                line: self.line + 1,
                message: format!("cannot read: {e}"),
            }),
        }
    }

    /// The next CSV record (which may span lines), with its first line number.
    fn csv_record(&mut self) -> Option<Result<(u64, Vec<String>), RecordError>> {
        self.buf.clear();
        loop {
            let start = self.line + 1;
            match self.read_line() {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => return Some(Err(e)),
            }
            if self.buf.trim().is_empty() {
                self.buf.clear();
                continue;
            }
            // A quoted field may hold line breaks: read on while quotes are open.
            while self.buf.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
                match self.read_line() {
                    Ok(true) => {}
                    Ok(false) => {
                        return Some(Err(RecordError {
                            line: start,
                            message: "unterminated quoted field".into(),
                        }));
                    }
                    Err(e) => return Some(Err(e)),
                }
            }
            return Some(
                split_csv(&self.buf)
                    .map(|f| (start, f))
                    .map_err(|m| RecordError {
                        line: start,
                        message: m,
                    }),
            );
        }
    }

    fn row(&self, row: Row, line: u64) -> Option<Result<QueryRecord, RecordError>> {
        match map_row(self.format, &row) {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => None,
            Err(message) => Some(Err(RecordError { line, message })),
        }
    }
}

impl<R: BufRead> Iterator for LogReader<R> {
    type Item = Result<QueryRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match &mut self.state {
                State::Done => return None,
                State::Detect => {
                    let first = match self.input.fill_buf() {
                        Ok(b) => b.iter().copied().find(|c| !c.is_ascii_whitespace()),
                        Err(e) => {
                            self.state = State::Done;
                            return Some(Err(RecordError {
                                line: 1,
                                message: format!("cannot read: {e}"),
                            }));
                        }
                    };
                    // Whitespace-only first buffer: skip it and look again.
                    if first.is_none() {
                        let n = match self.input.fill_buf() {
                            Ok(b) => b.len(),
                            Err(_) => 0,
                        };
                        if n == 0 {
                            self.state = State::Done;
                            return None;
                        }
                        let newlines = self.input.fill_buf().map_or(0, |b| bytecount(b, b'\n'));
                        self.line += newlines;
                        self.input.consume(n);
                        continue;
                    }
                    let json = matches!(first, Some(b'[' | b'{'));
                    if !json && self.format == Format::Jsonl {
                        self.state = State::JsonLines;
                        continue;
                    }
                    if first == Some(b'[') {
                        let mut text = String::new();
                        let start = self.line + 1;
                        if let Err(e) = self.input.read_to_string(&mut text) {
                            self.state = State::Done;
                            return Some(Err(RecordError {
                                line: start,
                                message: format!("cannot read: {e}"),
                            }));
                        }
                        match serde_json::from_str::<Vec<Value>>(&text) {
                            Ok(items) => self.state = State::Array(items.into_iter(), start),
                            Err(e) => {
                                self.state = State::Done;
                                return Some(Err(RecordError {
                                    line: start + e.line().saturating_sub(1) as u64,
                                    message: format!("JSON array: {e}"),
                                }));
                            }
                        }
                    } else if json || self.format == Format::BigQuery {
                        self.state = State::JsonLines;
                    } else {
                        match self.csv_record() {
                            None => self.state = State::Done,
                            Some(Err(e)) => {
                                self.state = State::Done;
                                return Some(Err(e));
                            }
                            Some(Ok((_, header))) => {
                                self.state = State::Csv(
                                    header
                                        .into_iter()
                                        .map(|h| h.trim().to_ascii_lowercase())
                                        .collect(),
                                )
                            }
                        }
                    }
                }
                State::Array(items, line) => {
                    let line = *line;
                    let Some(item) = items.next() else {
                        self.state = State::Done;
                        return None;
                    };
                    match item {
                        Value::Object(m) => {
                            if let Some(r) = self.row(lower_keys(m), line) {
                                return Some(r);
                            }
                        }
                        _ => {
                            return Some(Err(RecordError {
                                line,
                                message: "array element is not an object".into(),
                            }));
                        }
                    }
                }
                State::JsonLines => {
                    self.buf.clear();
                    match self.read_line() {
                        Ok(false) => {
                            self.state = State::Done;
                            return None;
                        }
                        Ok(true) => {}
                        Err(e) => {
                            self.state = State::Done;
                            return Some(Err(e));
                        }
                    }
                    let line = self.line;
                    let text = self.buf.trim();
                    if text.is_empty() {
                        continue;
                    }
                    match serde_json::from_str::<Map<String, Value>>(text) {
                        Ok(m) => {
                            if let Some(r) = self.row(lower_keys(m), line) {
                                return Some(r);
                            }
                        }
                        Err(e) => {
                            return Some(Err(RecordError {
                                line,
                                message: format!("not a JSON object: {e}"),
                            }));
                        }
                    }
                }
                State::Csv(header) => {
                    let header = std::mem::take(header);
                    let rec = self.csv_record();
                    let result = match rec {
                        None => {
                            self.state = State::Done;
                            return None;
                        }
                        Some(Err(e)) => Some(Err(e)),
                        Some(Ok((line, fields))) if fields.len() != header.len() => {
                            Some(Err(RecordError {
                                line,
                                message: format!(
                                    "{} fields where the header has {}",
                                    fields.len(),
                                    header.len()
                                ),
                            }))
                        }
                        Some(Ok((line, fields))) => {
                            let row: Row = header
                                .iter()
                                .cloned()
                                .zip(fields.into_iter().map(Value::String))
                                .collect();
                            self.row(row, line)
                        }
                    };
                    self.state = State::Csv(header);
                    if result.is_some() {
                        return result;
                    }
                }
            }
        }
    }
}

fn bytecount(b: &[u8], c: u8) -> u64 {
    b.iter().filter(|&&x| x == c).count() as u64
}

fn lower_keys(m: Map<String, Value>) -> Row {
    if m.keys().all(|k| !k.bytes().any(|b| b.is_ascii_uppercase())) {
        return m;
    }
    m.into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
}

/// Splits one CSV record (without its final line break) into fields.
fn split_csv(rec: &str) -> Result<Vec<String>, String> {
    let rec = rec.strip_suffix('\n').unwrap_or(rec);
    let rec = rec.strip_suffix('\r').unwrap_or(rec);
    let mut fields = Vec::new();
    let mut chars = rec.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return Err("unterminated quoted field".into()),
                }
            }
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => fields.push(field),
                Some(c) => return Err(format!("unexpected `{c}` after a quoted field")),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return Ok(fields);
                    }
                    Some(',') => break,
                    Some(c) => field.push(c),
                }
            }
            fields.push(field);
        }
    }
}

/// The first present, non-empty, non-null value among `keys`, as text.
fn text(row: &Row, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match row.get(*k)? {
        Value::String(s) if !s.trim().is_empty() && s != "NULL" && s != "\\N" => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// A value that may be JSON, or JSON written as text (CSV cells).
fn json(row: &Row, key: &str) -> Option<Value> {
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

fn time(row: &Row, keys: &[&str]) -> Result<Option<i64>, String> {
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

fn epoch(i: i64) -> i64 {
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

fn epoch_f(f: f64) -> i64 {
    if f.abs() < 1e11 {
        (f * 1e6).round() as i64
    } else {
        epoch(f as i64)
    }
}

fn parse_time_str(s: &str) -> Result<i64, String> {
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

fn naive(s: &str) -> Option<i64> {
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

fn query(row: &Row, keys: &[&str]) -> Result<String, String> {
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

fn map_row(format: Format, row: &Row) -> Result<Option<QueryRecord>, String> {
    match format {
        Format::Snowflake => snowflake(row).map(Some),
        Format::BigQuery => bigquery(row),
        Format::Redshift => redshift(row).map(Some),
        Format::Jsonl => generic(row).map(Some),
    }
}

fn calls(row: &Row) -> Result<u64, String> {
    match text(row, &["calls"]) {
        None => Ok(1),
        Some(c) => c.parse().map_err(|_| format!("bad calls `{c}`")),
    }
}

fn snowflake(row: &Row) -> Result<QueryRecord, String> {
    let status = text(row, &["execution_status"])
        .unwrap_or_default()
        .to_ascii_uppercase();
    let error = text(row, &["error_code"]).is_some();
    Ok(QueryRecord {
        id: text(row, &["query_id"]),
        query: query(row, &["query_text"])?,
        user: text(row, &["user_name"]),
        start_time: time(row, &["start_time", "end_time"])?,
        database: text(row, &["database_name"]),
        schema: text(row, &["schema_name"]),
        dialect: Some("snowflake".into()),
        calls: calls(row)?,
        failed: error
            || status.starts_with("FAIL")
            || status == "INCIDENT"
            || status.contains("CANCEL")
            || status.contains("ABORT"),
        reads: snowflake_objects(row, "direct_objects_accessed"),
        writes: snowflake_objects(row, "objects_modified"),
    })
}

/// `ACCESS_HISTORY` object lists: `[{objectName, objectDomain, columns: [{columnName}]}]`.
/// Stages, functions and the like are not datasets and are left out.
fn snowflake_objects(row: &Row, key: &str) -> Vec<TableAccess> {
    let Some(Value::Array(items)) = json(row, key) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|o| {
            let name = o.get("objectName")?.as_str()?;
            let domain = o
                .get("objectDomain")
                .and_then(Value::as_str)
                .unwrap_or("Table")
                .to_ascii_lowercase();
            if !(domain.contains("table") || domain.contains("view") || domain == "stream") {
                return None;
            }
            let columns = o
                .get("columns")
                .and_then(Value::as_array)
                .map(|cs| {
                    cs.iter()
                        .filter_map(|c| c.get("columnName")?.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            Some(TableAccess {
                name: name.to_owned(),
                columns,
            })
        })
        .collect()
}

fn bigquery(row: &Row) -> Result<Option<QueryRecord>, String> {
    if let Some(t) = text(row, &["job_type"])
        && !t.eq_ignore_ascii_case("QUERY")
    {
        return Ok(None);
    }
    let statement = text(row, &["statement_type"]).unwrap_or_default();
    // A script's parent job repeats the statements its child jobs log one by one.
    if statement.eq_ignore_ascii_case("SCRIPT") {
        return Ok(None);
    }
    let project = text(row, &["project_id"]);
    let id = text(row, &["job_id"]).map(|j| match &project {
        Some(p) => format!("{p}:{j}"),
        None => j,
    });
    let failed = match json(row, "error_result") {
        None => false,
        Some(Value::Object(m)) => !m.is_empty(),
        Some(_) => true,
    };
    let (default_project, default_dataset) = match json(row, "default_dataset") {
        Some(Value::Object(m)) => (
            m.get("project_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
            m.get("dataset_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
        ),
        _ => (None, text(row, &["default_dataset", "default_dataset_id"])),
    };
    let table = |v: &Value| -> Option<TableAccess> {
        let p = v.get("project_id")?.as_str()?;
        let d = v.get("dataset_id")?.as_str()?;
        let t = v.get("table_id")?.as_str()?;
        Some(TableAccess {
            name: format!("{p}.{d}.{t}"),
            columns: Vec::new(),
        })
    };
    let reads = match json(row, "referenced_tables") {
        Some(Value::Array(items)) => items.iter().filter_map(table).collect(),
        _ => Vec::new(),
    };
    // Every query has a destination; a SELECT's is an anonymous table in a hidden
    // (`_`-prefixed) dataset, which is not a write anyone cares about.
    let writes = json(row, "destination_table")
        .as_ref()
        .and_then(table)
        .filter(|t| {
            let dataset = t.name.split('.').nth(1).unwrap_or("");
            !dataset.starts_with('_') && !statement.eq_ignore_ascii_case("SELECT")
        })
        .into_iter()
        .collect();
    Ok(Some(QueryRecord {
        id,
        query: query(row, &["query"])?,
        user: text(row, &["user_email"]),
        start_time: time(row, &["start_time", "creation_time"])?,
        database: default_project.or(project),
        schema: default_dataset,
        dialect: Some("bigquery".into()),
        calls: 1,
        failed,
        reads,
        writes,
    }))
}

fn redshift(row: &Row) -> Result<QueryRecord, String> {
    let status = text(row, &["status"])
        .unwrap_or_default()
        .to_ascii_lowercase();
    Ok(QueryRecord {
        id: text(row, &["query_id"]),
        query: query(row, &["query_text"])?,
        user: text(row, &["usename", "user_name", "user_id"]),
        start_time: time(row, &["start_time", "end_time"])?,
        database: text(row, &["database_name"]),
        // SYS_QUERY_HISTORY has no schema: the default search path starts at `public`.
        schema: text(row, &["schema_name"]).or_else(|| Some("public".into())),
        dialect: Some("redshift".into()),
        calls: calls(row)?,
        failed: status.starts_with("fail") || status.contains("cancel") || status.contains("abort"),
        reads: Vec::new(),
        writes: Vec::new(),
    })
}

fn generic(row: &Row) -> Result<QueryRecord, String> {
    let failed = match row.get("failed") {
        Some(Value::Bool(b)) => *b,
        _ => text(row, &["status"]).is_some_and(|s| {
            let s = s.to_ascii_lowercase();
            s.starts_with("fail") || s == "error"
        }),
    };
    Ok(QueryRecord {
        id: text(row, &["id", "query_id"]),
        query: query(row, &["query"])?,
        user: text(row, &["user"]),
        start_time: time(row, &["start_time"])?,
        database: text(row, &["database"]),
        schema: text(row, &["schema"]),
        dialect: text(row, &["dialect"]),
        calls: calls(row)?,
        failed,
        reads: Vec::new(),
        writes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_the_vendors_formats() {
        let t = |s: &str| parse_time(&Value::String(s.into())).unwrap();
        let base = 1_714_557_600_000_000; // 2024-05-01T10:00:00Z
        assert_eq!(t("2024-05-01T10:00:00Z"), base);
        assert_eq!(t("2024-05-01 03:00:00.000 -0700"), base);
        assert_eq!(t("2024-05-01 03:00:00.123 -0700"), base + 123_000);
        assert_eq!(t("2024-05-01 10:00:00 UTC"), base);
        assert_eq!(t("2024-05-01 10:00:00.5 UTC"), base + 500_000);
        assert_eq!(t("2024-05-01 10:00:00.000001"), base + 1);
        assert_eq!(t("2024-05-01T12:00:00+02:00"), base);
        assert_eq!(t("1714557600"), base);
        assert_eq!(t("1714557600000"), base);
        assert_eq!(
            parse_time(&serde_json::json!(1714557600.5)).unwrap(),
            base + 500_000
        );
        assert!(parse_time(&Value::String("yesterday".into())).is_err());
    }

    #[test]
    fn csv_fields_with_quotes_and_line_breaks() {
        let log = "QUERY_ID,QUERY_TEXT,USER_NAME,START_TIME\n\
                   a1,\"SELECT \"\"x\"\", 'a,b'\nFROM t\",ANN,2024-05-01 10:00:00 UTC\n\
                   a2,SELECT 1,BOB\n\
                   a3,SELECT 2,CAROL,2024-05-01 10:00:00 UTC\n";
        let recs: Vec<_> = read_log(Format::Snowflake, log.as_bytes()).collect();
        assert_eq!(recs.len(), 3);
        let first = recs[0].as_ref().unwrap();
        assert_eq!(first.query, "SELECT \"x\", 'a,b'\nFROM t");
        assert_eq!(recs[1].as_ref().unwrap_err().line, 4);
        assert_eq!(recs[2].as_ref().unwrap().user.as_deref(), Some("CAROL"));
    }
}
