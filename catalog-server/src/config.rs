//! Configuration: flags, then `WEFT_*` environment variables, then `weft.toml`, then
//! defaults — in that order of precedence.
//!
//! clap reads flags and environment variables into `Option`s; whatever is still unset
//! is taken from the TOML file, and then from the defaults documented on each field.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use weft_lineage::Dialect;
use weft_lineage::graph::{DetectionRules, PropagationRules};

use weft_views::graph::GraphSettings;
use weft_views::sql_lineage::SqlDefaults;

/// The store and configuration flags of every command that opens the store, as clap
/// parses them (all optional). They are accepted before the subcommand and after it
/// (not `global`: `weft lineage` needs no store and must not offer them); see
/// [`CommonArgs::overlay`].
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CommonArgs {
    /// Directory for the embedded SQLite database [default: ./weft-data]
    #[arg(long, env = "WEFT_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Use PostgreSQL (`postgres://user@host:5432/db`) instead of the embedded SQLite file
    #[arg(long, env = "WEFT_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Configuration file [default: ./weft.toml when it exists]
    #[arg(long, env = "WEFT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format: text or json
    #[arg(long, env = "WEFT_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// SQLite durability: FULL (survives power loss) or NORMAL (survives process crashes) [default: FULL]
    #[arg(long, env = "WEFT_SQLITE_SYNCHRONOUS")]
    pub sqlite_synchronous: Option<String>,
    /// Namespace searched for tables a job's SQL names but its events do not list
    #[arg(long, env = "WEFT_SQL_DEFAULT_NAMESPACE")]
    pub sql_default_namespace: Option<String>,
    /// Database (catalog, project) of tables a job's SQL names without one
    #[arg(long, env = "WEFT_SQL_DEFAULT_DATABASE")]
    pub sql_default_database: Option<String>,
    /// Schema of tables a job's SQL names without one
    #[arg(long, env = "WEFT_SQL_DEFAULT_SCHEMA")]
    pub sql_default_schema: Option<String>,
    /// SQL dialect when neither the sql facet, the job type nor the namespace says [default: generic]
    #[arg(long, env = "WEFT_SQL_DEFAULT_DIALECT")]
    pub sql_default_dialect: Option<String>,
}

impl CommonArgs {
    /// These flags, given on an outer command, with those of an inner one laid over
    /// them: a flag given on the inner command wins, then anything set here (flag or
    /// environment), then the inner command's environment value. `inner_flag` says
    /// whether the inner command line gave an argument (by its id, the field's name).
    ///
    /// Both levels read the same environment variables, so without this order an
    /// environment value on the inner level would hide a flag given before it.
    pub fn overlay(self, inner: &CommonArgs, inner_flag: impl Fn(&str) -> bool) -> CommonArgs {
        macro_rules! pick {
            ($($field:ident),*) => {
                CommonArgs {
                    $($field: if inner_flag(stringify!($field)) {
                        inner.$field.clone()
                    } else {
                        self.$field.or_else(|| inner.$field.clone())
                    },)*
                }
            };
        }
        pick!(
            data_dir,
            database_url,
            config,
            log_format,
            sqlite_synchronous,
            sql_default_namespace,
            sql_default_database,
            sql_default_schema,
            sql_default_dialect
        )
    }
}

