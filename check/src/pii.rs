//! New personal-data flows: the lineage graph built from the snapshot as the server
//! builds it (`views/src/graph.rs`: columns through the detection rules, every stored
//! column edge, jobs' inputs × outputs as dataset edges, declared tags, then review
//! decisions), propagated; then the changed datasets' column edges replaced by the
//! derived ones and propagated again. A new flow is a (column, PII tag) pair present
//! after and not before, explained by one lineage path from its source.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use weft_lineage::FunctionRules;
use weft_lineage::graph::{
    ColumnEdge, ColumnEdgeKey, ColumnRef, DatasetEdge, DatasetEdgeKey, LineageGraph, Origin,
    PropagationRules, SourceKind, StoredEdge, TagKey,
};
use weft_policy::input::{FlowInput, HopInput};

use crate::catalog::Catalog;
use crate::model::{DatasetKey, ModelState, Subject};
use crate::snapshot::ColumnEdgeRecord;

/// How many explanation paths [`PiiGraph::path`] compares to pick the longest.
const PATHS_CONSIDERED: usize = 16;

/// How many times [`PiiGraph::path`] extends a path upstream past a column that is a
/// source itself (a bound, for graphs where every column on a long chain is one).
const MAX_PATH_SEGMENTS: usize = 32;

/// Most dataset edges one job's run I/O puts into the graph, as on the server.
const MAX_IO_EDGES_PER_JOB: usize = 1_000_000;

/// The job id derived edges are recorded under: no stored job has it.
const CHECK_JOB: i64 = -1;

/// A (column, tag) pair.
pub type Pair = (i64, Arc<str>, Arc<str>);

/// The snapshot's lineage graph, and what it said before the change.
pub struct PiiGraph {
    /// The graph (after [`PiiGraph::apply`], the changed one).
    pub graph: LineageGraph,
    rules: PropagationRules,
    before: HashSet<Pair>,
    /// Names of datasets the pull request creates (negative ids).
    new_names: HashMap<i64, String>,
}

impl std::fmt::Debug for PiiGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PiiGraph")
            .field("before", &self.before.len())
            .finish_non_exhaustive()
    }
}

/// The graph's view of a snapshot's `column_edges` row.
fn stored(e: &ColumnEdgeRecord) -> StoredEdge<'_> {
    StoredEdge {
        dst_dataset: e.dst_dataset,
        dst_column: &e.dst_column,
        src_dataset: e.src_dataset,
        src_column: &e.src_column,
        job: e.job,
        origin: &e.origin,
        transformations: &e.transformations,
        first_seen: e.first_seen,
        last_seen: e.last_seen,
    }
}

/// The datasets a change to `subjects` can matter to: those downstream of a changed
/// dataset (their tags may change), the changed ones, and everything upstream of all
/// of these and of what the changed models will read (the tags they have come from
/// there). A column's tags depend only on its upstream, so the graph of these datasets
/// gives every tag the whole graph gives them, before and after the change, while a
/// pull request's few hundred models typically reach a small part of a catalog.
/// Both column edges and jobs' inputs × outputs are followed.
pub fn region(catalog: &Catalog, subjects: &[Subject]) -> HashSet<i64> {
    let mut job_inputs: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut job_outputs: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut reads: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut writes: HashMap<i64, Vec<i64>> = HashMap::new();
    for io in &catalog.job_io {
        if io.direction == "out" {
            job_outputs.entry(io.job).or_default().push(io.dataset);
            writes.entry(io.dataset).or_default().push(io.job);
        } else {
            job_inputs.entry(io.job).or_default().push(io.dataset);
            reads.entry(io.dataset).or_default().push(io.job);
        }
    }
    let jobs_of = |map: &HashMap<i64, Vec<i64>>, d: i64| map.get(&d).cloned().unwrap_or_default();
    let ends = |map: &HashMap<i64, Vec<i64>>, jobs: Vec<i64>| -> Vec<i64> {
        jobs.iter()
            .flat_map(|j| map.get(j).into_iter().flatten().copied())
            .collect()
    };
    let closure = |roots: Vec<i64>, next: &dyn Fn(i64) -> Vec<i64>| -> HashSet<i64> {
        let mut seen: HashSet<i64> = roots.iter().copied().collect();
        let mut todo = roots;
        while let Some(d) = todo.pop() {
            for n in next(d) {
                if seen.insert(n) {
                    todo.push(n);
                }
            }
        }
        seen
    };
    let down = closure(subjects.iter().map(|s| s.key.id).collect(), &|d| {
        let mut out: Vec<i64> = catalog.edges_from(d).map(|e| e.dst_dataset).collect();
        out.extend(ends(&job_outputs, jobs_of(&reads, d)));
        out
    });
    let mut roots: Vec<i64> = down.into_iter().collect();
    roots.extend(
        subjects
            .iter()
            .filter_map(|s| s.after.as_ref())
            .flat_map(|a| a.columns.iter().flat_map(|c| &c.inputs))
            .map(|i| i.dataset.id),
    );
    closure(roots, &|d| {
        let mut out: Vec<i64> = catalog.edges_into(d).map(|e| e.src_dataset).collect();
        out.extend(ends(&job_inputs, jobs_of(&writes, d)));
        out
    })
}

