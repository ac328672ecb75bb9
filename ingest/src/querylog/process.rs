//! From records to usage: normalise, analyse each shape once, count.
//!
//! A log of a million queries usually holds a few thousand statement shapes, and
//! parsing is what costs (tens to hundreds of microseconds a statement), so every
//! record is normalised and looked up by fingerprint, and only a new shape (in a new
//! session context: the current database and schema decide what `orders` means) goes
//! through [`weft_lineage::analyze`]. What a shape reads and writes is kept as interned
//! ids, so counting a recurring query is a few hash lookups.
//!
//! Names are qualified to full OpenLineage names with the record's database and schema
//! (`orders` run in `shop`/`public` is `shop.public.orders`) and case-folded the way the
//! platform folds them ([`Naming`]); a catalog ([`Processor::with_catalog`]) resolves
//! unqualified columns and `SELECT *` and supplies the canonical spelling of names.
//!
//! Usage is counted per execution, weighted by `calls`: each execution reads (writes) a
//! dataset or column once however often the statement names it. Where the log carries
//! the vendor's own access records (Snowflake `ACCESS_HISTORY`, BigQuery
//! `referenced_tables`), those tables and columns are counted too, in addition to the
//! parse, so a statement that does not parse still counts and a view or `SELECT *` is
//! seen as the vendor saw it; the union is taken per execution, so nothing is counted
//! twice.

use std::collections::HashMap;
use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use weft_lineage::{
    Dialect, LineageError, NoSchema, Options, SchemaProvider, StatementKind, TableLookup,
    TableSchema, analyze,
};
use weft_schemas::change::{DatasetUsage, ErrorClass, QueryShape, ShapeError, UsageBatch};

use super::normalize::{NormalizeOptions, Placeholder, hex, normalize_with};
use super::read::RecordError;
use super::{QueryRecord, TableAccess};

/// The most query keys one [`UsageBatch`] carries, so that one change stays a size the
/// store applies in one transaction.
pub const MAX_KEYS_PER_BATCH: usize = 20_000;

/// Who produced the job events, per OpenLineage's `producer`.
const PRODUCER: &str = "https://github.com/weft-catalog/weft/tree/main/ingest/querylog";
const JOB_EVENT_SCHEMA: &str = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent";
const SQL_FACET_SCHEMA: &str =
    "https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet";
const JOB_TYPE_SCHEMA: &str =
    "https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet";

const DAY_MICROS: i64 = 86_400_000_000;

/// How a platform folds the case of unquoted names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Postgres, Redshift, MySQL (as usually configured).
    Lower,
    /// Snowflake.
    Upper,
    /// BigQuery: names are case-sensitive and kept as written.
    Keep,
}

/// How a platform names its datasets: how many name parts and which case, so that a
/// table written `orders` in a query becomes the same OpenLineage name the catalog
/// crawler gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Naming {
    /// 3 for `database.schema.table` (and BigQuery's `project.dataset.table`), 2 for
    /// MySQL's `database.table`.
    pub parts: usize,
    /// Case folding applied to every name part and column.
    pub case: Case,
}

impl Naming {
    /// Postgres: `db.schema.table`, lower case.
    pub fn postgres() -> Self {
        Naming {
            parts: 3,
            case: Case::Lower,
        }
    }
    /// Redshift: `db.schema.table`, lower case.
    pub fn redshift() -> Self {
        Self::postgres()
    }
    /// Snowflake: `DB.SCHEMA.TABLE`, upper case.
    pub fn snowflake() -> Self {
        Naming {
            parts: 3,
            case: Case::Upper,
        }
    }
    /// BigQuery: `project.dataset.table`, as written.
    pub fn bigquery() -> Self {
        Naming {
            parts: 3,
            case: Case::Keep,
        }
    }
    /// MySQL: `db.table`, lower case.
    pub fn mysql() -> Self {
        Naming {
            parts: 2,
            case: Case::Lower,
        }
    }
    /// Anything else: three parts, as written.
    pub fn generic() -> Self {
        Naming {
            parts: 3,
            case: Case::Keep,
        }
    }
    /// The naming of a platform by its name or URI scheme (`postgres`, `snowflake`…).
    pub fn for_platform(name: &str) -> Naming {
        match name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Self::postgres(),
            "redshift" => Self::redshift(),
            "snowflake" => Self::snowflake(),
            "bigquery" => Self::bigquery(),
            "mysql" | "mariadb" => Self::mysql(),
            _ => Self::generic(),
        }
    }

    fn fold(&self, s: &str) -> String {
        let s = s.trim_matches(|c| c == '"' || c == '`');
        match self.case {
            Case::Lower => s.to_lowercase(),
            Case::Upper => s.to_uppercase(),
            Case::Keep => s.to_owned(),
        }
    }
}

