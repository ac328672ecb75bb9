//! Builds the policy input of a page of datasets: their records from the store
//! ([`weft_store::policy_inputs`], batched) and, from the in-memory lineage graph, their
//! columns' live tags (with one explanation path for propagated personal data) and
//! their one-hop neighbours.

use std::collections::{BTreeSet, HashMap};

use weft_lineage::graph::{ColumnRef, Direction, NodeRef, TagKey, TagStatus, TraversalOptions};
use weft_policy::input::{
    ColumnInput, DatasetInput, HopInput, NeighbourInput, OwnerInput, TagInput, UsageInput,
};
use weft_policy::{INPUT_VERSION, PolicyInput};
use weft_store::lookup::OwnerRef;
use weft_store::policy_inputs::{NeighbourSubject, PolicySubject};
use weft_store::{Store, StoreError};

use crate::graph::{GraphCatalog, GraphHandle, NotReady};

/// Neighbours listed per direction at most: a dataset read by 10,000 jobs' outputs
/// would otherwise make an input of megabytes.
const MAX_NEIGHBOURS: usize = 1_000;

/// Why inputs could not be built.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The graph is still loading.
    #[error("the lineage graph is still loading")]
    GraphNotReady,
}

impl From<NotReady> for InputError {
    fn from(_: NotReady) -> Self {
        InputError::GraphNotReady
    }
}

/// The inputs of a page of datasets, and the ids that have none (gone, or dropped by
/// their source): their violations clear.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    /// (id, input), by id.
    pub inputs: Vec<(i64, PolicyInput)>,
    /// Ids without an input.
    pub gone: Vec<i64>,
}

/// The one-hop neighbours of `ids` in the lineage graph, both directions, without
/// `ids` themselves: the datasets whose input names one of `ids`.
pub(crate) fn neighbours_of(graph: &GraphHandle, ids: &[i64]) -> Result<Vec<i64>, NotReady> {
    let cat = graph.read()?;
    let mut out = BTreeSet::new();
    for &id in ids {
        let (up, down) = one_hop(&cat, id);
        out.extend(up);
        out.extend(down);
    }
    for id in ids {
        out.remove(id);
    }
    Ok(out.into_iter().collect())
}

