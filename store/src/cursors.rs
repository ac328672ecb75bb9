//! Where each derived view stands in the change log (`view_cursors`).

use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError, now_micros};

/// The name prefix of a view that publishes the log to the outside world (the Kafka
/// change feed): its cursor is what was published, not derived state, so `weft
/// rebuild` keeps it rather than sending the whole log again.
pub const PUBLISHER_PREFIX: &str = "publish.";

impl Store {
    /// Where a view's cursor stands (0 when it has never run).
    pub async fn view_cursor(&self, name: &str) -> Result<i64, StoreError> {
        let sql = self
            .backend()
            .sql("SELECT seq FROM view_cursors WHERE name = ?");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => r.try_get(0)?,
            None => 0,
        })
    }

    /// Claims the entries up to `seq` for view `name`, on `conn`, inside the transaction
    /// that writes what the view derived from them: the cursor moves to `seq` only if it
    /// still stands before `first` (the first of those entries). Returns whether it
    /// moved; when it did not, another replica's view applied some of them first and
    /// the transaction must write nothing.
    ///
    /// Replicas on one PostgreSQL database share the views kept in it, and each runs
    /// them: without the claim two replicas would count the same entries twice. The
    /// claim is a transaction's first write, so the cursor row's lock orders the
    /// replicas' view transactions before they touch anything else (no lock cycles).
    pub(crate) async fn claim_view_cursor(
        &self,
        conn: &mut AnyConnection,
        name: &str,
        first: i64,
        seq: i64,
    ) -> Result<bool, StoreError> {
        let sql = self.backend().sql(
            "INSERT INTO view_cursors (name, seq, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at \
             WHERE view_cursors.seq < ?",
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .bind(seq)
            .bind(now_micros())
            .bind(first)
            .execute(conn)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a view's cursor on `conn`, whatever it was.
    pub(crate) async fn set_view_cursor(
        &self,
        conn: &mut AnyConnection,
        name: &str,
        seq: i64,
    ) -> Result<(), StoreError> {
        let sql = self.backend().sql(
            "INSERT INTO view_cursors (name, seq, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at",
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .bind(seq)
            .bind(now_micros())
            .execute(conn)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Moves a view's cursor back to 0, so its next catch-up replays the whole log.
    pub async fn reset_view_cursor(&self, name: &str) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await?;
        self.set_view_cursor(&mut conn, name, 0).await
    }
}

impl Store {
    /// Records a view's cursor on its own, for a view whose state lives outside the
    /// database (the Kafka change feed records it once the broker acknowledged a page).
    pub async fn record_view_cursor(&self, name: &str, seq: i64) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await?;
        self.set_view_cursor(&mut conn, name, seq).await
    }
}