/// A table the catalog already knows, so unqualified columns and `SELECT *` resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownTable {
    /// Full OpenLineage name (`shop.public.orders`).
    pub name: String,
    /// Columns in table order.
    pub columns: Vec<String>,
}

/// What a [`Processor`] needs to know about the log it reads.
#[derive(Debug, Clone)]
pub struct ProcessorOptions {
    /// The crawl source's name; query keys are unique per source.
    pub source: String,
    /// Dataset (and job) namespace, e.g. `postgres://db:5432`.
    pub namespace: String,
    /// How dataset names are qualified and folded.
    pub naming: Naming,
    /// Dialect of records that do not name one.
    pub dialect: String,
    /// Keep one verbatim text per shape (it may hold personal data; off by default).
    pub keep_raw: bool,
    /// Database of records that do not name one.
    pub default_database: Option<String>,
    /// Schema of records that do not name one.
    pub default_schema: Option<String>,
}

/// Counts over a whole run, for the crawl's record and its status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// Records handed to [`Processor::add`].
    pub records: u64,
    /// Executions counted (successful, not duplicate), weighted by `calls`.
    pub executions: u64,
    /// Executions the log says failed; not counted as usage.
    pub failed_executions: u64,
    /// Records whose key was already seen in this run, and skipped.
    pub duplicates: u64,
    /// Lines of the log that could not be read.
    pub bad_lines: u64,
    /// Distinct statement shapes.
    pub shapes: u64,
    /// Shapes analysed without error.
    pub shapes_parsed: u64,
    /// Shapes that did not parse or analyse (their executions still count in
    /// `executions`, and vendor access records still give usage).
    pub shapes_failed: u64,
    /// Failures by class, most frequent first: `parse` and `unsupported` count shapes,
    /// `record` counts unreadable lines.
    pub errors: Vec<ErrorClass>,
    /// The latest start time seen, for the next incremental crawl.
    pub watermark: Option<i64>,
}

/// Everything a run produced.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// Usage in batches of at most [`MAX_KEYS_PER_BATCH`] query keys; each batch's counts
    /// are exactly those of its keys, so the store can drop a batch it has seen.
    pub batches: Vec<UsageBatch>,
    /// One OpenLineage JobEvent (JSON) per statement shape that writes from reads
    /// (`INSERT … SELECT`, `CREATE TABLE AS`, `MERGE`, `UPDATE … FROM`, views), so the
    /// server derives column lineage from its `sql` facet.
    pub jobs: Vec<String>,
    /// Counts for the crawl record.
    pub summary: Summary,
}

/// The catalog as a [`SchemaProvider`]: suffix match on lower-cased name parts.
#[derive(Debug, Default)]
struct Catalog {
    tables: Vec<KnownTable>,
    parts: Vec<Vec<String>>,
    by_last: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, usize>,
}

impl Catalog {
    fn new(tables: Vec<KnownTable>) -> Self {
        let mut c = Catalog::default();
        for t in tables {
            let parts: Vec<String> = t.name.split('.').map(str::to_lowercase).collect();
            let i = c.tables.len();
            c.by_last
                .entry(parts.last().cloned().unwrap_or_default())
                .or_default()
                .push(i);
            c.by_name.insert(t.name.to_lowercase(), i);
            c.parts.push(parts);
            c.tables.push(t);
        }
        c
    }
}

impl SchemaProvider for Catalog {
    fn table(&self, name: &[&str]) -> TableLookup<'_> {
        let written: Vec<String> = name.iter().map(|p| p.to_lowercase()).collect();
        let Some(cands) = written.last().and_then(|l| self.by_last.get(l)) else {
            return TableLookup::Missing;
        };
        let fits = |i: &&usize| {
            let p = &self.parts[**i];
            let n = p.len().min(written.len());
            p[p.len() - n..] == written[written.len() - n..]
        };
        let hits: Vec<usize> = cands.iter().filter(fits).copied().collect();
        let exact: Vec<usize> = hits
            .iter()
            .copied()
            .filter(|&i| self.parts[i].len() == written.len())
            .collect();
        let chosen = if exact.len() == 1 { &exact } else { &hits };
        match chosen[..] {
            [] => TableLookup::Missing,
            [i] => TableLookup::Found(TableSchema {
                name: &self.tables[i].name,
                columns: &self.tables[i].columns,
            }),
            _ => TableLookup::Ambiguous(
                chosen
                    .iter()
                    .map(|&i| self.tables[i].name.as_str())
                    .collect(),
            ),
        }
    }
}

