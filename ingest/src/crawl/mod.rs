//! Catalog crawlers: what a PostgreSQL or MySQL/MariaDB database holds, as a
//! [`Snapshot`], and that snapshot as OpenLineage DatasetEvents.
//!
//! Lineage producers only tell the catalog about datasets a job touched; a crawler
//! tells it about every table and view, with the comments, keys and view definitions
//! people wrote into the database itself. [`crawl_postgres`] and [`crawl_mysql`] read
//! the system catalogs with a handful of set-based queries (never one per table), so a
//! database with thousands of tables crawls in seconds. [`Snapshot::to_events`] turns
//! the result into one DatasetEvent per table or view, with a columnLineage facet for
//! each view whose definition parses; the server feeds those events to the same
//! ingestion path as pushed ones. Soft deletes are the caller's decision: it compares
//! two snapshots ([`Snapshot::dropped_since`]) and emits [`dropped_event`]s.
//!
//! Dataset names follow the OpenLineage naming spec: namespace `postgres://host:port`
//! and name `database.schema.table`; namespace `mysql://host:port` and name
//! `database.table`.
//!
//! Connection URLs carry credentials. Every error and log line names its source by
//! [`redact_url`], and driver messages are scrubbed of the password before they are
//! wrapped, because some drivers echo connection strings.

use std::time::Duration;

use serde::Serialize;

mod events;
mod mysql;
mod postgres;

pub use events::{
    Converted, EVENT_SCHEMA_URL, ViewError, WEFT_CATALOG_FACET, WEFT_CATALOG_SCHEMA_URL,
    dropped_event,
};
pub use mysql::crawl_mysql;

/// The `producer` of the events Weft's database crawler emits. Their column lineage is
/// what parsing a view's definition gave, and is stored with origin `view`.
pub const CRAWLER_PRODUCER: &str = "https://github.com/weft-catalog/weft/crawler";
pub use postgres::{StatementStat, crawl_postgres, pg_stat_statements};

/// Everything a crawl found in one source: the input of [`Snapshot::to_events`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// OpenLineage namespace of every table (`postgres://db:5432`, `mysql://db:3306`).
    pub namespace: String,
    /// The databases that were crawled completely: a table the catalog knows in one of
    /// these that is absent from `tables` was dropped, while tables of other databases
    /// simply were not looked at.
    pub databases: Vec<String>,
    /// Tables, views, materialized views …, ordered by name.
    pub tables: Vec<TableInfo>,
}

/// One table-like object of the source.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableInfo {
    /// Full OpenLineage name (`shop.public.orders`, `shop.orders`): the catalog's key.
    pub name: String,
    /// The database it lives in.
    pub database: String,
    /// Its schema; `None` in MySQL, where database and schema are the same thing.
    pub schema: Option<String>,
    /// The bare table name.
    pub table: String,
    /// Table, view, partitioned table ….
    pub kind: TableKind,
    /// The table's comment (`COMMENT ON TABLE`, MySQL `TABLE_COMMENT`), when set.
    pub comment: Option<String>,
    /// Columns in table order.
    pub columns: Vec<ColumnInfo>,
    /// Primary key columns in key order; empty when there is none.
    pub primary_key: Vec<String>,
    /// Foreign keys declared on this table.
    pub foreign_keys: Vec<ForeignKey>,
    /// The planner's row estimate; `None` when the source does not know (never
    /// analysed, or a view).
    pub row_estimate: Option<i64>,
    /// How the table is partitioned, or which table it is a partition of.
    pub partitioning: Option<Partitioning>,
    /// The definition of a view or materialized view, as the source reports it.
    pub view_definition: Option<String>,
}

/// What kind of object a [`TableInfo`] is; the datasetType facet and the weft_catalog
/// facet carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TableKind {
    /// An ordinary table (also a Postgres partition, which is a table of its own).
    Table,
    /// A view.
    View,
    /// A materialized view (Postgres).
    MaterializedView,
    /// A table whose rows live in partitions.
    PartitionedTable,
    /// A table whose data lives elsewhere (Postgres foreign table).
    ForeignTable,
    /// A view the system defines (MySQL `SYSTEM VIEW`).
    SystemView,
    /// A sequence presented as a table (MariaDB `SEQUENCE`).
    Sequence,
}