/// Builds the graph exactly as the server's `lineage_graph` view loads it: of the whole
/// catalog, or of the datasets `within` holds (a set closed upstream, see [`region`]).
pub fn build_graph(catalog: &Catalog, within: Option<&HashSet<i64>>) -> LineageGraph {
    let keep = |id: i64| within.is_none_or(|w| w.contains(&id));
    let detection = catalog.detection();
    let mut g = LineageGraph::new(catalog.propagation(), FunctionRules::default());
    g.set_deferred(true);
    for d in catalog.datasets.iter().filter(|d| keep(d.id)) {
        g.add_dataset(d.id);
        for c in &d.columns {
            g.add_column(d.id, &c.name);
            g.detect(
                &detection,
                &ColumnRef::new(d.id, &c.name),
                c.data_type.as_deref(),
            );
        }
    }
    for e in catalog.edges.iter().filter(|e| keep(e.dst_dataset)) {
        if let Err(err) = g.upsert_stored(&stored(e)) {
            tracing::debug!(error = %err, "column edge not loaded");
        }
    }
    let mut jobs: HashMap<i64, (Vec<i64>, Vec<i64>, i64)> = HashMap::new();
    for io in &catalog.job_io {
        let e = jobs.entry(io.job).or_default();
        if io.direction == "out" {
            e.1.push(io.dataset);
        } else {
            e.0.push(io.dataset);
        }
        e.2 = e.2.max(io.updated_at);
    }
    for (job, (inputs, outputs, at)) in jobs {
        let mut n = 0usize;
        'pairs: for &dst in &outputs {
            for &src in &inputs {
                if src == dst {
                    continue;
                }
                if n >= MAX_IO_EDGES_PER_JOB {
                    break 'pairs;
                }
                n += 1;
                if !keep(dst) {
                    continue;
                }
                g.upsert_dataset_edge(&DatasetEdge {
                    key: DatasetEdgeKey {
                        src,
                        src_column: None,
                        dst,
                        origin: Origin::OpenLineage,
                        job: Some(job),
                    },
                    transformations: Vec::new(),
                    first_seen: at,
                    last_seen: at,
                });
            }
        }
    }
    for d in catalog.datasets.iter().filter(|d| keep(d.id)) {
        for c in &d.columns {
            for t in &c.tags {
                if let Ok(tag) =
                    TagKey::from_openlineage(&t.key, t.value.as_deref().unwrap_or_default())
                {
                    g.add_declared(&ColumnRef::new(d.id, &c.name), &tag);
                }
            }
        }
    }
    for r in catalog.reviews.iter().filter(|r| keep(r.dataset)) {
        let column = ColumnRef::new(r.dataset, &r.column);
        let Ok(tag) = TagKey::parse(&r.tag) else {
            continue;
        };
        g.add_column(r.dataset, &r.column);
        let mut outcome = Ok(());
        if r.manual {
            outcome = g.add_manual(&column, &tag);
        }
        outcome = outcome.and(match r.decision.as_deref() {
            Some("confirmed") => g.confirm(&column, &tag),
            Some("rejected") => g.reject(&column, &tag),
            _ => Ok(()),
        });
        if let Err(e) = outcome {
            tracing::debug!(error = %e, "review not replayed");
        }
    }
    g.set_deferred(false);
    g
}

