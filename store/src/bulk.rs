//! Multi-row statements: one `INSERT … VALUES (…), (…) ON CONFLICT …` per table per
//! commit instead of one statement per row.
//!
//! Every statement is a round trip to the database (about 100 µs even for SQLite, whose
//! driver runs on its own thread), so the writer's throughput depends on statements per
//! commit, not rows. This module builds such statements for both backends and takes care
//! of the two traps: parameter limits (rows are chunked) and PostgreSQL's refusal to
//! update one row twice in a statement (rows are de-duplicated by their conflict key,
//! last one wins).
//!
//! # Fixed shapes on SQLite
//!
//! A statement whose text changes with the batch (three rows this commit, five the next)
//! is parsed and planned again every time: 5 % of the server's CPU under ingestion
//! (`bench/README.md`). On SQLite every statement built here therefore has one
//! of a few fixed shapes, 1, 2, 4, … [`SQLITE_MAX_ROWS`] rows or list items, and is
//! kept prepared in the connection's statement cache (sqlx caches per connection by
//! SQL text). A batch is rounded up to the next shape and the slack filled:
//!
//! - an `IN` list repeats its last item (membership is unchanged);
//! - a multi-row insert selects from a `VALUES` list whose first column is a marker,
//!   bound to 1 for real rows and `NULL` for padding, and keeps only the marked rows:
//!   `INSERT INTO t (a, b) SELECT column2, column3 FROM (VALUES (?, ?, ?), …) WHERE
//!   column1 IS NOT NULL`. The `WHERE` is also what lets SQLite parse an upsert after a
//!   `SELECT`.
//!
//! PostgreSQL keeps exact-size statements: its `VALUES` list would need a cast for every
//! `NULL`-padded column, and only the SQLite writer was profiled paying for re-preparing.

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

/// Most rows (or `IN` list items) in one fixed-shape SQLite statement; see the module
/// documentation. 256 keeps the widest row (13 columns) far below SQLite's parameter
/// limit and the number of shapes per statement at nine.
pub const SQLITE_MAX_ROWS: usize = 256;

/// Whether a statement's text is reused (fixed shape) or built for this call only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Kept prepared in the connection's statement cache.
    Fixed,
    /// Prepared, run and dropped: its text is unlikely to come again.
    OneOff,
}

/// Runs one statement with the given binds and returns its rows.
pub async fn fetch(
    conn: &mut AnyConnection,
    sql: String,
    binds: Vec<Val>,
) -> Result<Vec<AnyRow>, StoreError> {
    fetch_shaped(conn, sql, binds, Shape::OneOff).await
}

async fn fetch_shaped(
    conn: &mut AnyConnection,
    sql: String,
    binds: Vec<Val>,
    shape: Shape,
) -> Result<Vec<AnyRow>, StoreError> {
    super::count_statement();
    Ok(
        sqlx::query_with(sqlx::AssertSqlSafe(sql), arguments(binds)?)
            .persistent(shape == Shape::Fixed)
            .fetch_all(conn)
            .await?,
    )
}

/// Runs one statement with the given binds.
pub async fn execute(
    conn: &mut AnyConnection,
    sql: String,
    binds: Vec<Val>,
) -> Result<u64, StoreError> {
    execute_shaped(conn, sql, binds, Shape::OneOff).await
}

