//! The object types: datasets, columns and their tags, jobs, runs, namespaces, lineage,
//! usage, changes, search hits.
//!
//! Datasets and columns resolve field by field through the request's DataLoaders (a
//! page of datasets costs one statement per kind of field, not per dataset). Graph
//! answers (lineage, impact, tag explanations, the review queue) are the REST layer's
//! own, decoded into typed objects, so both APIs say the same thing.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{
    ComplexObject, Context, Enum, ID, Json, Object, OutputType, Result, SimpleObject,
};
use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::Value;
use weft_lineage::graph::{ColumnRef, Direction};

use super::loaders::{ColumnRow, DatasetRow, Loaders};
use super::{GraphqlConfig, api_error, bad_input, load_error, store_error};
use crate::api::AppState;
use crate::api::graph::{TraverseParams, tag_json};
use crate::store::edits::Curated;

/// Page size when `first` is not given.
const DEFAULT_PAGE: usize = 20;

/// The server's state, always in the schema's data.
pub(crate) fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

/// The request's loaders.
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders> {
    ctx.data::<Loaders>()
}

/// Microseconds as a `DateTime`.
pub(crate) fn time(micros: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_micros(micros).single()
}

/// RFC 3339 text (as the REST layer renders times) back to a `DateTime`.
fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// The complexity of a connection field: its page size times its selection.
pub(crate) fn page_cost(first: Option<i32>, child: usize) -> usize {
    let n = first.map_or(DEFAULT_PAGE, |f| f.max(0) as usize);
    n.saturating_mul(child).saturating_add(1)
}

/// Decodes `first`/`after` into (offset, limit), refusing pages larger than allowed.
pub(crate) fn page_args(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<(usize, usize)> {
    let max = ctx
        .data::<GraphqlConfig>()
        .map(|c| c.max_page_size)
        .unwrap_or(100);
    let limit = match first {
        None => DEFAULT_PAGE.min(max),
        Some(f) if f < 0 => return Err(bad_input("first", "first must not be negative")),
        Some(f) if f as usize > max => {
            return Err(bad_input("first", format!("first must be at most {max}")));
        }
        Some(f) => f as usize,
    };
    let offset = match after {
        None => 0,
        Some(c) => {
            c.parse::<usize>()
                .map_err(|_| bad_input("after", "after is not a cursor this API returned"))?
                + 1
        }
    };
    Ok((offset, limit))
}

/// The total of a list, beside its page.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct ListInfo {
    /// How many items the list holds in all.
    pub total_count: i64,
}

/// A Relay connection over an offset-paged list.
pub type Page<T> = Connection<String, T, ListInfo, EmptyFields>;

/// Builds a connection from one page of items.
pub(crate) fn page_of<T: OutputType>(items: Vec<T>, offset: usize, total: i64) -> Page<T> {
    let more = (offset + items.len()) < total.max(0) as usize;
    let mut c =
        Connection::with_additional_fields(offset > 0, more, ListInfo { total_count: total });
    c.edges.extend(
        items
            .into_iter()
            .enumerate()
            .map(|(i, n)| Edge::new((offset + i).to_string(), n)),
    );
    c
}

/// A person or team responsible for a dataset.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct Owner {
    /// `user:alice`, `team:data-eng`.
    pub name: String,
    /// `MAINTAINER`, `DATA_STEWARD`… when given.
    #[serde(rename = "type")]
    #[graphql(name = "type")]
    pub owner_type: Option<String>,
}

/// A tag stored on a dataset or column: declared by a producer or added by hand.
#[derive(SimpleObject, Debug, Clone)]
pub struct Tag {
    /// The key (`pii.email`, `tier`).
    pub key: String,
    /// Its value, if any.
    pub value: Option<String>,
    /// Who assigned it.
    pub source: Option<String>,
    /// `declared` (a producer) or `manual` (a person).
    pub origin: String,
}

/// A dataset marked deprecated.
#[derive(SimpleObject, Debug, Clone)]
pub struct Deprecation {
    /// Why, and what to use instead.
    pub note: Option<String>,
    /// Who deprecated it.
    pub by: String,
    /// When.
    pub at: Option<DateTime<Utc>>,
}

/// A dataset: table, view, file, topic.
pub struct Dataset {
    /// Store id.
    pub id: i64,
}

impl Dataset {
    async fn row(&self, ctx: &Context<'_>) -> Result<DatasetRow> {
        loaders(ctx)?
            .datasets
            .load_one(self.id)
            .await
            .map_err(load_error)?
            .ok_or_else(|| api_error(crate::api::error::ApiError::not_found("dataset not found")))
    }

    async fn curated(&self, ctx: &Context<'_>) -> Result<Curated> {
        Ok(loaders(ctx)?
            .curations
            .load_one(self.id)
            .await
            .map_err(load_error)?
            .unwrap_or_default())
    }

    async fn tag_rows(&self, ctx: &Context<'_>) -> Result<Vec<super::loaders::TagRow>> {
        Ok(loaders(ctx)?
            .tags
            .load_one(self.id)
            .await
            .map_err(load_error)?
            .unwrap_or_default())
    }

    async fn columns_loaded(&self, ctx: &Context<'_>) -> Result<Vec<ColumnRow>> {
        Ok(loaders(ctx)?
            .columns
            .load_one(self.id)
            .await
            .map_err(load_error)?
            .unwrap_or_default())
    }

    async fn node_id(&self, ctx: &Context<'_>) -> Result<String> {
        let r = self.row(ctx).await?;
        Ok(format!("dataset:{}:{}", r.namespace, r.name))
    }
}