/// Whether a tag counts as personal data: under a propagated prefix, or the
/// pseudonymised form of one (the server's rule for its PII report).
pub fn is_pii(rules: &PropagationRules, tag: &str) -> bool {
    let under = |t: &str, p: &str| t == p || t.strip_prefix(p).is_some_and(|r| r.starts_with('.'));
    let pseudo = rules.pseudonymised_prefix.as_str();
    rules.propagate.iter().any(|p| {
        under(tag, p)
            || tag
                .strip_prefix(pseudo)
                .and_then(|r| r.strip_prefix('.'))
                .is_some_and(|r| under(r, p))
    })
}

/// Whether a tag is the pseudonymised form of a PII tag.
pub fn is_pseudonymised(rules: &PropagationRules, tag: &str) -> bool {
    tag.strip_prefix(rules.pseudonymised_prefix.as_str())
        .is_some_and(|r| r.starts_with('.'))
        && is_pii(rules, tag)
}

fn pii_pairs(g: &LineageGraph, rules: &PropagationRules) -> HashSet<Pair> {
    g.present_pairs(|tag| is_pii(rules, tag))
        .into_iter()
        .map(|(c, tag)| (c.dataset, c.column, tag))
        .collect()
}

impl PiiGraph {
    /// The snapshot's graph and its PII pairs before the change.
    pub fn new(catalog: &Catalog) -> PiiGraph {
        Self::of(catalog, None)
    }

    /// The part of the snapshot's graph a change to `subjects` can matter to
    /// ([`region`]), and its PII pairs before the change: what [`PiiGraph::new`] says
    /// of those datasets, built from a fraction of the catalog.
    pub fn for_subjects(catalog: &Catalog, subjects: &[Subject]) -> PiiGraph {
        Self::of(catalog, Some(&region(catalog, subjects)))
    }

    fn of(catalog: &Catalog, within: Option<&HashSet<i64>>) -> PiiGraph {
        let graph = build_graph(catalog, within);
        let rules = catalog.propagation();
        let before = pii_pairs(&graph, &rules);
        PiiGraph {
            graph,
            rules,
            before,
            new_names: HashMap::new(),
        }
    }

    /// The propagation rules.
    pub fn rules(&self) -> &PropagationRules {
        &self.rules
    }

