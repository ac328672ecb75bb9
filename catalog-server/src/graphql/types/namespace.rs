//! Namespaces.

use super::*;

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
        crate::graphql::query::list_datasets(
            ctx,
            crate::graphql::query::DatasetFilter {
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
            .list_jobs(&self.name, store_page(offset, limit))
            .await
            .map_err(store_error)?
            .unwrap_or_default();
        Ok(page_of_json(&v, "jobs", offset, |j| Job { v: j.clone() }))
    }
}
