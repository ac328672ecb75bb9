//! Lineage answers: the datasets and jobs around a node (from `job_io`), and the
//! columns around a column (from `column_edges`), with each edge's transformations.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde_json::Value;
use sqlx::Row;

use super::{DatasetRecord, EntityKind, JobRecord};
use crate::{Store, StoreError};

/// A dataset or job of a lineage answer, whole.
#[derive(Debug, Clone, PartialEq)]
pub enum LineageEntity {
    /// A dataset.
    Dataset(Box<DatasetRecord>),
    /// A job, its input and output lists cut to [`LINEAGE_MAX_NODES`].
    Job(Box<JobRecord>),
}

/// One node of a lineage answer with its edges among the answer's nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct LineageNode {
    /// `dataset:NS:NAME` or `job:NS:NAME`.
    pub key: String,
    /// What it is.
    pub entity: LineageEntity,
    /// Edges into it as (origin key, destination key), ordered.
    pub in_edges: Vec<(String, String)>,
    /// Edges out of it as (origin key, destination key), ordered.
    pub out_edges: Vec<(String, String)>,
}

/// A column named by its dataset's namespace and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnName {
    /// The namespace of the column's dataset.
    pub namespace: String,
    /// Dataset name.
    pub dataset: String,
    /// The column's name.
    pub field: String,
}

impl ColumnName {
    /// `datasetField:NS:NAME:FIELD`.
    pub fn node_id(&self) -> String {
        format!(
            "datasetField:{}:{}:{}",
            self.namespace, self.dataset, self.field
        )
    }
}

/// An input of a column in a column-lineage answer: one source column with what each
/// origin (the producer, Weft's SQL analysis) says of the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInput {
    /// The source column.
    pub source: ColumnName,
    /// The edge's transformations (the producer's when it stated them), as stored: a
    /// list of `{type, subtype, description, masking}`.
    pub transformations: Value,
    /// The edge's description, as that same origin gave it.
    pub description: Option<String>,
    /// Whether the input comes only from the dataset level (filters, joins), nothing
    /// having been stated for the field itself.
    pub dataset_level: bool,
    /// Which origins state the edge (`openlineage`, `sql`), by name.
    pub origins: Vec<String>,
}

/// Where the producer's direct sources of a column and those its job's SQL implies
/// differ, as node ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageDisagreement {
    /// Sources only the producer declared.
    pub declared_only: Vec<String>,
    /// Sources only the SQL implies.
    pub sql_only: Vec<String>,
}

/// One column of a column-lineage answer with its inputs and its edges.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnLineageNode {
    /// The column.
    pub column: ColumnName,
    /// Its type in its dataset's schema, when known.
    pub field_type: Option<String>,
    /// Its inputs, ordered by node id.
    pub inputs: Vec<ColumnInput>,
    /// Set when the producer and the SQL disagree on its direct sources.
    pub disagreement: Option<LineageDisagreement>,
    /// Edges into it as (origin, destination) node ids, ordered.
    pub in_edges: Vec<(String, String)>,
    /// Edges out of it as (origin, destination) node ids, ordered.
    pub out_edges: Vec<(String, String)>,
}

/// The datasets and jobs within some job hops of a node, ordered by key.
#[derive(Debug, Clone, PartialEq)]
pub struct LineageAnswer {
    /// The nodes, by key.
    pub nodes: Vec<LineageNode>,
    /// Whether it holds only the nearest [`LINEAGE_MAX_NODES`] nodes (and may lack
    /// edges among them past the cut), or a job's lists were cut.
    pub truncated: bool,
}
/// Most nodes (datasets and jobs) in one `GET /api/v1/lineage` answer: 500.
///
/// Each node is loaded whole (a dataset with its fields and facets), so the answer's
/// size and time grow with its nodes; a job of 10,000 inputs would otherwise put 10,000
/// datasets into the depth-1 lineage of any one of them. Nodes are kept nearest first
/// and a cut answer says `"truncated": true`. Loading a node costs a few queries, so
/// 500 keeps the answer around a second; it is more than a lineage diagram can show
/// legibly.
pub const LINEAGE_MAX_NODES: usize = 500;

