//! A job's SQL → column edges between catalog datasets.
//!
//! Producers often send the SQL a job ran (the `sql` job facet) without column lineage,
//! or with less of it than the SQL implies. [`derive`] parses that SQL with
//! [`weft_lineage`] and maps every table the SQL names onto a dataset the catalog knows.
//! Names are written differently in SQL and in OpenLineage: `public.orders` in a query
//! is `shop.public.orders` in namespace `postgres://db:5432`, a Spark table `t1` is the
//! path `/user/hive/warehouse/t1` (or its symlink `default.t1`). So a name resolves
//! first against the datasets the job itself reads and writes, by name-part suffix, and
//! only then against other datasets of the catalog; a name that matches several
//! datasets equally well is reported, never guessed.
//!
//! Everything here is pure: the caller (the server's `sql_lineage` view) supplies the
//! datasets and their columns, asks again with more datasets for the names reported in
//! [`Derived::misses`], and stores the result.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::str::FromStr;

use serde_json::{Value, json};
use weft_lineage::{
    Dialect, InputColumn, Options, SchemaProvider, Severity, TableLookup, TableSchema, analyze,
};

/// Why a dataset is a candidate for the names in a job's SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The job reads it (an input of its events).
    Input,
    /// The job writes it (an output of its events).
    Output,
    /// Found in the catalog by name; consulted only when the job's own datasets do not
    /// answer.
    Catalog,
}

/// A dataset the SQL may name.
#[derive(Debug, Clone)]
pub struct KnownDataset {
    /// OpenLineage namespace.
    pub namespace: String,
    /// OpenLineage name (`shop.public.orders`, `/user/hive/warehouse/t1`).
    pub name: String,
    /// Other names it is known by (the `symlinks` facet's identifiers), since SQL often
    /// uses the metastore name of a table stored under a path.
    pub aliases: Vec<String>,
    /// Current columns in order, when known; `None` leaves `SELECT *` unresolved.
    pub columns: Option<Vec<String>>,
    /// Why it is a candidate.
    pub role: Role,
}

impl KnownDataset {
    fn part_lists(&self) -> impl Iterator<Item = Vec<String>> + '_ {
        std::iter::once(self.name.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .map(name_parts)
    }
}

/// Lower-cased name parts; both `.` and `/` separate them, so paths and dotted names
/// compare alike.
fn name_parts(name: &str) -> Vec<String> {
    name.split(['.', '/'])
        .filter(|p| !p.is_empty())
        .map(|p| p.trim_matches('"').to_lowercase())
        .collect()
}

/// How well a dataset's name matches a name written in SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    /// The shorter name is a suffix of the longer one.
    Suffix,
    /// Every part matches.
    Exact,
}

fn fit(candidate: &[String], written: &[String]) -> Option<Fit> {
    let n = candidate.len().min(written.len());
    if n == 0 {
        return None;
    }
    let same = candidate[candidate.len() - n..]
        .iter()
        .zip(&written[written.len() - n..])
        .all(|(a, b)| a == b);
    match (same, candidate.len() == written.len()) {
        (false, _) => None,
        (true, true) => Some(Fit::Exact),
        (true, false) => Some(Fit::Suffix),
    }
}

/// The outcome of resolving one written name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolution {
    Found(usize),
    Ambiguous(Vec<usize>),
    Missing,
}

/// The datasets a job's SQL is resolved against.
struct Candidates<'a> {
    datasets: &'a [KnownDataset],
    parts: Vec<Vec<Vec<String>>>,
    misses: RefCell<Vec<String>>,
}

impl<'a> Candidates<'a> {
    fn new(datasets: &'a [KnownDataset]) -> Self {
        Candidates {
            datasets,
            parts: datasets.iter().map(|d| d.part_lists().collect()).collect(),
            misses: RefCell::new(Vec::new()),
        }
    }

