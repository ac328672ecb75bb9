//! The catalog snapshot: what `weft export` writes and `weft check` reads.
//!
//! A snapshot is gzip-compressed JSON lines. The first line is a [`Header`]
//! (`{"format":"weft-snapshot","version":1,"exported_at":…,"log_position":…}`), then one
//! [`Record`] per line, tagged by `type`: the detection and propagation rules in force
//! (`rules`), datasets with their columns and tags (`dataset`), column edges exactly as
//! stored (`column_edge`), jobs' inputs and outputs (`job_io`) and review decisions
//! (`tag_review`). That is what the server's lineage graph is built from, so a reader can
//! rebuild the same graph with the same PII propagation offline.
//!
//! Lines, not one document, so that both ends stream: the exporter writes a page of
//! datasets at a time and a reader never holds the text of the whole file. The version
//! is checked before anything else is read; an older or newer file is refused with a
//! message naming both versions, because a half-understood snapshot would make `weft
//! check` pass changes it cannot actually see.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use weft_lineage::graph::{DetectionRules, PropagationRules};

/// The `format` every snapshot header carries.
pub const FORMAT: &str = "weft-snapshot";

/// The snapshot version this build writes and reads.
pub const VERSION: u32 = 1;

/// The first line of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] when written by this build.
    pub version: u32,
    /// When the export started (RFC 3339).
    pub exported_at: String,
    /// The change-log sequence number the snapshot reflects.
    pub log_position: i64,
}

impl Header {
    /// A header for a snapshot of the catalog at `log_position`, exported at `exported_at`.
    pub fn new(exported_at: String, log_position: i64) -> Header {
        Header {
            format: FORMAT.to_owned(),
            version: VERSION,
            exported_at,
            log_position,
        }
    }
}

/// One line after the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// The detection and propagation rules the server's graph runs with.
    Rules(RulesRecord),
    /// A dataset with its columns.
    Dataset(DatasetRecord),
    /// A `column_edges` row.
    ColumnEdge(ColumnEdgeRecord),
    /// A `job_io` row.
    JobIo(JobIoRecord),
    /// A `tag_reviews` row.
    TagReview(TagReviewRecord),
}

/// The PII rules in force, as the server's graph applies them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RulesRecord {
    /// Detection rules: the defaults plus the deployment's additions.
    pub detection: DetectionRules,
    /// Propagation rules, already combined with the defaults (use them as they are).
    pub propagation: PropagationRules,
}

impl PartialEq for RulesRecord {
    fn eq(&self, other: &Self) -> bool {
        // PropagationRules has no PartialEq; its JSON form is its identity.
        serde_json::to_string(self).ok() == serde_json::to_string(other).ok()
    }
}

/// An owner of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// `team:data-eng`, `user:alice`.
    pub name: String,
    /// `MAINTAINER`, … when given.
    #[serde(rename = "type", default)]
    pub owner_type: Option<String>,
}

/// A dataset as readers see it: curated values laid over the producer's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetRecord {
    /// The store's id; edges and reviews name datasets by it.
    pub id: i64,
    /// Namespace.
    pub namespace: String,
    /// Name within the namespace.
    pub name: String,
    /// Description (curated, else the producer's).
    #[serde(default)]
    pub description: Option<String>,
    /// Tier (`gold`), from a `tier` tag.
    #[serde(default)]
    pub tier: Option<String>,
    /// Classification (`public`, `internal`, `confidential`, `restricted`), when set.
    #[serde(default)]
    pub classification: Option<String>,
    /// Retention as stored (`P30D`, `none`), when set.
    #[serde(default)]
    pub retention: Option<String>,
    /// Owners (curated, else the producer's).
    #[serde(default)]
    pub owners: Vec<Owner>,
    /// When the catalog first saw it (RFC 3339).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Someone deprecated it.
    #[serde(default)]
    pub deprecated: bool,
    /// The source dropped it (it stays in the graph, as on the server).
    #[serde(default)]
    pub deleted: bool,
    /// Tags on the dataset itself.
    #[serde(default)]
    pub tags: Vec<TagRecord>,
    /// Current columns, in schema order.
    #[serde(default)]
    pub columns: Vec<ColumnRecord>,
}

/// A current column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRecord {
    /// Name.
    pub name: String,
    /// Type as the producer names it.
    #[serde(rename = "type", default)]
    pub data_type: Option<String>,
    /// Description (curated, else the producer's).
    #[serde(default)]
    pub description: Option<String>,
    /// Tags stated on it (declared by a producer or added by hand).
    #[serde(default)]
    pub tags: Vec<TagRecord>,
}

/// A `tags` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRecord {
    /// The key (`pii.email`, `tier`).
    pub key: String,
    /// The value, for OpenLineage's key/value tags.
    #[serde(default)]
    pub value: Option<String>,
    /// `declared` (a producer) or `manual` (a person).
    pub origin: String,
}