/// `weft serve` settings, as clap parses them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:5000]
    #[arg(long, env = "WEFT_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Largest accepted request body in bytes, after gzip decompression [default: 16 MiB]
    #[arg(long, env = "WEFT_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// API token as NAME=SECRET (repeatable; WEFT_TOKENS takes a comma-separated list).
    /// Authentication is off until at least one token is configured.
    #[arg(long = "token", env = "WEFT_TOKENS", value_delimiter = ',')]
    pub tokens: Vec<String>,
    /// Once authentication is on, let callers without a token read (writes, reviews and
    /// administration still need tokens) [default: false]
    #[arg(long, env = "WEFT_OPEN_READS")]
    pub open_reads: bool,
    /// JSON file of PII rules added to the defaults: `{"detection": {"rules": [...]},
    /// "propagation": {...}}`
    #[arg(long, env = "WEFT_PII_RULES")]
    pub pii_rules: Option<PathBuf>,
    /// Days after which a lineage edge not seen again is marked stale [default: 30]
    #[arg(long, env = "WEFT_STALE_AFTER_DAYS")]
    pub stale_after_days: Option<u32>,
    /// File to which the change log's head `{seq, hash, at}` is appended (one JSON line,
    /// fsynced) every `checkpoint_every` when it moved, and at shutdown; give it to
    /// `weft verify --checkpoint` [default: none]
    #[arg(long, env = "WEFT_LOG_CHECKPOINT_FILE")]
    pub log_checkpoint_file: Option<PathBuf>,
    /// How often the head is checkpointed (`60s`, `5m`) [default: 60s]
    #[arg(long, env = "WEFT_LOG_CHECKPOINT_EVERY")]
    pub log_checkpoint_every: Option<String>,
    /// File holding a secret (16 bytes or more, e.g. `openssl rand -hex 32`) with which
    /// the log's head is signed (HMAC-SHA256) in `GET /api/v1/log/head` and in each
    /// checkpoint; `weft verify` given the same key refuses unsigned or forged
    /// checkpoints [default: none]
    #[arg(long, env = "WEFT_LOG_SIGNING_KEY_FILE")]
    pub log_signing_key_file: Option<PathBuf>,
    /// Longest a client may take to send a request's headers, and longest an idle
    /// keep-alive connection is kept (`10s`, `1m`) [default: 10s]
    #[arg(long, env = "WEFT_HEADER_READ_TIMEOUT")]
    pub header_read_timeout: Option<String>,
    /// Longest a request body may take to arrive after its headers; later, 408 [default: 30s]
    #[arg(long, env = "WEFT_BODY_TIMEOUT")]
    pub body_timeout: Option<String>,
    /// Longest a REST request may run; later, 503 (GraphQL has `[graphql] timeout`) [default: 30s]
    #[arg(long, env = "WEFT_REQUEST_TIMEOUT")]
    pub request_timeout: Option<String>,
    /// Most connections open at once; past it new clients wait to be accepted [default: 1024]
    #[arg(long, env = "WEFT_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// On SIGTERM, how long in-flight requests may finish before their connections are
    /// closed [default: 10s]
    #[arg(long, env = "WEFT_SHUTDOWN_GRACE")]
    pub shutdown_grace: Option<String>,
    /// Longest a request with `Weft-Min-Log-Position` waits for this replica to reach
    /// that position; later, 503 [default: 10s]
    #[arg(long, env = "WEFT_MAX_POSITION_WAIT")]
    pub max_position_wait: Option<String>,
    /// Kafka bootstrap servers of a consumer of OpenLineage events (sets the first
    /// `[[kafka]]` entry's `brokers`, creating it when the file has none)
    #[arg(long, env = "WEFT_KAFKA_BROKERS")]
    pub kafka_brokers: Option<String>,
    /// Topic that consumer reads (repeatable; WEFT_KAFKA_TOPICS takes a comma-separated list)
    #[arg(long = "kafka-topic", env = "WEFT_KAFKA_TOPICS", value_delimiter = ',')]
    pub kafka_topics: Vec<String>,
    /// Its consumer group [default: weft]
    #[arg(long, env = "WEFT_KAFKA_GROUP")]
    pub kafka_group: Option<String>,
    /// Where a partition with no stored position starts: earliest or latest [default: earliest]
    #[arg(long, env = "WEFT_KAFKA_START")]
    pub kafka_start: Option<String>,
    /// Kafka bootstrap servers to publish the change feed to (`[kafka_feed] brokers`)
    #[arg(long, env = "WEFT_CHANGE_FEED_BROKERS")]
    pub change_feed_brokers: Option<String>,
    /// The change feed's topic (`[kafka_feed] topic`)
    #[arg(long, env = "WEFT_CHANGE_FEED_TOPIC")]
    pub change_feed_topic: Option<String>,
    /// Directory of user policies, `*.rego`, reloaded on change (`[policy] dir`)
    #[arg(long, env = "WEFT_POLICY_DIR")]
    pub policy_dir: Option<PathBuf>,
    /// A policy parameter, KEY=VALUE, over `[policy.params]` (repeatable; e.g. unowned_days=0)
    #[arg(
        long = "policy-param",
        env = "WEFT_POLICY_PARAMS",
        value_delimiter = ','
    )]
    pub policy_params: Vec<String>,
    /// The built-in policy library on or off (`[policy] builtin`) [default: true]
    #[arg(long, env = "WEFT_POLICY_BUILTIN")]
    pub policy_builtin: Option<bool>,
    /// The classifications a dataset may have (repeatable; WEFT_CLASSIFICATIONS takes a
    /// comma-separated list) [default: public, internal, confidential, restricted]
    #[arg(
        long = "classification",
        env = "WEFT_CLASSIFICATIONS",
        value_delimiter = ','
    )]
    pub classifications: Vec<String>,
}

/// The file form (`weft.toml`); every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// See [`CommonArgs::data_dir`].
    pub data_dir: Option<PathBuf>,
    /// See [`CommonArgs::database_url`].
    pub database_url: Option<String>,
    /// See [`CommonArgs::log_format`].
    pub log_format: Option<String>,
    /// See [`CommonArgs::sqlite_synchronous`].
    pub sqlite_synchronous: Option<String>,
    /// See [`CommonArgs::sql_default_namespace`].
    pub sql_default_namespace: Option<String>,
    /// See [`CommonArgs::sql_default_database`].
    pub sql_default_database: Option<String>,
    /// See [`CommonArgs::sql_default_schema`].
    pub sql_default_schema: Option<String>,
    /// See [`CommonArgs::sql_default_dialect`].
    pub sql_default_dialect: Option<String>,
    /// See [`ServeArgs::listen`].
    pub listen: Option<SocketAddr>,
    /// See [`ServeArgs::max_body_bytes`].
    pub max_body_bytes: Option<usize>,
    /// See [`ServeArgs::pii_rules`].
    pub pii_rules: Option<PathBuf>,
    /// See [`ServeArgs::stale_after_days`].
    pub stale_after_days: Option<u32>,
    /// `[[tokens]]` entries.
    #[serde(default)]
    pub tokens: Vec<TokenConfig>,
    /// `[[crawl]]` entries: sources `weft serve` crawls on their intervals.
    #[serde(default)]
    pub crawl: Vec<CrawlConfig>,
    /// `[namespace_aliases]`: another address of a source (as a crawler or a producer
    /// writes it) = the namespace its datasets live under.
    #[serde(default)]
    pub namespace_aliases: std::collections::BTreeMap<String, String>,
    /// `[search]`: ranking settings.
    pub search: Option<SearchConfig>,
    /// `[auth]`: who may do what once tokens exist.
    pub auth: Option<AuthConfig>,
    /// `[log]`: checkpoints of the change log's head.
    pub log: Option<LogFileConfig>,
    /// `[graphql]`: the GraphQL endpoint's limits.
    pub graphql: Option<GraphqlFileConfig>,
    /// `[http]`: how the HTTP server bounds slow and hostile clients.
    pub http: Option<HttpFileConfig>,
    /// `[replica]`: serving reads from one of several replicas.
    pub replica: Option<ReplicaFileConfig>,
    /// `[[kafka]]` entries: consumers of OpenLineage events from Kafka topics.
    #[serde(default)]
    pub kafka: Vec<KafkaFileConfig>,
    /// `[kafka_feed]`: the change log published to a Kafka topic.
    pub kafka_feed: Option<KafkaFeedFileConfig>,
    /// `[policy]`: the policies evaluated over the catalog.
    pub policy: Option<crate::policy_config::PolicyFileConfig>,
    /// `[governance]`: what a dataset's governed attributes may be.
    pub governance: Option<GovernanceFileConfig>,
}