impl TableKind {
    /// Whether the object is defined by a query, so its definition gives lineage.
    pub fn is_view(self) -> bool {
        matches!(
            self,
            TableKind::View | TableKind::MaterializedView | TableKind::SystemView
        )
    }

    /// The spec's `datasetType` and `subType` for this kind.
    pub fn dataset_type(self) -> (&'static str, Option<&'static str>) {
        match self {
            TableKind::Table => ("TABLE", None),
            TableKind::View => ("VIEW", None),
            TableKind::MaterializedView => ("VIEW", Some("MATERIALIZED")),
            TableKind::PartitionedTable => ("TABLE", Some("PARTITIONED")),
            TableKind::ForeignTable => ("TABLE", Some("EXTERNAL")),
            TableKind::SystemView => ("VIEW", Some("SYSTEM")),
            TableKind::Sequence => ("TABLE", Some("SEQUENCE")),
        }
    }
}

/// One column of a [`TableInfo`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnInfo {
    /// Column name.
    pub name: String,
    /// Type as the source spells it (`character varying(200)`, `int(11) unsigned`).
    pub data_type: String,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The default expression as the source reports it (generated and identity columns
    /// are described here too, e.g. `GENERATED ALWAYS AS IDENTITY`).
    pub default: Option<String>,
    /// The column's comment, when set.
    pub comment: Option<String>,
    /// 1-based position among the table's current columns (dropped columns leave no
    /// gap, unlike Postgres' `attnum`).
    pub ordinal: u32,
}

/// A foreign key, with the referenced table by its full OpenLineage name so it can be
/// linked to that dataset directly.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForeignKey {
    /// Constraint name.
    pub name: String,
    /// Referencing columns, in key order.
    pub columns: Vec<String>,
    /// Full OpenLineage name of the referenced table, same namespace.
    pub references: String,
    /// Referenced columns, matching `columns` one by one.
    pub referenced_columns: Vec<String>,
}

/// Partitioning of a table, or its place as a partition.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Partitioning {
    /// `range`, `list`, `hash`, `key` … of the table itself when partitioned, else of
    /// the parent it is a partition of.
    pub strategy: String,
    /// The partition key expression (`created_at`, `(YEAR(d))`).
    pub key: String,
    /// Full name of the partitioned table this one is a partition of (Postgres).
    pub parent: Option<String>,
    /// The partition bound (`FOR VALUES FROM (…) TO (…)`) of a partition.
    pub bound: Option<String>,
    /// The partitions of a partitioned table: full dataset names in Postgres, where
    /// partitions are tables; bare partition names in MySQL, where they are not.
    pub partitions: Vec<String>,
}

/// What to crawl, and how long to wait for the server.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Only these schemas (Postgres) or databases (MySQL); empty means all.
    pub include_schemas: Vec<String>,
    /// Never these schemas (Postgres) or databases (MySQL), on top of the system ones.
    pub exclude_schemas: Vec<String>,
    /// How long connecting may take before the source counts as unreachable; short, so
    /// a scheduler crawling many sources is not stalled by one dead host.
    pub connect_timeout: Duration,
}