    /// Replaces `key`'s column edges by those of `after` (and its columns by `after`'s,
    /// detected as the server would detect a new column).
    pub fn apply(&mut self, catalog: &Catalog, key: &DatasetKey, after: &ModelState) {
        let detection = catalog.detection();
        if key.id < 0 {
            self.new_names.insert(key.id, key.qualified());
        }
        self.graph.add_dataset(key.id);
        for e in catalog.edges_into(key.id) {
            if e.dst_column.is_empty() {
                continue;
            }
            let _ = self.graph.retract_stored(&stored(e));
        }
        let before: Vec<String> = catalog
            .dataset(key.id)
            .map(|d| d.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default();
        for c in &after.columns {
            if !before.iter().any(|b| b.eq_ignore_ascii_case(&c.name)) {
                self.graph.add_column(key.id, &c.name);
                self.graph.detect(
                    &detection,
                    &ColumnRef::new(key.id, &c.name),
                    c.data_type.as_deref(),
                );
            }
        }
        // A column gone loses its detections, as on the server when a schema drops it.
        for name in &before {
            if after.column(name).is_none() {
                let column = ColumnRef::new(key.id, name);
                if let Ok(tags) = self.graph.tags_of(&column) {
                    for t in tags.iter().filter(|t| t.detected_by.is_some()) {
                        if let Ok(k) = TagKey::parse(&t.tag) {
                            let _ = self.graph.remove_source(&column, &k, SourceKind::Detected);
                        }
                    }
                }
            }
        }
        for c in &after.columns {
            for i in &c.inputs {
                if i.column == "*" {
                    continue;
                }
                self.graph.upsert_column_edge(&ColumnEdge {
                    key: ColumnEdgeKey {
                        src: ColumnRef::new(i.dataset.id, &i.column),
                        dst: ColumnRef::new(key.id, &c.name),
                        origin: Origin::Sql,
                        job: Some(CHECK_JOB),
                    },
                    transformations: i.transformations.clone(),
                    first_seen: 0,
                    last_seen: 0,
                });
            }
        }
    }

    /// `namespace/name` of a graph dataset.
    pub fn name_of(&self, catalog: &Catalog, id: i64) -> String {
        self.new_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| catalog.qualified(id))
    }

    /// The (column, tag) pairs present now and not before the change, by dataset,
    /// each with one path from its source.
    pub fn new_flows(&self, catalog: &Catalog) -> HashMap<i64, Vec<FlowInput>> {
        let after = pii_pairs(&self.graph, &self.rules);
        let mut fresh: Vec<&Pair> = after.difference(&self.before).collect();
        fresh.sort();
        let mut out: HashMap<i64, Vec<FlowInput>> = HashMap::new();
        for (dataset, column, tag) in fresh {
            out.entry(*dataset).or_default().push(FlowInput {
                column: column.to_string(),
                tag: tag.to_string(),
                path: self.path(catalog, &ColumnRef::new(*dataset, column), tag),
            });
        }
        out
    }