/// A shape as known across the run.
struct Shape {
    fingerprint: String,
    text: String,
    dialect: Dialect,
    raw: Option<String>,
    error: Option<ShapeError>,
    analysed: bool,
    job: bool,
}

/// What one shape in one context reads and writes, as target ids.
struct Analysis {
    reads: Vec<u32>,
    writes: Vec<u32>,
}

#[derive(Default)]
struct Agg {
    reads: u64,
    writes: u64,
    users: Vec<u32>,
    shapes: Vec<u32>,
}

struct ShapeCalls {
    calls: u64,
    first: Option<i64>,
    last: Option<i64>,
}

/// The batch being filled.
#[derive(Default)]
struct Batch {
    keys: Vec<String>,
    usage: HashMap<(u32, i64), Agg>,
    shapes: HashMap<u32, ShapeCalls>,
}

fn insert_sorted(v: &mut Vec<u32>, x: u32) {
    if let Err(i) = v.binary_search(&x) {
        v.insert(i, x);
    }
}

/// Turns query records into usage batches, job events and a summary; see the module
/// docs. Feed it with [`Processor::add`], then call [`Processor::finish`].
pub struct Processor {
    options: ProcessorOptions,
    default_dialect: Dialect,
    catalog: Option<Catalog>,
    today: i64,
    now: String,
    seen: HashSet<[u8; 16]>,
    shapes: Vec<Shape>,
    shape_ids: HashMap<String, u32>,
    contexts: HashMap<String, u32>,
    analyses: HashMap<(u32, u32), Analysis>,
    /// Interned (dataset, column) pairs; column "" is the dataset itself.
    targets: Vec<(u32, String)>,
    target_ids: HashMap<(u32, String), u32>,
    datasets: Vec<String>,
    dataset_ids: HashMap<String, u32>,
    users: Vec<String>,
    user_ids: HashMap<String, u32>,
    batch: Batch,
    batches: Vec<UsageBatch>,
    batch_limit: usize,
    jobs: Vec<String>,
    summary: Summary,
    errors: HashMap<String, (u64, String)>,
    scratch: String,
}

impl Processor {
    /// A processor for one run over one source.
    pub fn new(options: ProcessorOptions) -> Self {
        let default_dialect = options.dialect.parse().unwrap_or_default();
        let now = Utc::now();
        Processor {
            options,
            default_dialect,
            catalog: None,
            today: now.timestamp_micros().div_euclid(DAY_MICROS),
            now: now.to_rfc3339_opts(SecondsFormat::Micros, true),
            seen: HashSet::new(),
            shapes: Vec::new(),
            shape_ids: HashMap::new(),
            contexts: HashMap::new(),
            analyses: HashMap::new(),
            targets: Vec::new(),
            target_ids: HashMap::new(),
            datasets: Vec::new(),
            dataset_ids: HashMap::new(),
            users: Vec::new(),
            user_ids: HashMap::new(),
            batch: Batch::default(),
            batches: Vec::new(),
            batch_limit: MAX_KEYS_PER_BATCH,
            jobs: Vec::new(),
            summary: Summary::default(),
            errors: HashMap::new(),
            scratch: String::new(),
        }
    }

    /// Resolves names against known tables: unqualified columns and `SELECT *` get
    /// their tables' columns, and names take the catalog's spelling (compared without
    /// regard to case).
    pub fn with_catalog(mut self, tables: Vec<KnownTable>) -> Self {
        self.catalog = Some(Catalog::new(tables));
        self
    }

    /// Caps the query keys per batch below [`MAX_KEYS_PER_BATCH`] (tests, small
    /// transactions).
    pub fn with_batch_limit(mut self, keys: usize) -> Self {
        self.batch_limit = keys.max(1);
        self
    }

    /// Counts a line of the log that could not be read.
    pub fn add_bad_line(&mut self, err: &RecordError) {
        self.summary.bad_lines += 1;
        self.error("record", &err.to_string());
    }