/// A loaded node of a lineage answer: the vertex, its key, the entity, and
/// whether a job's input or output lists were cut to [`LINEAGE_MAX_NODES`].
type LoadedNode = (Vertex, String, LineageEntity, bool);

/// Lineage nodes loaded at once.
const LINEAGE_LOAD_CONCURRENCY: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Vertex {
    Dataset(i64),
    Job(i64),
}

/// A Marquez node id: `dataset:NS:NAME`, `job:NS:NAME`, `datasetField:NS:NAME:FIELD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeId {
    /// A dataset.
    Dataset {
        /// Namespace (may itself contain `:`).
        namespace: String,
        /// Dataset name.
        name: String,
    },
    /// A job.
    Job {
        /// Namespace.
        namespace: String,
        /// Job name.
        name: String,
    },
    /// A dataset's column.
    DatasetField {
        /// Namespace.
        namespace: String,
        /// Dataset name.
        name: String,
        /// Column.
        field: String,
    },
}

impl NodeId {
    /// Parses a node id as Marquez does. Namespaces are URIs and may contain `:`
    /// (`postgres://db:5432`), so the *last* colon separates the name (and for a field the
    /// last two); a namespace's `scheme://host:port` is recognised so that a port is not
    /// taken for a name.
    pub fn parse(s: &str) -> Option<NodeId> {
        let (kind, rest) = s.split_once(':')?;
        match kind {
            "dataset" | "job" => {
                let (namespace, name) = split_ns(rest, 1)?;
                let name = name.into_iter().next()?;
                Some(if kind == "dataset" {
                    NodeId::Dataset { namespace, name }
                } else {
                    NodeId::Job { namespace, name }
                })
            }
            "datasetField" => {
                let (namespace, mut parts) = split_ns(rest, 2)?;
                let field = parts.pop()?;
                let name = parts.pop()?;
                Some(NodeId::DatasetField {
                    namespace,
                    name,
                    field,
                })
            }
            _ => None,
        }
    }
}

/// Splits `ns:part1[:part2]` where `ns` may contain colons: the trailing `n` parts are
/// taken from the right.
fn split_ns(rest: &str, n: usize) -> Option<(String, Vec<String>)> {
    let mut parts = Vec::new();
    let mut head = rest;
    for _ in 0..n {
        let (h, t) = head.rsplit_once(':')?;
        parts.push(t.to_owned());
        head = h;
    }
    parts.reverse();
    if head.is_empty() || parts.iter().any(String::is_empty) {
        return None;
    }
    // `postgres://db:5432:orders` splits fine from the right; but a name cannot be
    // all digits right after `//host`, which means the split fell inside the authority.
    Some((head.to_owned(), parts))
}

impl Store {
    /// One node of a lineage answer: its key (`dataset:NS:NAME`) and the entity;
    /// `None` when it is gone.
    async fn lineage_node(&self, v: Vertex) -> Result<Option<LoadedNode>, StoreError> {
        Ok(match v {
            Vertex::Dataset(id) => self.dataset_by_id(id).await?.map(|d| {
                let key = format!("dataset:{}:{}", d.namespace, d.name);
                (v, key, LineageEntity::Dataset(Box::new(d)), false)
            }),
            Vertex::Job(id) => {
                self.job_with_io(id, Some(LINEAGE_MAX_NODES))
                    .await?
                    .map(|(j, cut)| {
                        let key = format!("job:{}:{}", j.namespace, j.name);
                        (v, key, LineageEntity::Job(Box::new(j)), cut)
                    })
            }
        })
    }