#[Object]
impl Dataset {
    /// `dataset:NAMESPACE:NAME`, the node id the REST lineage endpoints take.
    async fn id(&self, ctx: &Context<'_>) -> Result<ID> {
        Ok(ID(self.node_id(ctx).await?))
    }

    /// The namespace (`postgres://db:5432`).
    async fn namespace(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.row(ctx).await?.namespace)
    }

    /// The name within its namespace (`shop.public.orders`).
    async fn name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.row(ctx).await?.name)
    }

    /// `DB_TABLE`, `VIEW`, …
    #[graphql(name = "type")]
    async fn kind(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.row(ctx).await?.kind)
    }

    /// The platform, from the namespace's scheme (`postgres`, `s3`).
    async fn platform(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let r = self.row(ctx).await?;
        Ok(r.namespace.split_once("://").map(|(s, _)| s.to_owned()))
    }

    /// The description: an owner's, else the producer's.
    async fn description(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let c = self.curated(ctx).await?;
        match c.description("") {
            Some(d) => Ok(Some(d.to_owned())),
            None => Ok(self.row(ctx).await?.description),
        }
    }

    /// Set when someone deprecated the dataset.
    async fn deprecation(&self, ctx: &Context<'_>) -> Result<Option<Deprecation>> {
        Ok(self.curated(ctx).await?.deprecation().map(|d| Deprecation {
            note: d.note,
            by: d.actor,
            at: time(d.at),
        }))
    }

    /// Whether the source dropped it (its history stays).
    async fn deleted(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.row(ctx).await?.lifecycle.as_deref() == Some("DROP"))
    }

    /// The last lifecycle change a producer reported (`CREATE`, `ALTER`, `DROP`…).
    async fn lifecycle_state(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.row(ctx).await?.lifecycle)
    }

    /// First seen.
    async fn created_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>> {
        Ok(time(self.row(ctx).await?.created_at))
    }

    /// Last changed in the catalog.
    async fn updated_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>> {
        Ok(time(self.row(ctx).await?.updated_at))
    }

    /// When a completed run last wrote it: its freshness.
    async fn last_modified_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>> {
        let at = loaders(ctx)?
            .last_writes
            .load_one(self.id)
            .await
            .map_err(load_error)?;
        Ok(at.flatten().and_then(time))
    }

    /// The current schema version (0 before any schema was seen).
    async fn current_version(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(self.row(ctx).await?.version)
    }

    /// Owners: those set by hand, else the producer's.
    async fn owners(&self, ctx: &Context<'_>) -> Result<Vec<Owner>> {
        let owners = loaders(ctx)?
            .owners
            .load_one(self.id)
            .await
            .map_err(load_error)?
            .unwrap_or_default();
        Ok(owners
            .into_iter()
            .map(|o| Owner {
                name: o.name,
                owner_type: o.owner_type,
            })
            .collect())
    }

    /// The tier (`gold`), from a `tier` tag; one set by hand wins.
    async fn tier(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let mut tier = None;
        let mut manual = false;
        for t in self.tag_rows(ctx).await? {
            if !t.column.is_empty() {
                continue;
            }
            let key = t.key.to_lowercase();
            let value = match key.strip_prefix("tier.") {
                Some(rest) => Some(rest.to_owned()),
                None if key == "tier" => t.value.clone().map(|v| v.to_lowercase()),
                None => None,
            };
            let is_manual = t.origin == crate::store::edits::MANUAL;
            if let Some(v) = value.filter(|v| !v.is_empty())
                && (tier.is_none() || (is_manual && !manual))
            {
                tier = Some(v);
                manual = is_manual;
            }
        }
        Ok(tier)
    }

    /// Tags on the dataset itself (column tags are on each column).
    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<Tag>> {
        Ok(self
            .tag_rows(ctx)
            .await?
            .into_iter()
            .filter(|t| t.column.is_empty())
            .map(|t| Tag {
                key: t.key,
                value: t.value,
                source: t.source,
                origin: t.origin,
            })
            .collect())
    }

    /// The current columns, in schema order.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn columns(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Column>> {
        let (offset, limit) = page_args(ctx, first, after)?;
        let all = self.columns_loaded(ctx).await?;
        let total = all.len() as i64;
        let items = all
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|row| Column { row })
            .collect();
        Ok(page_of(items, offset, total))
    }

    /// One current column by name.
    async fn column(&self, ctx: &Context<'_>, name: String) -> Result<Option<Column>> {
        Ok(self
            .columns_loaded(ctx)
            .await?
            .into_iter()
            .find(|c| c.name == name)
            .map(|row| Column { row }))
    }

    /// Schema versions, newest first.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn versions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<SchemaVersion>> {
        let (offset, limit) = page_args(ctx, first, after)?;
        let r = self.row(ctx).await?;
        let v = state(ctx)
            .store
            .dataset_versions(
                &r.namespace,
                &r.name,
                crate::store::read::Page {
                    limit: limit as i64,
                    offset: offset as i64,
                },
            )
            .await
            .map_err(store_error)?
            .unwrap_or_default();
        let total = v["totalCount"].as_i64().unwrap_or(0);
        let items = v["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| SchemaVersion {
                version: x["version"].as_i64().unwrap_or(0),
                created_at: parse_time(&x["createdAt"]),
                fields: serde_json::from_value(x["fields"].clone()).unwrap_or_default(),
                created_by_run: x["createdByRun"]["id"].as_str().map(str::to_owned),
            })
            .collect();
        Ok(page_of(items, offset, total))
    }

    /// Every facet as its producer sent it, by name (unknown facets included).
    async fn facets(&self, ctx: &Context<'_>) -> Result<Json<Value>> {
        Ok(Json(facets_of(ctx, self.id).await?))
    }

    /// One facet by name, as its producer sent it.
    async fn facet(&self, ctx: &Context<'_>, name: String) -> Result<Option<Json<Value>>> {
        let all = facets_of(ctx, self.id).await?;
        Ok(all.get(&name).cloned().map(Json))
    }

    /// Reads and writes counted from query logs over the last `days` days.
    async fn usage(&self, ctx: &Context<'_>, #[graphql(default = 30)] days: i32) -> Result<Usage> {
        usage_of(ctx, self.id, days).await
    }

    /// What it is built from, `depth` levels up; `columnLevel` traverses each column.
    async fn upstream(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] depth: i32,
        #[graphql(default = false)] column_level: bool,
    ) -> Result<LineageGraph> {
        self.lineage(ctx, depth, column_level, Direction::Upstream)
            .await
    }

    /// What is built from it, `depth` levels down; `columnLevel` traverses each column.
    async fn downstream(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] depth: i32,
        #[graphql(default = false)] column_level: bool,
    ) -> Result<LineageGraph> {
        self.lineage(ctx, depth, column_level, Direction::Downstream)
            .await
    }

    /// Everything downstream, with owners and tiers: who to tell before changing it.
    async fn impact(&self, ctx: &Context<'_>) -> Result<Impact> {
        let id = self.node_id(ctx).await?;
        impact_of(ctx, &id).await
    }
}