    fn error(&mut self, class: &str, example: &str) {
        let e = self
            .errors
            .entry(class.to_owned())
            .or_insert_with(|| (0, example.to_owned()));
        e.0 += 1;
    }

    /// Counts one record: a failed execution in the summary only, a duplicate (same key
    /// as one already counted in this run) not at all, anything else as usage.
    pub fn add(&mut self, rec: &QueryRecord) {
        self.summary.records += 1;
        if let Some(t) = rec.start_time {
            self.summary.watermark = Some(self.summary.watermark.map_or(t, |w| w.max(t)));
        }
        let calls = rec.calls.max(1);
        if rec.failed {
            self.summary.failed_executions += calls;
            return;
        }
        let key = rec.key_bytes(&self.options.source);
        if !self.seen.insert(key) {
            self.summary.duplicates += 1;
            return;
        }
        self.summary.executions += calls;

        let dialect = rec
            .dialect
            .as_deref()
            .and_then(|d| d.parse::<Dialect>().ok())
            .unwrap_or(self.default_dialect);
        let shape = self.shape(rec, dialect);
        let ctx = self.context(rec);
        if !self.analyses.contains_key(&(shape, ctx)) {
            let a = self.analyse(shape, rec, rec.start_time);
            self.analyses.insert((shape, ctx), a);
        }

        let mut reads: Vec<u32> = Vec::new();
        let mut writes: Vec<u32> = Vec::new();
        if let Some(a) = self.analyses.get(&(shape, ctx)) {
            reads.extend_from_slice(&a.reads);
            writes.extend_from_slice(&a.writes);
        }
        if !rec.reads.is_empty() || !rec.writes.is_empty() {
            let db = rec
                .database
                .clone()
                .or(self.options.default_database.clone());
            let schema = rec.schema.clone().or(self.options.default_schema.clone());
            for (list, out) in [(&rec.reads, &mut reads), (&rec.writes, &mut writes)] {
                for t in list {
                    self.vendor_targets(t, db.as_deref(), schema.as_deref(), out);
                }
            }
            reads.sort_unstable();
            reads.dedup();
            writes.sort_unstable();
            writes.dedup();
        }

        let day = rec
            .start_time
            .map_or(self.today, |t| t.div_euclid(DAY_MICROS));
        let user = rec.user.as_deref().map(|u| self.user(u));
        for (ids, write) in [(&reads, false), (&writes, true)] {
            for &t in ids {
                let agg = self.batch.usage.entry((t, day)).or_default();
                if write {
                    agg.writes += calls;
                } else {
                    agg.reads += calls;
                }
                if let Some(u) = user {
                    insert_sorted(&mut agg.users, u);
                }
                insert_sorted(&mut agg.shapes, shape);
            }
        }
        let s = self.batch.shapes.entry(shape).or_insert(ShapeCalls {
            calls: 0,
            first: None,
            last: None,
        });
        s.calls += calls;
        if let Some(t) = rec.start_time {
            s.first = Some(s.first.map_or(t, |f| f.min(t)));
            s.last = Some(s.last.map_or(t, |l| l.max(t)));
        }
        self.batch.keys.push(hex(&key));
        if self.batch.keys.len() >= self.batch_limit {
            self.flush();
        }
    }

    fn user(&mut self, u: &str) -> u32 {
        if let Some(&id) = self.user_ids.get(u) {
            return id;
        }
        let id = self.users.len() as u32;
        self.users.push(u.to_owned());
        self.user_ids.insert(u.to_owned(), id);
        id
    }

    fn shape(&mut self, rec: &QueryRecord, dialect: Dialect) -> u32 {
        let opts = NormalizeOptions {
            placeholder: match dialect {
                Dialect::Postgres | Dialect::Redshift => Placeholder::Dollar,
                _ => Placeholder::Question,
            },
            double_quoted_strings: matches!(dialect, Dialect::MySql | Dialect::BigQuery),
        };
        let n = normalize_with(&rec.query, opts);
        if let Some(&id) = self.shape_ids.get(&n.fingerprint) {
            return id;
        }
        let id = self.shapes.len() as u32;
        self.shape_ids.insert(n.fingerprint.clone(), id);
        self.shapes.push(Shape {
            fingerprint: n.fingerprint,
            text: n.text,
            dialect,
            raw: self.options.keep_raw.then(|| rec.query.clone()),
            error: None,
            analysed: false,
            job: false,
        });
        self.summary.shapes += 1;
        id
    }

