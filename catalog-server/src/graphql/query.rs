//! The query root: find datasets, read them, follow their lineage, review PII, read
//! the change log.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, InputObject, Object, Result};
use weft_lineage::graph::{Direction, TagStatus};
use weft_query::review::QueueRequest;
use weft_query::search::SearchRequest;
use weft_search::index::{DocKind, Filters};

use super::types::{
    ChangePage, Column, ColumnPaths, Dataset, Impact, Job, KafkaDeadLetter, LineageGraph,
    Namespace, Page, Policies, PolicyViolationList, ReviewItem, Run, SearchFacets, SearchHit,
    SearchInfo, SearchKind, Suggestion, ViewerInfo, change_page, children_cap, column_paths,
    impact_of, page_args, page_cost, page_of, page_of_listing, seq_cursor, state, store_page,
    traverse, wants_payloads,
};
use super::{bad_input, load_error, query_error, store_error};
use crate::auth::Scope;
use weft_store::log::FeedFilter;

/// Suggestions `suggest` gives when `first` is null, and at most.
const DEFAULT_SUGGESTIONS: i32 = 8;
const MAX_SUGGESTIONS: i32 = 20;

/// Which datasets `datasets` lists.
#[derive(InputObject, Debug, Clone, Default)]
pub struct DatasetFilter {
    /// Only this namespace.
    pub namespace: Option<String>,
    /// Only datasets carrying this dataset-level tag key.
    pub tag: Option<String>,
    /// Only datasets this owner owns (`user:alice`, or just `alice`).
    pub owner: Option<String>,
    /// Only names containing this text (case-insensitive).
    pub name_contains: Option<String>,
    /// Include datasets the source dropped.
    #[graphql(default = false)]
    pub include_deleted: bool,
}

/// Which way to follow lineage.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum LineageDirection {
    /// Towards sources.
    Upstream,
    /// Towards consumers.
    Downstream,
}

/// Search filters.
#[derive(InputObject, Debug, Clone, Default)]
pub struct SearchFilter {
    /// Only datasets, jobs or columns.
    #[graphql(name = "type")]
    pub kind: Option<SearchKind>,
    /// Only this namespace.
    pub namespace: Option<String>,
    /// Only this platform (`postgres`).
    pub platform: Option<String>,
    /// Only datasets carrying this tag, their own or a live tag of one of their columns
    /// (detected, propagated or confirmed; not rejected). `pii.*` is any tag under `pii.`.
    pub tag: Option<String>,
    /// Only this owner's.
    pub owner: Option<String>,
    /// Only this tier.
    pub tier: Option<String>,
    /// Only this classification (`restricted`).
    pub classification: Option<String>,
}

/// Which violations `policyViolations` lists; every condition given must hold.
#[derive(InputObject, Debug, Clone, Default)]
pub struct PolicyViolationFilter {
    /// Only this policy's.
    pub policy: Option<String>,
    /// Only this severity (`deny`, `warn`).
    pub severity: Option<String>,
    /// Only on datasets this owner owns (`user:alice`, or just `alice`).
    pub owner: Option<String>,
    /// Only on datasets of this namespace.
    pub namespace: Option<String>,
}

/// Review status filter.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReviewStatus {
    /// Awaiting review.
    Proposed,
    /// An owner confirmed the tag on the column.
    Confirmed,
    /// An owner rejected the tag on the column.
    Rejected,
    /// Any status.
    Any,
}

/// The query root.
pub struct QueryRoot;

/// What a dataset's governed attributes may be.
#[derive(async_graphql::SimpleObject, Debug, Clone)]
pub struct GovernanceSettings {
    /// The allowed classifications, in the configured order.
    pub classifications: Vec<String>,
}

fn can_read(ctx: &Context<'_>) -> Result<()> {
    ctx.data::<super::Viewer>()?
        .require(Scope::Read)
        .map(|_| ())
}

/// The search index's kind and filters for a `SearchFilter`.
fn search_filters(f: SearchFilter) -> (Option<DocKind>, Filters) {
    let kind = f.kind.map(|k| match k {
        SearchKind::Dataset => DocKind::Dataset,
        SearchKind::Job => DocKind::Job,
        SearchKind::Column => DocKind::Column,
    });
    let filters = Filters {
        namespace: f.namespace,
        platform: f.platform,
        tag: f.tag,
        owner: f.owner,
        tier: f.tier,
        classification: f.classification,
    };
    (kind, filters)
}