impl Dataset {
    async fn lineage(
        &self,
        ctx: &Context<'_>,
        depth: i32,
        column_level: bool,
        direction: Direction,
    ) -> Result<LineageGraph> {
        let r = self.row(ctx).await?;
        if !column_level {
            return traverse(
                ctx,
                format!("dataset:{}:{}", r.namespace, r.name),
                depth,
                direction,
            )
            .await;
        }
        let mut merged = LineageGraph {
            direction: if direction == Direction::Upstream {
                "upstream"
            } else {
                "downstream"
            }
            .to_owned(),
            ..LineageGraph::default()
        };
        for c in self.columns_loaded(ctx).await? {
            let g = traverse(
                ctx,
                format!("datasetField:{}:{}:{}", r.namespace, r.name, c.name),
                depth,
                direction,
            )
            .await?;
            merged.merge(g);
        }
        Ok(merged)
    }
}

async fn facets_of(ctx: &Context<'_>, id: i64) -> Result<Value> {
    use sqlx::Row;
    let rows = state(ctx)
        .store
        .rows(
            "SELECT key, value FROM dataset_facets WHERE dataset_id = ? ORDER BY key",
            vec![id.into()],
        )
        .await
        .map_err(store_error)?;
    let mut map = serde_json::Map::new();
    for r in rows {
        let key: String = r.try_get(0).map_err(|e| store_error(e.into()))?;
        let text: String = r.try_get(1).map_err(|e| store_error(e.into()))?;
        map.insert(key, serde_json::from_str(&text).unwrap_or(Value::Null));
    }
    Ok(Value::Object(map))
}

/// A column of a dataset's current schema.
pub struct Column {
    /// Its row.
    pub row: ColumnRow,
}

impl Column {
    async fn dataset_row(&self, ctx: &Context<'_>) -> Result<DatasetRow> {
        Dataset {
            id: self.row.dataset_id,
        }
        .row(ctx)
        .await
    }

    async fn node_id(&self, ctx: &Context<'_>) -> Result<String> {
        let d = self.dataset_row(ctx).await?;
        Ok(format!(
            "datasetField:{}:{}:{}",
            d.namespace, d.name, self.row.name
        ))
    }
}

#[Object]
impl Column {
    /// `datasetField:NAMESPACE:NAME:FIELD`.
    async fn id(&self, ctx: &Context<'_>) -> Result<ID> {
        Ok(ID(self.node_id(ctx).await?))
    }

    /// The field name (dotted for nested fields: `address.city`).
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// The type as the producer names it.
    #[graphql(name = "type")]
    async fn data_type(&self) -> Option<&str> {
        self.row.data_type.as_deref()
    }

    /// The description: an owner's, else the producer's.
    async fn description(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let c = Dataset {
            id: self.row.dataset_id,
        }
        .curated(ctx)
        .await?;
        Ok(c.description(&self.row.name)
            .map(str::to_owned)
            .or_else(|| self.row.description.clone()))
    }

    /// Position in the schema, from 0.
    async fn ordinal(&self) -> i64 {
        self.row.ordinal
    }

    /// The dataset it belongs to.
    async fn dataset(&self) -> Dataset {
        Dataset {
            id: self.row.dataset_id,
        }
    }

    /// Its tags with status and origin: declared, detected, added by hand, or
    /// propagated along lineage (rejected ones included, marked so).
    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<ColumnTag>> {
        let s = state(ctx);
        let cat = s.graph.read().map_err(|e| api_error(e.into()))?;
        let c = ColumnRef::new(self.row.dataset_id, &self.row.name);
        let tags = cat.graph.tags_of(&c).unwrap_or_default();
        Ok(tags
            .iter()
            .filter_map(|t| serde_json::from_value::<ColumnTagData>(tag_json(t)).ok())
            .map(|data| ColumnTag {
                data,
                column: self.row.clone(),
            })
            .collect())
    }