    fn context(&mut self, rec: &QueryRecord) -> u32 {
        self.scratch.clear();
        let db = rec
            .database
            .as_deref()
            .or(self.options.default_database.as_deref());
        let schema = rec
            .schema
            .as_deref()
            .or(self.options.default_schema.as_deref());
        self.scratch.push_str(db.unwrap_or("\u{0}"));
        self.scratch.push('\u{1f}');
        self.scratch.push_str(schema.unwrap_or("\u{0}"));
        if let Some(&c) = self.contexts.get(self.scratch.as_str()) {
            return c;
        }
        let c = self.contexts.len() as u32;
        self.contexts.insert(self.scratch.clone(), c);
        c
    }

    fn dataset(&mut self, name: String) -> u32 {
        if let Some(&id) = self.dataset_ids.get(&name) {
            return id;
        }
        let id = self.datasets.len() as u32;
        self.datasets.push(name.clone());
        self.dataset_ids.insert(name, id);
        id
    }

    fn target(&mut self, dataset: u32, column: String) -> u32 {
        let k = (dataset, column);
        if let Some(&id) = self.target_ids.get(&k) {
            return id;
        }
        let id = self.targets.len() as u32;
        self.targets.push(k.clone());
        self.target_ids.insert(k, id);
        id
    }

    /// The full OpenLineage name of a dataset name written in SQL or a vendor record.
    fn qualify(&self, written: &str, db: Option<&str>, schema: Option<&str>) -> String {
        if let Some(c) = &self.catalog
            && let Some(&i) = c.by_name.get(&written.to_lowercase())
        {
            return c.tables[i].name.clone();
        }
        let naming = self.options.naming;
        let mut parts: Vec<&str> = written.split('.').collect();
        if parts.len() < naming.parts {
            let defaults: Vec<&str> = if naming.parts >= 3 {
                [db, schema].into_iter().flatten().collect()
            } else {
                db.or(schema).into_iter().collect()
            };
            let missing = naming.parts - parts.len();
            if defaults.len() >= missing {
                let mut q: Vec<&str> = defaults[defaults.len() - missing..].to_vec();
                q.append(&mut parts);
                parts = q;
            }
        }
        let full = parts
            .iter()
            .map(|p| naming.fold(p))
            .collect::<Vec<_>>()
            .join(".");
        if let Some(c) = &self.catalog
            && let Some(&i) = c.by_name.get(&full.to_lowercase())
        {
            return c.tables[i].name.clone();
        }
        full
    }

    /// A column's spelling: the catalog's when it knows the table, else folded.
    fn column(&self, dataset: &str, column: &str) -> String {
        if let Some(c) = &self.catalog
            && let Some(&i) = c.by_name.get(&dataset.to_lowercase())
            && let Some(col) = c.tables[i]
                .columns
                .iter()
                .find(|k| k.eq_ignore_ascii_case(column))
        {
            return col.clone();
        }
        self.options.naming.fold(column)
    }

    fn vendor_targets(
        &mut self,
        t: &TableAccess,
        db: Option<&str>,
        schema: Option<&str>,
        out: &mut Vec<u32>,
    ) {
        let name = self.qualify(&t.name, db, schema);
        let cols: Vec<String> = t.columns.iter().map(|c| self.column(&name, c)).collect();
        let ds = self.dataset(name);
        out.push(self.target(ds, String::new()));
        for c in cols {
            out.push(self.target(ds, c));
        }
    }