impl Default for CrawlOptions {
    fn default() -> Self {
        CrawlOptions {
            include_schemas: Vec::new(),
            exclude_schemas: Vec::new(),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

impl CrawlOptions {
    /// Whether a schema (or MySQL database) passes the include and exclude lists.
    pub fn wants(&self, schema: &str) -> bool {
        (self.include_schemas.is_empty() || self.include_schemas.iter().any(|s| s == schema))
            && !self.exclude_schemas.iter().any(|s| s == schema)
    }
}

/// Why a crawl failed. Every variant names the source by its redacted URL, so the
/// message can be logged and shown as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CrawlError {
    /// The URL cannot be used (bad syntax, wrong scheme).
    #[error("{url}: not a usable connection URL: {message}")]
    InvalidUrl {
        /// The redacted URL.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// No connection: DNS, refused, timed out, TLS.
    #[error("{url}: unreachable: {message}")]
    Unreachable {
        /// The redacted URL.
        url: String,
        /// The cause, scrubbed of credentials.
        message: String,
    },
    /// The server refused the credentials.
    #[error("{url}: authentication failed: {message}")]
    Authentication {
        /// The redacted URL.
        url: String,
        /// The server's message, scrubbed of credentials.
        message: String,
    },
    /// The database named in the URL does not exist.
    #[error("{url}: no such database: {message}")]
    UnknownDatabase {
        /// The redacted URL.
        url: String,
        /// The server's message.
        message: String,
    },
    /// Connected, but not allowed to read the catalog.
    #[error("{url}: permission denied: {message}")]
    Permission {
        /// The redacted URL.
        url: String,
        /// The server's message.
        message: String,
    },
    /// A catalog query failed for another reason.
    #[error("{url}: catalog query `{what}` failed: {message}")]
    Query {
        /// The redacted URL.
        url: String,
        /// Which query (`columns`, `views` …).
        what: &'static str,
        /// The server's message, scrubbed of credentials.
        message: String,
    },
}

impl CrawlError {
    /// Why the crawl failed, without the URL: for a caller that names the source itself
    /// (a crawl history entry carries its target; the CLI says which source it crawled),
    /// so the URL is not said twice.
    pub fn reason(&self) -> String {
        match self {
            CrawlError::InvalidUrl { message, .. } => {
                format!("not a usable connection URL: {message}")
            }
            CrawlError::Unreachable { message, .. } => format!("unreachable: {message}"),
            CrawlError::Authentication { message, .. } => {
                format!("authentication failed: {message}")
            }
            CrawlError::UnknownDatabase { message, .. } => format!("no such database: {message}"),
            CrawlError::Permission { message, .. } => format!("permission denied: {message}"),
            CrawlError::Query { what, message, .. } => {
                format!("catalog query `{what}` failed: {message}")
            }
        }
    }

    /// The redacted URL of the source the error is about.
    pub fn url(&self) -> &str {
        match self {
            CrawlError::InvalidUrl { url, .. }
            | CrawlError::Unreachable { url, .. }
            | CrawlError::Authentication { url, .. }
            | CrawlError::UnknownDatabase { url, .. }
            | CrawlError::Permission { url, .. }
            | CrawlError::Query { url, .. } => url,
        }
    }
}

/// `url` without its password (user, host, port, database and harmless parameters
/// stay), for messages and logs. Password-like query parameters are dropped too. A URL
/// that does not parse is reduced to its scheme, since its userinfo cannot be located
/// reliably.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://<unparseable>"),
            None => "<unparseable url>".to_owned(),
        };
    };
    if parsed.cannot_be_a_base() {
        // `scheme:opaque` has no userinfo to find; the rest may be anything.
        return format!("{}:<opaque>", parsed.scheme());
    }
    if parsed.password().is_some() {
        // Cannot fail for URLs with a host, and a URL with a password has one.
        let _ = parsed.set_password(None);
    }
    if parsed.query().is_some() {
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(k, _)| !is_secret_param(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    parsed.to_string()
}

fn is_secret_param(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("pass") || k.contains("pwd") || k.contains("secret") || k.contains("token")
}

/// What a crawl needs from its URL besides the connection itself.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// [`redact_url`] of the URL.
    pub redacted: String,
    /// The OpenLineage namespace, `scheme://host:port`.
    pub namespace: String,
    /// The URL's database, if any.
    pub database: Option<String>,
    /// Strings that must never appear in a message: the password, raw and decoded.
    secrets: Vec<String>,
}

impl Source {
    /// Parses `url`, accepting `schemes`, naming the namespace `ns_scheme://host:port`.
    pub fn parse(
        url: &str,
        schemes: &[&str],
        ns_scheme: &str,
        default_port: u16,
    ) -> Result<Source, CrawlError> {
        let redacted = redact_url(url);
        let invalid = |message: String| CrawlError::InvalidUrl {
            url: redacted.clone(),
            message,
        };
        let parsed = url::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
        if !schemes.contains(&parsed.scheme()) {
            return Err(invalid(format!(
                "scheme `{}` is not one of {}",
                parsed.scheme(),
                schemes.join(", ")
            )));
        }
        let host = match parsed.host_str() {
            Some(h) if !h.is_empty() => h.to_ascii_lowercase(),
            _ => "localhost".to_owned(),
        };
        let port = parsed.port().unwrap_or(default_port);
        let database = parsed
            .path_segments()
            .and_then(|mut s| s.next())
            .filter(|d| !d.is_empty())
            .map(percent_decode);
        let mut secrets = Vec::new();
        if let Some(p) = parsed.password() {
            secrets.push(p.to_owned());
            secrets.push(percent_decode(p));
        }
        for (k, v) in parsed.query_pairs() {
            if is_secret_param(&k) && !v.is_empty() {
                secrets.push(v.into_owned());
            }
        }
        secrets.retain(|s| !s.is_empty());
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.push(url.to_owned());
        Ok(Source {
            redacted,
            namespace: namespace(ns_scheme, &host, port),
            database,
            secrets,
        })
    }

