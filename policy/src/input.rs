//! What one evaluation sees: the `input` document of Rego.
//!
//! These types are the contract between the catalog and every policy ever written
//! against it, so they change only compatibly: a field is added, never renamed or
//! removed, and a change that would break an existing policy bumps [`INPUT_VERSION`].
//! Every field is always present in the document (an unset optional is `null`, an empty
//! list `[]`), so a policy can tell "unset" from "misspelt". `policy/README.md`
//! documents each field for policy authors.

use serde::{Deserialize, Serialize};

/// The version of the input document. A policy can check `input.version` to refuse an
/// input it was not written for; it is bumped only when a field changes meaning or goes
/// away (additions keep the version).
pub const INPUT_VERSION: u32 = 1;

/// The whole `input` of one evaluation: one dataset, and for `weft check` the change a
/// pull request makes to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyInput {
    /// [`INPUT_VERSION`].
    pub version: u32,
    /// RFC 3339: the evaluation time, given rather than read from the clock so that
    /// time-based policies ("unowned for N days") are reproducible and testable.
    pub now: String,
    /// The dataset under evaluation.
    pub dataset: DatasetInput,
    /// Set only by `weft check`: what the pull request changes in this dataset.
    pub change: Option<ChangeInput>,
}

impl Default for PolicyInput {
    fn default() -> Self {
        PolicyInput {
            version: INPUT_VERSION,
            now: String::new(),
            dataset: DatasetInput::default(),
            change: None,
        }
    }
}

/// A dataset as governance sees it: curated attributes, columns with their tags, usage,
/// and its one-hop neighbours.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DatasetInput {
    /// The dataset's namespace (`postgres://db:5432`, `shop`).
    pub namespace: String,
    /// The dataset's name within its namespace (`public.customers`).
    pub name: String,
    /// The curated or produced description, if any.
    pub description: Option<String>,
    /// The tier (`gold`, `silver`, ...), if any.
    pub tier: Option<String>,
    /// One of the configured classifications (`public`, `internal`, ...), if set.
    pub classification: Option<String>,
    /// The retention as stored: an ISO 8601 duration (`P30D`, `P1Y`) or `none`
    /// (explicitly kept forever, which is a decision, unlike unset).
    pub retention: Option<String>,
    /// The retention in days (years 365 d, months 30 d); `None` when unset or `none`.
    pub retention_days: Option<u64>,
    /// Owners, curated over produced.
    pub owners: Vec<OwnerInput>,
    /// RFC 3339: when the catalog first saw the dataset.
    pub created_at: Option<String>,
    /// Whether the dataset is marked deprecated.
    pub deprecated: bool,
    /// The columns, in the dataset's order.
    pub columns: Vec<ColumnInput>,
    /// Reads over the last 30 days.
    pub usage: UsageInput,
    /// Datasets this one reads from (one hop).
    pub upstream: Vec<NeighbourInput>,
    /// Datasets reading this one (one hop).
    pub downstream: Vec<NeighbourInput>,
}

/// An owner of a dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OwnerInput {
    /// The owner's name (a person or a team).
    pub name: String,
    /// The kind of owner (`technical`, `business`, ...), if given.
    pub r#type: Option<String>,
}

/// A column and its (non-rejected) tags.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnInput {
    /// The column's name.
    pub name: String,
    /// The column's type as the source reports it, if known.
    pub r#type: Option<String>,
    /// The column's description, if any.
    pub description: Option<String>,
    /// Proposed and confirmed tags; rejected tags are not given.
    pub tags: Vec<TagInput>,
}

/// A tag on a column, with where it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagInput {
    /// The tag's key: `pii.email`, `pseudonymised.pii.email`, `tier.gold`, ...
    pub key: String,
    /// `proposed` or `confirmed`.
    pub status: String,
    /// The key is under a propagating personal-data prefix (`pii.*` or
    /// `pseudonymised.pii.*`).
    pub pii: bool,
    /// The key is the pseudonymised variant (`pseudonymised.pii.*`).
    pub pseudonymised: bool,
    /// The tag reached this column through lineage.
    pub propagated: bool,
    /// A producer declared the tag.
    pub declared: bool,
    /// A person set the tag.
    pub manual: bool,
    /// The detector that proposed the tag, if a detector did.
    pub detected_by: Option<String>,
    /// For a propagated tag: one lineage path from its source column to this one,
    /// upstream first, ending at this column; empty otherwise.
    pub path: Vec<HopInput>,
}

/// One column on a lineage path.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(default)]
pub struct HopInput {
    /// `namespace/name` of the dataset.
    pub dataset: String,
    /// The column's name.
    pub column: String,
    /// The tag as it is on this column (`pii.email`, or `pseudonymised.pii.email` once
    /// masked).
    pub tag: String,
    /// The transformation from the previous hop (`DIRECT/IDENTITY`, ...), if known.
    pub transformation: Option<String>,
}

/// Reads of a dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsageInput {
    /// Queries that read it in the last 30 days.
    pub queries_30d: u64,
    /// Distinct users that read it in the last 30 days.
    pub users_30d: u64,
    /// RFC 3339: the last read, if any was seen.
    pub last_read: Option<String>,
}

/// A dataset one lineage hop away.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NeighbourInput {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Its tier, if any.
    pub tier: Option<String>,
    /// Its classification, if set.
    pub classification: Option<String>,
    /// Its owners.
    pub owners: Vec<OwnerInput>,
}

/// `weft check` only: what a pull request changes in this dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChangeInput {
    /// `added` or `modified`.
    pub status: String,
    /// Columns the change removes.
    pub removed_columns: Vec<ColumnChange>,
    /// Columns the change renames (`new_name` set).
    pub renamed_columns: Vec<ColumnChange>,
    /// Columns whose type changes (`old_type`, `new_type` set).
    pub type_changes: Vec<ColumnChange>,
    /// Column lineage edges whose kind changes (`DIRECT/IDENTITY` -> `DIRECT/AGGREGATION`,
    /// masking lost, ...).
    pub edge_changes: Vec<EdgeChange>,
    /// Inputs (`namespace/name.column`) the dataset starts reading.
    pub new_inputs: Vec<String>,
    /// Personal data that would newly flow into the dataset.
    pub new_pii_flows: Vec<FlowInput>,
}

/// A changed column and who reads it today.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnChange {
    /// The column as it is today.
    pub column: String,
    /// For a rename: the new name.
    pub new_name: Option<String>,
    /// For a type change: the type today.
    pub old_type: Option<String>,
    /// For a type change: the new type.
    pub new_type: Option<String>,
    /// Downstream columns that read this column today.
    pub consumers: Vec<ConsumerInput>,
}

/// A downstream column reading a changed column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsumerInput {
    /// `namespace/name` of the reading dataset.
    pub dataset: String,
    /// The reading column.
    pub column: String,
    /// The reading dataset's tier, if any.
    pub tier: Option<String>,
    /// The reading dataset's owners.
    pub owners: Vec<OwnerInput>,
}

/// A column lineage edge whose kind changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EdgeChange {
    /// The column of this dataset.
    pub column: String,
    /// The input it reads, `namespace/name.column`.
    pub input: String,
    /// The edge's kind today (`DIRECT/IDENTITY`).
    pub before: String,
    /// The edge's kind after the change (`DIRECT/AGGREGATION`).
    pub after: String,
}

/// Personal data that would newly reach a column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowInput {
    /// The column it would reach.
    pub column: String,
    /// The tag that would arrive (`pii.email`).
    pub tag: String,
    /// The path from the source column, upstream first, ending at this column.
    pub path: Vec<HopInput>,
}