    /// Analyses a shape in a record's context; the first analysis of a shape also
    /// settles its error and its job.
    fn analyse(&mut self, shape: u32, rec: &QueryRecord, at: Option<i64>) -> Analysis {
        let naming = self.options.naming;
        let db = rec
            .database
            .clone()
            .or(self.options.default_database.clone());
        let schema = rec.schema.clone().or(self.options.default_schema.clone());
        let s = &self.shapes[shape as usize];
        let dialect = s.dialect;
        let (default_database, default_schema) = if naming.parts >= 3 {
            (db.clone(), schema.clone())
        } else {
            (None, db.clone().or(schema.clone()))
        };
        let options = Options {
            dialect,
            default_database,
            default_schema,
            ..Options::default()
        };
        let script = match &self.catalog {
            Some(c) => analyze(&s.text, &options, c),
            None => analyze(&s.text, &options, &NoSchema),
        };
        let mut reads: Vec<(String, String)> = Vec::new();
        let mut writes: Vec<(String, String)> = Vec::new();
        let mut job_inputs: Vec<String> = Vec::new();
        let mut job_outputs: Vec<String> = Vec::new();
        let mut first_error: Option<&LineageError> = None;
        for st in &script.statements {
            let l = match &st.result {
                Ok(l) => l,
                Err(e) => {
                    first_error.get_or_insert(e);
                    continue;
                }
            };
            for i in &l.inputs {
                reads.push((i.clone(), String::new()));
            }
            for o in &l.outputs {
                writes.push((o.clone(), String::new()));
            }
            for c in &l.columns {
                for i in &c.inputs {
                    reads.push((i.dataset.clone(), i.column.clone()));
                }
                if let Some(d) = &c.dataset {
                    writes.push((d.clone(), c.column.clone()));
                }
            }
            for i in &l.dataset {
                reads.push((i.dataset.clone(), i.column.clone()));
            }
            let writes_from_reads = matches!(
                l.kind,
                StatementKind::Insert
                    | StatementKind::CreateTableAs
                    | StatementKind::Merge
                    | StatementKind::Update
                    | StatementKind::CreateView
            );
            let inputs: Vec<&String> = l.inputs.iter().filter(|i| !l.outputs.contains(i)).collect();
            if writes_from_reads && !inputs.is_empty() && !l.outputs.is_empty() {
                job_inputs.extend(inputs.into_iter().cloned());
                job_outputs.extend(l.outputs.iter().cloned());
            }
        }
        let first_error = first_error.map(shape_error);
        let (db, schema) = (db.as_deref(), schema.as_deref());
        let ids = |this: &mut Self, list: Vec<(String, String)>| -> Vec<u32> {
            let mut out = Vec::with_capacity(list.len());
            for (d, c) in list {
                if d.is_empty() {
                    continue;
                }
                // `*` (columns unknown) and expression text (an `INSERT` without a
                // column list into a table the catalog does not know names its columns
                // after the expressions) are not columns.
                let c = if plain_column(&c) { c } else { String::new() };
                let name = this.qualify(&d, db, schema);
                let col = if c.is_empty() {
                    c
                } else {
                    this.column(&name, &c)
                };
                let ds = this.dataset(name);
                out.push(this.target(ds, String::new()));
                if !col.is_empty() {
                    out.push(this.target(ds, col));
                }
            }
            out.sort_unstable();
            out.dedup();
            out
        };
        let reads = ids(self, reads);
        let writes = ids(self, writes);

        if !self.shapes[shape as usize].analysed {
            self.shapes[shape as usize].analysed = true;
            match first_error {
                Some(e) => {
                    self.summary.shapes_failed += 1;
                    let text = &self.shapes[shape as usize].text;
                    let excerpt: String = text.chars().take(80).collect();
                    let example = format!("{} (in `{excerpt}`)", e.message);
                    let class = e.class.clone();
                    self.error(&class, &example);
                    self.shapes[shape as usize].error = Some(e);
                }
                None => self.summary.shapes_parsed += 1,
            }
        }
        if !job_outputs.is_empty() && !self.shapes[shape as usize].job {
            self.shapes[shape as usize].job = true;
            let names = |this: &Self, v: Vec<String>| -> Vec<String> {
                let mut out: Vec<String> = Vec::new();
                for n in v {
                    let q = this.qualify(&n, db, schema);
                    if !out.contains(&q) {
                        out.push(q);
                    }
                }
                out
            };
            let inputs = names(self, job_inputs);
            let outputs = names(self, job_outputs);
            let job = self.job_event(shape, &inputs, &outputs, at);
            self.jobs.push(job);
        }
        Analysis { reads, writes }
    }

