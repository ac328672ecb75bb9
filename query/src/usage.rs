//! How much a dataset is used, from query logs: totals, reads per day and per column.

use weft_store::Store;
use weft_store::usage::{DayUsage, UsageTotals};

use crate::error::{QueryError, Result};

/// Half-life of the decayed read count, in days.
const HALF_LIFE_DAYS: f64 = 14.0;

/// Reads and writes of one column over the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnUse {
    /// The column.
    pub name: String,
    /// Executions that read the column.
    pub reads: i64,
    /// Executions that wrote the column.
    pub writes: i64,
    /// Distinct users.
    pub users: i64,
}

/// A dataset's usage over the last days.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetUsage {
    /// The window's first day (`YYYY-MM-DD`).
    pub since: String,
    /// Totals over the window.
    pub total: UsageTotals,
    /// Per day.
    pub days: Vec<DayUsage>,
    /// Per column.
    pub columns: Vec<ColumnUse>,
}

/// The window asked for must be 1 to 3,650 days.
fn check_days(days: i64) -> Result<()> {
    if (1..=3650).contains(&days) {
        Ok(())
    } else {
        Err(QueryError::bad("days", "days must be between 1 and 3650"))
    }
}

/// The usage of dataset `namespace`:`name` over the last `days` days (1 to 3,650).
pub async fn usage_named(
    store: &Store,
    namespace: &str,
    name: &str,
    days: i64,
) -> Result<DatasetUsage> {
    check_days(days)?;
    let Some(id) = store.dataset_id_named(namespace, name).await? else {
        return Err(QueryError::NotFound(format!(
            "dataset {namespace}:{name} not found"
        )));
    };
    read(store, id, days).await
}

/// The usage of dataset `id` over the last `days` days (1 to 3,650).
pub async fn usage(store: &Store, id: i64, days: i64) -> Result<DatasetUsage> {
    check_days(days)?;
    read(store, id, days).await
}

async fn read(store: &Store, id: i64, days: i64) -> Result<DatasetUsage> {
    let today = chrono::Utc::now().date_naive();
    let since = (today - chrono::Duration::days(days - 1))
        .format("%Y-%m-%d")
        .to_string();
    let per_day = store.usage_days(id, "", &since).await?;
    let columns = store.column_usage(id, &since).await?;
    let total = store
        .usage_totals(&[id], &since, today, HALF_LIFE_DAYS)
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(DatasetUsage {
        since,
        total,
        days: per_day,
        columns: columns
            .into_iter()
            .map(|(name, reads, writes, users)| ColumnUse {
                name,
                reads,
                writes,
                users,
            })
            .collect(),
    })
}
