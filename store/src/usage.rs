//! Usage and crawl history: what `usage.queries` and `crawl.run` changes do to current
//! state, and the reads the API and the search ranking make of it.
//!
//! A usage batch arrives already aggregated per dataset, column and day by the crawler,
//! so applying it is a handful of multi-row upserts. Overlapping crawls stay exact for
//! two reasons: the crawler leaves out queries whose keys `query_seen` already holds for
//! the source (and a source is crawled by one task at a time), and distinct users and
//! statements are kept as sets, not counts (merged into the day's row by the writer),
//! so adding a batch never double-counts them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sqlx::{AnyConnection, Row};
use weft_schemas::change::{CrawlRecord, UsageBatch};

use super::bulk::{Insert, Val, execute, fetch, in_list};
use super::{Store, StoreError};

/// Ids of the named datasets, creating the ones a query log names before any crawl or
/// producer did: a table that queries read is a real table, and its usage must not wait
/// for its schema.
pub async fn ensure_datasets(
    conn: &mut AnyConnection,
    store: &Store,
    names: &BTreeSet<(String, String)>,
    now: i64,
) -> Result<HashMap<(String, String), i64>, StoreError> {
    let backend = store.backend();
    let namespaces: BTreeSet<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
    Insert {
        table: "namespaces",
        columns: &["name", "created_at"],
        conflict: &[0],
        update: None,
        returning: None,
    }
    .run(
        conn,
        backend,
        namespaces
            .iter()
            .map(|n| vec![Val::from(*n), Val::I64(now)])
            .collect(),
    )
    .await?;
    let mut ns_ids: HashMap<String, i64> = HashMap::new();
    let list: Vec<&str> = namespaces.into_iter().collect();
    for chunk in list.chunks(500) {
        let sql = format!(
            "SELECT id, name FROM namespaces WHERE name IN {}",
            in_list(backend, 0, chunk.len())
        );
        for r in fetch(conn, sql, chunk.iter().map(|n| Val::from(*n)).collect()).await? {
            ns_ids.insert(r.try_get(1)?, r.try_get(0)?);
        }
    }
    let rows: Vec<Vec<Val>> = names
        .iter()
        .filter_map(|(ns, name)| {
            let id = *ns_ids.get(ns)?;
            Some(vec![
                Val::I64(id),
                Val::from(name.as_str()),
                Val::I64(now),
                Val::I64(now),
            ])
        })
        .collect();
    Insert {
        table: "datasets",
        columns: &["namespace_id", "name", "created_at", "updated_at"],
        conflict: &[0, 1],
        update: None,
        returning: None,
    }
    .run(conn, backend, rows)
    .await?;
    let mut ids = HashMap::new();
    let by_ns: BTreeMap<&str, Vec<&str>> =
        names.iter().fold(BTreeMap::new(), |mut m, (ns, name)| {
            m.entry(ns.as_str()).or_default().push(name.as_str());
            m
        });
    for (ns, list) in by_ns {
        let Some(&ns_id) = ns_ids.get(ns) else {
            continue;
        };
        for chunk in list.chunks(500) {
            let sql = format!(
                "SELECT id, name FROM datasets WHERE namespace_id = ? AND name IN {}",
                in_list(backend, 1, chunk.len())
            );
            let sql = backend.sql(&sql);
            let mut binds = vec![Val::I64(ns_id)];
            binds.extend(chunk.iter().map(|n| Val::from(*n)));
            for r in fetch(conn, sql, binds).await? {
                let name: String = r.try_get(1)?;
                ids.insert((ns.to_owned(), name), r.try_get(0)?);
            }
        }
    }
    Ok(ids)
}

