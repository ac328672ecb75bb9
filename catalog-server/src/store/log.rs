//! The change log: append-only, hash-chained, the truth everything else derives from.
//!
//! Each row's `hash` covers the previous row's hash and this row's sequence number, time,
//! actor, kind, entity and the *digest* of its payload — not the payload itself — so a
//! payload can be redacted (erasure requests) while the chain still verifies, and any
//! other edit or a removed row breaks it.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Store, StoreError};

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

/// What verifying the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Rows checked.
    pub rows: i64,
    /// The first sequence number whose hash, digest or position does not match, if any.
    pub first_bad: Option<i64>,
    /// Rows whose payload was redacted (their digest is trusted as stored).
    pub redacted: i64,
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
        let cols = if payloads {
            "seq, at, actor, kind, entity, namespace, payload"
        } else {
            "seq, at, actor, kind, entity, namespace, CAST(NULL AS TEXT) AS payload"
        };
        let sql = self.backend().sql(&format!(
            "SELECT {cols} FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?"
        ));
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(LogEntry {
                    seq: r.try_get(0)?,
                    at: r.try_get(1)?,
                    actor: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    entity: r.try_get(4)?,
                    namespace: r.try_get(5)?,
                    payload: r.try_get(6)?,
                })
            })
            .collect()
    }

    /// The newest sequence number (0 for an empty log).
    pub async fn last_seq(&self) -> Result<i64, StoreError> {
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
        };
        loop {
            let sql = self.backend().sql(
                "SELECT seq, at, actor, kind, entity, payload, payload_digest, hash \
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
                let payload: Option<String> = r.try_get(5)?;
                let digest: Vec<u8> = r.try_get(6)?;
                let hash: Vec<u8> = r.try_get(7)?;
                let digest_ok = match &payload {
                    Some(p) => payload_digest(p) == digest,
                    None => {
                        v.redacted += 1;
                        true
                    }
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
                if v.first_bad.is_none() && (seq != expected_seq || !digest_ok || computed != hash)
                {
                    v.first_bad = Some(seq);
                }
                v.rows += 1;
                expected_seq = seq + 1;
                after = seq;
                prev = hash;
            }
        }
    }

    /// Erases a payload (right to erasure) while keeping its digest, so the chain still
    /// verifies; returns whether a row was changed.
    pub async fn redact_payload(&self, seq: i64) -> Result<bool, StoreError> {
        let sql = self
            .backend()
            .sql("UPDATE change_log SET payload = NULL, redacted_at = ? WHERE seq = ? AND payload IS NOT NULL");
        let n = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(super::now_micros())
            .bind(seq)
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(n > 0)
    }
}