    /// Reads and writes of this column counted from query logs over the last `days` days.
    async fn usage(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 30)] days: i32,
    ) -> Result<ColumnUsage> {
        let u = usage_of(ctx, self.row.dataset_id, days).await?;
        Ok(u.columns
            .into_iter()
            .find(|c| c.name == self.row.name)
            .unwrap_or(ColumnUsage {
                name: self.row.name.clone(),
                reads: 0,
                writes: 0,
                users: 0,
            }))
    }

    /// The columns it is computed from, `depth` levels up.
    async fn upstream(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] depth: i32,
    ) -> Result<LineageGraph> {
        traverse(ctx, self.node_id(ctx).await?, depth, Direction::Upstream).await
    }

    /// The columns computed from it, `depth` levels down.
    async fn downstream(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] depth: i32,
    ) -> Result<LineageGraph> {
        traverse(ctx, self.node_id(ctx).await?, depth, Direction::Downstream).await
    }

    /// Everything downstream of the column.
    async fn impact(&self, ctx: &Context<'_>) -> Result<Impact> {
        impact_of(ctx, &self.node_id(ctx).await?).await
    }
}

/// A tag on a column as the lineage graph holds it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnTagData {
    tag: String,
    status: String,
    origin: String,
    declared: bool,
    manual: bool,
    detected_by: Option<String>,
    propagated: bool,
}

/// A tag on a column, with where it comes from and why.
pub struct ColumnTag {
    data: ColumnTagData,
    column: ColumnRow,
}

#[Object]
impl ColumnTag {
    /// The key (`pii.email`).
    async fn key(&self) -> &str {
        &self.data.tag
    }

    /// `proposed`, `confirmed` or `rejected`.
    async fn status(&self) -> &str {
        &self.data.status
    }

    /// `declared`, `manual`, `detected`, `propagated` or `reviewed`.
    async fn origin(&self) -> &str {
        &self.data.origin
    }

    /// Declared by a producer.
    async fn declared(&self) -> bool {
        self.data.declared
    }

    /// Added by hand.
    async fn manual(&self) -> bool {
        self.data.manual
    }

    /// The detection rule that proposed it.
    async fn detected_by(&self) -> Option<&str> {
        self.data.detected_by.as_deref()
    }

    /// Reached along lineage from another column.
    async fn propagated(&self) -> bool {
        self.data.propagated
    }

    /// Why the column carries the tag: up to `paths` lineage paths from where it
    /// starts, each hop with the rule that carried it, and the latest review.
    async fn explanation(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5)] paths: i32,
    ) -> Result<TagExplanation> {
        let d = Dataset {
            id: self.column.dataset_id,
        }
        .row(ctx)
        .await?;
        let node = format!(
            "datasetField:{}:{}:{}",
            d.namespace, d.name, self.column.name
        );
        let v = crate::api::graph::tags_explained(state(ctx), Some(&node), paths.max(0) as usize)
            .await
            .map_err(api_error)?
            .0;
        let entry = v["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["tag"] == self.data.tag.as_str())
            .cloned()
            .unwrap_or(Value::Null);
        Ok(TagExplanation {
            total_paths: entry["totalPaths"].as_i64().unwrap_or(0),
            paths: serde_json::from_value(entry["paths"].clone()).unwrap_or_default(),
            review: serde_json::from_value(entry["review"].clone()).ok(),
        })
    }
}

/// Why a column carries a tag.
#[derive(SimpleObject, Debug, Clone)]
pub struct TagExplanation {
    /// Paths in all (only the first few are listed).
    pub total_paths: i64,
    /// Paths from the tag's source to this column.
    pub paths: Vec<ExplanationPath>,
    /// The latest review decision on the tag here.
    pub review: Option<Review>,
}

/// A review decision.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct Review {
    /// Who decided.
    pub reviewer: String,
    /// Why.
    pub reason: Option<String>,
    /// When (RFC 3339).
    pub at: Option<String>,
    /// Its change-log entry.
    pub seq: i64,
}

/// One path a tag took.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExplanationPath {
    /// The column where the path starts.
    pub start: String,
    /// The tag there.
    pub start_tag: String,
    /// How it got there: declared, manual, detected (with the rule), confirmed.
    pub source: Vec<TagSourceInfo>,
    /// The hops, upstream first.
    pub hops: Vec<Hop>,
}

/// Where a tag path starts.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct TagSourceInfo {
    /// `declared`, `manual`, `detected`, `confirmed`.
    pub kind: String,
    /// The detection rule, for `detected`.
    pub rule: Option<String>,
}

/// One hop of a tag path.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    /// Upstream column id.
    pub from: String,
    /// Downstream column id.
    pub to: String,
    /// `openlineage`, `sql`, …
    pub origin: String,
    /// The job behind the edge.
    pub job: Option<JobRef>,
    /// The tag upstream.
    pub tag_in: String,
    /// The tag downstream (a hash of an email is `pii.email.hashed`).
    pub tag_out: String,
    /// The rule that carried it (`identity`, `masking`, …).
    pub rule: String,
    /// The rule in words.
    pub why: String,
}

/// A job by name.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct JobRef {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// One schema version.
#[derive(SimpleObject, Debug, Clone)]
pub struct SchemaVersion {
    /// 1, 2, …
    pub version: i64,
    /// When it was first seen.
    pub created_at: Option<DateTime<Utc>>,
    /// Its fields.
    pub fields: Vec<SchemaField>,
    /// The run that produced it, if a run did.
    pub created_by_run: Option<String>,
}

/// A field of a schema version.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct SchemaField {
    /// Name.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    #[graphql(name = "type")]
    pub data_type: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// A lineage subgraph.
#[derive(SimpleObject, Debug, Clone, Default, Deserialize)]
pub struct LineageGraph {
    /// `upstream` or `downstream`.
    pub direction: String,
    /// Datasets and columns reached, with their depth.
    pub nodes: Vec<LineageNode>,
    /// Edges between them.
    pub edges: Vec<LineageEdge>,
    /// Whether a node or child cap cut the traversal.
    pub truncated: bool,
}