/// The `[governance]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GovernanceFileConfig {
    /// See [`ServeArgs::classifications`].
    pub classifications: Option<Vec<String>>,
}

/// The `[replica]` table; each key as its `serve` flag.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicaFileConfig {
    /// See [`ServeArgs::max_position_wait`].
    pub max_wait: Option<String>,
}

/// A `[[kafka]]` entry (see `docs/kafka.md`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaFileConfig {
    /// Bootstrap servers (`host:port,host:port`).
    pub brokers: Option<String>,
    /// Topics read.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Consumer group id (`weft` by default).
    pub group: Option<String>,
    /// `earliest` (default) or `latest`: where a partition with no stored position starts.
    pub start: Option<String>,
    /// Where refused messages go (`<topic>.dlq` by default).
    pub dead_letter_topic: Option<String>,
    /// librdkafka client properties passed through (SASL, SSL, timeouts).
    #[serde(default)]
    pub properties: std::collections::BTreeMap<String, String>,
}

/// The `[kafka_feed]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaFeedFileConfig {
    /// Bootstrap servers.
    pub brokers: Option<String>,
    /// The topic written.
    pub topic: Option<String>,
    /// librdkafka client properties passed through.
    #[serde(default)]
    pub properties: std::collections::BTreeMap<String, String>,
}

impl KafkaFileConfig {
    /// The entry with the `serve` flags laid over it, checked.
    fn to_settings(
        &self,
        index: usize,
        serve: Option<&ServeArgs>,
    ) -> Result<weft_kafka::ConsumerSettings, ConfigError> {
        let bad = |m: String| ConfigError::Invalid(format!("kafka[{index}].{m}"));
        let brokers = serve
            .and_then(|s| s.kafka_brokers.clone())
            .or_else(|| self.brokers.clone())
            .ok_or_else(|| bad("brokers: missing".into()))?;
        let topics = match serve {
            Some(s) if !s.kafka_topics.is_empty() => s.kafka_topics.clone(),
            _ => self.topics.clone(),
        };
        let start = match serve
            .and_then(|s| s.kafka_start.clone())
            .or_else(|| self.start.clone())
        {
            Some(s) => s
                .parse::<weft_kafka::Start>()
                .map_err(|e| bad(format!("start: {e}")))?,
            None => weft_kafka::Start::Earliest,
        };
        let settings = weft_kafka::ConsumerSettings {
            brokers,
            topics,
            group: serve
                .and_then(|s| s.kafka_group.clone())
                .or_else(|| self.group.clone())
                .unwrap_or_else(|| "weft".into()),
            start,
            dead_letter_topic: self.dead_letter_topic.clone(),
            properties: self.properties.clone(),
        };
        settings.validate().map_err(|e| bad(e.to_string()))?;
        Ok(settings)
    }
}

/// The `[[kafka]]` entries with the `serve` flags laid over the first (creating it when
/// the file has none and a flag names brokers).
fn kafka_consumers(
    file: &[KafkaFileConfig],
    serve: &ServeArgs,
) -> Result<Vec<weft_kafka::ConsumerSettings>, ConfigError> {
    let flagged = serve.kafka_brokers.is_some()
        || !serve.kafka_topics.is_empty()
        || serve.kafka_group.is_some()
        || serve.kafka_start.is_some();
    let mut entries = file.to_vec();
    if entries.is_empty() && flagged {
        entries.push(KafkaFileConfig::default());
    }
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        out.push(e.to_settings(i, (i == 0).then_some(serve))?);
    }
    let mut seen = std::collections::BTreeSet::new();
    for c in &out {
        for t in &c.topics {
            if !seen.insert((c.group.clone(), t.clone())) {
                return Err(ConfigError::Invalid(format!(
                    "kafka: group {:?} reads topic {t:?} twice",
                    c.group
                )));
            }
        }
    }
    Ok(out)
}

/// `[kafka_feed]` with the `serve` flags laid over it.
fn kafka_feed(
    file: Option<&KafkaFeedFileConfig>,
    serve: &ServeArgs,
) -> Result<Option<weft_kafka::FeedSettings>, ConfigError> {
    let brokers = serve
        .change_feed_brokers
        .clone()
        .or_else(|| file.and_then(|f| f.brokers.clone()));
    let topic = serve
        .change_feed_topic
        .clone()
        .or_else(|| file.and_then(|f| f.topic.clone()));
    let (brokers, topic) = match (brokers, topic) {
        (None, None) => return Ok(None),
        (Some(b), Some(t)) => (b, t),
        (None, Some(_)) => return Err(ConfigError::Invalid("kafka_feed.brokers: missing".into())),
        (Some(_), None) => return Err(ConfigError::Invalid("kafka_feed.topic: missing".into())),
    };
    let settings = weft_kafka::FeedSettings {
        brokers,
        topic,
        properties: file.map(|f| f.properties.clone()).unwrap_or_default(),
    };
    settings
        .validate()
        .map_err(|e| ConfigError::Invalid(e.to_string()))?;
    Ok(Some(settings))
}

