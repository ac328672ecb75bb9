//! Where external sources stand (`source_positions`) and what they sent that could not
//! be stored (`dead_letters`).
//!
//! A source that reads an ordered stream (a Kafka topic's partitions) hands the writer
//! [`SourceMarks`] with its changes: the position after the messages those changes came
//! from, and the messages it dead-lettered. [`crate::writer::Writer::apply_marked`]
//! writes them in the transaction that appends the changes, so the position and the
//! changes commit together: after a crash the source restarts exactly where the store
//! stands, and nothing is applied twice or skipped. The writer's vocabulary stays
//! generic: a source, a stream, a partition, an offset.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError, now_micros};

/// The next offset to read of one partition of one stream of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePosition {
    /// Who reads (`kafka:<group>`).
    pub source: String,
    /// What it reads (the topic).
    pub stream: String,
    /// The partition.
    pub partition: i32,
    /// The first offset not yet applied.
    pub next_offset: i64,
}

/// An input item that could not be stored and was handed to a dead-letter stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// Who read it (`kafka:<group>`).
    pub source: String,
    /// Where it was read (the topic).
    pub stream: String,
    /// The partition.
    pub partition: i32,
    /// The message's offset.
    pub offset: i64,
    /// The item's index in a batch message; -1 for the whole message.
    pub item: i32,
    /// The message's key, as sent.
    pub key: Option<Vec<u8>>,
    /// Why it was refused.
    pub error: String,
    /// The JSON path the error names, when it names one.
    pub path: Option<String>,
    /// Where it was sent (the dead-letter topic).
    pub dead_letter_stream: String,
}

/// A stored dead letter, as listed to operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetterRecord {
    /// Row id; newer letters have larger ids.
    pub id: i64,
    /// What was dead-lettered.
    pub letter: DeadLetter,
    /// When it was recorded (microseconds, UTC).
    pub at: i64,
}

/// What a submission records besides its changes, in the same transaction.
#[derive(Debug, Clone, Default)]
pub struct SourceMarks {
    /// Positions reached (each only ever moves forward).
    pub positions: Vec<SourcePosition>,
    /// Items dead-lettered on the way.
    pub dead_letters: Vec<DeadLetter>,
}

impl SourceMarks {
    /// Whether there is nothing to record.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty() && self.dead_letters.is_empty()
    }
}

/// Writes marks on `conn`, inside the writer's transaction. A position never moves
/// back (a late, smaller mark from a consumer that lost its partition is ignored); a
/// dead letter recorded twice (re-read after a crash) is kept once.
pub(crate) async fn write_marks(
    conn: &mut AnyConnection,
    store: &Store,
    marks: &[&SourceMarks],
) -> Result<(), StoreError> {
    let backend = store.backend();
    let at = now_micros();
    let upsert = backend.sql(
        "INSERT INTO source_positions (source, stream, part, next_offset, updated_at) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, stream, part) DO UPDATE \
         SET next_offset = excluded.next_offset, updated_at = excluded.updated_at \
         WHERE source_positions.next_offset < excluded.next_offset",
    );
    let letter = backend.sql(
        "INSERT INTO dead_letters (source, stream, part, msg_offset, item, msg_key, error, \
         path, dead_letter_stream, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (source, stream, part, msg_offset, item) DO NOTHING",
    );
    for m in marks {
        for d in &m.dead_letters {
            sqlx::query(sqlx::AssertSqlSafe(letter.as_str()))
                .bind(&d.source)
                .bind(&d.stream)
                .bind(i64::from(d.partition))
                .bind(d.offset)
                .bind(i64::from(d.item))
                .bind(d.key.clone())
                .bind(&d.error)
                .bind(d.path.clone())
                .bind(&d.dead_letter_stream)
                .bind(at)
                .execute(&mut *conn)
                .await?;
        }
        for p in &m.positions {
            sqlx::query(sqlx::AssertSqlSafe(upsert.as_str()))
                .bind(&p.source)
                .bind(&p.stream)
                .bind(i64::from(p.partition))
                .bind(p.next_offset)
                .bind(at)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

impl Store {
    /// The stored positions of `source` in `stream`: partition → next offset.
    pub async fn source_positions(
        &self,
        source: &str,
        stream: &str,
    ) -> Result<HashMap<i32, i64>, StoreError> {
        let sql = self
            .backend()
            .sql("SELECT part, next_offset FROM source_positions WHERE source = ? AND stream = ?");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(source)
            .bind(stream)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((int32(r.try_get(0)?)?, r.try_get::<i64, _>(1)?)))
            .collect()
    }

    /// Dead letters, newest first: `limit` of them after skipping `offset`.
    pub async fn dead_letters(
        &self,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<DeadLetterRecord>, StoreError> {
        let sql = self.backend().sql(
            "SELECT id, source, stream, part, msg_offset, item, msg_key, error, path, \
             dead_letter_stream, at FROM dead_letters ORDER BY id DESC LIMIT ? OFFSET ?",
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DeadLetterRecord {
                    id: r.try_get(0)?,
                    letter: DeadLetter {
                        source: r.try_get(1)?,
                        stream: r.try_get(2)?,
                        partition: int32(r.try_get(3)?)?,
                        offset: r.try_get(4)?,
                        item: int32(r.try_get(5)?)?,
                        key: r.try_get(6)?,
                        error: r.try_get(7)?,
                        path: r.try_get(8)?,
                        dead_letter_stream: r.try_get(9)?,
                    },
                    at: r.try_get(10)?,
                })
            })
            .collect()
    }

    /// How many dead letters there are.
    pub async fn dead_letter_total(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM dead_letters")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get(0)?)
    }
}

/// A stored partition or item index back to its width (both backends hand integers
/// back as 64 bits through the `Any` driver).
fn int32(v: i64) -> Result<i32, StoreError> {
    i32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{v} is not a 32-bit index")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writer::Writer;

    fn position(next_offset: i64) -> SourcePosition {
        SourcePosition {
            source: "kafka:g".into(),
            stream: "t".into(),
            partition: 3,
            next_offset,
        }
    }

    /// A late, smaller mark never moves a position back, and a dead letter recorded
    /// twice (the page re-read after a crash) is kept once.
    #[tokio::test]
    async fn positions_only_move_forward_and_dead_letters_are_kept_once() {
        let (_dir, store) = crate::temp_store().await;
        let mut writer = Writer::new(store.clone(), 0);
        let letter = DeadLetter {
            source: "kafka:g".into(),
            stream: "t".into(),
            partition: 3,
            offset: 9,
            item: -1,
            key: Some(b"k".to_vec()),
            error: "not JSON".into(),
            path: None,
            dead_letter_stream: "t.dlq".into(),
        };
        let marks = |next, letters: Vec<DeadLetter>| SourceMarks {
            positions: vec![position(next)],
            dead_letters: letters,
        };
        let forward = marks(10, vec![letter.clone()]);
        writer
            .apply_marked(&[], &[&forward])
            .await
            .expect("forward");
        let back = marks(4, vec![letter.clone()]);
        writer.apply_marked(&[], &[&back]).await.expect("back");
        let stored = store.source_positions("kafka:g", "t").await.expect("read");
        assert_eq!(stored.get(&3), Some(&10));
        assert!(
            store
                .source_positions("kafka:other", "t")
                .await
                .expect("read")
                .is_empty()
        );
        let letters = store.dead_letters(10, 0).await.expect("letters");
        assert_eq!(letters.len(), 1);
        assert_eq!(letters[0].letter, letter);
        assert_eq!(store.dead_letter_total().await.expect("total"), 1);
    }
}