    /// The job's own datasets first, then the catalog's; within a tier the best fit
    /// wins, and a tie between different datasets is ambiguous.
    fn resolve(&self, written: &[String]) -> Resolution {
        for own in [true, false] {
            let mut best: Option<Fit> = None;
            let mut hits: Vec<usize> = Vec::new();
            for (i, d) in self.datasets.iter().enumerate() {
                if (d.role == Role::Catalog) == own {
                    continue;
                }
                let Some(f) = self.parts[i].iter().filter_map(|p| fit(p, written)).max() else {
                    continue;
                };
                match best {
                    Some(b) if f < b => {}
                    Some(b) if f == b => hits.push(i),
                    _ => {
                        best = Some(f);
                        hits = vec![i];
                    }
                }
            }
            // The same dataset listed as input and output is one dataset.
            hits.dedup_by(|a, b| {
                self.datasets[*a].namespace == self.datasets[*b].namespace
                    && self.datasets[*a].name == self.datasets[*b].name
            });
            match hits[..] {
                [] => {}
                [one] => return Resolution::Found(one),
                _ => return Resolution::Ambiguous(hits),
            }
        }
        Resolution::Missing
    }

    fn resolve_name(&self, written: &str) -> Resolution {
        self.resolve(&name_parts(written))
    }
}

impl SchemaProvider for Candidates<'_> {
    fn table(&self, name: &[&str]) -> TableLookup<'_> {
        let written: Vec<String> = name.iter().map(|p| p.to_lowercase()).collect();
        match self.resolve(&written) {
            Resolution::Found(i) => match &self.datasets[i].columns {
                Some(columns) if !columns.is_empty() => TableLookup::Found(TableSchema {
                    name: &self.datasets[i].name,
                    columns,
                }),
                // Known dataset, unknown columns: the analysis keeps the written name,
                // which resolves to the same dataset afterwards.
                _ => TableLookup::Missing,
            },
            Resolution::Ambiguous(hits) => TableLookup::Ambiguous(
                hits.iter()
                    .map(|&i| self.datasets[i].name.as_str())
                    .collect(),
            ),
            Resolution::Missing => {
                let joined = name.join(".");
                let mut misses = self.misses.borrow_mut();
                if !misses.contains(&joined) {
                    misses.push(joined);
                }
                TableLookup::Missing
            }
        }
    }
}

/// One derived edge: `src` and `dst` index the datasets passed to [`derive`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlEdge {
    /// The written dataset.
    pub dst: usize,
    /// The written column; empty for a dataset-level dependency (filter, join, …).
    pub dst_field: String,
    /// The read dataset.
    pub src: usize,
    /// The read column.
    pub src_field: String,
    /// OpenLineage 1-2-0 transformations as compact JSON, the form declared edges have.
    pub transformations: String,
}

/// A statement of the SQL that produced no lineage, with where it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlProblem {
    /// Index of the statement in the script, from 0.
    pub statement: usize,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// What went wrong.
    pub message: String,
}

/// What a job's SQL says, mapped onto the catalog.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    /// Edges between known datasets, one per (target column, source column) with the
    /// transformations of every path between them.
    pub edges: Vec<SqlEdge>,
    /// Statements in the script.
    pub statements: usize,
    /// Statements that failed to parse or analyse; the others still gave edges.
    pub errors: Vec<SqlProblem>,
    /// Warnings of the analysis (ambiguous or unknown columns), with positions.
    pub warnings: Vec<SqlProblem>,
    /// Table names the datasets did not answer: the caller may look them up in the
    /// catalog and call [`derive`] again with the datasets it found.
    pub misses: Vec<String>,
    /// Table names that could not be mapped onto one dataset, so their edges were left
    /// out: unknown to the catalog, ambiguous, or tables the script itself creates.
    pub unresolved: Vec<String>,
}

/// Picks the dialect: the facet's own `dialect`, then the engine the job type names
/// (`SPARK`), then the scheme of the datasets' namespace (`postgres://…`), then
/// `fallback`.
pub fn infer_dialect<'a>(
    facet_dialect: Option<&str>,
    integration: Option<&str>,
    namespaces: impl IntoIterator<Item = &'a str>,
    fallback: Dialect,
) -> Dialect {
    let named = facet_dialect
        .into_iter()
        .chain(integration)
        .find_map(|s| Dialect::from_str(s).ok());
    if let Some(d) = named {
        return d;
    }
    namespaces
        .into_iter()
        .filter_map(|ns| ns.split_once("://").map(|(scheme, _)| scheme))
        .find_map(|scheme| Dialect::from_str(scheme).ok())
        .unwrap_or(fallback)
}