/// The datasets one hop upstream and downstream of `id`, sorted.
fn one_hop(cat: &GraphCatalog, id: i64) -> (Vec<i64>, Vec<i64>) {
    let opts = TraversalOptions {
        depth: 1,
        max_nodes: MAX_NEIGHBOURS + 1,
        max_children: MAX_NEIGHBOURS,
        ..TraversalOptions::default()
    };
    let walk = |dir| {
        let mut ids: Vec<i64> = cat
            .graph
            .traverse(&NodeRef::Dataset(id), dir, &opts)
            .map(|s| {
                s.nodes
                    .iter()
                    .filter(|n| n.depth == 1)
                    .filter_map(|n| match n.node {
                        NodeRef::Dataset(d) if d != id => Some(d),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    (walk(Direction::Upstream), walk(Direction::Downstream))
}

/// What the graph adds to one dataset's input.
struct FromGraph {
    columns: Vec<Vec<TagInput>>,
    upstream: Vec<i64>,
    downstream: Vec<i64>,
}

/// Builds the inputs of `ids` as of `now`.
pub(crate) async fn build(
    store: &Store,
    graph: &GraphHandle,
    ids: &[i64],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Inputs, InputError> {
    let mut subjects = store.policy_subjects(ids, now.date_naive()).await?;
    // The graph's part under one read lock, no awaits inside.
    let from_graph: HashMap<i64, FromGraph> = {
        let cat = graph.read()?;
        subjects
            .values()
            .filter(|s| !s.dropped)
            .map(|s| (s.id, graph_part(&cat, s)))
            .collect()
    };
    let wanted: BTreeSet<i64> = from_graph
        .values()
        .flat_map(|g| g.upstream.iter().chain(&g.downstream).copied())
        .collect();
    let wanted: Vec<i64> = wanted.into_iter().collect();
    let neighbours = store.policy_neighbours(&wanted).await?;
    let now_text = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut out = Inputs::default();
    for &id in ids {
        let subject = subjects.remove(&id);
        match (subject, from_graph.get(&id)) {
            (Some(s), Some(g)) if !s.dropped => {
                out.inputs
                    .push((id, input(s, g, &neighbours, now_text.clone())));
            }
            _ => out.gone.push(id),
        }
    }
    Ok(out)
}

/// Tags per current column (in the subject's column order) and neighbours.
fn graph_part(cat: &GraphCatalog, s: &PolicySubject) -> FromGraph {
    let columns = s
        .columns
        .iter()
        .map(|c| column_tags(cat, &ColumnRef::new(s.id, &c.name)))
        .collect();
    let (upstream, downstream) = one_hop(cat, s.id);
    FromGraph {
        columns,
        upstream,
        downstream,
    }
}

/// The live tags of a column (rejected ones are not given), with one path for
/// propagated personal data.
fn column_tags(cat: &GraphCatalog, column: &ColumnRef) -> Vec<TagInput> {
    let pseudo = format!("{}.", cat.rules.pseudonymised_prefix);
    let Ok(tags) = cat.graph.tags_of(column) else {
        return Vec::new();
    };
    tags.into_iter()
        .filter(|t| t.status != TagStatus::Rejected)
        .map(|t| {
            let pii = cat.is_pii(&t.tag);
            let path = if pii && t.propagated {
                explain_path(cat, column, &t.tag)
            } else {
                Vec::new()
            };
            TagInput {
                key: t.tag.to_string(),
                status: match t.status {
                    TagStatus::Confirmed => "confirmed",
                    _ => "proposed",
                }
                .to_owned(),
                pii,
                pseudonymised: t.tag.starts_with(&pseudo),
                propagated: t.propagated,
                declared: t.declared,
                manual: t.manual,
                detected_by: t.detected_by.as_deref().map(str::to_owned),
                path,
            }
        })
        .collect()
}

/// Explanation paths looked at for one that crosses lineage.
const PATHS_LOOKED_AT: usize = 8;

/// One lineage path that brought `tag` to `column`, upstream first, ending at the
/// column itself: the graph's explanation (the one `query/src/tags.rs` serves), as
/// hops named for people. A column that is also a source of the tag (a detection rule
/// proposed it there too) explains it in zero hops; the first path that crosses an
/// edge is the one that says where the data comes from.
fn explain_path(cat: &GraphCatalog, column: &ColumnRef, tag: &str) -> Vec<HopInput> {
    let Ok(key) = TagKey::parse(tag) else {
        return Vec::new();
    };
    let Some(path) = cat
        .graph
        .explain_paths(column, &key, PATHS_LOOKED_AT)
        .ok()
        .and_then(|paths| {
            let mut paths = paths.into_iter();
            let first = paths.next()?;
            if first.hops.is_empty() {
                Some(paths.find(|p| !p.hops.is_empty()).unwrap_or(first))
            } else {
                Some(first)
            }
        })
    else {
        return Vec::new();
    };
    let name = |c: &ColumnRef| {
        cat.dataset_name(c.dataset)
            .map(|n| format!("{}/{}", n.namespace, n.name))
            .unwrap_or_default()
    };
    let mut hops = vec![HopInput {
        dataset: name(&path.start),
        column: path.start.column.to_string(),
        tag: path.start_tag.to_string(),
        transformation: None,
    }];
    hops.extend(path.hops.iter().map(|h| HopInput {
        dataset: name(&h.to),
        column: h.to.column.to_string(),
        tag: h.tag_out.to_string(),
        transformation: Some(h.rule.code().to_owned()),
    }));
    hops
}

fn owners(list: &[OwnerRef]) -> Vec<OwnerInput> {
    list.iter()
        .map(|o| OwnerInput {
            name: o.name.clone(),
            r#type: o.owner_type.clone(),
        })
        .collect()
}

fn neighbour_inputs(ids: &[i64], known: &HashMap<i64, NeighbourSubject>) -> Vec<NeighbourInput> {
    ids.iter()
        .filter_map(|id| known.get(id))
        .map(|n| NeighbourInput {
            namespace: n.namespace.clone(),
            name: n.name.clone(),
            tier: n.tier.clone(),
            classification: n.classification.clone(),
            owners: owners(&n.owners),
        })
        .collect()
}

fn micros_rfc3339(micros: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn input(
    s: PolicySubject,
    g: &FromGraph,
    neighbours: &HashMap<i64, NeighbourSubject>,
    now: String,
) -> PolicyInput {
    let columns = s
        .columns
        .into_iter()
        .zip(g.columns.iter())
        .map(|(c, tags)| ColumnInput {
            name: c.name,
            r#type: c.data_type,
            description: c.description,
            tags: tags.clone(),
        })
        .collect();
    PolicyInput {
        version: INPUT_VERSION,
        now,
        dataset: DatasetInput {
            retention_days: weft_schemas::governance::retention_days(s.retention.as_deref()),
            namespace: s.namespace,
            name: s.name,
            description: s.description,
            tier: s.tier,
            classification: s.classification,
            retention: s.retention,
            owners: owners(&s.owners),
            created_at: micros_rfc3339(s.created_at),
            deprecated: s.deprecated,
            columns,
            usage: UsageInput {
                queries_30d: s.queries_30d,
                users_30d: s.users_30d,
                last_read: s.last_read,
            },
            upstream: neighbour_inputs(&g.upstream, neighbours),
            downstream: neighbour_inputs(&g.downstream, neighbours),
        },
        change: None,
    }
}
