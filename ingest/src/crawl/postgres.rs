//! PostgreSQL: `pg_catalog` in four set-based queries for the whole database.
//!
//! Everything is read in one read-only REPEATABLE READ transaction, so relations,
//! columns and constraints come from the same catalog state even while DDL runs. The
//! session's `search_path` is emptied first: `pg_get_viewdef`, `format_type` and
//! `pg_get_expr` then qualify every name outside `pg_catalog` with its schema, so a view
//! definition names `public.orders`, not an `orders` whose meaning depends on the path.
//!
//! Requires PostgreSQL 12 or later (`attgenerated`, `conparentid`).

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Instant;

use sqlx::postgres::{PgConnectOptions, PgRow};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection, Row};

use super::{
    ColumnInfo, CrawlError, CrawlOptions, ForeignKey, Partitioning, Snapshot, Source, TableInfo,
    TableKind, full_name,
};

const SCHEMES: &[&str] = &["postgres", "postgresql"];

/// The schema filter shared by the catalog queries: system schemas never, then the
/// include (`$1`, empty = all) and exclude (`$2`) lists.
macro_rules! schema_filter {
    () => {
        " n.nspname NOT IN ('pg_catalog', 'information_schema') \
          AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' \
          AND (cardinality($1::text[]) = 0 OR n.nspname = ANY($1::text[])) \
          AND NOT (n.nspname = ANY($2::text[])) "
    };
}

const RELATIONS: &str = concat!(
    "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, \
       c.relkind::text AS kind, d.description AS comment, c.reltuples::float8 AS reltuples, \
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS viewdef, \
       CASE pt.partstrat WHEN 'r' THEN 'range' WHEN 'l' THEN 'list' WHEN 'h' THEN 'hash' END \
         AS strategy, \
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey, \
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS bound, \
       CASE WHEN c.relispartition THEN i.inhparent::int8 END AS parent \
     FROM pg_class c \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_description d \
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0 \
     LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid \
     LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition \
     WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND",
    schema_filter!(),
    "ORDER BY n.nspname, c.relname"
);

const COLUMNS: &str = concat!(
    "SELECT a.attrelid::int8 AS oid, a.attname::text AS name, \
       format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable, \
       pg_get_expr(ad.adbin, ad.adrelid) AS def, a.attgenerated::text AS generated, \
       a.attidentity::text AS identity, d.description AS comment \
     FROM pg_attribute a \
     JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
     LEFT JOIN pg_description d \
       ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum \
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'm', 'p', 'f') AND",
    schema_filter!(),
    "ORDER BY a.attrelid, a.attnum"
);

/// Primary and foreign keys. A foreign key to a partitioned table is repeated by
/// Postgres for each partition of the referenced table (with `conparentid` set); only
/// the one naming the partitioned table is kept.
const CONSTRAINTS: &str = concat!(
    "SELECT con.conrelid::int8 AS oid, con.conname::text AS name, con.contype::text AS kind, \
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord) \
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num \
             ORDER BY k.ord) AS columns, \
       fn.nspname::text AS ref_schema, fc.relname::text AS ref_table, \
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord) \
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num \
             ORDER BY k.ord) AS ref_columns \
     FROM pg_constraint con \
     JOIN pg_class c ON c.oid = con.conrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_class fc ON fc.oid = con.confrelid \
     LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
     WHERE con.contype IN ('p', 'f') \
       AND NOT (con.contype = 'f' AND con.conparentid <> 0 AND fc.relispartition) AND",
    schema_filter!(),
    "ORDER BY con.conrelid, con.conname"
);

/// Connects with the options' timeout; errors are classified and scrubbed.
async fn connect(
    url: &str,
    source: &Source,
    opts: &CrawlOptions,
) -> Result<PgConnection, CrawlError> {
    let options = PgConnectOptions::from_str(url).map_err(|e| source.error(&e, None))?;
    match tokio::time::timeout(opts.connect_timeout, options.connect()).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(source.error(&e, None)),
        Err(_) => Err(CrawlError::Unreachable {
            url: source.redacted.clone(),
            message: format!(
                "no connection within {:.1} s",
                opts.connect_timeout.as_secs_f64()
            ),
        }),
    }
}