/// The `[http]` table (defaults in `HttpLimits`); each key as its `serve` flag.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpFileConfig {
    /// See [`ServeArgs::header_read_timeout`].
    pub header_read_timeout: Option<String>,
    /// See [`ServeArgs::body_timeout`].
    pub body_timeout: Option<String>,
    /// See [`ServeArgs::request_timeout`].
    pub request_timeout: Option<String>,
    /// See [`ServeArgs::max_connections`].
    pub max_connections: Option<usize>,
    /// See [`ServeArgs::shutdown_grace`].
    pub shutdown_grace: Option<String>,
}

/// The `[graphql]` table (defaults in `GraphqlConfig`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphqlFileConfig {
    /// Deepest selection nesting accepted.
    pub max_depth: Option<usize>,
    /// Highest query complexity accepted.
    pub max_complexity: Option<usize>,
    /// Largest `first` on a connection.
    pub max_page_size: Option<usize>,
    /// Longest a request may run (`30s`).
    pub timeout: Option<String>,
    /// Whether introspection is answered.
    pub introspection: Option<bool>,
    /// Largest document, in bytes.
    pub max_document_bytes: Option<usize>,
    /// Most tokens in a document.
    pub max_tokens: Option<usize>,
    /// Most fields a document expands to, fragment spreads inlined.
    pub max_expanded_fields: Option<u64>,
    /// Most aliased fields in a document.
    pub max_aliases: Option<usize>,
}

/// The `[log]` table: where and how often `weft serve` checkpoints the change log's head.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogFileConfig {
    /// See [`ServeArgs::log_checkpoint_file`].
    pub checkpoint_file: Option<PathBuf>,
    /// See [`ServeArgs::log_checkpoint_every`].
    pub checkpoint_every: Option<String>,
    /// See [`ServeArgs::log_signing_key_file`].
    pub signing_key_file: Option<PathBuf>,
}

/// The `[search]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// `[search.weights]`: the ranking formula's weights (see `weft_search::rank`); a
    /// missing key keeps its default. Changing them rebuilds the index at the next start.
    pub weights: Option<weft_search::rank::Weights>,
    /// How often every document is re-indexed so that priors follow time (usage
    /// decay, freshness) and PageRank: `6h` by default.
    pub refresh_every: Option<String>,
}

/// A `[[crawl]]` entry: a database by `url`, or a query-log file by `query_log`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrawlConfig {
    /// The source's name (its history and counted queries are kept under it).
    pub name: String,
    /// `postgres://…` or `mysql://…`.
    pub url: Option<String>,
    /// PostgreSQL schemas to crawl; all when absent.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// Read `pg_stat_statements` when installed [default: true].
    pub statements: Option<bool>,
    /// An exported query log.
    pub query_log: Option<PathBuf>,
    /// `snowflake`, `bigquery`, `redshift` or `jsonl` [default: jsonl].
    pub format: Option<String>,
    /// Dialect of queries that do not name one [default: generic].
    pub dialect: Option<String>,
    /// Namespace of the log's tables (required for query logs).
    pub namespace: Option<String>,
    /// Database of queries that do not say.
    pub database: Option<String>,
    /// Schema of queries that do not say.
    pub schema: Option<String>,
    /// Keep one verbatim text per statement [default: false].
    #[serde(default)]
    pub keep_raw: bool,
    /// How often: `90s`, `15m`, `1h`, `1d` [default: 1h].
    pub interval: Option<String>,
}

impl CrawlConfig {
    /// Checks the entry and turns it into what the crawler runs.
    pub fn to_spec(&self) -> Result<crate::crawl::CrawlSpec, ConfigError> {
        use crate::crawl::{CrawlSpec, SourceKind};
        let bad = |m: String| ConfigError::Invalid(format!("crawl {:?}: {m}", self.name));
        let interval = parse_interval(self.interval.as_deref().unwrap_or("1h")).map_err(bad)?;
        let kind = match (&self.url, &self.query_log) {
            (Some(url), None) => SourceKind::Database {
                url: url.clone(),
                schemas: self.schemas.clone(),
                statements: self.statements.unwrap_or(true),
            },
            (None, Some(path)) => SourceKind::QueryLog {
                path: path.clone(),
                format: self
                    .format
                    .as_deref()
                    .unwrap_or("jsonl")
                    .parse()
                    .map_err(|e| bad(format!("format: {e}")))?,
                dialect: self.dialect.clone().unwrap_or_else(|| "generic".into()),
                namespace: self
                    .namespace
                    .clone()
                    .ok_or_else(|| bad("a query log needs `namespace`".into()))?,
                database: self.database.clone(),
                schema: self.schema.clone(),
                keep_raw: self.keep_raw,
            },
            _ => return Err(bad("needs exactly one of `url` and `query_log`".into())),
        };
        Ok(CrawlSpec {
            name: self.name.clone(),
            kind,
            interval: Some(interval),
        })
    }
}

/// `90s`, `15m`, `1h`, `1d` (a bare number is seconds).
pub fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("interval {s:?}: expected a number and s, m, h or d"))?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        _ => return Err(format!("interval {s:?}: unit must be s, m, h or d")),
    };
    if secs == 0 {
        return Err(format!("interval {s:?}: must be positive"));
    }
    Ok(std::time::Duration::from_secs(secs))
}

/// The PII rules file: additions to the default detection and propagation rules.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PiiRulesFile {
    detection: Option<DetectionRules>,
    propagation: Option<PropagationRules>,
}