    /// `message` with every credential replaced, so driver texts can be passed on.
    pub fn scrub(&self, message: &str) -> String {
        let mut out = message.to_owned();
        for s in self.secrets.iter().rev() {
            // The whole URL first (it is last in the list), then the passwords.
            if out.contains(s.as_str()) {
                let with = if s.contains("://") {
                    self.redacted.as_str()
                } else {
                    "***"
                };
                out = out.replace(s.as_str(), with);
            }
        }
        out
    }

    /// Classifies a driver error from connecting (or from a query when `what` is set).
    pub fn error(&self, e: &sqlx::Error, what: Option<&'static str>) -> CrawlError {
        let url = self.redacted.clone();
        let message = self.scrub(&driver_message(e));
        match e {
            sqlx::Error::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                let number = db
                    .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                    .map(|m| m.number());
                match (code.as_str(), number) {
                    (_, Some(1045)) | ("28P01" | "28000", None) => {
                        CrawlError::Authentication { url, message }
                    }
                    (_, Some(1049)) | ("3D000", None) => {
                        CrawlError::UnknownDatabase { url, message }
                    }
                    (_, Some(1044 | 1142 | 1143 | 1227)) | ("42501", None) => {
                        CrawlError::Permission { url, message }
                    }
                    _ => match what {
                        Some(what) => CrawlError::Query { url, what, message },
                        None => CrawlError::Unreachable { url, message },
                    },
                }
            }
            sqlx::Error::Configuration(_) => CrawlError::InvalidUrl { url, message },
            _ => match what {
                Some(what) => CrawlError::Query { url, what, message },
                None => CrawlError::Unreachable { url, message },
            },
        }
    }
}

/// What the driver says went wrong, in the server's own words. The drivers' `Display`
/// wraps those words ("error returned from database: …") and PostgreSQL's appends the
/// position in the *server's* C source ("… at line 948"), which means nothing to a user.
fn driver_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        sqlx::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

/// The OpenLineage namespace of a database server.
pub fn namespace(scheme: &str, host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("{scheme}://[{host}]:{port}")
    } else {
        format!("{scheme}://{host}:{port}")
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

impl Snapshot {
    /// Tables of `previous` that this snapshot should contain but does not: those in a
    /// database this crawl covered. The caller emits a [`dropped_event`] for each.
    pub fn dropped_since<'a>(&self, previous: &'a Snapshot) -> Vec<&'a TableInfo> {
        if previous.namespace != self.namespace {
            return Vec::new();
        }
        let now: std::collections::HashSet<&str> =
            self.tables.iter().map(|t| t.name.as_str()).collect();
        previous
            .tables
            .iter()
            .filter(|t| self.databases.contains(&t.database) && !now.contains(t.name.as_str()))
            .collect()
    }

    /// The table with this full name, if crawled.
    pub fn table(&self, name: &str) -> Option<&TableInfo> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// `database.schema.table` (Postgres) or `database.table` (MySQL).