impl LineageGraph {
    fn merge(&mut self, other: LineageGraph) {
        let mut seen: std::collections::HashSet<String> =
            self.nodes.iter().map(|n| n.id.clone()).collect();
        for n in other.nodes {
            if seen.insert(n.id.clone()) {
                self.nodes.push(n);
            }
        }
        let mut edges: std::collections::HashSet<(String, String, String)> = self
            .edges
            .iter()
            .map(|e| (e.src.clone(), e.dst.clone(), e.origin.clone()))
            .collect();
        for e in other.edges {
            if edges.insert((e.src.clone(), e.dst.clone(), e.origin.clone())) {
                self.edges.push(e);
            }
        }
        self.truncated |= other.truncated;
    }
}

/// A node of a lineage subgraph.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineageNode {
    /// `dataset:…` or `datasetField:…`.
    pub id: String,
    /// `DATASET` or `DATASET_FIELD`.
    #[serde(rename = "type")]
    #[graphql(name = "type")]
    pub kind: String,
    /// Namespace.
    pub namespace: Option<String>,
    /// Dataset name.
    #[serde(alias = "dataset")]
    pub name: Option<String>,
    /// Column, for a column node.
    pub field: Option<String>,
    /// Hops from the start.
    pub depth: i64,
    /// For a dataset node, whether any column lineage reaches it; null for a column node.
    // The REST projection sends null for column nodes: a `bool` failed every
    // column-level traversal.
    #[serde(default)]
    pub has_column_lineage: Option<bool>,
    /// Children left out by the per-node cap.
    #[serde(default)]
    pub hidden_children: i64,
}

/// An edge of a lineage subgraph.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineageEdge {
    /// Upstream node id.
    pub src: String,
    /// Downstream node id.
    pub dst: String,
    /// `column`, `columnToDataset` or `dataset`.
    pub level: String,
    /// `openlineage`, `sql`, `manual`…
    pub origin: String,
    /// The job that makes it.
    pub job: Option<JobRef>,
    /// OpenLineage transformations.
    pub transformations: Vec<Transformation>,
    /// Column edges behind a dataset edge.
    #[serde(default)]
    pub supporting_edges: i64,
    /// Whether no producer stated it lately.
    #[serde(default)]
    pub stale: bool,
}

/// An OpenLineage column transformation.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct Transformation {
    /// `DIRECT` or `INDIRECT`.
    #[serde(rename = "type")]
    #[graphql(name = "type")]
    pub kind: String,
    /// `IDENTITY`, `AGGREGATION`, `FILTER`, …
    pub subtype: String,
    /// Free text.
    pub description: Option<String>,
    /// Whether it masks the value.
    #[serde(default)]
    pub masking: bool,
}

/// Everything downstream of a node, as computed.
#[derive(Debug, Clone, Deserialize)]
pub struct Impact {
    node: String,
    datasets: Vec<ImpactedDataset>,
    columns: Vec<ColumnName>,
}

/// Everything downstream of a node: who to tell before changing it.
#[Object]
impl Impact {
    /// The start.
    async fn node(&self) -> &str {
        &self.node
    }

    /// Downstream datasets with owners and tier.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn datasets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<ImpactedDataset>> {
        page_slice(ctx, &self.datasets, first, after)
    }

    /// Downstream columns.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn columns(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<ColumnName>> {
        page_slice(ctx, &self.columns, first, after)
    }
}

/// One page of a list already in memory.
fn page_slice<T: OutputType + Clone>(
    ctx: &Context<'_>,
    all: &[T],
    first: Option<i32>,
    after: Option<String>,
) -> Result<Page<T>> {
    let (offset, limit) = page_args(ctx, first, after)?;
    let items = all.iter().skip(offset).take(limit).cloned().collect();
    Ok(page_of(items, offset, all.len() as i64))
}

/// A downstream dataset.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct ImpactedDataset {
    /// Node id.
    pub id: String,
    /// Namespace.
    pub namespace: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Owners.
    pub owners: Vec<Owner>,
    /// Tier.
    pub tier: Option<String>,
}

/// A column by name.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct ColumnName {
    /// Node id.
    pub id: String,
    /// Namespace.
    pub namespace: String,
    /// Dataset.
    pub dataset: String,
    /// Column.
    pub field: String,
}

pub(crate) async fn traverse(
    ctx: &Context<'_>,
    node: String,
    depth: i32,
    direction: Direction,
) -> Result<LineageGraph> {
    if !(0..=50).contains(&depth) {
        return Err(bad_input("depth", "depth must be between 0 and 50"));
    }
    let p = TraverseParams {
        node_id: Some(node),
        depth: Some(depth as u32),
        ..TraverseParams::default()
    };
    let v = crate::api::graph::traverse(state(ctx).clone(), p, direction)
        .await
        .map_err(api_error)?
        .0;
    serde_json::from_value(v).map_err(load_error)
}

pub(crate) async fn impact_of(ctx: &Context<'_>, node: &str) -> Result<Impact> {
    let v = crate::api::graph::impact_of(state(ctx), Some(node))
        .await
        .map_err(api_error)?
        .0;
    serde_json::from_value(v).map_err(load_error)
}

/// Usage counted from query logs.
#[derive(SimpleObject, Debug, Clone)]
pub struct Usage {
    /// First day counted (`YYYY-MM-DD`).
    pub since: String,
    /// Executions that read it.
    pub reads: i64,
    /// Executions that wrote it.
    pub writes: i64,
    /// Distinct users.
    pub users: i64,
    /// Reads weighted by recency (half-life 14 days): what search ranks by.
    pub decayed_reads: f64,
    /// The last day with a read.
    pub last_read: Option<String>,
    /// Per day, oldest first.
    pub days: Vec<DayUsage>,
    /// Per column.
    pub columns: Vec<ColumnUsage>,
}

