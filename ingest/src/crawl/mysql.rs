//! MySQL and MariaDB: `information_schema`, five set-based queries per database.
//!
//! Every text column is `CAST(… AS CHAR)`: MySQL 8 reports several
//! `information_schema` columns with binary collations, which would otherwise decode as
//! bytes. Queries are per database (bound as a parameter), not per table.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Instant;

use sqlx::mysql::MySqlConnectOptions;
use sqlx::{ConnectOptions, Connection, MySqlConnection, Row};

use super::{
    ColumnInfo, CrawlError, CrawlOptions, ForeignKey, Partitioning, Snapshot, Source, TableInfo,
    TableKind, full_name, non_empty,
};

/// Databases that belong to the server, never crawled.
const SYSTEM_DATABASES: &[&str] = &["mysql", "information_schema", "performance_schema", "sys"];

const DATABASES: &str = "SELECT CAST(SCHEMA_NAME AS CHAR) FROM information_schema.SCHEMATA \
                         ORDER BY SCHEMA_NAME";

const TABLES: &str = "SELECT CAST(TABLE_NAME AS CHAR) AS name, CAST(TABLE_TYPE AS CHAR) AS type, \
       CAST(TABLE_COMMENT AS CHAR) AS comment, CAST(TABLE_ROWS AS SIGNED) AS table_rows \
     FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME";

const VIEWS: &str = "SELECT CAST(TABLE_NAME AS CHAR) AS name, \
       CAST(VIEW_DEFINITION AS CHAR) AS definition \
     FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?";

const COLUMNS: &str = "SELECT CAST(TABLE_NAME AS CHAR) AS tbl, CAST(COLUMN_NAME AS CHAR) AS name, \
       CAST(COLUMN_TYPE AS CHAR) AS type, CAST(IS_NULLABLE AS CHAR) AS nullable, \
       CAST(COLUMN_DEFAULT AS CHAR) AS def, CAST(COLUMN_COMMENT AS CHAR) AS comment, \
       CAST(EXTRA AS CHAR) AS extra, CAST(GENERATION_EXPRESSION AS CHAR) AS generation \
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? \
     ORDER BY TABLE_NAME, ORDINAL_POSITION";

const KEYS: &str = "SELECT CAST(k.TABLE_NAME AS CHAR) AS tbl, \
       CAST(k.CONSTRAINT_NAME AS CHAR) AS name, CAST(t.CONSTRAINT_TYPE AS CHAR) AS type, \
       CAST(k.COLUMN_NAME AS CHAR) AS col, \
       CAST(k.REFERENCED_TABLE_SCHEMA AS CHAR) AS ref_db, \
       CAST(k.REFERENCED_TABLE_NAME AS CHAR) AS ref_table, \
       CAST(k.REFERENCED_COLUMN_NAME AS CHAR) AS ref_col \
     FROM information_schema.KEY_COLUMN_USAGE k \
     JOIN information_schema.TABLE_CONSTRAINTS t \
       ON t.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
      AND t.TABLE_SCHEMA = k.TABLE_SCHEMA AND t.TABLE_NAME = k.TABLE_NAME \
     WHERE k.TABLE_SCHEMA = ? AND t.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'FOREIGN KEY') \
     ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

const PARTITIONS: &str = "SELECT CAST(TABLE_NAME AS CHAR) AS tbl, \
       CAST(PARTITION_NAME AS CHAR) AS name, CAST(PARTITION_METHOD AS CHAR) AS method, \
       CAST(PARTITION_EXPRESSION AS CHAR) AS expr \
     FROM information_schema.PARTITIONS \
     WHERE TABLE_SCHEMA = ? AND PARTITION_NAME IS NOT NULL \
     ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION";

