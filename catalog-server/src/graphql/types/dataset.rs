//! Datasets and their columns, schema versions and usage.

use super::*;
use weft_store::read::{DatasetVersionRecord, VersionField};

/// A dataset marked deprecated.
#[derive(SimpleObject, Debug, Clone)]
pub struct Deprecation {
    /// Why, and what to use instead.
    pub note: Option<String>,
    /// Who deprecated it.
    pub by: String,
    /// When it was deprecated.
    pub at: Option<DateTime<Utc>>,
}

/// A dataset: table, view, file, topic.
pub struct Dataset {
    /// Store id.
    pub id: i64,
}

impl Dataset {
    pub(crate) async fn row(&self, ctx: &Context<'_>) -> Result<DatasetRow> {
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

    async fn tag_rows(&self, ctx: &Context<'_>) -> Result<Vec<crate::graphql::loaders::TagRow>> {
        Ok(loaders(ctx)?
            .tags
            .load_one(self.id)
            .await
            .map_err(load_error)?
            .unwrap_or_default())
    }

    /// Classification and retention, curated over the producer's facet.
    async fn governance(&self, ctx: &Context<'_>) -> Result<weft_store::governance::Governance> {
        let curated = self.curated(ctx).await?;
        let facets = facets_of(ctx, self.id).await?;
        Ok(weft_store::governance::overlay(
            &curated,
            facets.get(weft_schemas::governance::FACET_KEY),
        ))
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
        Ok(owners.into_iter().map(Owner::from).collect())
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
            let is_manual = t.origin == weft_store::edits::MANUAL;
            if let Some(v) = value.filter(|v| !v.is_empty())
                && (tier.is_none() || (is_manual && !manual))
            {
                tier = Some(v);
                manual = is_manual;
            }
        }
        Ok(tier)
    }