async fn execute_shaped(
    conn: &mut AnyConnection,
    sql: String,
    binds: Vec<Val>,
    shape: Shape,
) -> Result<u64, StoreError> {
    Ok(
        sqlx::query_with(sqlx::AssertSqlSafe(sql), arguments(binds)?)
            .persistent(shape == Shape::Fixed)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

fn arguments(binds: Vec<Val>) -> Result<AnyArguments, StoreError> {
    let mut args = AnyArguments::default();
    for b in binds {
        b.bind(&mut args)?;
    }
    Ok(args)
}

/// The fixed shape (row count) a SQLite statement of `n` rows is rounded up to, `n` at
/// most `max`, itself a power of two.
fn sqlite_shape(n: usize, max: usize) -> usize {
    n.next_power_of_two().min(max)
}

/// The largest power of two not above `n` (at least 1).
fn floor_power_of_two(n: usize) -> usize {
    if n <= 1 {
        1
    } else {
        1 << (usize::BITS - 1 - n.leading_zeros())
    }
}

/// Runs `prefix` followed by an `IN` list of `items` (chunked as the backend needs) and
/// returns the rows of all chunks. On SQLite each chunk is padded to a fixed shape by
/// repeating its last item.
pub async fn select_in(
    conn: &mut AnyConnection,
    backend: Backend,
    prefix: &str,
    items: &[Val],
) -> Result<Vec<AnyRow>, StoreError> {
    let mut out = Vec::new();
    match backend {
        Backend::Sqlite => {
            let max = floor_power_of_two(SQLITE_MAX_ROWS.min(backend.max_params()));
            for chunk in items.chunks(max) {
                let n = sqlite_shape(chunk.len(), max);
                let mut binds = chunk.to_vec();
                if let Some(last) = chunk.last() {
                    binds.resize(n, last.clone());
                }
                let sql = format!("{prefix}{}", in_list(backend, 0, n));
                out.extend(fetch_shaped(conn, sql, binds, Shape::Fixed).await?);
            }
        }
        Backend::Postgres => {
            for chunk in items.chunks(backend.max_params()) {
                let sql = format!("{prefix}{}", in_list(backend, 0, chunk.len()));
                out.extend(fetch(conn, sql, chunk.to_vec()).await?);
            }
        }
    }
    Ok(out)
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
        let mut out = Vec::new();
        let mut rows = rows.into_iter().peekable();
        match backend {
            Backend::Sqlite => {
                // One more bind per row: the marker that tells real rows from padding.
                let max =
                    floor_power_of_two(SQLITE_MAX_ROWS.min(backend.max_params() / (width + 1)));
                while rows.peek().is_some() {
                    let chunk: Vec<Vec<Val>> = rows.by_ref().take(max).collect();
                    let n = sqlite_shape(chunk.len(), max);
                    let mut binds = Vec::with_capacity(n * (width + 1));
                    for row in chunk {
                        binds.push(Val::I64(1));
                        binds.extend(row);
                    }
                    binds.resize(n * (width + 1), Val::OptI64(None));
                    let sql = self.sql(backend, n);
                    if self.returning.is_some() {
                        out.extend(fetch_shaped(conn, sql, binds, Shape::Fixed).await?);
                    } else {
                        execute_shaped(conn, sql, binds, Shape::Fixed).await?;
                    }
                }
            }
            Backend::Postgres => {
                let per_chunk = (backend.max_params() / width).max(1);
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
            }
        }
        Ok(out)
    }

    /// The statement for `n_rows` rows: on SQLite the marked `VALUES` form of the module
    /// documentation (with `n_rows` the shape, padding included), on PostgreSQL a plain
    /// multi-row `VALUES`.
    fn sql(&self, backend: Backend, n_rows: usize) -> String {
        let width = self.columns.len();
        let marked = backend == Backend::Sqlite;
        let row_width = width + usize::from(marked);
        let mut sql = String::with_capacity(128 + n_rows * row_width * 4);
        sql.push_str("INSERT INTO ");
        sql.push_str(self.table);
        sql.push_str(" (");
        sql.push_str(&self.columns.join(", "));
        sql.push(')');
        if marked {
            sql.push_str(" SELECT ");
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str("column");
                sql.push_str(&(c + 2).to_string());
            }
            sql.push_str(" FROM (VALUES ");
        } else {
            sql.push_str(" VALUES ");
        }
        let mut n = 0;
        for r in 0..n_rows {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..row_width {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                backend.placeholder(n, &mut sql);
            }
            sql.push(')');
        }
        if marked {
            sql.push_str(") WHERE column1 IS NOT NULL");
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