/// Applies one usage batch: counts added per (dataset, column, day), users and
/// statements added to the distinct sets, query keys and counters remembered, shapes
/// upserted with their calls summed.
pub async fn apply_usage(
    conn: &mut AnyConnection,
    store: &Store,
    batch: &UsageBatch,
    now: i64,
) -> Result<(), StoreError> {
    let backend = store.backend();
    let names: BTreeSet<(String, String)> = batch
        .usage
        .iter()
        .map(|u| (u.namespace.clone(), u.name.clone()))
        .collect();
    let ids = ensure_datasets(conn, store, &names, now).await?;
    // One row per (dataset, column, day), merged with what is stored: counts add up,
    // user and statement sets unite.
    let mut daily: BTreeMap<(i64, String, String), DailyRow> = BTreeMap::new();
    for u in &batch.usage {
        let Some(&id) = ids.get(&(u.namespace.clone(), u.name.clone())) else {
            continue;
        };
        let e = daily
            .entry((id, u.column.clone(), u.day.clone()))
            .or_default();
        e.reads += clamp(u.reads);
        e.writes += clamp(u.writes);
        e.users.extend(u.users.iter().cloned());
        e.queries.extend(u.fingerprints.iter().cloned());
    }
    merge_stored(conn, store, &mut daily).await?;
    Insert {
        table: "usage_daily",
        columns: &[
            "dataset_id",
            "column_name",
            "day",
            "reads",
            "writes",
            "users",
            "queries",
        ],
        conflict: &[0, 1, 2],
        update: Some(
            "reads = excluded.reads, writes = excluded.writes, users = excluded.users, \
             queries = excluded.queries",
        ),
        returning: None,
    }
    .run(
        conn,
        backend,
        daily
            .into_iter()
            .map(|((id, col, day), r)| {
                vec![
                    Val::I64(id),
                    col.into(),
                    day.into(),
                    Val::I64(r.reads),
                    Val::I64(r.writes),
                    join_set(&r.users).into(),
                    join_set(&r.queries).into(),
                ]
            })
            .collect(),
    )
    .await?;
    let source = batch.source.as_str();
    let mut seen: BTreeMap<&str, i64> = batch.query_keys.iter().map(|k| (k.as_str(), 1)).collect();
    for (k, v) in &batch.counters {
        seen.insert(k, clamp(*v));
    }
    Insert {
        table: "query_seen",
        columns: &["source", "key", "calls"],
        conflict: &[0, 1],
        update: Some("calls = excluded.calls"),
        returning: None,
    }
    .run(
        conn,
        backend,
        seen.into_iter()
            .map(|(k, c)| vec![source.into(), k.into(), Val::I64(c)])
            .collect(),
    )
    .await?;
    let mut shapes: BTreeMap<&str, &weft_schemas::change::QueryShape> = BTreeMap::new();
    for s in &batch.shapes {
        shapes.insert(s.fingerprint.as_str(), s);
    }
    Insert {
        table: "query_shapes",
        columns: &[
            "source",
            "fingerprint",
            "dialect",
            "text",
            "raw",
            "calls",
            "first_seen",
            "last_seen",
            "error_class",
            "error",
            "error_line",
            "error_column",
        ],
        conflict: &[0, 1],
        update: Some(
            "calls = query_shapes.calls + excluded.calls, \
             raw = COALESCE(excluded.raw, query_shapes.raw), \
             first_seen = CASE WHEN query_shapes.first_seen IS NULL \
                OR excluded.first_seen < query_shapes.first_seen \
                THEN excluded.first_seen ELSE query_shapes.first_seen END, \
             last_seen = CASE WHEN query_shapes.last_seen IS NULL \
                OR excluded.last_seen > query_shapes.last_seen \
                THEN excluded.last_seen ELSE query_shapes.last_seen END, \
             error_class = excluded.error_class, error = excluded.error, \
             error_line = excluded.error_line, error_column = excluded.error_column",
        ),
        returning: None,
    }
    .run(
        conn,
        backend,
        shapes
            .into_values()
            .map(|s| {
                let e = s.error.as_ref();
                vec![
                    source.into(),
                    s.fingerprint.as_str().into(),
                    s.dialect.as_str().into(),
                    s.text.as_str().into(),
                    Val::OptText(s.raw.clone()),
                    Val::I64(clamp(s.calls)),
                    Val::OptI64(s.first_seen),
                    Val::OptI64(s.last_seen),
                    Val::OptText(e.map(|e| e.class.clone())),
                    Val::OptText(e.map(|e| e.message.clone())),
                    Val::OptI64(e.and_then(|e| e.line).map(clamp)),
                    Val::OptI64(e.and_then(|e| e.column).map(clamp)),
                ]
            })
            .collect(),
    )
    .await?;
    Ok(())
}