    /// The datasets and jobs within `depth` job hops of a node, nearest first and at
    /// most [`LINEAGE_MAX_NODES`] of them; `None` when the node is unknown.
    pub async fn lineage(
        &self,
        node: &NodeId,
        depth: u32,
    ) -> Result<Option<LineageAnswer>, StoreError> {
        let start = match node {
            NodeId::Dataset { namespace, name } => {
                match self
                    .entity_key(EntityKind::Dataset, namespace, name)
                    .await?
                {
                    Some(id) => Vertex::Dataset(id),
                    None => return Ok(None),
                }
            }
            NodeId::Job { namespace, name } => {
                match self.entity_key(EntityKind::Job, namespace, name).await? {
                    Some(id) => Vertex::Job(id),
                    None => return Ok(None),
                }
            }
            NodeId::DatasetField { .. } => return Ok(None),
        };
        // Breadth-first over job_io: dataset → jobs that read/write it → their datasets.
        // Nearest first, at most LINEAGE_MAX_NODES nodes: a dataset read by a job of
        // 10,000 inputs would otherwise load every sibling (and, one hop further, every
        // sibling's jobs) for a depth-1 answer.
        let mut seen: HashSet<Vertex> = HashSet::from([start]);
        let mut queue = VecDeque::from([(start, 0u32)]);
        let mut edges: HashSet<(Vertex, Vertex)> = HashSet::new();
        let mut truncated = false;
        // One more row than can fit tells that a neighbourhood did not fit.
        let per_vertex = LINEAGE_MAX_NODES + 1;
        while let Some((v, d)) = queue.pop_front() {
            let (sql, id) = match v {
                // A dataset at the depth bound leads only to jobs past it; its edges to
                // jobs inside are found from those jobs.
                Vertex::Dataset(_) if d >= depth => continue,
                Vertex::Dataset(id) => (
                    "SELECT job_id, dataset_id, direction FROM job_io WHERE dataset_id = ? LIMIT ?",
                    id,
                ),
                Vertex::Job(id) => (
                    "SELECT job_id, dataset_id, direction FROM job_io WHERE job_id = ? LIMIT ?",
                    id,
                ),
            };
            if seen.len() >= LINEAGE_MAX_NODES {
                // Full: expanding further could only add nodes that do not fit.
                truncated = true;
                break;
            }
            let rows = self
                .rows(sql, vec![id.into(), (per_vertex as i64).into()])
                .await?;
            truncated |= rows.len() >= per_vertex;
            for r in rows {
                let job = Vertex::Job(r.try_get(0)?);
                let ds = Vertex::Dataset(r.try_get(1)?);
                let out = r.try_get::<String, _>(2)? == "out";
                let next = if matches!(v, Vertex::Dataset(_)) {
                    job
                } else {
                    ds
                };
                // A job is half a hop: depth counts jobs between datasets, as Marquez does.
                let nd = if matches!(next, Vertex::Job(_)) {
                    d + 1
                } else {
                    d
                };
                if nd > depth {
                    continue;
                }
                if !seen.contains(&next) {
                    if seen.len() >= LINEAGE_MAX_NODES {
                        truncated = true;
                        continue;
                    }
                    seen.insert(next);
                    queue.push_back((next, nd));
                }
                edges.insert(if out { (job, ds) } else { (ds, job) });
            }
        }
        // Nodes load a few at a time: each is several small queries, and the pool has
        // more than one reader.
        use futures_util::StreamExt as _;
        let loaded: Vec<Result<Option<LoadedNode>, StoreError>> =
            futures_util::stream::iter(seen.iter().copied())
                .map(|v| self.lineage_node(v))
                .buffer_unordered(LINEAGE_LOAD_CONCURRENCY)
                .collect()
                .await;
        let mut ids: BTreeMap<Vertex, (String, LineageEntity)> = BTreeMap::new();
        for node in loaded {
            if let Some((v, key, entity, cut)) = node? {
                truncated |= cut;
                ids.insert(v, (key, entity));
            }
        }
        // Each node's edges by lookup, not by a scan of all edges per node (which was
        // quadratic: 10,000 nodes × 10,000 edges).
        let mut ins: HashMap<Vertex, Vec<(String, String)>> = HashMap::new();
        let mut outs: HashMap<Vertex, Vec<(String, String)>> = HashMap::new();
        for (from, to) in &edges {
            let (Some((from_key, _)), Some((to_key, _))) = (ids.get(from), ids.get(to)) else {
                continue;
            };
            let edge = (from_key.clone(), to_key.clone());
            outs.entry(*from).or_default().push(edge.clone());
            ins.entry(*to).or_default().push(edge);
        }
        let mut nodes = Vec::with_capacity(ids.len());
        for (v, (key, entity)) in ids {
            let mut in_edges = ins.remove(&v).unwrap_or_default();
            let mut out_edges = outs.remove(&v).unwrap_or_default();
            in_edges.sort();
            out_edges.sort();
            nodes.push(LineageNode {
                key,
                entity,
                in_edges,
                out_edges,
            });
        }
        nodes.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Some(LineageAnswer { nodes, truncated }))
    }

    /// `GET /column-lineage?nodeId=…&depth=N&withDownstream=…`: columns within `depth`
    /// edges upstream (and downstream when asked) of a column, or of every column of a
    /// dataset, with each edge's transformations.
    pub async fn column_lineage(
        &self,
        node: &NodeId,
        depth: u32,
        downstream: bool,
    ) -> Result<Option<Vec<ColumnLineageNode>>, StoreError> {
        let (ds, field) = match node {
            NodeId::Dataset { namespace, name } => (
                self.entity_key(EntityKind::Dataset, namespace, name)
                    .await?,
                None,
            ),
            NodeId::DatasetField {
                namespace,
                name,
                field,
            } => (
                self.entity_key(EntityKind::Dataset, namespace, name)
                    .await?,
                Some(field.clone()),
            ),
            NodeId::Job { .. } => return Ok(None),
        };
        let Some(ds) = ds else { return Ok(None) };
        let mut frontier: Vec<(i64, String)> = match field {
            Some(f) => vec![(ds, f)],
            None => {
                let mut cols: Vec<(i64, String)> = self
                    .rows(
                        "SELECT c.name FROM columns c JOIN datasets d ON d.id = c.dataset_id WHERE c.dataset_id = ? AND c.last_version = d.current_version",
                        vec![ds.into()],
                    )
                    .await?
                    .into_iter()
                    .map(|r| r.try_get::<String, _>(0).map(|c| (ds, c)))
                    .collect::<Result<_, _>>()?;
                for r in self
                    .rows("SELECT DISTINCT dst_column FROM column_edges WHERE dst_dataset_id = ? AND dst_column <> ''", vec![ds.into()])
                    .await?
                {
                    let c: String = r.try_get(0)?;
                    if !cols.iter().any(|(_, x)| *x == c) {
                        cols.push((ds, c));
                    }
                }
                cols
            }
        };
        let mut seen: HashSet<(i64, String)> = frontier.iter().cloned().collect();
        // (src, dst) → origin → (transformations, description). The producer's edge and
        // the one derived from SQL are both kept; the producer's speaks for the pair.
        let mut edges: EdgesByOrigin = BTreeMap::new();
        // Pairs a producer stated for the field itself, and pairs that come from the
        // dataset level (columnLineage's `dataset` list, and INDIRECT uses Weft lifted
        // there because the producer repeated them on every field): those are inputs of
        // every field too, and a field's answer lists them, marked, with their
        // transformations (INDIRECT/FILTER, JOIN …) saying what each is.
        let mut field_level: HashSet<(Column, Column)> = HashSet::new();
        let mut dataset_level: HashSet<(Column, Column)> = HashSet::new();
        for _ in 0..depth.max(1) {
            let mut next = Vec::new();
            for (d, c) in &frontier {
                let mut queries = vec![
                    (
                        "SELECT src_dataset_id, src_column, dst_dataset_id, dst_column, transformations, description, origin FROM column_edges WHERE dst_dataset_id = ? AND dst_column = ?",
                        true,
                        vec![(*d).into(), c.clone().into()],
                    ),
                    (
                        "SELECT src_dataset_id, src_column, dst_dataset_id, dst_column, transformations, description, origin FROM column_edges WHERE dst_dataset_id = ? AND dst_column = ''",
                        true,
                        vec![(*d).into()],
                    ),
                ];
                if downstream {
                    queries.push((
                        "SELECT src_dataset_id, src_column, dst_dataset_id, dst_column, transformations, description, origin FROM column_edges WHERE src_dataset_id = ? AND src_column = ? AND dst_column <> ''",
                        false,
                        vec![(*d).into(), c.clone().into()],
                    ));
                }
                for (sql, up, binds) in queries {
                    for r in self.rows(sql, binds).await? {
                        let src = (r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?);
                        let mut dst = (r.try_get::<i64, _>(2)?, r.try_get::<String, _>(3)?);
                        let t: String = r.try_get(4)?;
                        let t = serde_json::from_str(&t).unwrap_or(Value::Array(Vec::new()));
                        let origin: String = r.try_get(6)?;
                        let stated_for_dataset = dst.1.is_empty();
                        if stated_for_dataset {
                            dst.1.clone_from(c);
                        }
                        let pair = (src.clone(), dst.clone());
                        if stated_for_dataset {
                            dataset_level.insert(pair.clone());
                        } else {
                            field_level.insert(pair.clone());
                        }
                        merge_edge(edges.entry(pair).or_default(), origin, t, r.try_get(5)?);
                        let other = if up { src } else { dst };
                        if seen.insert(other.clone()) {
                            next.push(other);
                        }
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        let mut names: HashMap<i64, (String, String)> = HashMap::new();
        for (d, _) in &seen {
            if names.contains_key(d) {
                continue;
            }
            let r = self
                .rows("SELECT n.name, d.name FROM datasets d JOIN namespaces n ON n.id = d.namespace_id WHERE d.id = ?", vec![(*d).into()])
                .await?;
            if let Some(r) = r.first() {
                names.insert(*d, (r.try_get(0)?, r.try_get(1)?));
            }
        }
        let named = |c: &Column| {
            let (namespace, dataset) = names.get(&c.0).cloned().unwrap_or_default();
            ColumnName {
                namespace,
                dataset,
                field: c.1.clone(),
            }
        };
        let key = |c: &Column| named(c).node_id();
        // Ordered by name, never by id: ids count datasets in the order Weft learned of
        // them, and the answer must not depend on the order events arrived in.
        let mut graph = Vec::new();
        let mut sorted: Vec<&(i64, String)> = seen.iter().collect();
        sorted.sort_by_key(|c| key(c));
        for col in sorted {
            let mut into: Vec<_> = edges.iter().filter(|((_, dst), _)| dst == col).collect();
            into.sort_by_key(|((src, _), _)| key(src));
            let inputs: Vec<ColumnInput> = into
                .into_iter()
                .map(|((src, _), by_origin)| {
                    let (transformations, description) = by_origin
                        .get(DECLARED)
                        .or_else(|| by_origin.values().next())
                        .cloned()
                        .unwrap_or((Value::Array(Vec::new()), None));
                    // Marked only where nothing was stated for the field itself: an
                    // input that is both (a GROUP BY key that is also selected) is the
                    // field's own, its transformations merged.
                    let pair = (src.clone(), col.clone());
                    ColumnInput {
                        source: named(src),
                        transformations,
                        description,
                        dataset_level: dataset_level.contains(&pair)
                            && !field_level.contains(&pair),
                        origins: by_origin.keys().cloned().collect(),
                    }
                })
                .collect();
            let disagreement = disagreement(&edges, &field_level, col, &key);
            let field_type = self
                .rows(
                    "SELECT data_type FROM columns WHERE dataset_id = ? AND name = ?",
                    vec![col.0.into(), col.1.clone().into()],
                )
                .await?
                .first()
                .map(|r| r.try_get::<Option<String>, _>(0))
                .transpose()?
                .flatten();
            graph.push(ColumnLineageNode {
                column: named(col),
                field_type,
                inputs,
                disagreement,
                in_edges: sorted_edges(
                    edges
                        .keys()
                        .filter(|(_, d)| d == col && names.contains_key(&col.0)),
                    &key,
                ),
                out_edges: sorted_edges(edges.keys().filter(|(s, _)| s == col), &key),
            });
        }
        Ok(Some(graph))
    }
}

/// An edge list as (origin, destination) node ids, ordered by them.
fn sorted_edges<'a>(
    edges: impl Iterator<Item = &'a (Column, Column)>,
    key: &impl Fn(&Column) -> String,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = edges.map(|(s, d)| (key(s), key(d))).collect();
    out.sort();
    out
}

/// The origin of edges a producer declared in its columnLineage facet.
const DECLARED: &str = "openlineage";

/// Where the producer's DIRECT sources of `col` and those its job's SQL implies differ
/// (`None` when they agree or only one side speaks). Such an edge is kept from both
/// sides rather than one overwriting the other, and this says so next to the column.
fn disagreement(
    edges: &EdgesByOrigin,
    field_level: &HashSet<(Column, Column)>,
    col: &Column,
    key: &impl Fn(&Column) -> String,
) -> Option<LineageDisagreement> {
    // A declared input without transformations is taken as direct: that is what the
    // producers that omit them (dbt, older Spark) mean.
    let direct = |t: &Value| {
        t.as_array()
            .is_none_or(|a| a.is_empty() || a.iter().any(|x| x["type"] == "DIRECT"))
    };
    let mut declared = Vec::new();
    let mut derived = Vec::new();
    for ((src, dst), by_origin) in edges {
        // Dataset-level uses (filters, joins) are not a column's direct sources.
        if dst != col || !field_level.contains(&(src.clone(), dst.clone())) {
            continue;
        }
        if by_origin.get(DECLARED).is_some_and(|(t, _)| direct(t)) {
            declared.push(src);
        }
        if by_origin.get("sql").is_some_and(|(t, _)| direct(t)) {
            derived.push(src);
        }
    }
    let speaks = |origin: &str| {
        edges
            .iter()
            .any(|((_, d), o)| d == col && o.contains_key(origin))
    };
    if !speaks(DECLARED) || !speaks("sql") || declared == derived {
        return None;
    }
    let only = |a: &[&Column], b: &[&Column]| -> Vec<String> {
        a.iter()
            .filter(|x| !b.contains(x))
            .map(|x| key(x))
            .collect()
    };
    Some(LineageDisagreement {
        declared_only: only(&declared, &derived),
        sql_only: only(&derived, &declared),
    })
}

/// A column as (dataset id, column name).
type Column = (i64, String);

/// (source, target) → origin → (transformations, description).
type EdgesByOrigin = BTreeMap<(Column, Column), BTreeMap<String, (Value, Option<String>)>>;

/// Adds one stored edge's transformations to a pair's, per origin. A pair may be stated
/// twice by one origin (for the field, and at the dataset level): both sets of
/// transformations are kept, the field's first, so neither use hides the other.
fn merge_edge(
    by_origin: &mut BTreeMap<String, (Value, Option<String>)>,
    origin: String,
    t: Value,
    description: Option<String>,
) {
    match by_origin.get_mut(&origin) {
        Some((have, desc)) => {
            if let (Some(have), Some(new)) = (have.as_array_mut(), t.as_array()) {
                for x in new {
                    if !have.contains(x) {
                        have.push(x.clone());
                    }
                }
            }
            if desc.is_none() {
                *desc = description;
            }
        }
        None => {
            by_origin.insert(origin, (t, description));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn node_ids_with_colons_in_namespace() {
        assert_eq!(
            NodeId::parse("dataset:postgres://db:5432:shop.public.orders"),
            Some(NodeId::Dataset {
                namespace: "postgres://db:5432".into(),
                name: "shop.public.orders".into()
            })
        );
        assert_eq!(
            NodeId::parse("datasetField:postgres://db:5432:shop.public.orders:id"),
            Some(NodeId::DatasetField {
                namespace: "postgres://db:5432".into(),
                name: "shop.public.orders".into(),
                field: "id".into()
            })
        );
        assert_eq!(
            NodeId::parse("job:my-ns:etl.daily"),
            Some(NodeId::Job {
                namespace: "my-ns".into(),
                name: "etl.daily".into()
            })
        );
        assert_eq!(NodeId::parse("dataset:nons"), None);
        assert_eq!(NodeId::parse("table:a:b"), None);
    }
}