/// An API token in the file: the secret in clear, or its SHA-256 in hex (preferred, so
/// the file holds no secret).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// Recorded as the actor of every change made with the token.
    pub name: String,
    /// The secret itself.
    pub secret: Option<String>,
    /// Hex SHA-256 of the secret.
    pub sha256: Option<String>,
    /// `["read", "write", "review", "admin"]`; all of them when absent.
    pub scopes: Option<Vec<String>>,
}

/// The `[auth]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// Callers without a token may read once authentication is on [default: false].
    #[serde(default)]
    pub open_reads: bool,
}

/// Settings after merging every source.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the SQLite file (and later the search index) lives.
    pub data_dir: PathBuf,
    /// PostgreSQL URL, when not embedded.
    pub database_url: Option<String>,
    /// `text` or `json`.
    pub log_format: String,
    /// SQLite `synchronous` pragma.
    pub sqlite_synchronous: String,
    /// Listen address for `serve`.
    pub listen: SocketAddr,
    /// Body size limit.
    pub max_body_bytes: usize,
    /// (name, SHA-256 of secret) pairs.
    pub tokens: Vec<crate::auth::Token>,
    /// Callers without a token may read once authentication is on.
    pub open_reads: bool,
    /// Where names in jobs' SQL land when the job's own datasets do not say.
    pub sql: SqlDefaults,
    /// Detection and propagation rules and the staleness window of the lineage graph.
    pub graph: GraphSettings,
    /// Sources crawled on a schedule by `weft serve`.
    pub crawl: Vec<crate::crawl::CrawlSpec>,
    /// Other addresses of sources, mapped to their namespaces.
    pub aliases: weft_ingest::aliases::Aliases,
    /// The search ranking's weights.
    pub search_weights: weft_search::rank::Weights,
    /// How often the search view re-indexes everything.
    pub search_refresh: std::time::Duration,
    /// Where `weft serve` appends checkpoints of the change log's head, if anywhere.
    pub log_checkpoint_file: Option<PathBuf>,
    /// How often it does.
    pub log_checkpoint_every: std::time::Duration,
    /// The key the log's head is signed with, if any.
    pub log_signing_key_file: Option<PathBuf>,
    /// The GraphQL endpoint's limits.
    pub graphql: crate::graphql::GraphqlConfig,
    /// How the HTTP server bounds its clients.
    pub http: crate::server::conn::HttpLimits,
    /// Longest a request waits for the log position it asks for (`[replica] max_wait`).
    pub max_position_wait: std::time::Duration,
    /// Consumers of OpenLineage events from Kafka.
    pub kafka: Vec<weft_kafka::ConsumerSettings>,
    /// Where the change feed is published, if anywhere.
    pub kafka_feed: Option<weft_kafka::FeedSettings>,
    /// Where policies come from and how they are evaluated.
    pub policy: weft_views::policy::PolicySettings,
    /// The classifications a dataset may have, lower case, in the configured order.
    pub classifications: Vec<String>,
}