/// Crawls the database named in `url` (one database per URL: Postgres catalogs are
/// per database) into a [`Snapshot`].
///
/// `url` is a `postgres://` or `postgresql://` URL as sqlx accepts it; TLS is not
/// supported by this build. Schemas `pg_catalog`, `information_schema`, `pg_toast*` and
/// `pg_temp*` are never crawled; `opts` narrows further.
pub async fn crawl_postgres(url: &str, opts: &CrawlOptions) -> Result<Snapshot, CrawlError> {
    let source = Source::parse(url, SCHEMES, "postgres", 5432)?;
    let started = Instant::now();
    tracing::info!(source = %source.redacted, "postgres crawl starting");
    let mut conn = connect(url, &source, opts).await?;
    let src = &source;
    let q = |what: &'static str| move |e: sqlx::Error| src.error(&e, Some(what));
    sqlx::raw_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL search_path = ''")
        .execute(&mut conn)
        .await
        .map_err(q("begin"))?;
    let database: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut conn)
        .await
        .map_err(q("current_database"))?;
    let include = &opts.include_schemas;
    let exclude = &opts.exclude_schemas;
    let relations = sqlx::query(RELATIONS)
        .bind(include)
        .bind(exclude)
        .fetch_all(&mut conn)
        .await
        .map_err(q("relations"))?;
    let columns = sqlx::query(COLUMNS)
        .bind(include)
        .bind(exclude)
        .fetch_all(&mut conn)
        .await
        .map_err(q("columns"))?;
    let constraints = sqlx::query(CONSTRAINTS)
        .bind(include)
        .bind(exclude)
        .fetch_all(&mut conn)
        .await
        .map_err(q("constraints"))?;
    sqlx::raw_sql("COMMIT")
        .execute(&mut conn)
        .await
        .map_err(q("commit"))?;
    // Closing politely is best effort: the snapshot is complete either way.
    if let Err(e) = conn.close().await {
        tracing::debug!(source = %source.redacted, error = %source.scrub(&e.to_string()), "close");
    }
    let queried = started.elapsed();
    let snapshot = assemble(
        &source,
        database,
        &relations,
        &columns,
        &constraints,
        q("decode"),
    )?;
    tracing::info!(
        source = %source.redacted,
        tables = snapshot.tables.len(),
        columns = columns.len(),
        query_ms = queried.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "postgres crawl done"
    );
    Ok(snapshot)
}

/// A relation while the snapshot is being put together, with the parent's oid still
/// to resolve.
struct Rel {
    info: TableInfo,
    parent: Option<i64>,
}