    fn job_event(
        &self,
        shape: u32,
        inputs: &[String],
        outputs: &[String],
        at: Option<i64>,
    ) -> String {
        let s = &self.shapes[shape as usize];
        let ns = &self.options.namespace;
        let time = at
            .and_then(DateTime::<Utc>::from_timestamp_micros)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true))
            .unwrap_or_else(|| self.now.clone());
        let ds = |names: &[String]| -> Vec<Value> {
            names
                .iter()
                .map(|n| json!({"namespace": ns, "name": n}))
                .collect()
        };
        json!({
            "eventTime": time,
            "producer": PRODUCER,
            "schemaURL": JOB_EVENT_SCHEMA,
            "job": {
                "namespace": ns,
                "name": format!("query.{}", &s.fingerprint[..12]),
                "facets": {
                    "sql": {
                        "_producer": PRODUCER,
                        "_schemaURL": SQL_FACET_SCHEMA,
                        "query": s.text,
                        "dialect": s.dialect.to_string(),
                    },
                    "jobType": {
                        "_producer": PRODUCER,
                        "_schemaURL": JOB_TYPE_SCHEMA,
                        "processingType": "BATCH",
                        "integration": "QUERY_LOG",
                        "jobType": "QUERY",
                    },
                },
            },
            "inputs": ds(inputs),
            "outputs": ds(outputs),
        })
        .to_string()
    }

    /// Seals the batch being filled.
    fn flush(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        if batch.keys.is_empty() {
            return;
        }
        let day_text = |d: i64| -> String {
            DateTime::<Utc>::from_timestamp_micros(d.saturating_mul(DAY_MICROS))
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        let mut usage: Vec<DatasetUsage> = batch
            .usage
            .into_iter()
            .map(|((t, day), agg)| {
                let (ds, column) = &self.targets[t as usize];
                let mut users: Vec<String> = agg
                    .users
                    .iter()
                    .map(|&u| self.users[u as usize].clone())
                    .collect();
                users.sort();
                let mut fingerprints: Vec<String> = agg
                    .shapes
                    .iter()
                    .map(|&s| self.shapes[s as usize].fingerprint.clone())
                    .collect();
                fingerprints.sort();
                DatasetUsage {
                    namespace: self.options.namespace.clone(),
                    name: self.datasets[*ds as usize].clone(),
                    column: column.clone(),
                    day: day_text(day),
                    reads: agg.reads,
                    writes: agg.writes,
                    users,
                    fingerprints,
                }
            })
            .collect();
        usage.sort_by(|a, b| (&a.name, &a.column, &a.day).cmp(&(&b.name, &b.column, &b.day)));
        let mut shapes: Vec<QueryShape> = batch
            .shapes
            .into_iter()
            .map(|(id, c)| {
                let s = &self.shapes[id as usize];
                QueryShape {
                    fingerprint: s.fingerprint.clone(),
                    dialect: s.dialect.to_string(),
                    text: s.text.clone(),
                    raw: s.raw.clone(),
                    calls: c.calls,
                    first_seen: c.first,
                    last_seen: c.last,
                    error: s.error.clone(),
                }
            })
            .collect();
        shapes.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        self.batches.push(UsageBatch {
            source: self.options.source.clone(),
            query_keys: batch.keys,
            usage,
            shapes,
            ..UsageBatch::default()
        });
    }

    /// Seals the last batch and returns everything.
    pub fn finish(mut self) -> Output {
        self.flush();
        let mut errors: Vec<ErrorClass> = self
            .errors
            .drain()
            .map(|(class, (count, example))| ErrorClass {
                class,
                count,
                example,
            })
            .collect();
        errors.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.class.cmp(&b.class)));
        self.summary.errors = errors;
        Output {
            batches: self.batches,
            jobs: self.jobs,
            summary: self.summary,
        }
    }
}

/// A statement's error as a shape carries it; the position comes from the parser's
/// `Line: X, Column: Y` when the message has it, else from the analysis.
fn shape_error(e: &LineageError) -> ShapeError {
    let message = e.message();
    let (line, column) = match line_column(&message) {
        Some((l, c)) => (Some(l), Some(c)),
        None => {
            let p = e.position();
            if p.line > 0 {
                (Some(p.line), Some(p.column))
            } else {
                (None, None)
            }
        }
    };
    let class = match e {
        LineageError::Parse { .. } => "parse",
        _ => "unsupported",
    };
    ShapeError {
        class: class.to_owned(),
        message,
        line,
        column,
    }
}

fn plain_column(c: &str) -> bool {
    !c.is_empty()
        && !c.contains([
            '(', ')', ' ', '*', ',', '+', '-', '/', '\'', ':', '|', '<', '>', '=', '?',
        ])
}

fn line_column(msg: &str) -> Option<(u64, u64)> {
    let i = msg.rfind("Line: ")?;
    let rest = &msg[i + 6..];
    let (l, rest) = rest.split_once(", Column: ")?;
    let c: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((l.trim().parse().ok()?, c.parse().ok()?))
}