/// Errors reading configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The TOML file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The TOML file did not parse.
    #[error("parsing {path}: {source}")]
    Parse {
        /// File.
        path: PathBuf,
        /// Cause.
        source: toml::de::Error,
    },
    /// A value was malformed.
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// Merges flags/env (already in `common`/`serve`) over the file over the defaults.
    pub fn load(common: &CommonArgs, serve: &ServeArgs) -> Result<Config, ConfigError> {
        let file = match &common.config {
            Some(p) => read_file(p)?,
            None if Path::new("weft.toml").exists() => read_file(Path::new("weft.toml"))?,
            None => FileConfig::default(),
        };
        let mut tokens = Vec::new();
        for t in &serve.tokens {
            let (name, secret) = t.split_once('=').ok_or_else(|| {
                ConfigError::Invalid(format!("token {t:?}: expected NAME=SECRET"))
            })?;
            tokens.push(crate::auth::Token {
                name: name.to_owned(),
                sha256: crate::auth::hash_secret(secret),
                scopes: crate::auth::Scopes::ALL,
            });
        }
        if serve.tokens.is_empty() {
            for t in &file.tokens {
                let hash = match (&t.secret, &t.sha256) {
                    (Some(s), _) => crate::auth::hash_secret(s),
                    (None, Some(h)) => decode_hex(h).ok_or_else(|| {
                        ConfigError::Invalid(format!("token {}: sha256 is not hex", t.name))
                    })?,
                    (None, None) => {
                        return Err(ConfigError::Invalid(format!(
                            "token {}: needs secret or sha256",
                            t.name
                        )));
                    }
                };
                let scopes = match &t.scopes {
                    Some(list) => crate::auth::Scopes::parse(list.iter().map(String::as_str))
                        .map_err(|e| ConfigError::Invalid(format!("token {}: {e}", t.name)))?,
                    None => crate::auth::Scopes::ALL,
                };
                tokens.push(crate::auth::Token {
                    name: t.name.clone(),
                    sha256: hash,
                    scopes,
                });
            }
        }
        let dialect = match common
            .sql_default_dialect
            .clone()
            .or(file.sql_default_dialect)
        {
            Some(d) => d
                .parse::<Dialect>()
                .map_err(|e| ConfigError::Invalid(format!("sql_default_dialect: {e}")))?,
            None => Dialect::Generic,
        };
        let sql = SqlDefaults {
            namespace: common
                .sql_default_namespace
                .clone()
                .or(file.sql_default_namespace),
            database: common
                .sql_default_database
                .clone()
                .or(file.sql_default_database),
            schema: common
                .sql_default_schema
                .clone()
                .or(file.sql_default_schema),
            dialect,
        };
        let mut graph = GraphSettings::default();
        if let Some(path) = serve.pii_rules.clone().or(file.pii_rules) {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let rules: PiiRulesFile = serde_json::from_str(&text)
                .map_err(|e| ConfigError::Invalid(format!("pii_rules {}: {e}", path.display())))?;
            if let Some(d) = rules.detection {
                d.validate().map_err(|e| {
                    ConfigError::Invalid(format!("pii_rules {}: {e}", path.display()))
                })?;
                graph.detection.extend(d);
            }
            if let Some(p) = rules.propagation {
                graph.propagation = p;
            }
        }
        if let Some(days) = serve.stale_after_days.or(file.stale_after_days) {
            graph.stale_after = i64::from(days) * 24 * 3600 * 1_000_000;
        }
        let mut crawl = Vec::new();
        let mut names = std::collections::BTreeSet::new();
        for c in &file.crawl {
            if !names.insert(c.name.clone()) {
                return Err(ConfigError::Invalid(format!(
                    "crawl {:?}: the name is used twice",
                    c.name
                )));
            }
            crawl.push(c.to_spec()?);
        }
        let aliases = weft_ingest::aliases::Aliases(
            file.namespace_aliases
                .iter()
                .map(|(k, v)| (k.trim_end_matches('/').to_owned(), v.clone()))
                .collect(),
        );
        let kafka = kafka_consumers(&file.kafka, serve)?;
        let kafka_feed = kafka_feed(file.kafka_feed.as_ref(), serve)?;
        let policy = crate::policy_config::settings(
            file.policy,
            serve.policy_dir.clone(),
            serve.policy_builtin,
            &serve.policy_params,
        )?;
        let search = file.search.unwrap_or_default();
        let search_refresh = parse_interval(search.refresh_every.as_deref().unwrap_or("6h"))
            .map_err(|e| ConfigError::Invalid(format!("search.refresh_every: {e}")))?;
        let search_weights = search.weights.unwrap_or_default();
        let max_position_wait = parse_interval(
            serve
                .max_position_wait
                .as_deref()
                .or(file.replica.as_ref().and_then(|r| r.max_wait.as_deref()))
                .unwrap_or("10s"),
        )
        .map_err(|e| ConfigError::Invalid(format!("replica.max_wait: {e}")))?;
        let log = file.log.unwrap_or_default();
        let log_checkpoint_file = serve.log_checkpoint_file.clone().or(log.checkpoint_file);
        let log_signing_key_file = serve.log_signing_key_file.clone().or(log.signing_key_file);
        let log_checkpoint_every = parse_interval(
            serve
                .log_checkpoint_every
                .as_deref()
                .or(log.checkpoint_every.as_deref())
                .unwrap_or("60s"),
        )
        .map_err(|e| ConfigError::Invalid(format!("log.checkpoint_every: {e}")))?;
        let graphql = {
            let f = file.graphql.unwrap_or_default();
            let d = crate::graphql::GraphqlConfig::default();
            let timeout = match f.timeout.as_deref() {
                Some(t) => parse_interval(t)
                    .map_err(|e| ConfigError::Invalid(format!("graphql.timeout: {e}")))?,
                None => d.timeout,
            };
            crate::graphql::GraphqlConfig {
                max_depth: f.max_depth.unwrap_or(d.max_depth),
                max_complexity: f.max_complexity.unwrap_or(d.max_complexity),
                max_page_size: f.max_page_size.unwrap_or(d.max_page_size).max(1),
                timeout,
                introspection: f.introspection.unwrap_or(d.introspection),
                max_document_bytes: f.max_document_bytes.unwrap_or(d.max_document_bytes),
                max_tokens: f.max_tokens.unwrap_or(d.max_tokens),
                max_expanded_fields: f.max_expanded_fields.unwrap_or(d.max_expanded_fields),
                max_aliases: f.max_aliases.unwrap_or(d.max_aliases),
            }
        };
        let http = {
            let f = file.http.unwrap_or_default();
            let d = crate::server::conn::HttpLimits::default();
            let interval =
                |flag: &Option<String>, key: &Option<String>, name: &str, default| match flag
                    .as_deref()
                    .or(key.as_deref())
                {
                    Some(t) => parse_interval(t)
                        .map_err(|e| ConfigError::Invalid(format!("http.{name}: {e}"))),
                    None => Ok(default),
                };
            let max_connections = serve
                .max_connections
                .or(f.max_connections)
                .unwrap_or(d.max_connections);
            if max_connections == 0 {
                return Err(ConfigError::Invalid(
                    "http.max_connections: must be positive".into(),
                ));
            }
            crate::server::conn::HttpLimits {
                header_read_timeout: interval(
                    &serve.header_read_timeout,
                    &f.header_read_timeout,
                    "header_read_timeout",
                    d.header_read_timeout,
                )?,
                body_timeout: interval(
                    &serve.body_timeout,
                    &f.body_timeout,
                    "body_timeout",
                    d.body_timeout,
                )?,
                request_timeout: interval(
                    &serve.request_timeout,
                    &f.request_timeout,
                    "request_timeout",
                    d.request_timeout,
                )?,
                max_connections,
                shutdown_grace: interval(
                    &serve.shutdown_grace,
                    &f.shutdown_grace,
                    "shutdown_grace",
                    d.shutdown_grace,
                )?,
            }
        };
        let classifications = classifications(
            &serve.classifications,
            file.governance.and_then(|g| g.classifications),
        )?;
        Ok(Config {
            classifications,
            kafka,
            kafka_feed,
            policy,
            http,
            max_position_wait,
            graphql,
            sql,
            graph,
            crawl,
            aliases,
            search_weights,
            search_refresh,
            log_checkpoint_file,
            log_checkpoint_every,
            log_signing_key_file,
            data_dir: common
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("weft-data")),
            database_url: common.database_url.clone().or(file.database_url),
            log_format: common
                .log_format
                .clone()
                .or(file.log_format)
                .unwrap_or_else(|| "text".into()),
            sqlite_synchronous: common
                .sqlite_synchronous
                .clone()
                .or(file.sqlite_synchronous)
                .unwrap_or_else(|| "FULL".into()),
            listen: serve
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 5000))),
            max_body_bytes: serve
                .max_body_bytes
                .or(file.max_body_bytes)
                .unwrap_or(16 * 1024 * 1024),
            tokens,
            open_reads: serve.open_reads || file.auth.is_some_and(|a| a.open_reads),
        })
    }
}