#[Object(name = "Query")]
impl QueryRoot {
    /// Who the caller is and what it may do. Answers any known token, even one without
    /// the `read` scope (a write-only token learns just that); with authentication off,
    /// no name and every scope. Without a token where one is needed, the request is
    /// refused like any other (401, `UNAUTHENTICATED`).
    async fn viewer(&self, ctx: &Context<'_>) -> Result<ViewerInfo> {
        let v = ctx.data::<super::Viewer>()?;
        Ok(ViewerInfo::of(v, state(ctx).tokens.enabled()))
    }

    /// What a dataset's governed attributes may be: the classifications
    /// `setClassification` accepts (`[governance] classifications`).
    async fn governance(&self, ctx: &Context<'_>) -> Result<GovernanceSettings> {
        can_read(ctx)?;
        Ok(GovernanceSettings {
            classifications: state(ctx).classifications.to_vec(),
        })
    }

    /// Autocomplete for a search box: datasets and jobs whose name, last segment or a
    /// word of the name starts with `prefix` (`ord` finds `orders` and `fct_orders`),
    /// names starting with it first, then by usage and lineage, as
    /// `GET /api/v1/search/suggest` answers. `filter` narrows as for `search` (its
    /// `type` to DATASET or JOB; columns are not suggested). `first`: at most 20.
    async fn suggest(
        &self,
        ctx: &Context<'_>,
        prefix: String,
        filter: Option<SearchFilter>,
        #[graphql(default = 8)] first: Option<i32>,
    ) -> Result<Vec<Suggestion>> {
        can_read(ctx)?;
        let first = first.unwrap_or(DEFAULT_SUGGESTIONS);
        if !(0..=MAX_SUGGESTIONS).contains(&first) {
            return Err(bad_input(
                "first",
                format!("first must be between 0 and {MAX_SUGGESTIONS}"),
            ));
        }
        let (kind, filters) = search_filters(filter.unwrap_or_default());
        if kind == Some(DocKind::Column) {
            return Err(bad_input(
                "filter",
                "suggestions are datasets and jobs; filter by type DATASET or JOB",
            ));
        }
        if first == 0 {
            return Ok(Vec::new());
        }
        let found = weft_query::search::suggestions(
            &state(ctx).search,
            &prefix,
            &filters,
            kind,
            first as usize,
        )
        .map_err(query_error)?;
        Ok(found.into_iter().map(Suggestion::from).collect())
    }