/// One day's usage.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct DayUsage {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Reads.
    pub reads: i64,
    /// Writes.
    pub writes: i64,
    /// Distinct users.
    pub users: i64,
    /// Distinct statements.
    pub queries: i64,
}

/// A column's usage.
#[derive(SimpleObject, Debug, Clone)]
pub struct ColumnUsage {
    /// The column.
    pub name: String,
    /// Reads.
    pub reads: i64,
    /// Writes.
    pub writes: i64,
    /// Distinct users.
    pub users: i64,
}

async fn usage_of(ctx: &Context<'_>, id: i64, days: i32) -> Result<Usage> {
    if !(1..=3650).contains(&days) {
        return Err(bad_input("days", "days must be between 1 and 3650"));
    }
    let store = &state(ctx).store;
    let today = Utc::now().date_naive();
    let since = (today - chrono::Duration::days(i64::from(days) - 1))
        .format("%Y-%m-%d")
        .to_string();
    let per_day = store
        .usage_days(id, "", &since)
        .await
        .map_err(store_error)?;
    let columns = store.column_usage(id, &since).await.map_err(store_error)?;
    let totals = store
        .usage_totals(&[id], &since, today, 14.0)
        .await
        .map_err(store_error)?
        .remove(&id)
        .unwrap_or_default();
    Ok(Usage {
        since,
        reads: totals.reads,
        writes: totals.writes,
        users: totals.users,
        decayed_reads: totals.decayed_reads,
        last_read: totals.last_read,
        days: per_day
            .into_iter()
            .map(|d| DayUsage {
                day: d.day,
                reads: d.reads,
                writes: d.writes,
                users: d.users,
                queries: d.queries,
            })
            .collect(),
        columns: columns
            .into_iter()
            .map(|(name, reads, writes, users)| ColumnUsage {
                name,
                reads,
                writes,
                users,
            })
            .collect(),
    })
}

/// A job: what runs and what it reads and writes.
pub struct Job {
    /// The REST layer's projection of the job.
    pub v: Value,
}

fn text(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

#[Object]
impl Job {
    /// `job:NAMESPACE:NAME`.
    async fn id(&self) -> ID {
        ID(format!(
            "job:{}:{}",
            text(&self.v, "namespace").unwrap_or_default(),
            text(&self.v, "name").unwrap_or_default()
        ))
    }

    /// Namespace.
    async fn namespace(&self) -> Option<String> {
        text(&self.v, "namespace")
    }

    /// Name.
    async fn name(&self) -> Option<String> {
        text(&self.v, "name")
    }

    /// `BATCH`, `STREAMING`…
    #[graphql(name = "type")]
    async fn kind(&self) -> Option<String> {
        text(&self.v, "type")
    }

    /// Description.
    async fn description(&self) -> Option<String> {
        text(&self.v, "description")
    }

    /// Its SQL, when a producer sent it.
    async fn sql(&self) -> Option<String> {
        text(&self.v, "sql")
    }

    /// Source code location.
    async fn location(&self) -> Option<String> {
        text(&self.v, "location")
    }

    /// First seen.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["createdAt"])
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["updatedAt"])
    }

    /// Owners.
    async fn owners(&self) -> Vec<Owner> {
        serde_json::from_value(self.v["owners"].clone()).unwrap_or_default()
    }

    /// Every job facet, as sent.
    async fn facets(&self) -> Json<Value> {
        Json(self.v["facets"].clone())
    }

    /// Datasets it reads.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn inputs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Dataset>> {
        datasets_named(ctx, &self.v["inputs"], first, after).await
    }

    /// Datasets it writes.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn outputs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Dataset>> {
        datasets_named(ctx, &self.v["outputs"], first, after).await
    }

    /// Its latest run.
    async fn latest_run(&self) -> Option<Run> {
        let r = &self.v["latestRun"];
        (!r.is_null()).then(|| Run { v: r.clone() })
    }

    /// Its runs, newest first.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn runs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Run>> {
        let (offset, limit) = page_args(ctx, first, after)?;
        let ns = text(&self.v, "namespace").unwrap_or_default();
        let name = text(&self.v, "name").unwrap_or_default();
        let v = state(ctx)
            .store
            .list_runs(
                &ns,
                &name,
                crate::store::read::Page {
                    limit: limit as i64,
                    offset: offset as i64,
                },
            )
            .await
            .map_err(store_error)?
            .unwrap_or_default();
        let total = v["totalCount"].as_i64().unwrap_or(0);
        let items = v["runs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| Run { v: r.clone() })
            .collect();
        Ok(page_of(items, offset, total))
    }
}

/// One page of `[{namespace, name}]` as datasets (those the store knows).
async fn datasets_named(
    ctx: &Context<'_>,
    list: &Value,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Page<Dataset>> {
    let (offset, limit) = page_args(ctx, first, after)?;
    let all = list.as_array().map(Vec::as_slice).unwrap_or_default();
    let store = &state(ctx).store;
    let mut out = Vec::new();
    for d in all.iter().skip(offset).take(limit) {
        let (Some(ns), Some(name)) = (d["namespace"].as_str(), d["name"].as_str()) else {
            continue;
        };
        if let Some(id) = store
            .dataset_id_named(ns, name)
            .await
            .map_err(store_error)?
        {
            out.push(Dataset { id });
        }
    }
    Ok(page_of(out, offset, all.len() as i64))
}

/// One run of a job.
pub struct Run {
    /// The REST layer's projection of the run.
    pub v: Value,
}

/// A dataset version a run read or wrote.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct DatasetVersionRef {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Schema version.
    pub version: i64,
}