fn assemble(
    source: &Source,
    database: String,
    relations: &[PgRow],
    columns: &[PgRow],
    constraints: &[PgRow],
    decode: impl Fn(sqlx::Error) -> CrawlError,
) -> Result<Snapshot, CrawlError> {
    let mut rels: Vec<Rel> = Vec::with_capacity(relations.len());
    let mut by_oid: HashMap<i64, usize> = HashMap::with_capacity(relations.len());
    for r in relations {
        let oid: i64 = r.try_get("oid").map_err(&decode)?;
        let schema: String = r.try_get("schema").map_err(&decode)?;
        let table: String = r.try_get("name").map_err(&decode)?;
        let kind = match r.try_get::<String, _>("kind").map_err(&decode)?.as_str() {
            "v" => TableKind::View,
            "m" => TableKind::MaterializedView,
            "p" => TableKind::PartitionedTable,
            "f" => TableKind::ForeignTable,
            _ => TableKind::Table,
        };
        let reltuples: f64 = r.try_get("reltuples").map_err(&decode)?;
        let strategy: Option<String> = r.try_get("strategy").map_err(&decode)?;
        let partkey: Option<String> = r.try_get("partkey").map_err(&decode)?;
        let bound: Option<String> = r.try_get("bound").map_err(&decode)?;
        let parent: Option<i64> = r.try_get("parent").map_err(&decode)?;
        let partitioning = match (strategy, partkey) {
            (Some(strategy), Some(def)) => Some(Partitioning {
                strategy,
                key: partition_key(&def),
                parent: None,
                bound: bound.clone(),
                partitions: Vec::new(),
            }),
            _ => bound.clone().map(|b| Partitioning {
                strategy: String::new(),
                key: String::new(),
                parent: None,
                bound: Some(b),
                partitions: Vec::new(),
            }),
        };
        by_oid.insert(oid, rels.len());
        rels.push(Rel {
            info: TableInfo {
                name: full_name(&database, Some(&schema), &table),
                database: database.clone(),
                schema: Some(schema),
                table,
                kind,
                comment: r.try_get("comment").map_err(&decode)?,
                columns: Vec::new(),
                primary_key: Vec::new(),
                foreign_keys: Vec::new(),
                // -1 (PG 14+) means never analysed; views have 0 but no rows of their own.
                row_estimate: (reltuples >= 0.0 && !kind.is_view()).then_some(reltuples as i64),
                partitioning,
                view_definition: r.try_get("viewdef").map_err(&decode)?,
            },
            parent,
        });
    }
    // Partitions: the parent's name, strategy and key; the parent lists its partitions.
    for i in 0..rels.len() {
        let Some(p) = rels[i].parent.and_then(|oid| by_oid.get(&oid).copied()) else {
            continue;
        };
        let parent_name = rels[p].info.name.clone();
        let (strategy, key) = rels[p]
            .info
            .partitioning
            .as_ref()
            .map(|pp| (pp.strategy.clone(), pp.key.clone()))
            .unwrap_or_default();
        let child = rels[i].info.name.clone();
        if let Some(pp) = rels[p].info.partitioning.as_mut() {
            pp.partitions.push(child);
        }
        if let Some(own) = rels[i].info.partitioning.as_mut() {
            own.parent = Some(parent_name);
            if own.strategy.is_empty() {
                own.strategy = strategy;
                own.key = key;
            }
        }
    }
    for c in columns {
        let oid: i64 = c.try_get("oid").map_err(&decode)?;
        let Some(&i) = by_oid.get(&oid) else { continue };
        let def: Option<String> = c.try_get("def").map_err(&decode)?;
        let generated: String = c.try_get("generated").map_err(&decode)?;
        let identity: String = c.try_get("identity").map_err(&decode)?;
        let default = match (generated.as_str(), identity.as_str(), def) {
            ("s", _, Some(expr)) => Some(format!("GENERATED ALWAYS AS ({expr}) STORED")),
            (_, "a", _) => Some("GENERATED ALWAYS AS IDENTITY".to_owned()),
            (_, "d", _) => Some("GENERATED BY DEFAULT AS IDENTITY".to_owned()),
            (_, _, def) => def,
        };
        let cols = &mut rels[i].info.columns;
        cols.push(ColumnInfo {
            name: c.try_get("name").map_err(&decode)?,
            data_type: c.try_get("type").map_err(&decode)?,
            nullable: c.try_get("nullable").map_err(&decode)?,
            default,
            comment: c.try_get("comment").map_err(&decode)?,
            ordinal: cols.len() as u32 + 1,
        });
    }
    for k in constraints {
        let oid: i64 = k.try_get("oid").map_err(&decode)?;
        let Some(&i) = by_oid.get(&oid) else { continue };
        let kind: String = k.try_get("kind").map_err(&decode)?;
        let columns: Vec<String> = k.try_get("columns").map_err(&decode)?;
        if kind == "p" {
            rels[i].info.primary_key = columns;
            continue;
        }
        let ref_schema: Option<String> = k.try_get("ref_schema").map_err(&decode)?;
        let ref_table: Option<String> = k.try_get("ref_table").map_err(&decode)?;
        let (Some(ref_schema), Some(ref_table)) = (ref_schema, ref_table) else {
            continue;
        };
        rels[i].info.foreign_keys.push(ForeignKey {
            name: k.try_get("name").map_err(&decode)?,
            columns,
            references: full_name(&database, Some(&ref_schema), &ref_table),
            referenced_columns: k.try_get("ref_columns").map_err(&decode)?,
        });
    }
    Ok(Snapshot {
        namespace: source.namespace.clone(),
        databases: vec![database],
        tables: rels.into_iter().map(|r| r.info).collect(),
    })
}