/// Crawls a MySQL or MariaDB server into a [`Snapshot`]: the URL's database when it
/// names one, else every database but the system ones (`mysql`, `information_schema`,
/// `performance_schema`, `sys`). `opts.include_schemas` / `exclude_schemas` filter
/// databases, MySQL's schemas.
///
/// View definitions are kept as `information_schema.VIEWS` reports them: fully
/// qualified, with backticks; [`Snapshot::to_events`] parses them in the MySQL dialect.
pub async fn crawl_mysql(url: &str, opts: &CrawlOptions) -> Result<Snapshot, CrawlError> {
    let source = Source::parse(url, &["mysql", "mariadb"], "mysql", 3306)?;
    let started = Instant::now();
    tracing::info!(source = %source.redacted, "mysql crawl starting");
    let sqlx_url = match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_owned(),
    };
    let options = MySqlConnectOptions::from_str(&sqlx_url).map_err(|e| source.error(&e, None))?;
    let mut conn = match tokio::time::timeout(opts.connect_timeout, options.connect()).await {
        Ok(Ok(conn)) => conn,
        Ok(Err(e)) => return Err(source.error(&e, None)),
        Err(_) => {
            return Err(CrawlError::Unreachable {
                url: source.redacted.clone(),
                message: format!(
                    "no connection within {:.1} s",
                    opts.connect_timeout.as_secs_f64()
                ),
            });
        }
    };
    let src = &source;
    let q = |what: &'static str| move |e: sqlx::Error| src.error(&e, Some(what));
    let databases: Vec<String> = match &source.database {
        Some(db) => vec![db.clone()],
        None => sqlx::query_scalar::<_, String>(DATABASES)
            .fetch_all(&mut conn)
            .await
            .map_err(q("databases"))?
            .into_iter()
            .filter(|d| !SYSTEM_DATABASES.contains(&d.to_ascii_lowercase().as_str()))
            .collect(),
    };
    let databases: Vec<String> = databases.into_iter().filter(|d| opts.wants(d)).collect();
    let mut tables = Vec::new();
    for db in &databases {
        crawl_database(&mut conn, db, &mut tables, &q).await?;
    }
    if let Err(e) = conn.close().await {
        tracing::debug!(source = %source.redacted, error = %source.scrub(&e.to_string()), "close");
    }
    tables.sort_by(|a: &TableInfo, b| a.name.cmp(&b.name));
    tracing::info!(
        source = %source.redacted,
        databases = databases.len(),
        tables = tables.len(),
        total_ms = started.elapsed().as_millis() as u64,
        "mysql crawl done"
    );
    Ok(Snapshot {
        namespace: source.namespace.clone(),
        databases,
        tables,
    })
}