    /// The classification (`internal`, `restricted`…; the allowed set is
    /// `governance.classifications`): a person's, else the producer's `weft_governance`
    /// facet.
    async fn classification(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.governance(ctx).await?.classification)
    }

    /// How long its data is kept: an ISO 8601 duration (`P30D`, `P1Y6M`) or `none`
    /// (kept forever, on purpose); a person's, else the producer's.
    async fn retention(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.governance(ctx).await?.retention)
    }

    /// The retention in days (a year is 365 days, a month 30); null when unset or
    /// `none`.
    async fn retention_days(&self, ctx: &Context<'_>) -> Result<Option<i64>> {
        Ok(self
            .governance(ctx)
            .await?
            .retention_days()
            .map(|d| i64::try_from(d).unwrap_or(i64::MAX)))
    }

    /// The distinct `pii.*` tag keys on its current columns that are not rejected
    /// (proposed or confirmed), sorted: what a list shows as a PII badge. From the
    /// lineage graph, so declared, detected, added and propagated tags all count.
    async fn pii_tags(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        let columns = self.columns_loaded(ctx).await?;
        let cat = state(ctx).graph.read().map_err(|e| api_error(e.into()))?;
        let mut keys = std::collections::BTreeSet::new();
        for c in &columns {
            let tags = cat
                .graph
                .tags_of(&ColumnRef::new(self.id, &c.name))
                .unwrap_or_default();
            for t in tags {
                let pii = &*t.tag == "pii" || t.tag.starts_with("pii.");
                if pii && t.status != TagStatus::Rejected {
                    keys.insert(t.tag.to_string());
                }
            }
        }
        Ok(keys.into_iter().collect())
    }

    /// The jobs that write it (`WRITES`) and read it (`READS`), as their runs and
    /// events declared (`job_io`): writers first, each group by job namespace and
    /// name. A job that both reads and writes it is listed once for each.
    async fn jobs(&self, ctx: &Context<'_>) -> Result<Vec<DatasetJob>> {
        let l = loaders(ctx)?;
        let io = l
            .job_io
            .load_one(self.id)
            .await
            .map_err(load_error)?
            .unwrap_or_default();
        let ids: std::collections::BTreeSet<i64> = io.iter().map(|x| x.job_id).collect();
        let jobs = l.jobs.load_many(ids).await.map_err(load_error)?;
        Ok(io
            .into_iter()
            .filter_map(|x| {
                Some(DatasetJob {
                    role: if x.writes {
                        JobRole::Writes
                    } else {
                        JobRole::Reads
                    },
                    job: Job::from(jobs.get(&x.job_id)?.clone()),
                })
            })
            .collect())
    }

    /// The change-log entries about it, newest first: those about the dataset itself
    /// (`dataset:NS:NAME`: producers' dataset events, people's edits and deprecations,
    /// retracted edges into it), about one of its columns (`column:NS:NAME:FIELD`:
    /// column edits, tag decisions with their reviewer), and every event of the runs
    /// that wrote it (`run:ID`). Each edge's cursor is its sequence number; `after`
    /// continues with older entries.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ChangePage> {
        let (_, limit) = page_args(ctx, first, None)?;
        let before = after.as_deref().map(seq_cursor).transpose()?;
        let r = self.row(ctx).await?;
        let payloads = wants_payloads(ctx);
        let entries = state(ctx)
            .store
            .dataset_history(
                self.id,
                &r.namespace,
                &r.name,
                before,
                limit as i64 + 1,
                payloads,
            )
            .await
            .map_err(store_error)?;
        change_page(ctx, entries, limit, before.is_some(), payloads).await
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
        let versions = state(ctx)
            .store
            .dataset_versions(&r.namespace, &r.name, store_page(offset, limit))
            .await
            .map_err(store_error)?
            .unwrap_or_default();
        let items = versions
            .items
            .into_iter()
            .map(SchemaVersion::try_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(store_error)?;
        Ok(page_of(items, offset, versions.total))
    }

    /// Every facet as its producer sent it, by name (unknown facets included).
    async fn facets(&self, ctx: &Context<'_>) -> Result<Json<Value>> {
        Ok(Json(Value::Object(facets_of(ctx, self.id).await?)))
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
    /// `maxChildren` caps the children kept per node (the most used first; null: 100),
    /// the rest counted in `hiddenChildren`.
    #[graphql(complexity = "crate::graphql::types::traversal_cost(depth, child_complexity)")]
    async fn upstream(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] depth: i32,
        #[graphql(default = false)] column_level: bool,
        max_children: Option<i32>,
    ) -> Result<LineageGraph> {
        let cap = children_cap(max_children)?;
        self.lineage(ctx, depth, column_level, Direction::Upstream, cap)
            .await
    }

    /// What is built from it, `depth` levels down; `columnLevel` traverses each column.
    /// `maxChildren` caps the children kept per node (the most used first; null: 100),
    /// the rest counted in `hiddenChildren`.
    #[graphql(complexity = "crate::graphql::types::traversal_cost(depth, child_complexity)")]
    async fn downstream(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] depth: i32,
        #[graphql(default = false)] column_level: bool,
        max_children: Option<i32>,
    ) -> Result<LineageGraph> {
        let cap = children_cap(max_children)?;
        self.lineage(ctx, depth, column_level, Direction::Downstream, cap)
            .await
    }

    /// Everything downstream, with owners and tiers: who to tell before changing it.
    #[graphql(complexity = "crate::graphql::types::impact_cost(child_complexity)")]
    async fn impact(&self, ctx: &Context<'_>) -> Result<Impact> {
        let id = self.node_id(ctx).await?;
        impact_of(ctx, &id).await
    }

    /// The policy violations standing on the dataset and its columns, deny first (at
    /// most 1000).
    async fn policy_violations(&self, ctx: &Context<'_>) -> Result<Vec<PolicyViolation>> {
        let filter = weft_store::policy_violations::ViolationFilter {
            dataset_id: Some(self.id),
            ..Default::default()
        };
        let page = weft_query::policy::violations(
            &state(ctx).store,
            &filter,
            Some(weft_query::policy::MAX_LIMIT),
            None,
        )
        .await
        .map_err(query_error)?;
        Ok(page.items.into_iter().map(PolicyViolation::from).collect())
    }
}

impl Dataset {
    async fn lineage(
        &self,
        ctx: &Context<'_>,
        depth: i32,
        column_level: bool,
        direction: Direction,
        max_children: Option<usize>,
    ) -> Result<LineageGraph> {
        let r = self.row(ctx).await?;
        if !column_level {
            return traverse(
                ctx,
                format!("dataset:{}:{}", r.namespace, r.name),
                depth,
                direction,
                max_children,
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
                max_children,
            )
            .await?;
            merged.merge(g);
        }
        Ok(merged)
    }
}

