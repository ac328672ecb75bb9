//! The change log: append-only, hash-chained, the truth everything else derives from.
//!
//! Each row's `hash` covers the previous row's hash and this row's sequence number, time,
//! actor, kind, entity and the *digest* of its payload — not the payload itself — so a
//! payload can be redacted (erasure requests) while the chain still verifies, and any
//! other edit or a removed row breaks it.
//!
//! On SQLite a payload is stored LZ4-compressed in `payload_lz4` (with `payload` NULL):
//! events are ~10 KB of repetitive JSON, and the pages they fill are what every commit
//! writes to the WAL and syncs. Rows written before that keep their text in `payload`,
//! and PostgreSQL, which compresses large values itself, keeps writing text there.
//! Readers take whichever column is set ([`stored_text`]); redaction clears both.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Backend, Store, StoreError};

/// One committed row of the change log, as derived views read it.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// Position in the log; strictly increasing, no gaps.
    pub seq: i64,
    /// When it was written (microseconds, UTC).
    pub at: i64,
    /// Who caused it.
    pub actor: String,
    /// `ChangeKind::as_str`.
    pub kind: String,
    /// The entity key (`run:<uuid>`, `job:<ns>:<name>`, `dataset:<ns>:<name>`).
    pub entity: String,
    /// The namespace the change belongs to.
    pub namespace: Option<String>,
    /// The input verbatim; `None` when redacted or not requested.
    pub payload: Option<String>,
}

/// The chain hash of a row, given the previous row's hash (empty for the first row).
pub fn chain_hash(
    prev: &[u8],
    seq: i64,
    at: i64,
    actor: &str,
    kind: &str,
    entity: &str,
    payload_digest: &[u8],
) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(at.to_be_bytes());
    for part in [actor, kind, entity] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.update(payload_digest);
    h.finalize().to_vec()
}

/// SHA-256 of a payload, as stored in `payload_digest`.
pub fn payload_digest(payload: &str) -> Vec<u8> {
    Sha256::digest(payload.as_bytes()).to_vec()
}

/// A payload in the form the writer stores it, with its digest: prepared on the
/// request's task, so the single writer only binds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPayload {
    /// The text, for the `payload` column (PostgreSQL).
    pub text: Option<String>,
    /// The text LZ4-compressed (size-prefixed block), for `payload_lz4` (SQLite).
    pub lz4: Option<Vec<u8>>,
    /// SHA-256 of the text, for `payload_digest`.
    pub digest: Vec<u8>,
}

impl StoredPayload {
    /// Hashes `payload` and puts it in the form `backend` stores.
    pub fn encode(backend: Backend, payload: String) -> StoredPayload {
        let digest = payload_digest(&payload);
        match backend {
            Backend::Sqlite => StoredPayload {
                text: None,
                lz4: Some(lz4_flex::compress_prepend_size(payload.as_bytes())),
                digest,
            },
            Backend::Postgres => StoredPayload {
                text: Some(payload),
                lz4: None,
                digest,
            },
        }
    }
}

/// The text of a stored payload from its two columns: `payload` for rows stored as text,
/// else `payload_lz4` decompressed; `None` when both are NULL (redacted).
pub fn stored_text(
    text: Option<String>,
    lz4: Option<Vec<u8>>,
) -> Result<Option<String>, StoreError> {
    if text.is_some() {
        return Ok(text);
    }
    let Some(block) = lz4 else { return Ok(None) };
    let bytes = lz4_flex::decompress_size_prepended(&block)
        .map_err(|e| StoreError::Corrupt(format!("compressed payload: {e}")))?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("compressed payload: {e}")))
}

/// Which entries a feed reads; every condition given must hold.
#[derive(Debug, Clone, Copy, Default)]
pub struct FeedFilter<'a> {
    /// Only this kind (`openlineage.run`, `catalog.edit`…).
    pub kind: Option<&'a str>,
    /// Only this namespace.
    pub namespace: Option<&'a str>,
    /// Only entities starting with this (`dataset:postgres://db:5432:shop.`), compared
    /// exactly (case included).
    pub entity_prefix: Option<&'a str>,
}