/// One `usage_daily` row being built.
#[derive(Debug, Default)]
struct DailyRow {
    reads: i64,
    writes: i64,
    users: BTreeSet<String>,
    queries: BTreeSet<String>,
}

/// Sets are stored sorted, one value per line (user names and hex fingerprints hold no
/// newline; one that did would only split into two values).
fn join_set(set: &BTreeSet<String>) -> String {
    let mut out = String::new();
    for (i, v) in set.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(v);
    }
    out
}

fn split_set(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').filter(|v| !v.is_empty())
}

/// Adds what is already stored for the batch's rows: one read per chunk of datasets
/// over the batch's day range (a fresh store reads nothing back).
async fn merge_stored(
    conn: &mut AnyConnection,
    store: &Store,
    daily: &mut BTreeMap<(i64, String, String), DailyRow>,
) -> Result<(), StoreError> {
    let backend = store.backend();
    let Some(first_day) = daily.keys().map(|(_, _, d)| d.clone()).min() else {
        return Ok(());
    };
    let last_day = daily
        .keys()
        .map(|(_, _, d)| d.clone())
        .max()
        .unwrap_or_else(|| first_day.clone());
    let ids: Vec<i64> = daily
        .keys()
        .map(|(id, _, _)| *id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in ids.chunks(500) {
        let sql = backend.sql(&format!(
            "SELECT dataset_id, column_name, day, reads, writes, users, queries FROM usage_daily \
             WHERE day >= ? AND day <= ? AND dataset_id IN {}",
            in_list(backend, 2, chunk.len())
        ));
        let mut binds = vec![Val::from(first_day.as_str()), Val::from(last_day.as_str())];
        binds.extend(chunk.iter().map(|&d| Val::I64(d)));
        for r in fetch(conn, sql, binds).await? {
            let key: (i64, String, String) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            let Some(row) = daily.get_mut(&key) else {
                continue;
            };
            row.reads += r.try_get::<i64, _>(3)?;
            row.writes += r.try_get::<i64, _>(4)?;
            let users: String = r.try_get(5)?;
            let queries: String = r.try_get(6)?;
            row.users.extend(split_set(&users).map(str::to_owned));
            row.queries.extend(split_set(&queries).map(str::to_owned));
        }
    }
    Ok(())
}

fn clamp(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Records one crawl in the history.
pub async fn apply_crawl(
    conn: &mut AnyConnection,
    store: &Store,
    seq: i64,
    r: &CrawlRecord,
) -> Result<(), StoreError> {
    let counts = serde_json::to_string(&r.counts).unwrap_or_else(|_| "{}".into());
    let errors = serde_json::to_string(&r.errors).unwrap_or_else(|_| "[]".into());
    execute(
        conn,
        store.backend().sql(
            "INSERT INTO crawl_runs (seq, source, kind, target, namespace, started_at, \
             ended_at, status, counts, errors, watermark) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ),
        vec![
            Val::I64(seq),
            r.source.as_str().into(),
            r.kind.as_str().into(),
            r.target.as_str().into(),
            r.namespace.as_str().into(),
            Val::I64(r.started_at),
            Val::I64(r.ended_at),
            r.status.as_str().into(),
            counts.into(),
            errors.into(),
            Val::OptI64(r.watermark),
        ],
    )
    .await?;
    Ok(())
}

/// A dataset's (or column's) usage on one day, as the APIs show it (REST and GraphQL).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DayUsage {
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// Executions that read it.
    pub reads: i64,
    /// Executions that wrote it.
    pub writes: i64,
    /// Distinct users that day.
    pub users: i64,
    /// Distinct statements that day.
    pub queries: i64,
}

/// Totals over a window, per dataset: what search ranks by.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageTotals {
    /// Reads in the window.
    pub reads: i64,
    /// Writes in the window.
    pub writes: i64,
    /// Distinct users in the window.
    pub users: i64,
    /// Distinct statements (normalised query shapes) in the window: the union of the
    /// days' statement sets, so a statement run on many days counts once.
    pub statements: i64,
    /// Reads weighted by recency: a read `d` days old counts `0.5^(d / half_life)`.
    pub decayed_reads: f64,
    /// The last day with a read, if any.
    pub last_read: Option<String>,
}

impl Store {
    /// Per-day usage of a dataset (`column` empty) or one column, from `since_day` on,
    /// oldest first.
    pub async fn usage_days(
        &self,
        dataset_id: i64,
        column: &str,
        since_day: &str,
    ) -> Result<Vec<DayUsage>, StoreError> {
        let backend = self.backend();
        let mut conn = self.pool().acquire().await?;
        let rows = fetch(
            &mut conn,
            backend.sql(
                "SELECT day, reads, writes, users, queries FROM usage_daily \
                 WHERE dataset_id = ? AND column_name = ? AND day >= ? ORDER BY day",
            ),
            vec![Val::I64(dataset_id), column.into(), since_day.into()],
        )
        .await?;
        rows.iter()
            .map(|r| {
                let users: String = r.try_get(3)?;
                let queries: String = r.try_get(4)?;
                Ok(DayUsage {
                    day: r.try_get(0)?,
                    reads: r.try_get(1)?,
                    writes: r.try_get(2)?,
                    users: split_set(&users).count() as i64,
                    queries: split_set(&queries).count() as i64,
                })
            })
            .collect()
    }

    /// Per-column totals of a dataset since `since_day`: (column, reads, writes,
    /// distinct users), most read first.
    pub async fn column_usage(
        &self,
        dataset_id: i64,
        since_day: &str,
    ) -> Result<Vec<(String, i64, i64, i64)>, StoreError> {
        let backend = self.backend();
        let mut conn = self.pool().acquire().await?;
        let rows = fetch(
            &mut conn,
            backend.sql(
                "SELECT column_name, reads, writes, users FROM usage_daily \
                 WHERE dataset_id = ? AND column_name <> '' AND day >= ?",
            ),
            vec![Val::I64(dataset_id), since_day.into()],
        )
        .await?;
        let mut by_column: BTreeMap<String, (i64, i64, BTreeSet<String>)> = BTreeMap::new();
        for r in rows {
            let e = by_column.entry(r.try_get(0)?).or_default();
            e.0 += r.try_get::<i64, _>(1)?;
            e.1 += r.try_get::<i64, _>(2)?;
            let users: String = r.try_get(3)?;
            e.2.extend(split_set(&users).map(str::to_owned));
        }
        let mut out: Vec<(String, i64, i64, i64)> = by_column
            .into_iter()
            .map(|(c, (r, w, u))| (c, r, w, u.len() as i64))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    /// Dataset-level totals since `since_day` for the given datasets, with reads
    /// decayed by age against `today` (half-life in days).
    pub async fn usage_totals(
        &self,
        dataset_ids: &[i64],
        since_day: &str,
        today: chrono::NaiveDate,
        half_life_days: f64,
    ) -> Result<HashMap<i64, UsageTotals>, StoreError> {
        let backend = self.backend();
        let mut conn = self.pool().acquire().await?;
        let mut out: HashMap<i64, UsageTotals> = HashMap::new();
        for chunk in dataset_ids.chunks(500) {
            let sql = backend.sql(&format!(
                "SELECT dataset_id, day, reads, writes, users, queries FROM usage_daily \
                 WHERE column_name = '' AND day >= ? AND dataset_id IN {}",
                in_list(backend, 1, chunk.len())
            ));
            let mut binds = vec![Val::from(since_day)];
            binds.extend(chunk.iter().map(|&d| Val::I64(d)));
            let mut users: HashMap<i64, BTreeSet<String>> = HashMap::new();
            let mut statements: HashMap<i64, BTreeSet<String>> = HashMap::new();
            for r in fetch(&mut conn, sql, binds).await? {
                let id: i64 = r.try_get(0)?;
                let day: String = r.try_get(1)?;
                let reads: i64 = r.try_get(2)?;
                let writes: i64 = r.try_get(3)?;
                let who: String = r.try_get(4)?;
                let queries: String = r.try_get(5)?;
                users
                    .entry(id)
                    .or_default()
                    .extend(split_set(&who).map(str::to_owned));
                statements
                    .entry(id)
                    .or_default()
                    .extend(split_set(&queries).map(str::to_owned));
                let t = out.entry(id).or_default();
                t.reads += reads;
                t.writes += writes;
                let age = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                    .map(|d| (today - d).num_days().max(0) as f64)
                    .unwrap_or(0.0);
                t.decayed_reads += reads as f64 * 0.5f64.powf(age / half_life_days.max(0.1));
                if reads > 0 && t.last_read.as_deref().is_none_or(|l| l < day.as_str()) {
                    t.last_read = Some(day);
                }
            }
            for (id, u) in users {
                out.entry(id).or_default().users = u.len() as i64;
            }
            for (id, q) in statements {
                out.entry(id).or_default().statements = q.len() as i64;
            }
        }
        Ok(out)
    }

    /// Which of `keys` a source has already counted, and the last counter value of
    /// each (1 for single runs).
    pub async fn seen_queries(
        &self,
        source: &str,
        keys: &[String],
    ) -> Result<HashMap<String, i64>, StoreError> {
        let backend = self.backend();
        let mut conn = self.pool().acquire().await?;
        let mut out = HashMap::new();
        for chunk in keys.chunks(500) {
            let sql = backend.sql(&format!(
                "SELECT key, calls FROM query_seen WHERE source = ? AND key IN {}",
                in_list(backend, 1, chunk.len())
            ));
            let mut binds = vec![Val::from(source)];
            binds.extend(chunk.iter().map(|k| Val::from(k.as_str())));
            for r in fetch(&mut conn, sql, binds).await? {
                out.insert(r.try_get(0)?, r.try_get(1)?);
            }
        }
        Ok(out)
    }

    /// The crawl history, newest first: all sources or one.
    pub async fn crawl_runs(
        &self,
        source: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<CrawlRecord>, StoreError> {
        let backend = self.backend();
        let mut conn = self.pool().acquire().await?;
        let (filter, mut binds) = match source {
            Some(s) => ("WHERE source = ?", vec![Val::from(s)]),
            None => ("", vec![]),
        };
        binds.push(Val::I64(limit));
        binds.push(Val::I64(offset));
        let rows = fetch(
            &mut conn,
            backend.sql(&format!(
                "SELECT source, kind, target, namespace, started_at, ended_at, status, counts, \
                 errors, watermark FROM crawl_runs {filter} ORDER BY seq DESC LIMIT ? OFFSET ?"
            )),
            binds,
        )
        .await?;
        rows.iter()
            .map(|r| {
                let counts: String = r.try_get(7)?;
                let errors: String = r.try_get(8)?;
                Ok(CrawlRecord {
                    source: r.try_get(0)?,
                    kind: r.try_get(1)?,
                    target: r.try_get(2)?,
                    namespace: r.try_get(3)?,
                    started_at: r.try_get(4)?,
                    ended_at: r.try_get(5)?,
                    status: r.try_get(6)?,
                    counts: serde_json::from_str(&counts).unwrap_or_default(),
                    errors: serde_json::from_str(&errors).unwrap_or_default(),
                    watermark: r.try_get(9)?,
                })
            })
            .collect()
    }
}

/// A dataset of one namespace as a crawl compares it with what it found.
#[derive(Debug, Clone)]
pub struct NamespaceDataset {
    /// OpenLineage name.
    pub name: String,
    /// `lifecycleStateChange` as last stated (`DROP` once soft-deleted).
    pub lifecycle: Option<String>,
    /// Whether a catalog crawler described it (it carries the crawler's facet), so only
    /// those are candidates for soft deletion when a crawl no longer finds them.
    pub crawled: bool,
    /// Current columns, in order.
    pub columns: Vec<String>,
}

impl Store {
    /// Every dataset of a namespace with its current columns: the catalog a query-log
    /// crawl resolves names against, and what a catalog crawl compares its findings to.
    pub async fn namespace_datasets(
        &self,
        namespace: &str,
    ) -> Result<Vec<NamespaceDataset>, StoreError> {
        let backend = self.backend();
        let mut conn = self.pool().acquire().await?;
        let rows = fetch(
            &mut conn,
            backend.sql(
                "SELECT d.id, d.name, d.lifecycle, \
                 (SELECT COUNT(*) FROM dataset_facets f WHERE f.dataset_id = d.id \
                   AND f.key = 'weft_catalog') \
                 FROM datasets d JOIN namespaces n ON n.id = d.namespace_id WHERE n.name = ? \
                 ORDER BY d.id",
            ),
            vec![namespace.into()],
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut index: HashMap<i64, usize> = HashMap::new();
        for r in rows {
            let id: i64 = r.try_get(0)?;
            let crawled: i64 = r.try_get(3)?;
            index.insert(id, out.len());
            out.push(NamespaceDataset {
                name: r.try_get(1)?,
                lifecycle: r.try_get(2)?,
                crawled: crawled > 0,
                columns: Vec::new(),
            });
        }
        let rows = fetch(
            &mut conn,
            backend.sql(
                "SELECT c.dataset_id, c.name FROM columns c \
                 JOIN datasets d ON d.id = c.dataset_id AND c.last_version = d.current_version \
                 JOIN namespaces n ON n.id = d.namespace_id WHERE n.name = ? \
                 ORDER BY c.dataset_id, c.ordinal",
            ),
            vec![namespace.into()],
        )
        .await?;
        for r in rows {
            let id: i64 = r.try_get(0)?;
            if let Some(&i) = index.get(&id) {
                out[i].columns.push(r.try_get(1)?);
            }
        }
        Ok(out)
    }
}

impl Store {
    /// A dataset's id by namespace and name.
    pub async fn dataset_id_named(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<i64>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        super::reviews::dataset_id_in(&mut conn, self, namespace, name).await
    }

    /// The statements a source saw, most run first: normalised text and parse errors.
    pub async fn query_shapes(
        &self,
        source: &str,
        limit: i64,
    ) -> Result<Vec<weft_schemas::change::QueryShape>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let rows = fetch(
            &mut conn,
            self.backend().sql(
                "SELECT fingerprint, dialect, text, raw, calls, first_seen, last_seen, \
                 error_class, error, error_line, error_column FROM query_shapes \
                 WHERE source = ? ORDER BY calls DESC, fingerprint LIMIT ?",
            ),
            vec![source.into(), Val::I64(limit)],
        )
        .await?;
        rows.iter()
            .map(|r| {
                let class: Option<String> = r.try_get(7)?;
                let calls: i64 = r.try_get(4)?;
                let line: Option<i64> = r.try_get(9)?;
                let column: Option<i64> = r.try_get(10)?;
                Ok(weft_schemas::change::QueryShape {
                    fingerprint: r.try_get(0)?,
                    dialect: r.try_get(1)?,
                    text: r.try_get(2)?,
                    raw: r.try_get(3)?,
                    calls: calls.max(0) as u64,
                    first_seen: r.try_get(5)?,
                    last_seen: r.try_get(6)?,
                    error: match class {
                        Some(class) => Some(weft_schemas::change::ShapeError {
                            class,
                            message: r.try_get::<Option<String>, _>(8)?.unwrap_or_default(),
                            line: line.map(|v| v.max(0) as u64),
                            column: column.map(|v| v.max(0) as u64),
                        }),
                        None => None,
                    },
                })
            })
            .collect()
    }
}

impl Store {
    /// Every other name a dataset is known by through its `symlinks` facet, as
    /// ((symlink namespace, symlink name), (namespace, name)): what lets a crawler that
    /// finds a table under one name describe the dataset a producer pushed under another.
    pub async fn symlinks(&self) -> Result<Vec<((String, String), (String, String))>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let rows = fetch(
            &mut conn,
            self.backend().sql(
                "SELECT n.name, d.name, f.value FROM dataset_facets f \
                 JOIN datasets d ON d.id = f.dataset_id \
                 JOIN namespaces n ON n.id = d.namespace_id WHERE f.key = 'symlinks'",
            ),
            vec![],
        )
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let ns: String = r.try_get(0)?;
            let name: String = r.try_get(1)?;
            let value: String = r.try_get(2)?;
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&value) else {
                continue;
            };
            for id in v
                .get("identifiers")
                .and_then(|i| i.as_array())
                .into_iter()
                .flatten()
            {
                let (Some(sns), Some(sname)) = (
                    id.get("namespace").and_then(|x| x.as_str()),
                    id.get("name").and_then(|x| x.as_str()),
                ) else {
                    continue;
                };
                if (sns, sname) != (ns.as_str(), name.as_str()) {
                    out.push((
                        (sns.to_owned(), sname.to_owned()),
                        (ns.clone(), name.clone()),
                    ));
                }
            }
        }
        Ok(out)
    }
}
