//! How an export is cut into rows: CSV with a header (a small RFC 4180 reader that keeps
//! line numbers) or JSON (one object per line, or a single array).

use std::io::BufRead;

use serde_json::{Map, Value};

use super::{Format, RecordError, map_row};
use crate::querylog::QueryRecord;

pub(super) enum State {
    Detect,
    Csv(Vec<String>),
    JsonLines,
    Array(std::vec::IntoIter<Value>, u64),
    Done,
}

pub(super) struct LogReader<R> {
    pub(super) format: Format,
    pub(super) input: R,
    /// Lines consumed so far.
    pub(super) line: u64,
    pub(super) state: State,
    pub(super) buf: String,
}

pub(super) type Row = Map<String, Value>;

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

pub(super) fn bytecount(b: &[u8], c: u8) -> u64 {
    b.iter().filter(|&&x| x == c).count() as u64
}

pub(super) fn lower_keys(m: Map<String, Value>) -> Row {
    if m.keys().all(|k| !k.bytes().any(|b| b.is_ascii_uppercase())) {
        return m;
    }
    m.into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
}

/// Splits one CSV record (without its final line break) into fields.
pub(super) fn split_csv(rec: &str) -> Result<Vec<String>, String> {
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
