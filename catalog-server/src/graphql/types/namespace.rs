//! Namespaces.

use super::*;
use weft_store::read::NamespaceRecord;

/// A namespace: a source (`postgres://db:5432`) or a scheduler's group of jobs.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct Namespace {
    /// The namespace's name (`postgres://db:5432`).
    pub name: String,
    /// First seen.
    pub created_at: Option<DateTime<Utc>>,
    /// Last event.
    pub updated_at: Option<DateTime<Utc>>,
    /// The namespace's description, when one was given.
    pub description: Option<String>,
    /// Who owns the namespace, when one was given.
    pub owner_name: Option<String>,
    /// Events received.
    pub events: i64,
    /// Run events received.
    pub run_events: i64,
}

impl From<NamespaceRecord> for Namespace {
    fn from(n: NamespaceRecord) -> Namespace {
        Namespace {
            name: n.name,
            created_at: time(n.created_at),
            updated_at: time(n.updated_at),
            description: n.description,
            owner_name: Some(n.owner_name),
            events: n.events,
            run_events: n.run_events,
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
        let jobs = state(ctx)
            .store
            .list_jobs(&self.name, store_page(offset, limit))
            .await
            .map_err(store_error)?
            .unwrap_or_default();
        Ok(page_of_listing(jobs, offset, Job::from))
    }
}