/// The columns a feed reads, with or without the payload.
fn log_columns(payloads: bool) -> &'static str {
    if payloads {
        "seq, at, actor, kind, entity, namespace, payload, payload_lz4"
    } else {
        "seq, at, actor, kind, entity, namespace"
    }
}

/// A row read with [`log_columns`] as an entry.
fn log_entry(r: &sqlx::any::AnyRow, payloads: bool) -> Result<LogEntry, StoreError> {
    Ok(LogEntry {
        seq: r.try_get(0)?,
        at: r.try_get(1)?,
        actor: r.try_get(2)?,
        kind: r.try_get(3)?,
        entity: r.try_get(4)?,
        namespace: r.try_get(5)?,
        payload: if payloads {
            stored_text(r.try_get(6)?, r.try_get(7)?)?
        } else {
            None
        },
    })
}

/// What verifying the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Rows checked.
    pub rows: i64,
    /// The first sequence number whose hash, digest or position does not match, if any.
    pub first_bad: Option<i64>,
    /// Rows whose payload was redacted (their digest is trusted as stored).
    pub redacted: i64,
    /// What is wrong at `first_bad`.
    pub reason: Option<String>,
}

/// The head of the change log: what a checkpoint records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogHead {
    /// The newest sequence number.
    pub seq: i64,
    /// Its chain hash.
    pub hash: Vec<u8>,
    /// When it was written (microseconds, UTC).
    pub at: i64,
}

impl LogHead {
    /// The checkpoint line: `{"seq":…,"hash":"hex","at":…}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"seq": self.seq, "hash": hex(&self.hash), "at": self.at})
    }
}

/// A checkpoint the log must still extend: the entry at `seq` has `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The sequence number.
    pub seq: i64,
    /// The chain hash expected there.
    pub hash: Vec<u8>,
}

impl Anchor {
    /// Parses `SEQ:HEX`.
    pub fn parse(s: &str) -> Result<Anchor, String> {
        let (seq, hash) = s
            .split_once(':')
            .ok_or_else(|| format!("anchor {s:?}: expected SEQ:HASH"))?;
        Ok(Anchor {
            seq: seq
                .trim()
                .parse()
                .map_err(|_| format!("anchor {s:?}: bad seq"))?,
            hash: unhex(hash.trim()).ok_or_else(|| format!("anchor {s:?}: bad hex hash"))?,
        })
    }