async fn crawl_database<F, E>(
    conn: &mut MySqlConnection,
    db: &str,
    out: &mut Vec<TableInfo>,
    q: &F,
) -> Result<(), CrawlError>
where
    F: Fn(&'static str) -> E,
    E: Fn(sqlx::Error) -> CrawlError,
{
    let rows = sqlx::query(TABLES)
        .bind(db)
        .fetch_all(&mut *conn)
        .await
        .map_err(q("tables"))?;
    let decode = q("decode");
    let mut index: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for r in &rows {
        let table: String = r.try_get("name").map_err(&decode)?;
        let kind = match r.try_get::<String, _>("type").map_err(&decode)?.as_str() {
            "VIEW" => TableKind::View,
            "SYSTEM VIEW" => TableKind::SystemView,
            "SEQUENCE" => TableKind::Sequence,
            _ => TableKind::Table,
        };
        let comment = non_empty(r.try_get("comment").map_err(&decode)?)
            // MySQL reports `VIEW` as the comment of every view.
            .filter(|c| !(kind.is_view() && c == "VIEW"));
        let rows_estimate: Option<i64> = r.try_get("table_rows").map_err(&decode)?;
        index.insert(table.clone(), out.len());
        out.push(TableInfo {
            name: full_name(db, None, &table),
            database: db.to_owned(),
            schema: None,
            table,
            kind,
            comment,
            columns: Vec::new(),
            primary_key: Vec::new(),
            foreign_keys: Vec::new(),
            row_estimate: if kind.is_view() { None } else { rows_estimate },
            partitioning: None,
            view_definition: None,
        });
    }
    let get = |t: &str| -> Option<usize> { index.get(t).copied() };
    for r in sqlx::query(VIEWS)
        .bind(db)
        .fetch_all(&mut *conn)
        .await
        .map_err(q("views"))?
    {
        let t: String = r.try_get("name").map_err(&decode)?;
        if let Some(i) = get(&t) {
            out[i].view_definition = non_empty(r.try_get("definition").map_err(&decode)?);
        }
    }
    for r in sqlx::query(COLUMNS)
        .bind(db)
        .fetch_all(&mut *conn)
        .await
        .map_err(q("columns"))?
    {
        let t: String = r.try_get("tbl").map_err(&decode)?;
        let Some(i) = get(&t) else { continue };
        let extra = r
            .try_get::<Option<String>, _>("extra")
            .map_err(&decode)?
            .unwrap_or_default();
        let generation = non_empty(r.try_get("generation").map_err(&decode)?);
        let def: Option<String> = r.try_get("def").map_err(&decode)?;
        let lower = extra.to_ascii_lowercase();
        let default = if let Some(expr) = generation.filter(|_| lower.contains("generated")) {
            let how = if lower.contains("stored") || lower.contains("persistent") {
                "STORED"
            } else {
                "VIRTUAL"
            };
            Some(format!("GENERATED ALWAYS AS ({expr}) {how}"))
        } else if lower.contains("auto_increment") {
            Some("AUTO_INCREMENT".to_owned())
        } else {
            // MariaDB reports an explicit `DEFAULT NULL` as the string `NULL`.
            def.filter(|d| d != "NULL")
        };
        let nullable: String = r.try_get("nullable").map_err(&decode)?;
        let cols = &mut out[i].columns;
        cols.push(ColumnInfo {
            name: r.try_get("name").map_err(&decode)?,
            data_type: r.try_get("type").map_err(&decode)?,
            nullable: nullable == "YES",
            default,
            comment: non_empty(r.try_get("comment").map_err(&decode)?),
            ordinal: cols.len() as u32 + 1,
        });
    }
    for r in sqlx::query(KEYS)
        .bind(db)
        .fetch_all(&mut *conn)
        .await
        .map_err(q("keys"))?
    {
        let t: String = r.try_get("tbl").map_err(&decode)?;
        let Some(i) = get(&t) else { continue };
        let name: String = r.try_get("name").map_err(&decode)?;
        let kind: String = r.try_get("type").map_err(&decode)?;
        let col: String = r.try_get("col").map_err(&decode)?;
        if kind == "PRIMARY KEY" {
            out[i].primary_key.push(col);
            continue;
        }
        let ref_db: Option<String> = r.try_get("ref_db").map_err(&decode)?;
        let ref_table: Option<String> = r.try_get("ref_table").map_err(&decode)?;
        let ref_col: Option<String> = r.try_get("ref_col").map_err(&decode)?;
        let (Some(ref_db), Some(ref_table), Some(ref_col)) = (ref_db, ref_table, ref_col) else {
            continue;
        };
        let fks = &mut out[i].foreign_keys;
        match fks.iter_mut().find(|f| f.name == name) {
            Some(f) => {
                f.columns.push(col);
                f.referenced_columns.push(ref_col);
            }
            None => fks.push(ForeignKey {
                name,
                columns: vec![col],
                references: full_name(&ref_db, None, &ref_table),
                referenced_columns: vec![ref_col],
            }),
        }
    }
    for r in sqlx::query(PARTITIONS)
        .bind(db)
        .fetch_all(&mut *conn)
        .await
        .map_err(q("partitions"))?
    {
        let t: String = r.try_get("tbl").map_err(&decode)?;
        let Some(i) = get(&t) else { continue };
        let name: String = r.try_get("name").map_err(&decode)?;
        let method: Option<String> = r.try_get("method").map_err(&decode)?;
        let expr: Option<String> = r.try_get("expr").map_err(&decode)?;
        let info = &mut out[i];
        info.kind = TableKind::PartitionedTable;
        let p = info.partitioning.get_or_insert_with(|| Partitioning {
            strategy: method.unwrap_or_default().to_ascii_lowercase(),
            key: expr.unwrap_or_default().replace('`', ""),
            parent: None,
            bound: None,
            partitions: Vec::new(),
        });
        // Subpartitions repeat their partition's row.
        if !p.partitions.contains(&name) {
            p.partitions.push(name);
        }
    }
    Ok(())
}