async fn facets_of(ctx: &Context<'_>, id: i64) -> Result<serde_json::Map<String, Value>> {
    Ok(loaders(ctx)?
        .facets
        .load_one(id)
        .await
        .map_err(load_error)?
        .unwrap_or_default())
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
    /// The column's id, `datasetField:NAMESPACE:NAME:FIELD`.
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
        let tags =
            weft_query::tags::column_tags(&state(ctx).graph, self.row.dataset_id, &self.row.name)
                .map_err(crate::graphql::query_error)?;
        Ok(tags
            .into_iter()
            .map(|t| ColumnTag {
                data: ColumnTagData::from(t),
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

    /// The columns it is computed from, `depth` levels up; `maxChildren` caps the
    /// children kept per node (the most used first; null: 100).
    #[graphql(complexity = "crate::graphql::types::traversal_cost(depth, child_complexity)")]
    async fn upstream(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] depth: i32,
        max_children: Option<i32>,
    ) -> Result<LineageGraph> {
        let cap = children_cap(max_children)?;
        let node = self.node_id(ctx).await?;
        traverse(ctx, node, depth, Direction::Upstream, cap).await
    }

    /// The columns computed from it, `depth` levels down; `maxChildren` caps the
    /// children kept per node (the most used first; null: 100).
    #[graphql(complexity = "crate::graphql::types::traversal_cost(depth, child_complexity)")]
    async fn downstream(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] depth: i32,
        max_children: Option<i32>,
    ) -> Result<LineageGraph> {
        let cap = children_cap(max_children)?;
        let node = self.node_id(ctx).await?;
        traverse(ctx, node, depth, Direction::Downstream, cap).await
    }

    /// Everything downstream of the column.
    #[graphql(complexity = "crate::graphql::types::impact_cost(child_complexity)")]
    async fn impact(&self, ctx: &Context<'_>) -> Result<Impact> {
        impact_of(ctx, &self.node_id(ctx).await?).await
    }
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

impl TryFrom<DatasetVersionRecord> for SchemaVersion {
    type Error = weft_store::StoreError;

    /// Fails when the version's stored fields are not a list of fields.
    fn try_from(v: DatasetVersionRecord) -> Result<SchemaVersion, weft_store::StoreError> {
        Ok(SchemaVersion {
            version: v.version,
            created_at: time(v.created_at),
            fields: v
                .schema_fields()?
                .into_iter()
                .map(SchemaField::from)
                .collect(),
            created_by_run: v.created_by_run,
        })
    }
}

/// A field of a schema version.
#[derive(SimpleObject, Debug, Clone)]
pub struct SchemaField {
    /// The field name (dotted for nested fields).
    pub name: String,
    /// The type as the producer names it.
    #[graphql(name = "type")]
    pub data_type: Option<String>,
    /// The producer's description of the field.
    pub description: Option<String>,
}

impl From<VersionField> for SchemaField {
    fn from(f: VersionField) -> SchemaField {
        SchemaField {
            name: f.name,
            data_type: f.data_type,
            description: f.description,
        }
    }
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
    /// Distinct statements (query shapes, literals aside) that read or wrote it over
    /// the period: the union of each day's statement sets, so a query run every day
    /// counts once (summing `days.queries` would count it once a day).
    pub statements: i64,
    /// Reads weighted by recency (half-life 14 days): what search ranks by.
    pub decayed_reads: f64,
    /// The last day with a read.
    pub last_read: Option<String>,
    /// Per day, oldest first.
    pub days: Vec<DayUsage>,
    /// Per column.
    pub columns: Vec<ColumnUsage>,
}

/// A dataset's (or column's) usage on one day, as the APIs show it (REST and GraphQL).
#[derive(SimpleObject, Debug, Clone)]
pub struct DayUsage {
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// Executions that read it.
    pub reads: i64,
    /// Executions that wrote it.
    pub writes: i64,
    /// Distinct users that day.
    pub users: i64,
    /// Distinct statements that day.
    pub queries: i64,
}

impl From<weft_store::usage::DayUsage> for DayUsage {
    fn from(d: weft_store::usage::DayUsage) -> DayUsage {
        DayUsage {
            day: d.day,
            reads: d.reads,
            writes: d.writes,
            users: d.users,
            queries: d.queries,
        }
    }
}

/// A column's usage.
#[derive(SimpleObject, Debug, Clone)]
pub struct ColumnUsage {
    /// The column.
    pub name: String,
    /// Executions that read the column.
    pub reads: i64,
    /// Executions that wrote the column.
    pub writes: i64,
    /// Distinct users.
    pub users: i64,
}

async fn usage_of(ctx: &Context<'_>, id: i64, days: i32) -> Result<Usage> {
    let u = weft_query::usage::usage(&state(ctx).store, id, i64::from(days))
        .await
        .map_err(crate::graphql::query_error)?;
    Ok(Usage {
        since: u.since,
        reads: u.total.reads,
        writes: u.total.writes,
        users: u.total.users,
        statements: u.total.statements,
        decayed_reads: u.total.decayed_reads,
        last_read: u.total.last_read,
        days: u.days.into_iter().map(DayUsage::from).collect(),
        columns: u
            .columns
            .into_iter()
            .map(|c| ColumnUsage {
                name: c.name,
                reads: c.reads,
                writes: c.writes,
                users: c.users,
            })
            .collect(),
    })
}