    /// Reads a checkpoint file: one JSON line `{"seq", "hash"}` per checkpoint (blank
    /// lines ignored).
    pub fn read_file(text: &str) -> Result<Vec<Anchor>, String> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| format!("checkpoint line {}: {e}", i + 1))?;
            let seq = v["seq"]
                .as_i64()
                .ok_or_else(|| format!("checkpoint line {}: no seq", i + 1))?;
            let hash = v["hash"]
                .as_str()
                .and_then(unhex)
                .ok_or_else(|| format!("checkpoint line {}: no hex hash", i + 1))?;
            out.push(Anchor { seq, hash });
        }
        Ok(out)
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex (either case); `None` for odd, empty or non-hex text.
pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.is_empty() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Store {
    /// Reads up to `limit` entries after `after`, in order; with `payloads` false the
    /// payload column is not read (cheap views need only the keys).
    pub async fn read_log(
        &self,
        after: i64,
        limit: i64,
        payloads: bool,
    ) -> Result<Vec<LogEntry>, StoreError> {
        self.changes(after, limit, None, None, payloads).await
    }

    /// Entries after `after`, oldest first, optionally of one kind and one namespace:
    /// the change feed tools poll instead of re-reading the catalog.
    pub async fn changes(
        &self,
        after: i64,
        limit: i64,
        kind: Option<&str>,
        namespace: Option<&str>,
        payloads: bool,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let filter = FeedFilter {
            kind,
            namespace,
            entity_prefix: None,
        };
        self.changes_where(after, limit, filter, payloads).await
    }

    /// Entries after `after` that `filter` wants, oldest first, at most `limit`.
    pub async fn changes_where(
        &self,
        after: i64,
        limit: i64,
        filter: FeedFilter<'_>,
        payloads: bool,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let mut cond = String::from("seq > ?");
        if filter.kind.is_some() {
            cond.push_str(" AND kind = ?");
        }
        if filter.namespace.is_some() {
            cond.push_str(" AND namespace = ?");
        }
        if filter.entity_prefix.is_some() {
            // Not LIKE: SQLite's ignores ASCII case, and `_` and `%` are common in names.
            // Both backends count `substr` lengths in characters.
            cond.push_str(" AND substr(entity, 1, CAST(? AS INTEGER)) = ?");
        }
        let sql = self.backend().sql(&format!(
            "SELECT {} FROM change_log WHERE {cond} ORDER BY seq LIMIT ?",
            log_columns(payloads)
        ));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(after);
        if let Some(k) = filter.kind {
            q = q.bind(k.to_owned());
        }
        if let Some(n) = filter.namespace {
            q = q.bind(n.to_owned());
        }
        if let Some(p) = filter.entity_prefix {
            q = q
                .bind(i64::try_from(p.chars().count()).unwrap_or(i64::MAX))
                .bind(p.to_owned());
        }
        super::count_statement();
        let rows = q.bind(limit).fetch_all(self.pool()).await?;
        rows.iter().map(|r| log_entry(r, payloads)).collect()
    }

    /// Entries about a dataset, newest first, before `before` (all when `None`), at most
    /// `limit`: those whose entity is the dataset (`dataset:NS:NAME`: producers'
    /// DatasetEvents, people's edits, edge retractions into it), one of its columns
    /// (`column:NS:NAME:FIELD`: column edits, tag decisions), or a run that wrote it
    /// (`run:ID` for each run with the dataset among its `run_io` outputs; every event
    /// of such a run counts, its START included). A dataset whose name extends this one's
    /// with `:` (`NAME:x`) would share its column prefix; names with `:` are rare enough
    /// that the entries are not told apart.
    pub async fn dataset_history(
        &self,
        dataset_id: i64,
        namespace: &str,
        name: &str,
        before: Option<i64>,
        limit: i64,
        payloads: bool,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let columns = format!("column:{namespace}:{name}:");
        let sql = self.backend().sql(&format!(
            "SELECT {} FROM change_log WHERE seq < ? AND (entity = ? \
             OR substr(entity, 1, CAST(? AS INTEGER)) = ? \
             OR entity IN (SELECT 'run:' || run_id FROM run_io WHERE dataset_id = ? AND direction = 'out')) \
             ORDER BY seq DESC LIMIT ?",
            log_columns(payloads)
        ));
        super::count_statement();
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(before.unwrap_or(i64::MAX))
            .bind(format!("dataset:{namespace}:{name}"))
            .bind(i64::try_from(columns.chars().count()).unwrap_or(i64::MAX))
            .bind(columns)
            .bind(dataset_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| log_entry(r, payloads)).collect()
    }

    /// One entry's payload (`None` when redacted or absent), for the views that read
    /// payloads of a few kinds only.
    pub async fn payload_at(&self, seq: i64) -> Result<Option<String>, StoreError> {
        let sql = self
            .backend()
            .sql("SELECT payload, payload_lz4 FROM change_log WHERE seq = ?");
        super::count_statement();
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(seq)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => stored_text(r.try_get(0)?, r.try_get(1)?),
            None => Ok(None),
        }
    }

    /// The newest sequence number (0 for an empty log).
    pub async fn last_seq(&self) -> Result<i64, StoreError> {
        super::count_statement();
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM change_log")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Walks the whole chain and reports the first row that does not verify.
    pub async fn verify_log(&self) -> Result<Verification, StoreError> {
        let mut prev: Vec<u8> = Vec::new();
        let mut expected_seq = 1;
        let mut after = 0;
        let mut v = Verification {
            rows: 0,
            first_bad: None,
            redacted: 0,
            reason: None,
        };
        loop {
            let sql = self.backend().sql(
                "SELECT seq, at, actor, kind, entity, payload, payload_lz4, payload_digest, hash \
                 FROM change_log WHERE seq > ? ORDER BY seq LIMIT 5000",
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(after)
                .fetch_all(self.pool())
                .await?;
            if rows.is_empty() {
                return Ok(v);
            }
            for r in rows {
                let seq: i64 = r.try_get(0)?;
                // A compressed payload that does not decompress is a bad row, not an error:
                // verification reports where the log stops verifying.
                let payload = stored_text(r.try_get(5)?, r.try_get(6)?);
                let digest: Vec<u8> = r.try_get(7)?;
                let hash: Vec<u8> = r.try_get(8)?;
                let digest_ok = match &payload {
                    Ok(Some(p)) => payload_digest(p) == digest,
                    Ok(None) => {
                        v.redacted += 1;
                        true
                    }
                    Err(_) => false,
                };
                let computed = chain_hash(
                    &prev,
                    seq,
                    r.try_get(1)?,
                    &r.try_get::<String, _>(2)?,
                    &r.try_get::<String, _>(3)?,
                    &r.try_get::<String, _>(4)?,
                    &digest,
                );
                if v.first_bad.is_none() {
                    let bad = if seq != expected_seq {
                        Some((
                            expected_seq,
                            format!(
                                "entries {expected_seq}..{} are missing (a gap in seq)",
                                seq - 1
                            ),
                        ))
                    } else if !digest_ok {
                        Some((seq, "the payload does not match its digest".to_owned()))
                    } else if computed != hash {
                        Some((seq, "the chain hash does not match".to_owned()))
                    } else {
                        None
                    };
                    if let Some((at, why)) = bad {
                        v.first_bad = Some(at);
                        v.reason = Some(why);
                    }
                }
                v.rows += 1;
                expected_seq = seq + 1;
                after = seq;
                prev = hash;
            }
        }
    }

    /// The newest entry's `(seq, hash, at)`; `None` for an empty log. An operator keeps
    /// it outside the store (a checkpoint) so `weft verify --checkpoint` can prove the
    /// log still extends it.
    pub async fn log_head(&self) -> Result<Option<LogHead>, StoreError> {
        super::count_statement();
        let row = sqlx::query("SELECT seq, hash, at FROM change_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => Ok(Some(LogHead {
                seq: r.try_get(0)?,
                hash: r.try_get(1)?,
                at: r.try_get(2)?,
            })),
            None => Ok(None),
        }
    }

    /// Checks that the log still extends each anchor (a checkpoint taken earlier): the
    /// entry at its seq exists and has its hash. Returns one message per failure, naming
    /// the sequence number. Run it with [`Store::verify_log`], which checks the chain
    /// from the first row to the head.
    pub async fn check_anchors(&self, anchors: &[Anchor]) -> Result<Vec<String>, StoreError> {
        let head = self.log_head().await?.map(|h| h.seq).unwrap_or(0);
        let mut problems = Vec::new();
        for a in anchors {
            if a.seq > head {
                problems.push(format!(
                    "checkpoint seq {} is beyond the head (seq {head}): the log was truncated",
                    a.seq
                ));
                continue;
            }
            let sql = self
                .backend()
                .sql("SELECT hash FROM change_log WHERE seq = ?");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(a.seq)
                .fetch_optional(self.pool())
                .await?;
            match row {
                None => problems.push(format!(
                    "checkpoint seq {}: the entry is missing (deleted)",
                    a.seq
                )),
                Some(r) => {
                    let hash: Vec<u8> = r.try_get(0)?;
                    if hash != a.hash {
                        problems.push(format!(
                            "checkpoint seq {}: hash mismatch (log has {}, checkpoint says {}): \
                             the log was rewritten at or before seq {}",
                            a.seq,
                            hex(&hash),
                            hex(&a.hash),
                            a.seq
                        ));
                    }
                }
            }
        }
        Ok(problems)
    }

    /// Erases a payload (right to erasure) while keeping its digest, so the chain still
    /// verifies; returns whether a row was changed.
    pub async fn redact_payload(&self, seq: i64) -> Result<bool, StoreError> {
        let sql = self.backend().sql(
            "UPDATE change_log SET payload = NULL, payload_lz4 = NULL, redacted_at = ? \
             WHERE seq = ? AND (payload IS NOT NULL OR payload_lz4 IS NOT NULL)",
        );
        let n = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(super::now_micros())
            .bind(seq)
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use weft_schemas::change::{ChangeBody, ChangeKind, LineageUpdate, MetadataChange};

    use super::*;
    use crate::writer::{Prepared, Writer};

    fn change(n: u8) -> MetadataChange {
        MetadataChange {
            actor: "tester".into(),
            kind: ChangeKind::OpenLineageRun,
            entity: format!("run:{n}"),
            namespace: None,
            payload: format!(r#"{{"n":{n},"pad":"{}"}}"#, "abc".repeat(200)),
            dedupe_key: Some(vec![n]),
            body: ChangeBody::Lineage(LineageUpdate::default()),
        }
    }

    /// A log holding a text row (as written before compression, or on PostgreSQL) and
    /// compressed rows reads back, verifies and redacts the same way for both.
    #[tokio::test]
    async fn text_and_compressed_payloads_read_verify_and_redact_alike() {
        let (_dir, store) = crate::temp_store().await;
        let (a, b, c) = (change(1), change(2), change(3));
        let text_row = Prepared {
            payload: StoredPayload::encode(Backend::Postgres, a.payload.clone()),
            change: a.clone(),
        };
        let lz4_rows = [
            Prepared::new(Backend::Sqlite, b.clone()),
            Prepared::new(Backend::Sqlite, c.clone()),
        ];
        assert!(lz4_rows[0].payload.text.is_none() && lz4_rows[0].payload.lz4.is_some());
        let mut writer = Writer::new(store.clone(), 0);
        let refs = [&text_row, &lz4_rows[0], &lz4_rows[1]];
        writer.apply(&refs).await.expect("apply");

        let read = store.read_log(0, 10, true).await.expect("read");
        let payloads: Vec<_> = read.iter().map(|e| e.payload.clone()).collect();
        assert_eq!(
            payloads,
            [Some(a.payload), Some(b.payload), Some(c.payload)]
        );
        let keys_only = store.read_log(0, 10, false).await.expect("read");
        assert!(keys_only.iter().all(|e| e.payload.is_none()));
        let ok = store.verify_log().await.expect("verify");
        assert_eq!((ok.rows, ok.first_bad, ok.redacted), (3, None, 0));

        assert!(store.redact_payload(1).await.expect("redact text"));
        assert!(store.redact_payload(2).await.expect("redact lz4"));
        assert!(
            !store.redact_payload(2).await.expect("again"),
            "nothing left"
        );
        let read = store.read_log(0, 10, true).await.expect("read");
        assert_eq!(read[0].payload, None);
        assert_eq!(read[1].payload, None);
        let v = store.verify_log().await.expect("verify");
        assert_eq!((v.rows, v.first_bad, v.redacted), (3, None, 2));

        // A compressed payload that no longer matches its digest is found by verify.
        let other = lz4_flex::compress_prepend_size(br#"{"n":4}"#);
        sqlx::query("UPDATE change_log SET payload_lz4 = ? WHERE seq = 3")
            .bind(other)
            .execute(store.pool())
            .await
            .expect("tamper");
        assert_eq!(store.verify_log().await.expect("verify").first_bad, Some(3));
    }
}