#[Object]
impl Run {
    /// The run id (a UUID).
    async fn id(&self) -> Option<String> {
        text(&self.v, "id")
    }

    /// The id as the producer sent it.
    async fn external_id(&self) -> Option<String> {
        text(&self.v, "externalId")
    }

    /// `START`, `RUNNING`, `COMPLETE`, `FAIL`, `ABORT`, `OTHER`, `NEW`.
    async fn state(&self) -> Option<String> {
        text(&self.v, "state")
    }

    /// First seen.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["createdAt"])
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["updatedAt"])
    }

    /// Started.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["startedAt"])
    }

    /// Ended.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["endedAt"])
    }

    /// Duration in milliseconds, once ended.
    async fn duration_ms(&self) -> Option<i64> {
        self.v["durationMs"].as_i64()
    }

    /// Scheduled window start.
    async fn nominal_start_time(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["nominalStartTime"])
    }

    /// Scheduled window end.
    async fn nominal_end_time(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["nominalEndTime"])
    }

    /// The parent run, from the parent facet.
    async fn parent_run_id(&self) -> Option<String> {
        text(&self.v, "parentRunId")
    }

    /// Every run facet, as sent.
    async fn facets(&self) -> Json<Value> {
        Json(self.v["facets"].clone())
    }

    /// Dataset versions read.
    async fn inputs(&self) -> Vec<DatasetVersionRef> {
        version_refs(&self.v["inputDatasetVersions"])
    }

    /// Dataset versions written.
    async fn outputs(&self) -> Vec<DatasetVersionRef> {
        version_refs(&self.v["outputDatasetVersions"])
    }

    /// The job.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        let (Some(ns), Some(name)) = (
            self.v["jobId"]["namespace"].as_str(),
            self.v["jobId"]["name"].as_str(),
        ) else {
            return Ok(None);
        };
        Ok(state(ctx)
            .store
            .get_job(ns, name)
            .await
            .map_err(store_error)?
            .map(|v| Job { v }))
    }
}

fn version_refs(v: &Value) -> Vec<DatasetVersionRef> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| serde_json::from_value(x["datasetVersionId"].clone()).ok())
        .collect()
}

/// A namespace: a source (`postgres://db:5432`) or a scheduler's group of jobs.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct Namespace {
    /// Name.
    pub name: String,
    /// First seen.
    pub created_at: Option<DateTime<Utc>>,
    /// Last event.
    pub updated_at: Option<DateTime<Utc>>,
    /// Description.
    pub description: Option<String>,
    /// Owner.
    pub owner_name: Option<String>,
    /// Events received.
    pub events: i64,
    /// Run events received.
    pub run_events: i64,
}

impl Namespace {
    /// From the REST projection.
    pub fn from_json(v: &Value) -> Namespace {
        Namespace {
            name: text(v, "name").unwrap_or_default(),
            created_at: parse_time(&v["createdAt"]),
            updated_at: parse_time(&v["updatedAt"]),
            description: text(v, "description"),
            owner_name: text(v, "ownerName"),
            events: v["stats"]["events"].as_i64().unwrap_or(0),
            run_events: v["stats"]["runEvents"].as_i64().unwrap_or(0),
        }
    }
}

#[ComplexObject]
impl Namespace {
    /// Its datasets, by name.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn datasets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Dataset>> {
        super::query::list_datasets(
            ctx,
            super::query::DatasetFilter {
                namespace: Some(self.name.clone()),
                ..Default::default()
            },
            first,
            after,
        )
        .await
    }

    /// Its jobs, by name.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Job>> {
        let (offset, limit) = page_args(ctx, first, after)?;
        let v = state(ctx)
            .store
            .list_jobs(
                &self.name,
                crate::store::read::Page {
                    limit: limit as i64,
                    offset: offset as i64,
                },
            )
            .await
            .map_err(store_error)?
            .unwrap_or_default();
        let total = v["totalCount"].as_i64().unwrap_or(0);
        let items = v["jobs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|j| Job { v: j.clone() })
            .collect();
        Ok(page_of(items, offset, total))
    }
}

/// One entry of the change log.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct Change {
    /// Position in the log; resume a feed after it.
    pub seq: i64,
    /// When it was committed.
    pub at: Option<DateTime<Utc>>,
    /// Who caused it (a token's name, `anonymous`, a crawler).
    pub actor: String,
    /// `openlineage.run`, `catalog.edit`, `tag.review`, …
    pub kind: String,
    /// What it is about: `dataset:NS:NAME`, `column:NS:NAME:FIELD`, `run:UUID`, …
    pub entity: String,
    /// The namespace it belongs to.
    pub namespace: Option<String>,
}

impl From<crate::store::log::LogEntry> for Change {
    fn from(e: crate::store::log::LogEntry) -> Change {
        Change {
            seq: e.seq,
            at: time(e.at),
            actor: e.actor,
            kind: e.kind,
            entity: e.entity,
            namespace: e.namespace,
        }
    }
}

#[ComplexObject]
impl Change {
    /// The input as recorded (null once redacted for erasure).
    async fn payload(&self, ctx: &Context<'_>) -> Result<Option<Json<Value>>> {
        let p = state(ctx)
            .store
            .payload_at(self.seq)
            .await
            .map_err(store_error)?;
        Ok(p.and_then(|p| serde_json::from_str(&p).ok()).map(Json))
    }
}

/// What a search hit is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// A dataset.
    Dataset,
    /// A job.
    Job,
    /// A column.
    Column,
}