/// A `column_edges` row as stored; `dst_column` `""` is a dataset-level dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnEdgeRecord {
    /// The written dataset's id.
    pub dst_dataset: i64,
    /// The written column; `""` for a dataset-level dependency.
    pub dst_column: String,
    /// The read dataset's id.
    pub src_dataset: i64,
    /// The read column; `""` for the whole dataset.
    pub src_column: String,
    /// The job's id (0: none).
    pub job: i64,
    /// `openlineage`, `sql`, `view`, `query_log`.
    pub origin: String,
    /// The transformations, as the stored JSON array text.
    pub transformations: String,
    /// First seen (µs).
    pub first_seen: i64,
    /// Last seen (µs).
    pub last_seen: i64,
}

/// A `job_io` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobIoRecord {
    /// The job's id.
    pub job: i64,
    /// The dataset's id.
    pub dataset: i64,
    /// `in` or `out`.
    pub direction: String,
    /// When the row was last written (µs).
    pub updated_at: i64,
}

/// A standing review decision (`tag_reviews` row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagReviewRecord {
    /// The dataset's id.
    pub dataset: i64,
    /// The column.
    pub column: String,
    /// The tag key.
    pub tag: String,
    /// Added by hand (a confirmed source).
    pub manual: bool,
    /// `confirmed`, `rejected` or none.
    #[serde(default)]
    pub decision: Option<String>,
}

/// Why a snapshot could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The file could not be opened or read.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// What failed.
        source: io::Error,
    },
    /// No snapshot header on the first line.
    #[error(
        "{file}: not a weft snapshot (no `{FORMAT}` header on its first line; write one with `weft export`)"
    )]
    NotSnapshot {
        /// The file.
        file: PathBuf,
    },
    /// A snapshot of another version.
    #[error(
        "{file}: snapshot version {found} cannot be read by this weft, which reads version {VERSION}; \
         export the catalog again with this version's `weft export`"
    )]
    Version {
        /// The file.
        file: PathBuf,
        /// The version the file has.
        found: u32,
    },
    /// A line that is not a record of this version.
    #[error("{file}:{line}: {message}")]
    Line {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: u64,
        /// What is wrong with it.
        message: String,
    },
}

/// Writes a snapshot: the header first, then records, gzip-compressed.
pub struct SnapshotWriter<W: Write> {
    out: GzEncoder<W>,
    line: Vec<u8>,
}

impl<W: Write> SnapshotWriter<W> {
    /// Starts a snapshot on `out` with `header`.
    pub fn new(out: W, header: &Header) -> io::Result<SnapshotWriter<W>> {
        let mut w = SnapshotWriter {
            out: GzEncoder::new(out, Compression::fast()),
            line: Vec::with_capacity(4096),
        };
        w.write_line(header)?;
        Ok(w)
    }

    fn write_line<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, value).map_err(io::Error::other)?;
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    /// Appends one record.
    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        self.write_line(record)
    }

    /// The underlying writer, holding the compressed bytes produced so far (a streaming
    /// exporter drains a `Vec<u8>` here after each page).
    pub fn get_mut(&mut self) -> &mut W {
        self.out.get_mut()
    }

    /// Ends the gzip stream and returns the underlying writer.
    pub fn finish(self) -> io::Result<W> {
        self.out.finish()
    }
}

/// Reads a snapshot record by record; the header is read and checked on open.
pub struct SnapshotReader {
    file: PathBuf,
    lines: Box<dyn BufRead>,
    header: Header,
    line_no: u64,
    buf: String,
}