pub(crate) fn full_name(database: &str, schema: Option<&str>, table: &str) -> String {
    match schema {
        Some(s) => format!("{database}.{s}.{table}"),
        None => format!("{database}.{table}"),
    }
}

/// Empty strings are how MySQL says "no comment".
pub(crate) fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_drops_passwords_and_keeps_the_rest() {
        assert_eq!(
            redact_url("postgres://alice:s3cr%40t@db.example.com:6543/shop?sslmode=disable"),
            "postgres://alice@db.example.com:6543/shop?sslmode=disable"
        );
        assert_eq!(
            redact_url("mysql://root@127.0.0.1:3306"),
            "mysql://root@127.0.0.1:3306"
        );
        assert_eq!(
            redact_url("postgres://bob@h/db?password=hunter2&application_name=x"),
            "postgres://bob@h/db?application_name=x"
        );
        assert_eq!(
            redact_url("postgres://h/db?password=hunter2"),
            "postgres://h/db"
        );
        let bad = redact_url("postgres://user:pw@[bad");
        assert!(!bad.contains("pw"), "{bad}");
        assert!(!redact_url("nonsense:pw@").contains("pw"));
    }

    #[test]
    fn namespaces_default_the_port() {
        let s = Source::parse(
            "postgres://u:pw@DB.example.com/shop",
            &["postgres", "postgresql"],
            "postgres",
            5432,
        )
        .expect("parses");
        assert_eq!(s.namespace, "postgres://db.example.com:5432");
        assert_eq!(s.database.as_deref(), Some("shop"));
        let s = Source::parse(
            "postgresql://h:6000/a%20b",
            &["postgres", "postgresql"],
            "postgres",
            5432,
        )
        .expect("parses");
        assert_eq!(s.namespace, "postgres://h:6000");
        assert_eq!(s.database.as_deref(), Some("a b"));
        let s = Source::parse("mysql://root@127.0.0.1", &["mysql"], "mysql", 3306).expect("ok");
        assert_eq!(s.namespace, "mysql://127.0.0.1:3306");
        assert_eq!(s.database, None);
        let e = Source::parse("mysql://root:pw@h/x", &["postgres"], "postgres", 5432)
            .expect_err("wrong scheme");
        assert!(matches!(e, CrawlError::InvalidUrl { .. }));
        assert!(!e.to_string().contains("pw"), "{e}");
    }

    #[test]
    fn scrubbing_removes_raw_and_decoded_passwords_and_the_url() {
        let url = "postgres://u:p%40ss@h:1/d";
        let s = Source::parse(url, &["postgres"], "postgres", 5432).expect("parses");
        let msg = s.scrub(&format!("failed for {url}: bad password p@ss / p%40ss"));
        assert!(!msg.contains("p@ss") && !msg.contains("p%40ss"), "{msg}");
        assert!(msg.contains("postgres://u@h:1/d"), "{msg}");
    }

    #[test]
    fn names_follow_openlineage() {
        assert_eq!(
            full_name("shop", Some("public"), "orders"),
            "shop.public.orders"
        );
        assert_eq!(full_name("shop", None, "orders"), "shop.orders");
        assert_eq!(namespace("postgres", "::1", 5432), "postgres://[::1]:5432");
    }

    #[test]
    fn include_and_exclude_lists() {
        let mut o = CrawlOptions::default();
        assert!(o.wants("public"));
        o.exclude_schemas.push("audit".into());
        assert!(!o.wants("audit"));
        o.include_schemas.push("sales".into());
        assert!(o.wants("sales") && !o.wants("public"));
    }
}