/// One search hit.
pub struct SearchHit {
    /// What it is.
    pub kind: SearchKind,
    /// The REST layer's projection of the hit.
    pub v: Value,
}

/// One factor of a hit's score.
#[derive(SimpleObject, Debug, Clone)]
pub struct ScoreFactor {
    /// `text`, `usage`, `centrality`, `tier`, `documentation`, `freshness`, `penalty`,
    /// `score`.
    pub factor: String,
    /// Its value.
    pub value: f64,
}

/// A matched fragment.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct Highlight {
    /// The field.
    pub field: String,
    /// HTML-escaped text with `<b>` around matches.
    pub fragment: String,
}

#[Object]
impl SearchHit {
    /// What it is.
    #[graphql(name = "type")]
    async fn kind(&self) -> SearchKind {
        self.kind
    }

    /// Namespace.
    async fn namespace(&self) -> Option<String> {
        text(&self.v, "namespace")
    }

    /// Name (the dataset's, for a column hit).
    async fn name(&self) -> Option<String> {
        text(&self.v, "name")
    }

    /// The node id (`dataset:…`, `job:…`, `datasetField:…`).
    async fn node_id(&self) -> Option<String> {
        text(&self.v, "nodeId")
    }

    /// The score: text relevance times the usage prior.
    async fn score(&self) -> f64 {
        self.v["score"].as_f64().unwrap_or(0.0)
    }

    /// How the score was made.
    async fn explain(&self) -> Vec<ScoreFactor> {
        self.v["explain"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| ScoreFactor {
                factor: k.clone(),
                value: v.as_f64().unwrap_or(0.0),
            })
            .collect()
    }

    /// Columns whose name or description matched.
    async fn matched_columns(&self) -> Vec<String> {
        serde_json::from_value(self.v["matchedColumns"].clone()).unwrap_or_default()
    }

    /// Matched fragments.
    async fn highlights(&self) -> Vec<Highlight> {
        serde_json::from_value(self.v["highlights"].clone()).unwrap_or_default()
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["updatedAt"])
    }

    /// The dataset, for dataset and column hits.
    async fn dataset(&self, ctx: &Context<'_>) -> Result<Option<Dataset>> {
        if self.kind == SearchKind::Job {
            return Ok(None);
        }
        let (Some(ns), Some(name)) = (text(&self.v, "namespace"), text(&self.v, "name")) else {
            return Ok(None);
        };
        Ok(state(ctx)
            .store
            .dataset_id_named(&ns, &name)
            .await
            .map_err(store_error)?
            .map(|id| Dataset { id }))
    }

    /// The job, for job hits.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        if self.kind != SearchKind::Job {
            return Ok(None);
        }
        let (Some(ns), Some(name)) = (text(&self.v, "namespace"), text(&self.v, "name")) else {
            return Ok(None);
        };
        Ok(state(ctx)
            .store
            .get_job(&ns, &name)
            .await
            .map_err(store_error)?
            .map(|v| Job { v }))
    }
}

/// Counts of one facet's values.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct FacetCount {
    /// The value.
    pub value: String,
    /// Matching documents with it.
    pub count: i64,
}

/// Facet counts over every match.
#[derive(SimpleObject, Debug, Clone, Default, Deserialize)]
pub struct SearchFacets {
    /// By platform.
    pub platform: Vec<FacetCount>,
    /// By namespace.
    pub namespace: Vec<FacetCount>,
    /// By tag.
    pub tag: Vec<FacetCount>,
    /// By owner.
    pub owner: Vec<FacetCount>,
    /// By tier.
    pub tier: Vec<FacetCount>,
}

/// A page of search hits.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct SearchInfo {
    /// Matches in all.
    pub total_count: i64,
    /// Facet counts over every match (computed only when selected).
    pub facets: Option<SearchFacets>,
    /// Set when the query was cut.
    pub notice: Option<String>,
}

/// A PII review queue entry: a tag at a column awaiting (or past) review.
pub struct ReviewItem {
    /// The REST layer's projection.
    pub v: Value,
}

#[Object]
impl ReviewItem {
    /// The column's node id.
    async fn column_id(&self) -> Option<String> {
        text(&self.v, "column")
    }

    /// Namespace.
    async fn namespace(&self) -> Option<String> {
        text(&self.v, "namespace")
    }

    /// Dataset.
    async fn dataset_name(&self) -> Option<String> {
        text(&self.v, "dataset")
    }

    /// Column.
    async fn field(&self) -> Option<String> {
        text(&self.v, "field")
    }

    /// The tag.
    async fn tag(&self) -> Option<String> {
        text(&self.v, "tag")
    }

    /// `proposed`, `confirmed`, `rejected`.
    async fn status(&self) -> Option<String> {
        text(&self.v, "status")
    }

    /// `declared`, `manual`, `detected`, `propagated`, `reviewed`.
    async fn origin(&self) -> Option<String> {
        text(&self.v, "origin")
    }

    /// The dataset's owners, who decide.
    async fn owners(&self) -> Vec<Owner> {
        serde_json::from_value(self.v["owners"].clone()).unwrap_or_default()
    }

    /// Nobody owns the dataset.
    async fn unowned(&self) -> bool {
        self.v["unowned"].as_bool().unwrap_or(false)
    }

    /// The column, with its tags and their explanations.
    async fn column(&self, ctx: &Context<'_>) -> Result<Option<Column>> {
        let (Some(ns), Some(ds), Some(field)) = (
            text(&self.v, "namespace"),
            text(&self.v, "dataset"),
            text(&self.v, "field"),
        ) else {
            return Ok(None);
        };
        super::query::column_named(ctx, &ns, &ds, &field).await
    }
}