/// Parses `sql` and maps its column lineage onto `datasets`.
///
/// A statement that only reads (a dbt model's `SELECT`) writes into the job's output
/// when the job has exactly one. Columns written as `*` (a table whose columns are
/// unknown) give no edge: a catalog edge names a column.
pub fn derive(sql: &str, options: &Options, datasets: &[KnownDataset]) -> Derived {
    let candidates = Candidates::new(datasets);
    let script = analyze(sql, options, &candidates);
    let mut out = Derived {
        statements: script.statements.len(),
        misses: candidates.misses.take(),
        ..Derived::default()
    };
    let single_output = {
        let mut outputs = datasets
            .iter()
            .enumerate()
            .filter(|(_, d)| d.role == Role::Output);
        match (outputs.next(), outputs.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    };
    // (dst, dst_field, src, src_field) → transformations, in first-seen order.
    let mut edges: BTreeMap<(usize, String, usize, String), Vec<Value>> = BTreeMap::new();
    let mut unresolved: Vec<String> = Vec::new();
    let map = |written: &str, unresolved: &mut Vec<String>| -> Option<usize> {
        match candidates.resolve_name(written) {
            Resolution::Found(i) => Some(i),
            Resolution::Ambiguous(_) | Resolution::Missing => {
                if !unresolved.iter().any(|u| u == written) {
                    unresolved.push(written.to_owned());
                }
                None
            }
        }
    };
    for st in &script.statements {
        let lineage = match &st.result {
            Ok(l) => l,
            Err(e) => {
                let p = e.position();
                out.errors.push(SqlProblem {
                    statement: st.index,
                    line: p.line,
                    column: p.column,
                    message: e.message(),
                });
                continue;
            }
        };
        for d in &lineage.diagnostics {
            if d.severity == Severity::Warning {
                out.warnings.push(SqlProblem {
                    statement: st.index,
                    line: d.position.line,
                    column: d.position.column,
                    message: d.message.clone(),
                });
            }
        }
        let target = |name: Option<&str>, unresolved: &mut Vec<String>| match name {
            Some(n) => map(n, unresolved),
            None => single_output,
        };
        let mut written: Vec<usize> = Vec::new();
        for c in &lineage.columns {
            let Some(dst) = target(c.dataset.as_deref(), &mut unresolved) else {
                continue;
            };
            if !written.contains(&dst) {
                written.push(dst);
            }
            if c.column == "*" {
                continue;
            }
            for input in &c.inputs {
                add_edge(&mut edges, &mut unresolved, &map, dst, &c.column, input);
            }
        }
        if lineage.dataset.is_empty() {
            continue;
        }
        if written.is_empty() {
            let named = lineage.outputs.iter().map(|o| Some(o.as_str()));
            let names: Vec<Option<&str>> = if lineage.outputs.is_empty() {
                vec![None]
            } else {
                named.collect()
            };
            for n in names {
                if let Some(dst) = target(n, &mut unresolved) {
                    written.push(dst);
                }
            }
        }
        for &dst in &written {
            for input in &lineage.dataset {
                add_edge(&mut edges, &mut unresolved, &map, dst, "", input);
            }
        }
    }
    out.edges = edges
        .into_iter()
        .map(|((dst, dst_field, src, src_field), ts)| SqlEdge {
            dst,
            dst_field,
            src,
            src_field,
            transformations: Value::Array(ts).to_string(),
        })
        .collect();
    // A table the datasets did not know stays unresolved even when no edge needed it
    // (`SELECT *` from it, say): the job's SQL reads something the catalog lacks.
    for m in &out.misses {
        if !unresolved.contains(m) {
            unresolved.push(m.clone());
        }
    }
    out.unresolved = unresolved;
    out
}

fn add_edge(
    edges: &mut BTreeMap<(usize, String, usize, String), Vec<Value>>,
    unresolved: &mut Vec<String>,
    map: &impl Fn(&str, &mut Vec<String>) -> Option<usize>,
    dst: usize,
    dst_field: &str,
    input: &InputColumn,
) {
    if input.column == "*" {
        return;
    }
    let Some(src) = map(&input.dataset, unresolved) else {
        return;
    };
    let t = &input.transformation;
    let value = json!({
        "type": t.kind.as_str(),
        "subtype": t.subtype.as_str(),
        "description": t.description,
        "masking": t.masking,
    });
    let list = edges
        .entry((dst, dst_field.to_owned(), src, input.column.clone()))
        .or_default();
    if !list.contains(&value) {
        list.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(ns: &str, name: &str, cols: &[&str], role: Role) -> KnownDataset {
        KnownDataset {
            namespace: ns.into(),
            name: name.into(),
            aliases: Vec::new(),
            columns: (!cols.is_empty()).then(|| cols.iter().map(|c| c.to_string()).collect()),
            role,
        }
    }

    fn edge<'a>(d: &'a Derived, dst_field: &str, src_field: &str) -> &'a SqlEdge {
        d.edges
            .iter()
            .find(|e| e.dst_field == dst_field && e.src_field == src_field)
            .unwrap_or_else(|| panic!("no edge {src_field} → {dst_field} in {:?}", d.edges))
    }

    #[test]
    fn partly_qualified_names_resolve_against_the_jobs_datasets() {
        let datasets = [
            ds(
                "postgres://db:5432",
                "shop.public.orders",
                &["id", "amount", "status"],
                Role::Input,
            ),
            ds(
                "postgres://db:5432",
                "shop.public.order_totals",
                &["id", "total"],
                Role::Output,
            ),
        ];
        let d = derive(
            "INSERT INTO public.order_totals SELECT id, sum(amount) FROM public.orders \
             WHERE status = 'paid' GROUP BY id",
            &Options::default(),
            &datasets,
        );
        assert!(d.errors.is_empty() && d.unresolved.is_empty(), "{d:?}");
        let total = edge(&d, "total", "amount");
        assert_eq!((total.dst, total.src), (1, 0));
        let t: Value = serde_json::from_str(&total.transformations).expect("json");
        assert_eq!(t[0]["type"], "DIRECT");
        assert_eq!(t[0]["subtype"], "AGGREGATION");
        let filter = edge(&d, "", "status");
        let t: Value = serde_json::from_str(&filter.transformations).expect("json");
        assert_eq!(t[0]["subtype"], "FILTER");
        assert!(
            d.edges
                .iter()
                .any(|e| e.dst_field.is_empty() && e.src_field == "id")
        );
    }

    #[test]
    fn paths_and_symlinks_answer_for_metastore_names() {
        let mut t1 = ds(
            "hdfs://nn",
            "/user/hive/warehouse/t1",
            &["a", "b"],
            Role::Input,
        );
        t1.aliases.push("default.t1".into());
        let mut t2 = ds("hdfs://nn", "/user/hive/warehouse/t2", &[], Role::Output);
        t2.aliases.push("default.t2".into());
        let d = derive(
            "CREATE TABLE IF NOT EXISTS default.t2 AS SELECT * FROM t1;",
            &Options::default(),
            &[t1.clone(), t2],
        );
        assert!(d.unresolved.is_empty(), "{d:?}");
        assert_eq!(d.edges.len(), 2, "{:?}", d.edges);
        let a = edge(&d, "a", "a");
        assert_eq!((a.dst, a.src), (1, 0));
        assert!(a.transformations.contains("IDENTITY"));
        // Without the symlink, `default.t2` is not the path `…/warehouse/t2`.
        let bare = ds("hdfs://nn", "/user/hive/warehouse/t2", &[], Role::Output);
        let d = derive(
            "CREATE TABLE default.t2 AS SELECT * FROM t1",
            &Options::default(),
            &[t1, bare],
        );
        assert_eq!(d.unresolved, ["default.t2"]);
    }

    #[test]
    fn a_bare_select_writes_the_single_output() {
        let datasets = [
            ds(
                "duckdb://shop.duckdb",
                "shop.main.customer_orders",
                &["country", "lifetime_value"],
                Role::Input,
            ),
            ds(
                "duckdb://shop.duckdb",
                "shop.main.country_revenue",
                &[],
                Role::Output,
            ),
        ];
        let d = derive(
            "select country, sum(lifetime_value) as revenue, count(*) as customers \
             from \"shop\".\"main\".\"customer_orders\" group by country order by revenue desc",
            &Options {
                dialect: Dialect::DuckDb,
                ..Options::default()
            },
            &datasets,
        );
        assert!(d.unresolved.is_empty(), "{d:?}");
        assert_eq!(edge(&d, "revenue", "lifetime_value").dst, 1);
        assert_eq!(edge(&d, "country", "country").dst, 1);
        assert!(!d.edges.iter().any(|e| e.dst_field == "customers"));
        let sort = edge(&d, "", "lifetime_value");
        assert!(sort.transformations.contains("SORT"), "{sort:?}");
    }

    #[test]
    fn unknown_and_ambiguous_names_are_reported_not_guessed() {
        let datasets = [
            ds("pg://a", "shop.public.orders", &["id"], Role::Input),
            ds("pg://b", "crm.public.orders", &["id"], Role::Input),
            ds("pg://a", "shop.public.out", &["id"], Role::Output),
        ];
        let d = derive(
            "INSERT INTO out SELECT o.id FROM orders o JOIN customers c ON c.id = o.id",
            &Options::default(),
            &datasets,
        );
        assert!(d.misses.contains(&"customers".to_owned()), "{d:?}");
        assert!(d.unresolved.iter().any(|u| u == "orders"), "{d:?}");
        assert!(d.unresolved.iter().any(|u| u == "customers"), "{d:?}");
        assert!(d.edges.is_empty(), "{:?}", d.edges);
        let d = derive("SELECT * FROM foo", &Options::default(), &datasets);
        assert_eq!(d.unresolved, ["foo"]);
    }

    #[test]
    fn the_jobs_own_datasets_win_over_the_catalogs() {
        let datasets = [
            ds("pg://a", "shop.archive.orders", &["id"], Role::Catalog),
            ds("pg://a", "shop.public.orders", &["id"], Role::Input),
            ds("pg://a", "shop.public.out", &["id"], Role::Output),
        ];
        let d = derive(
            "INSERT INTO out SELECT id FROM orders",
            &Options::default(),
            &datasets,
        );
        assert_eq!(edge(&d, "id", "id").src, 1);
        let d = derive(
            "INSERT INTO out SELECT id FROM archive.orders",
            &Options::default(),
            &datasets,
        );
        assert_eq!(
            edge(&d, "id", "id").src,
            0,
            "a longer exact name still reaches the catalog"
        );
    }

    #[test]
    fn a_bad_statement_is_an_error_with_position_and_the_rest_still_counts() {
        let datasets = [
            ds("pg://a", "s.t", &["x"], Role::Input),
            ds("pg://a", "s.u", &["x"], Role::Output),
        ];
        let d = derive(
            "SELEC broken FROM;\nINSERT INTO s.u SELECT x FROM s.t",
            &Options::default(),
            &datasets,
        );
        assert_eq!(d.statements, 2);
        assert_eq!(d.errors.len(), 1);
        assert_eq!((d.errors[0].statement, d.errors[0].line), (0, 1));
        assert_eq!(edge(&d, "x", "x").dst, 1);
    }

    #[test]
    fn dialect_comes_from_the_facet_then_the_engine_then_the_namespace() {
        let ns = ["snowflake://acct", "postgres://db:5432"];
        assert_eq!(
            infer_dialect(Some("duckdb"), Some("SPARK"), ns, Dialect::Generic),
            Dialect::DuckDb
        );
        assert_eq!(
            infer_dialect(None, Some("SPARK"), ns, Dialect::Generic),
            Dialect::Spark
        );
        assert_eq!(
            infer_dialect(None, Some("AIRFLOW"), ns, Dialect::Generic),
            Dialect::Snowflake
        );
        assert_eq!(
            infer_dialect(Some("??"), None, ["file"], Dialect::Hive),
            Dialect::Hive
        );
    }
}