/// `RANGE (created_at)` → `created_at`: the strategy is reported separately.
fn partition_key(def: &str) -> String {
    let rest = def.split_once(' ').map_or(def, |(_, rest)| rest).trim();
    match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => inner.trim().to_owned(),
        None => rest.to_owned(),
    }
}

/// One normalised statement from `pg_stat_statements`: query-log lineage without a
/// query log, since Postgres already groups executions by statement shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementStat {
    /// Postgres' hash of the normalised statement; stable across calls for the same
    /// shape, so it keys incremental reads.
    pub queryid: i64,
    /// The statement with constants replaced by `$1`, `$2` … (Postgres does this).
    pub query: String,
    /// How many times it ran since the statistics were last reset.
    pub calls: u64,
    /// Rows it returned or affected in total.
    pub rows: u64,
    /// The role that ran it.
    pub user: String,
    /// The database it ran in (always the crawled one).
    pub database: String,
}

/// The statements recorded by `pg_stat_statements` for the database of `url`.
///
/// `Ok(None)` when the extension is not installed in that database, so a scheduler can
/// tell "nothing to read here" from a failure. An extension installed but not loaded
/// through `shared_preload_libraries` is a [`CrawlError::Query`] whose message says so.
/// Rows whose `queryid` the role may not see (other users' statements without
/// `pg_read_all_stats`) are left out.
pub async fn pg_stat_statements(url: &str) -> Result<Option<Vec<StatementStat>>, CrawlError> {
    let source = Source::parse(url, SCHEMES, "postgres", 5432)?;
    let opts = CrawlOptions::default();
    let mut conn = connect(url, &source, &opts).await?;
    let src = &source;
    let q = |what: &'static str| move |e: sqlx::Error| src.error(&e, Some(what));
    let schema: Option<String> = sqlx::query_scalar(
        "SELECT n.nspname::text FROM pg_catalog.pg_extension e \
         JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace \
         WHERE e.extname = 'pg_stat_statements'",
    )
    .fetch_optional(&mut conn)
    .await
    .map_err(q("pg_extension"))?;
    let Some(schema) = schema else {
        tracing::info!(source = %source.redacted, "pg_stat_statements not installed");
        return Ok(None);
    };
    let sql = format!(
        "SELECT s.queryid::int8 AS queryid, s.query, s.calls::int8 AS calls, \
           s.rows::int8 AS rows, r.rolname::text AS rolname, d.datname::text AS datname \
         FROM {}.pg_stat_statements s \
         JOIN pg_catalog.pg_roles r ON r.oid = s.userid \
         JOIN pg_catalog.pg_database d ON d.oid = s.dbid \
         WHERE d.datname = current_database() AND s.queryid IS NOT NULL \
         ORDER BY s.calls DESC, s.queryid",
        quote_ident(&schema)
    );
    // The only dynamic part is the extension's schema, quoted as an identifier.
    let rows = sqlx::query(AssertSqlSafe(sql))
        .fetch_all(&mut conn)
        .await
        .map_err(q("pg_stat_statements"))?;
    let decode = q("decode");
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let calls: i64 = r.try_get("calls").map_err(&decode)?;
        let rows: i64 = r.try_get("rows").map_err(&decode)?;
        out.push(StatementStat {
            queryid: r.try_get("queryid").map_err(&decode)?,
            query: r
                .try_get::<Option<String>, _>("query")
                .map_err(&decode)?
                .unwrap_or_default(),
            calls: u64::try_from(calls).unwrap_or(0),
            rows: u64::try_from(rows).unwrap_or(0),
            user: r.try_get("rolname").map_err(&decode)?,
            database: r.try_get("datname").map_err(&decode)?,
        });
    }
    if let Err(e) = conn.close().await {
        tracing::debug!(source = %source.redacted, error = %source.scrub(&e.to_string()), "close");
    }
    Ok(Some(out))
}

/// A Postgres identifier, double-quoted.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_keys_lose_the_strategy_and_parentheses() {
        assert_eq!(partition_key("RANGE (created_at)"), "created_at");
        assert_eq!(partition_key("LIST (lower(region))"), "lower(region)");
        assert_eq!(partition_key("HASH (a, b)"), "a, b");
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("pub\"lic"), "\"pub\"\"lic\"");
    }
}