    /// The lineage paths from column `from` to column `to` (both
    /// `datasetField:NS:NAME:FIELD`) along column edges, at most `maxDepth` hops: the
    /// first `limit` of them and how many there are, as `GET /api/v1/graph/paths`.
    #[graphql(
        complexity = "crate::graphql::types::traversal_cost(max_depth.unwrap_or(20), child_complexity)"
    )]
    async fn column_paths(
        &self,
        ctx: &Context<'_>,
        from: String,
        to: String,
        #[graphql(default = 10)] limit: Option<i32>,
        #[graphql(default = 20)] max_depth: Option<i32>,
    ) -> Result<ColumnPaths> {
        can_read(ctx)?;
        column_paths(ctx, from, to, limit.unwrap_or(10), max_depth.unwrap_or(20)).await
    }

    /// Full-text search over datasets, jobs and columns, ranked by relevance times
    /// real usage and lineage centrality; `explain` on each hit says how.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        filter: Option<SearchFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(
            default = false,
            desc = "The text is being typed: its last word, unless a space follows it, also matches as the start of a word (`custom` finds `customers`)."
        )]
        prefix: bool,
    ) -> Result<Connection<String, SearchHit, SearchInfo>> {
        can_read(ctx)?;
        let (offset, limit) = page_args(ctx, first, after)?;
        let (kind, filters) = search_filters(filter.unwrap_or_default());
        let want_facets = ctx.look_ahead().field("facets").exists();
        let request = SearchRequest {
            text: query,
            filters,
            kind,
            limit,
            offset,
            facets: want_facets,
            prefix_last: prefix,
        };
        let found =
            weft_query::search::search(&state(ctx).search, &request).map_err(query_error)?;
        let look = ctx.look_ahead();
        if look.field("edges").field("node").field("dataset").exists()
            || look.field("nodes").field("dataset").exists()
        {
            // The hits' datasets, named together, then their fields together.
            let names: Vec<(String, String)> = found
                .hits
                .iter()
                .filter(|h| h.kind != DocKind::Job)
                .map(|h| (h.namespace.clone(), h.name.clone()))
                .collect();
            let ids = super::types::loaders(ctx)?
                .ids
                .load_many(names)
                .await
                .map_err(load_error)?;
            let ids: Vec<i64> = ids.into_values().collect();
            prime(ctx, &ids, Some("dataset")).await?;
        }
        let facets = found.facets.as_ref().map(SearchFacets::from);
        let total = found.total;
        let mut c = Connection::with_additional_fields(
            offset > 0,
            offset + found.hits.len() < total,
            SearchInfo {
                total_count: total as i64,
                facets,
                notice: found.notice,
            },
        );
        let hits = found.hits.into_iter().map(|hit| SearchHit { hit });
        c.edges.extend(
            hits.enumerate()
                .map(|(i, h)| async_graphql::connection::Edge::new((offset + i).to_string(), h)),
        );
        Ok(c)
    }

    /// One dataset by namespace and name.
    async fn dataset(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        name: String,
    ) -> Result<Option<Dataset>> {
        can_read(ctx)?;
        // One name: asked directly, without a batch window.
        Ok(state(ctx)
            .store
            .dataset_id_named(&namespace, &name)
            .await
            .map_err(store_error)?
            .map(|id| Dataset { id }))
    }

    /// Datasets, by namespace then name.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn datasets(
        &self,
        ctx: &Context<'_>,
        filter: Option<DatasetFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Dataset>> {
        can_read(ctx)?;
        list_datasets(ctx, filter.unwrap_or_default(), first, after).await
    }

    /// One column of a dataset's current schema.
    async fn column(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        dataset: String,
        name: String,
    ) -> Result<Option<Column>> {
        can_read(ctx)?;
        column_named(ctx, &namespace, &dataset, &name).await
    }

    /// One job.
    async fn job(&self, ctx: &Context<'_>, namespace: String, name: String) -> Result<Option<Job>> {
        can_read(ctx)?;
        Ok(state(ctx)
            .store
            .get_job(&namespace, &name)
            .await
            .map_err(store_error)?
            .map(Job::from))
    }

    /// One run, by its id (or the id its producer sent).
    async fn run(&self, ctx: &Context<'_>, id: String) -> Result<Option<Run>> {
        can_read(ctx)?;
        Ok(state(ctx)
            .store
            .get_run(&id)
            .await
            .map_err(store_error)?
            .map(Run::from))
    }

    /// One namespace.
    async fn namespace(&self, ctx: &Context<'_>, name: String) -> Result<Option<Namespace>> {
        can_read(ctx)?;
        Ok(state(ctx)
            .store
            .get_namespace(&name)
            .await
            .map_err(store_error)?
            .map(Namespace::from))
    }

    /// Messages Kafka consumers refused and sent to a dead-letter topic, newest first
    /// (one per refused item of a batch message).
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn kafka_dead_letters(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<KafkaDeadLetter>> {
        can_read(ctx)?;
        let (offset, limit) = page_args(ctx, first, after)?;
        let store = &state(ctx).store;
        let letters = store
            .dead_letters(limit as i64, offset as i64)
            .await
            .map_err(store_error)?;
        let total = store.dead_letter_total().await.map_err(store_error)?;
        Ok(page_of(
            letters.into_iter().map(KafkaDeadLetter::from).collect(),
            offset,
            total,
        ))
    }

    /// Policy violations standing now: deny before warn, then by dataset, policy and
    /// column. `first` is 1 to 1000 (default 100).
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn policy_violations(
        &self,
        ctx: &Context<'_>,
        filter: Option<PolicyViolationFilter>,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<PolicyViolationList> {
        can_read(ctx)?;
        let f = filter.unwrap_or_default();
        let filter = weft_store::policy_violations::ViolationFilter {
            policy: f.policy,
            severity: f.severity,
            owner: f.owner,
            namespace: f.namespace,
            ..Default::default()
        };
        let page = weft_query::policy::violations(
            &state(ctx).store,
            &filter,
            first.map(i64::from),
            offset.map(i64::from),
        )
        .await
        .map_err(query_error)?;
        Ok(page.into())
    }

    /// The policies in force, the files that do not load and the policies whose
    /// evaluation failed.
    async fn policies(&self, ctx: &Context<'_>) -> Result<Policies> {
        can_read(ctx)?;
        Ok(weft_query::policy::policies(&state(ctx).policies).into())
    }

    /// Every namespace, by name.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn namespaces(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Namespace>> {
        can_read(ctx)?;
        let (offset, limit) = page_args(ctx, first, after)?;
        let v = state(ctx)
            .store
            .list_namespaces(store_page(offset, limit))
            .await
            .map_err(store_error)?;
        Ok(page_of_listing(v, offset, Namespace::from))
    }

    /// Lineage from any node (`dataset:NS:NAME` or `datasetField:NS:NAME:FIELD`).
    /// `maxChildren` caps the children kept per node (the most used first; null: 100),
    /// the rest counted in `hiddenChildren`.
    #[graphql(complexity = "crate::graphql::types::traversal_cost(depth, child_complexity)")]
    async fn lineage(
        &self,
        ctx: &Context<'_>,
        node_id: String,
        direction: LineageDirection,
        #[graphql(default = 1)] depth: i32,
        max_children: Option<i32>,
    ) -> Result<LineageGraph> {
        can_read(ctx)?;
        let cap = children_cap(max_children)?;
        let d = match direction {
            LineageDirection::Upstream => Direction::Upstream,
            LineageDirection::Downstream => Direction::Downstream,
        };
        traverse(ctx, node_id, depth, d, cap).await
    }

    /// Everything downstream of a node, with owners and tiers.
    #[graphql(complexity = "crate::graphql::types::impact_cost(child_complexity)")]
    async fn impact(&self, ctx: &Context<'_>, node_id: String) -> Result<Impact> {
        can_read(ctx)?;
        impact_of(ctx, &node_id).await
    }

    /// Tags at columns awaiting review (or past it), filtered by the dataset's owner
    /// (`owner`, or `unowned: true`), dataset name, tag prefix and status.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn pii_review_queue(
        &self,
        ctx: &Context<'_>,
        owner: Option<String>,
        #[graphql(default = false)] unowned: bool,
        tag: Option<String>,
        #[graphql(
            desc = "Only datasets whose `namespace:name` contains this text (case-insensitive)."
        )]
        dataset: Option<String>,
        #[graphql(default_with = "ReviewStatus::Proposed")] status: ReviewStatus,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<ReviewItem>> {
        can_read(ctx)?;
        let (offset, limit) = page_args(ctx, first, after)?;
        let request = QueueRequest {
            owner,
            unowned,
            tag,
            dataset,
            status: match status {
                ReviewStatus::Proposed => Some(TagStatus::Proposed),
                ReviewStatus::Confirmed => Some(TagStatus::Confirmed),
                ReviewStatus::Rejected => Some(TagStatus::Rejected),
                ReviewStatus::Any => None,
            },
            limit: Some(limit),
            offset: Some(offset),
        };
        let s = state(ctx);
        let found = weft_query::review::queue(&s.store, &s.graph, &request)
            .await
            .map_err(query_error)?;
        let items = found
            .items
            .into_iter()
            .map(|item| ReviewItem { item })
            .collect();
        Ok(page_of(items, offset, found.total as i64))
    }

    /// The change log after `since` (a sequence number; 0 for the beginning), oldest
    /// first, optionally only one kind, one namespace, and entities starting with
    /// `entityPrefix` (`dataset:postgres://db:5432:shop.`, compared exactly, as the
    /// subscription's filter does). Each edge's cursor is its sequence number, so
    /// `after` resumes a feed.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 0)] since: i64,
        kind: Option<String>,
        namespace: Option<String>,
        entity_prefix: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ChangePage> {
        can_read(ctx)?;
        let (_, limit) = page_args(ctx, first, None)?;
        let from = match after {
            Some(a) => seq_cursor(&a)?,
            None => since,
        };
        let payloads = wants_payloads(ctx);
        let filter = FeedFilter {
            kind: kind.as_deref(),
            namespace: namespace.as_deref(),
            entity_prefix: entity_prefix.as_deref().filter(|p| !p.is_empty()),
        };
        let entries = state(ctx)
            .store
            .changes_where(from, limit as i64 + 1, filter, payloads)
            .await
            .map_err(store_error)?;
        change_page(ctx, entries, limit, from > 0, payloads).await
    }
}