impl std::fmt::Debug for SnapshotReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotReader")
            .field("file", &self.file)
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl SnapshotReader {
    /// Opens the snapshot at `path` and checks its header.
    pub fn open(path: &Path) -> Result<SnapshotReader, SnapshotError> {
        let file = File::open(path).map_err(|source| SnapshotError::Io {
            file: path.to_owned(),
            source,
        })?;
        Self::from_reader(path, file)
    }

    /// Reads a snapshot from `input` (gzip, or plain JSON lines); `name` is what errors
    /// call it.
    pub fn from_reader(
        name: &Path,
        input: impl Read + 'static,
    ) -> Result<SnapshotReader, SnapshotError> {
        let io_err = |source| SnapshotError::Io {
            file: name.to_owned(),
            source,
        };
        let mut raw = BufReader::with_capacity(1 << 16, input);
        let gzip = raw.fill_buf().map_err(io_err)?.starts_with(&[0x1f, 0x8b]);
        let mut lines: Box<dyn BufRead> = if gzip {
            Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(raw)))
        } else {
            Box::new(raw)
        };
        let mut first = String::new();
        let not_snapshot = || SnapshotError::NotSnapshot {
            file: name.to_owned(),
        };
        // A binary file that is not gzip fails as text; that too is "not a snapshot".
        if lines.read_line(&mut first).is_err() {
            return Err(not_snapshot());
        }
        let value: serde_json::Value = serde_json::from_str(&first).map_err(|_| not_snapshot())?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(not_snapshot());
        }
        let found = value
            .get("version")
            .and_then(|v| v.as_u64())
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(not_snapshot)?;
        if found != VERSION {
            return Err(SnapshotError::Version {
                file: name.to_owned(),
                found,
            });
        }
        let header: Header = serde_json::from_value(value).map_err(|e| SnapshotError::Line {
            file: name.to_owned(),
            line: 1,
            message: format!("header: {e}"),
        })?;
        Ok(SnapshotReader {
            file: name.to_owned(),
            lines,
            header,
            line_no: 1,
            buf: String::new(),
        })
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The next record, or `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<Record>, SnapshotError> {
        loop {
            self.buf.clear();
            self.line_no += 1;
            let n = self
                .lines
                .read_line(&mut self.buf)
                .map_err(|e| SnapshotError::Line {
                    file: self.file.clone(),
                    line: self.line_no,
                    message: format!("unreadable ({e}); is the file truncated?"),
                })?;
            if n == 0 {
                return Ok(None);
            }
            if self.buf.trim().is_empty() {
                continue;
            }
            return decode(&self.buf)
                .map(Some)
                .map_err(|e| SnapshotError::Line {
                    file: self.file.clone(),
                    line: self.line_no,
                    message: e.to_string(),
                });
        }
    }
}

/// Decodes one record line. The writer puts the `type` tag first, so the kind is read
/// from the line's start and the line decoded straight into that record: serde's
/// internally tagged enums buffer every value of a line before choosing the variant,
/// which was a sixth of reading a 100,000-dataset snapshot. A line in another key order
/// (a hand-edited file) still decodes through the tagged enum.
fn decode(line: &str) -> serde_json::Result<Record> {
    let kind = line
        .trim_start()
        .strip_prefix(r#"{"type":""#)
        .and_then(|rest| rest.split_once('"'))
        .map(|(kind, _)| kind);
    match kind {
        Some("dataset") => serde_json::from_str(line).map(Record::Dataset),
        Some("column_edge") => serde_json::from_str(line).map(Record::ColumnEdge),
        Some("job_io") => serde_json::from_str(line).map(Record::JobIo),
        Some("tag_review") => serde_json::from_str(line).map(Record::TagReview),
        _ => serde_json::from_str(line),
    }
}

impl Iterator for SnapshotReader {
    type Item = Result<Record, SnapshotError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset() -> Record {
        Record::Dataset(DatasetRecord {
            id: 7,
            namespace: "pg://db".to_owned(),
            name: "public.users".to_owned(),
            description: None,
            tier: Some("gold".to_owned()),
            classification: None,
            retention: None,
            owners: vec![Owner {
                name: "team:data".to_owned(),
                owner_type: Some("MAINTAINER".to_owned()),
            }],
            created_at: None,
            deprecated: false,
            deleted: false,
            tags: Vec::new(),
            columns: vec![ColumnRecord {
                name: "email".to_owned(),
                data_type: Some("text".to_owned()),
                description: None,
                tags: Vec::new(),
            }],
        })
    }

    #[test]
    fn records_decode_by_their_leading_kind_and_in_any_key_order() {
        let edge = Record::ColumnEdge(ColumnEdgeRecord {
            dst_dataset: 2,
            dst_column: "a".to_owned(),
            src_dataset: 1,
            src_column: "b".to_owned(),
            job: 0,
            origin: "sql".to_owned(),
            transformations: "[]".to_owned(),
            first_seen: 1,
            last_seen: 2,
        });
        for record in [dataset(), edge] {
            let line = serde_json::to_string(&record).expect("serialises");
            assert!(line.starts_with(r#"{"type":""#), "{line}");
            assert_eq!(decode(&line).expect("decodes"), record);
            // The same record with its tag last goes through the tagged enum.
            let mut value: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&line).expect("object");
            let kind = value.remove("type").expect("tagged");
            value.insert("type".to_owned(), kind);
            let moved = serde_json::to_string(&value).expect("serialises");
            assert!(!moved.starts_with(r#"{"type""#));
            assert_eq!(decode(&moved).expect("decodes"), record);
        }
        let err = decode(r#"{"type":"dataset","id":"x"}"#).expect_err("bad id");
        assert!(err.to_string().contains("invalid type"), "{err}");
        assert!(decode(r#"{"type":"spaceship"}"#).is_err());
    }
}