    /// One lineage path of `tag` to `column`, upstream first: the source column, then
    /// each hop with the rule that carried the tag.
    ///
    /// An explanation path ends at the first source it meets going upstream, and a
    /// column named like personal data is a source (detected) as well as a place the tag
    /// flows to: `stg.email` stops the path that comes from `raw.email`. A reviewer needs
    /// where the data comes from, so the longest of a few paths is taken and extended
    /// from its start while that start is itself reached along edges.
    pub fn path(&self, catalog: &Catalog, column: &ColumnRef, tag: &str) -> Vec<HopInput> {
        let Ok(key) = TagKey::parse(tag) else {
            return Vec::new();
        };
        let longest = |at: &ColumnRef| {
            self.graph
                .explain_paths(at, &key, PATHS_CONSIDERED)
                .ok()?
                .into_iter()
                .reduce(|a, b| if b.hops.len() > a.hops.len() { b } else { a })
        };
        let Some(mut p) = longest(column) else {
            return Vec::new();
        };
        // Hops found so far, downstream segment last; the start moves upstream.
        let mut segments = vec![std::mem::take(&mut p.hops)];
        let mut seen: HashSet<ColumnRef> = HashSet::from([column.clone()]);
        while segments.last().is_some_and(|s| !s.is_empty())
            && segments.len() < MAX_PATH_SEGMENTS
            && seen.insert(p.start.clone())
        {
            match longest(&p.start) {
                Some(mut up) if !up.hops.is_empty() => {
                    segments.push(std::mem::take(&mut up.hops));
                    p = up;
                }
                _ => break,
            }
        }
        let mut hops = vec![HopInput {
            dataset: self.name_of(catalog, p.start.dataset),
            column: p.start.column.to_string(),
            tag: p.start_tag.to_string(),
            transformation: None,
        }];
        for h in segments.into_iter().rev().flatten() {
            hops.push(HopInput {
                dataset: self.name_of(catalog, h.to.dataset),
                column: h.to.column.to_string(),
                tag: h.tag_out.to_string(),
                transformation: Some(h.rule.to_string()),
            });
        }
        hops
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::ModelMeta;
    use crate::model::{ColumnState, InputState};
    use crate::snapshot::{ColumnRecord, DatasetRecord, JobIoRecord, Record};

    fn dataset(id: i64, name: &str) -> Record {
        Record::Dataset(DatasetRecord {
            id,
            namespace: "pg://db".to_owned(),
            name: name.to_owned(),
            description: None,
            tier: None,
            classification: None,
            retention: None,
            owners: Vec::new(),
            created_at: None,
            deprecated: false,
            deleted: false,
            tags: Vec::new(),
            columns: vec![ColumnRecord {
                name: "email".to_owned(),
                data_type: Some("text".to_owned()),
                description: None,
                tags: Vec::new(),
            }],
        })
    }

    fn edge(src: i64, dst: i64) -> Record {
        Record::ColumnEdge(ColumnEdgeRecord {
            dst_dataset: dst,
            dst_column: "email".to_owned(),
            src_dataset: src,
            src_column: "email".to_owned(),
            job: 0,
            origin: "sql".to_owned(),
            transformations: r#"[{"type":"DIRECT","subtype":"IDENTITY"}]"#.to_owned(),
            first_seen: 1,
            last_seen: 1,
        })
    }

    fn io(job: i64, dataset: i64, direction: &str) -> Record {
        Record::JobIo(JobIoRecord {
            job,
            dataset,
            direction: direction.to_owned(),
            updated_at: 1,
        })
    }

    fn key(catalog: &Catalog, id: i64) -> DatasetKey {
        DatasetKey::of(catalog.dataset(id).expect("in the catalog"))
    }

    /// 1 → 2 → 3 (column edges), 3 → 4 (a job), 5 → 6 apart, 7 read by the new model.
    fn catalog() -> Catalog {
        let mut records: Vec<Record> = (1..=7).map(|i| dataset(i, &format!("s.t{i}"))).collect();
        records.extend([edge(1, 2), edge(2, 3), edge(5, 6)]);
        records.extend([io(9, 3, "in"), io(9, 4, "out")]);
        Catalog::from_records(records)
    }

    #[test]
    fn the_region_is_downstream_of_the_change_and_everything_upstream_of_that() {
        let catalog = catalog();
        let subject = Subject {
            name: "t2".to_owned(),
            unique_id: None,
            file: None,
            key: key(&catalog, 2),
            in_catalog: true,
            meta: ModelMeta::default(),
            description: None,
            descriptions: HashMap::new(),
            after: Some(ModelState {
                columns: vec![ColumnState {
                    name: "email".to_owned(),
                    data_type: None,
                    inputs: vec![InputState {
                        dataset: key(&catalog, 7),
                        column: "email".to_owned(),
                        transformations: Vec::new(),
                    }],
                    line: None,
                }],
            }),
            before: None,
            problems: Vec::new(),
        };
        let mut region: Vec<i64> = region(&catalog, std::slice::from_ref(&subject))
            .into_iter()
            .collect();
        region.sort_unstable();
        assert_eq!(region, vec![1, 2, 3, 4, 7]);
        // The region's graph gives its datasets the tags the whole graph gives them.
        let whole = PiiGraph::new(&catalog);
        let part = PiiGraph::for_subjects(&catalog, &[subject]);
        let pairs = |g: &PiiGraph| {
            let mut p: Vec<Pair> = pii_pairs(&g.graph, &g.rules)
                .into_iter()
                .filter(|(d, _, _)| region.contains(d))
                .collect();
            p.sort();
            p
        };
        assert_eq!(pairs(&part), pairs(&whole));
        assert_eq!(pairs(&part).len(), 5, "{:?}", pairs(&part));
        assert_eq!(part.before, pii_pairs(&part.graph, &part.rules));
        assert!(part.graph.dataset_count() < whole.graph.dataset_count());
    }
}