/// The allowed classifications: the flag's, else the file's, else the defaults; each one
/// word, none twice, at least one.
fn classifications(flag: &[String], file: Option<Vec<String>>) -> Result<Vec<String>, ConfigError> {
    let list: Vec<String> = if !flag.is_empty() {
        flag.to_vec()
    } else {
        file.unwrap_or_else(|| {
            weft_schemas::governance::DEFAULT_CLASSIFICATIONS
                .map(str::to_owned)
                .to_vec()
        })
    };
    let mut out: Vec<String> = Vec::new();
    for c in list {
        let c = c.trim().to_lowercase();
        if c.is_empty()
            || !c
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
        {
            return Err(ConfigError::Invalid(format!(
                "governance.classifications: `{c}` is not one word (letters, digits, _ and -)"
            )));
        }
        if out.contains(&c) {
            return Err(ConfigError::Invalid(format!(
                "governance.classifications: `{c}` is listed twice"
            )));
        }
        out.push(c);
    }
    if out.is_empty() {
        return Err(ConfigError::Invalid(
            "governance.classifications: the list is empty".into(),
        ));
    }
    Ok(out)
}

fn read_file(p: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
        path: p.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse {
        path: p.to_owned(),
        source,
    })
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn flags_beat_file_beat_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("weft.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:7000\"\ndata_dir = \"/from/file\"\n",
        )
        .expect("write");
        let common = CommonArgs {
            config: Some(path),
            data_dir: Some("/from/flag".into()),
            ..Default::default()
        };
        let cfg = Config::load(&common, &ServeArgs::default()).expect("load");
        assert_eq!(cfg.data_dir, PathBuf::from("/from/flag"));
        assert_eq!(cfg.listen.port(), 7000);
        assert_eq!(cfg.max_body_bytes, 16 * 1024 * 1024);
        assert!(cfg.tokens.is_empty());
    }

    #[test]
    fn sql_defaults_come_from_the_file_and_a_bad_dialect_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("weft.toml");
        std::fs::write(
            &path,
            "sql_default_namespace = \"postgres://db:5432\"\nsql_default_dialect = \"snowflake\"\n",
        )
        .expect("write");
        let common = CommonArgs {
            config: Some(path.clone()),
            sql_default_schema: Some("public".into()),
            ..Default::default()
        };
        let cfg = Config::load(&common, &ServeArgs::default()).expect("load");
        assert_eq!(cfg.sql.namespace.as_deref(), Some("postgres://db:5432"));
        assert_eq!(cfg.sql.schema.as_deref(), Some("public"));
        assert_eq!(cfg.sql.dialect, Dialect::Snowflake);
        std::fs::write(&path, "sql_default_dialect = \"cobol\"\n").expect("write");
        let err = Config::load(&common, &ServeArgs::default()).expect_err("refused");
        assert!(err.to_string().contains("sql_default_dialect"), "{err}");
    }

    #[test]
    fn pii_rules_add_to_the_defaults_and_bad_ones_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rules = dir.path().join("pii.json");
        std::fs::write(
            &rules,
            r#"{"detection": {"rules": [{"name": "iban", "tag": "pii.iban", "names": ["iban"]}]},
                "propagation": {"masking": ["my_tokenize"]}}"#,
        )
        .expect("write");
        let serve = ServeArgs {
            pii_rules: Some(rules.clone()),
            stale_after_days: Some(2),
            ..Default::default()
        };
        let cfg = Config::load(&CommonArgs::default(), &serve).expect("load");
        assert_eq!(cfg.graph.detection.detect("payer_iban", None).len(), 1);
        assert_eq!(cfg.graph.detection.detect("email", None).len(), 1);
        assert!(cfg.graph.propagation.masking.contains("my_tokenize"));
        assert_eq!(cfg.graph.stale_after, 2 * 24 * 3600 * 1_000_000);
        std::fs::write(
            &rules,
            r#"{"detection": {"rules": [{"name": "x", "tag": "Not A Tag", "names": ["x"]}]}}"#,
        )
        .expect("write");
        let err = Config::load(&CommonArgs::default(), &serve).expect_err("refused");
        assert!(err.to_string().contains("pii_rules"), "{err}");
    }

    #[test]
    fn http_limits_come_from_flags_then_the_file_then_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("weft.toml");
        std::fs::write(
            &path,
            "[http]\nheader_read_timeout = \"3s\"\nbody_timeout = \"1m\"\nmax_connections = 64\n",
        )
        .expect("write");
        let common = CommonArgs {
            config: Some(path.clone()),
            ..Default::default()
        };
        let serve = ServeArgs {
            body_timeout: Some("5".into()),
            ..Default::default()
        };
        let cfg = Config::load(&common, &serve).expect("load");
        let d = crate::server::conn::HttpLimits::default();
        assert_eq!(cfg.http.header_read_timeout, Duration::from_secs(3));
        assert_eq!(cfg.http.body_timeout, Duration::from_secs(5));
        assert_eq!(cfg.http.max_connections, 64);
        assert_eq!(cfg.http.request_timeout, d.request_timeout);
        assert_eq!(cfg.http.shutdown_grace, d.shutdown_grace);
        std::fs::write(&path, "[http]\nmax_connections = 0\n").expect("write");
        let err = Config::load(&common, &ServeArgs::default()).expect_err("refused");
        assert!(err.to_string().contains("max_connections"), "{err}");
        std::fs::write(&path, "[http]\nshutdown_grace = \"soon\"\n").expect("write");
        let err = Config::load(&common, &ServeArgs::default()).expect_err("refused");
        assert!(err.to_string().contains("shutdown_grace"), "{err}");
    }

    #[test]
    fn the_position_wait_comes_from_the_flag_then_the_replica_table_then_ten_seconds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("weft.toml");
        let common = CommonArgs {
            config: Some(path.clone()),
            ..Default::default()
        };
        std::fs::write(&path, "").expect("write");
        let cfg = Config::load(&common, &ServeArgs::default()).expect("load");
        assert_eq!(cfg.max_position_wait, Duration::from_secs(10));
        std::fs::write(&path, "[replica]\nmax_wait = \"2m\"\n").expect("write");
        let cfg = Config::load(&common, &ServeArgs::default()).expect("load");
        assert_eq!(cfg.max_position_wait, Duration::from_secs(120));
        let serve = ServeArgs {
            max_position_wait: Some("3s".into()),
            ..Default::default()
        };
        let cfg = Config::load(&common, &serve).expect("load");
        assert_eq!(cfg.max_position_wait, Duration::from_secs(3));
        std::fs::write(&path, "[replica]\nmax_wait = \"later\"\n").expect("write");
        let err = Config::load(&common, &ServeArgs::default()).expect_err("refused");
        assert!(err.to_string().contains("replica.max_wait"), "{err}");
    }

    #[test]
    fn kafka_flags_set_the_first_consumer_over_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("weft.toml");
        std::fs::write(
            &path,
            "[[kafka]]\nbrokers = \"file:9092\"\ntopics = [\"a\"]\n\
             [kafka.properties]\n\"security.protocol\" = \"ssl\"\n\
             [kafka_feed]\nbrokers = \"feed:9092\"\ntopic = \"changes\"\n",
        )
        .expect("write");
        let common = CommonArgs {
            config: Some(path.clone()),
            ..Default::default()
        };
        let serve = ServeArgs {
            kafka_topics: vec!["b".into(), "c".into()],
            kafka_start: Some("latest".into()),
            ..Default::default()
        };
        let cfg = Config::load(&common, &serve).expect("load");
        let k = &cfg.kafka[0];
        assert_eq!(k.brokers, "file:9092");
        assert_eq!(k.topics, ["b", "c"]);
        assert_eq!(k.group, "weft");
        assert_eq!(k.start, weft_kafka::Start::Latest);
        assert_eq!(k.properties["security.protocol"], "ssl");
        let feed = cfg.kafka_feed.expect("feed");
        assert_eq!(
            (feed.brokers.as_str(), feed.topic.as_str()),
            ("feed:9092", "changes")
        );
        std::fs::write(
            &path,
            "[[kafka]]\nbrokers = \"b:9092\"\ntopics = [\"a\"]\n\
             [kafka.properties]\n\"enable.auto.commit\" = \"true\"\n",
        )
        .expect("write");
        let err = Config::load(&common, &ServeArgs::default()).expect_err("refused");
        assert!(err.to_string().contains("enable.auto.commit"), "{err}");
        std::fs::write(&path, "[[kafka]]\ntopics = [\"a\"]\n").expect("write");
        let err = Config::load(&common, &ServeArgs::default()).expect_err("refused");
        assert!(err.to_string().contains("kafka[0].brokers"), "{err}");
        std::fs::write(&path, "[kafka_feed]\ntopic = \"t\"\n").expect("write");
        let err = Config::load(&common, &ServeArgs::default()).expect_err("refused");
        assert!(err.to_string().contains("kafka_feed.brokers"), "{err}");
    }

    #[test]
    fn classifications_come_from_flags_then_the_file_then_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("weft.toml");
        let common = CommonArgs {
            config: Some(path.clone()),
            ..Default::default()
        };
        std::fs::write(&path, "").expect("write");
        let cfg = Config::load(&common, &ServeArgs::default()).expect("load");
        assert_eq!(
            cfg.classifications,
            ["public", "internal", "confidential", "restricted"]
        );
        std::fs::write(
            &path,
            "[governance]\nclassifications = [\"Open\", \"closed\"]\n",
        )
        .expect("write");
        let cfg = Config::load(&common, &ServeArgs::default()).expect("load");
        assert_eq!(cfg.classifications, ["open", "closed"]);
        let serve = ServeArgs {
            classifications: vec!["secret".into()],
            ..Default::default()
        };
        assert_eq!(
            Config::load(&common, &serve).expect("load").classifications,
            ["secret"]
        );
        std::fs::write(&path, "[governance]\nclassifications = [\"a b\"]\n").expect("write");
        let err = Config::load(&common, &ServeArgs::default()).expect_err("refused");
        assert!(
            err.to_string().contains("governance.classifications"),
            "{err}"
        );
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("weft.toml");
        std::fs::write(&path, "lisen = \"x\"\n").expect("write");
        let common = CommonArgs {
            config: Some(path),
            ..Default::default()
        };
        assert!(Config::load(&common, &ServeArgs::default()).is_err());
    }
}
