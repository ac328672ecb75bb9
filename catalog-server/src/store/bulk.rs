//! Multi-row statements: one `INSERT … VALUES (…), (…) ON CONFLICT …` per table per
//! commit instead of one statement per row.
//!
//! Every statement is a round trip to the database (about 100 µs even for SQLite, whose
//! driver runs on its own thread), so the writer's throughput depends on statements per
//! commit, not rows. This module builds such statements for both backends and takes care
//! of the two traps: parameter limits (rows are chunked) and PostgreSQL's refusal to
//! update one row twice in a statement (rows are de-duplicated by their conflict key,
//! last one wins).

use std::collections::HashMap;

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{AnyConnection, Arguments};

use super::{Backend, StoreError};

/// A bind value. Only the types both backends share through `Any`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Val {
    /// A 64-bit integer (`INTEGER` / `BIGINT`).
    I64(i64),
    /// A nullable 64-bit integer.
    OptI64(Option<i64>),
    /// Text.
    Text(String),
    /// Nullable text.
    OptText(Option<String>),
    /// Bytes (`BLOB` / `BYTEA`).
    Bytes(Vec<u8>),
    /// Nullable bytes.
    OptBytes(Option<Vec<u8>>),
}

impl Val {
    fn bind(self, args: &mut AnyArguments) -> Result<(), StoreError> {
        let r = match self {
            Val::I64(v) => args.add(v),
            Val::OptI64(v) => args.add(v),
            Val::Text(v) => args.add(v),
            Val::OptText(v) => args.add(v),
            Val::Bytes(v) => args.add(v),
            Val::OptBytes(v) => args.add(v),
        };
        r.map_err(|e| StoreError::Corrupt(format!("bind: {e}")))
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Val {
        Val::OptI64(v)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(v.to_owned())
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Val {
        Val::OptText(v)
    }
}
impl From<Vec<u8>> for Val {
    fn from(v: Vec<u8>) -> Val {
        Val::Bytes(v)
    }
}

/// Runs one statement with the given binds and returns its rows.
pub async fn fetch(
    conn: &mut AnyConnection,
    sql: String,
    binds: Vec<Val>,
) -> Result<Vec<AnyRow>, StoreError> {
    super::count_statement();
    let mut args = AnyArguments::default();
    for b in binds {
        b.bind(&mut args)?;
    }
    Ok(sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
        .persistent(false)
        .fetch_all(conn)
        .await?)
}

/// Runs one statement with the given binds.
pub async fn execute(
    conn: &mut AnyConnection,
    sql: String,
    binds: Vec<Val>,
) -> Result<u64, StoreError> {
    let mut args = AnyArguments::default();
    for b in binds {
        b.bind(&mut args)?;
    }
    Ok(sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
        .persistent(false)
        .execute(conn)
        .await?
        .rows_affected())
}

/// A multi-row insert: table, columns, and what to do on conflict.
pub struct Insert<'a> {
    /// Table name.
    pub table: &'a str,
    /// Column names, in the order of each row's values.
    pub columns: &'a [&'a str],
    /// Indices into `columns` of the conflict target; empty for a plain insert.
    pub conflict: &'a [usize],
    /// The `SET …` of `DO UPDATE` (may use `excluded.col`); `None` for `DO NOTHING`.
    pub update: Option<&'a str>,
    /// A `RETURNING` list, when the caller needs the rows back.
    pub returning: Option<&'a str>,
}

impl Insert<'_> {
    /// Inserts `rows`, chunked to the backend's parameter limit, and returns the
    /// `RETURNING` rows of all chunks.
    pub async fn run(
        &self,
        conn: &mut AnyConnection,
        backend: Backend,
        rows: Vec<Vec<Val>>,
    ) -> Result<Vec<AnyRow>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let rows = if self.conflict.is_empty() {
            rows
        } else {
            dedupe_last(rows, self.conflict)
        };
        let width = self.columns.len();
        let per_chunk = (backend.max_params() / width).max(1);
        let mut out = Vec::new();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_chunk).collect();
            let sql = self.sql(backend, chunk.len());
            let binds = chunk.into_iter().flatten().collect();
            if self.returning.is_some() {
                out.extend(fetch(conn, sql, binds).await?);
            } else {
                execute(conn, sql, binds).await?;
            }
        }
        Ok(out)
    }

    fn sql(&self, backend: Backend, n_rows: usize) -> String {
        let width = self.columns.len();
        let mut sql = String::with_capacity(64 + n_rows * width * 4);
        sql.push_str("INSERT INTO ");
        sql.push_str(self.table);
        sql.push_str(" (");
        sql.push_str(&self.columns.join(", "));
        sql.push_str(") VALUES ");
        let mut n = 0;
        for r in 0..n_rows {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                backend.placeholder(n, &mut sql);
            }
            sql.push(')');
        }
        if !self.conflict.is_empty() {
            sql.push_str(" ON CONFLICT (");
            let target: Vec<&str> = self.conflict.iter().map(|&i| self.columns[i]).collect();
            sql.push_str(&target.join(", "));
            sql.push(')');
            match self.update {
                Some(set) => {
                    sql.push_str(" DO UPDATE SET ");
                    sql.push_str(set);
                }
                None => sql.push_str(" DO NOTHING"),
            }
        }
        if let Some(ret) = self.returning {
            sql.push_str(" RETURNING ");
            sql.push_str(ret);
        }
        sql
    }
}

/// Keeps the last row for each conflict key, in first-seen order.
fn dedupe_last(rows: Vec<Vec<Val>>, key: &[usize]) -> Vec<Vec<Val>> {
    let mut index: HashMap<Vec<Val>, usize> = HashMap::with_capacity(rows.len());
    let mut out: Vec<Vec<Val>> = Vec::with_capacity(rows.len());
    for row in rows {
        let k: Vec<Val> = key.iter().map(|&i| row[i].clone()).collect();
        match index.get(&k) {
            Some(&at) => out[at] = row,
            None => {
                index.insert(k, out.len());
                out.push(row);
            }
        }
    }
    out
}

/// `(?, ?, …)` with `n` placeholders starting after `offset`, for `IN` lists.
pub fn in_list(backend: Backend, offset: usize, n: usize) -> String {
    let mut s = String::from("(");
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        backend.placeholder(offset + i + 1, &mut s);
    }
    s.push(')');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_multi_row_upsert() {
        let ins = Insert {
            table: "t",
            columns: &["a", "b"],
            conflict: &[0],
            update: Some("b = excluded.b"),
            returning: Some("a"),
        };
        assert_eq!(
            ins.sql(Backend::Postgres, 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT (a) DO UPDATE SET b = excluded.b RETURNING a"
        );
    }

    #[test]
    fn dedupe_keeps_last_per_key() {
        let rows = vec![
            vec![Val::I64(1), Val::from("x")],
            vec![Val::I64(2), Val::from("y")],
            vec![Val::I64(1), Val::from("z")],
        ];
        let out = dedupe_last(rows, &[0]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0][1], Val::from("z"));
    }
}