/// A column by names, when the dataset and column exist.
pub(crate) async fn column_named(
    ctx: &Context<'_>,
    namespace: &str,
    dataset: &str,
    name: &str,
) -> Result<Option<Column>> {
    let Some(id) = super::types::dataset_id(ctx, namespace, dataset).await? else {
        return Ok(None);
    };
    let cols = super::types::loaders(ctx)?
        .columns
        .load_one(id)
        .await
        .map_err(load_error)?
        .unwrap_or_default();
    Ok(cols
        .into_iter()
        .find(|c| c.name == name)
        .map(|row| Column { row }))
}

/// One page of datasets matching `f`: two statements (the page's ids, the count).
pub(crate) async fn list_datasets(
    ctx: &Context<'_>,
    f: DatasetFilter,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Page<Dataset>> {
    let (offset, limit) = page_args(ctx, first, after)?;
    let filter = weft_store::batch::DatasetFilter {
        namespace: f.namespace,
        tag: f.tag,
        owner: f.owner,
        name_contains: f.name_contains,
        include_deleted: f.include_deleted,
    };
    let (ids, total) = state(ctx)
        .store
        .filter_datasets(&filter, offset as i64, limit as i64)
        .await
        .map_err(store_error)?;
    let items: Vec<Dataset> = ids.iter().map(|&id| Dataset { id }).collect();
    prime(ctx, &ids, None).await?;
    Ok(page_of(items, offset, total))
}

/// Loads what the page's selection will ask of its datasets (its nodes, or with `under`
/// a field of its nodes: a search hit's `dataset`), one batch per loader, into
/// the request's cache. Left to the items, the same loads arrive one resolver at a time
/// and a batch window may close before the last one (a busy server, 30 columns a
/// dataset each asking for their curated descriptions): the page would cost a
/// statement per window, growing with its size. Primed, every item's load is a hit.
pub(crate) async fn prime(ctx: &Context<'_>, ids: &[i64], under: Option<&str>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let look = ctx.look_ahead();
    let nodes = match under {
        None => [look.field("edges").field("node"), look.field("nodes")],
        Some(f) => [
            look.field("edges").field("node").field(f),
            look.field("nodes").field(f),
        ],
    };
    let selects = |path: &[&str]| {
        nodes.iter().any(|n| {
            let mut f = n.field(path[0]);
            for p in &path[1..] {
                f = f.field(p);
            }
            f.exists()
        })
    };
    if !nodes.iter().any(|n| n.exists()) {
        return Ok(());
    }
    let l = super::types::loaders(ctx)?;
    let column_descriptions = selects(&["columns", "edges", "node", "description"])
        || selects(&["columns", "nodes", "description"])
        || selects(&["column", "description"]);
    type Load<'a> = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), super::loaders::LoadError>> + Send + 'a>,
    >;
    let ids = ids.to_vec();
    // The row always; the rest as selected. All batches go out together.
    let mut loads: Vec<Load<'_>> = vec![Box::pin(async {
        l.datasets.load_many(ids.clone()).await.map(|_| ())
    })];
    if selects(&["description"]) || selects(&["deprecation"]) || column_descriptions {
        loads.push(Box::pin(async {
            l.curations.load_many(ids.clone()).await.map(|_| ())
        }));
    }
    if selects(&["owners"]) {
        loads.push(Box::pin(async {
            l.owners.load_many(ids.clone()).await.map(|_| ())
        }));
    }
    if selects(&["tags"]) || selects(&["tier"]) {
        loads.push(Box::pin(async {
            l.tags.load_many(ids.clone()).await.map(|_| ())
        }));
    }
    if selects(&["columns"])
        || selects(&["column"])
        || selects(&["downstream"])
        || selects(&["upstream"])
        || selects(&["piiTags"])
    {
        loads.push(Box::pin(async {
            l.columns.load_many(ids.clone()).await.map(|_| ())
        }));
    }
    if selects(&["facets"]) || selects(&["facet"]) {
        loads.push(Box::pin(async {
            l.facets.load_many(ids.clone()).await.map(|_| ())
        }));
    }
    if selects(&["lastModifiedAt"]) {
        loads.push(Box::pin(async {
            l.last_writes.load_many(ids.clone()).await.map(|_| ())
        }));
    }
    if selects(&["jobs"]) {
        loads.push(Box::pin(async {
            l.job_io.load_many(ids.clone()).await.map(|_| ())
        }));
    }
    futures_util::future::try_join_all(loads)
        .await
        .map_err(load_error)?;
    Ok(())
}
