//! Typed views of the facets a catalog reads.
//!
//! Events keep every facet as a JSON value ([`Facets`]); this module interprets one when
//! asked, with [`typed`]. Each model follows its JSON Schema in the OpenLineage spec
//! (`spec/facets/*.json`, version noted on each type) and keeps unknown keys in `extra`,
//! so a typed facet serializes back to the value it came from.
//!
//! What a model requires: the fields that make the facet useful (a schema field's
//! `name`, an owner's `name`, a SQL facet's `query`) are required as in the spec; the
//! envelope fields `_producer` and `_schemaURL` are optional here even though the spec
//! requires them, because a catalog can use a schema without knowing who emitted it and
//! should not lose it over provenance. A facet that does not fit its model is reported
//! by [`check_known_facets`] and stays verbatim in the event.
//!
//! Conventional keys: `schema`, `columnLineage`, `dataSource`, `documentation`,
//! `ownership`, `symlinks`, `tags`, `datasetType`, `lifecycleStateChange`, `storage`
//! (dataset); `sql`, `documentation`, `ownership`, `jobType`, `tags` (job); `parent`,
//! `errorMessage`, `processing_engine`, `nominalTime`, `tags` (run).

mod check;
mod dataset;
mod job;
mod run;
mod shared;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use crate::openlineage::{Extra, FacetJson, Facets};

/// Facets nested inside a typed facet (a parent run's forwarded facets), as JSON values.
pub type NestedFacets = std::collections::BTreeMap<String, Value>;
pub use check::{
    CheckedFacets, DatasetFacetsRead, FacetWarning, check_known_facets, check_known_facets_and_read,
};
pub use dataset::{
    ColumnLineageDatasetFacet, ColumnLineageField, DatasetTypeDatasetFacet, DatasourceDatasetFacet,
    InputField, LifecycleStateChangeDatasetFacet, PreviousIdentifier, SchemaDatasetFacet,
    SchemaField, StorageDatasetFacet, SymlinkIdentifier, SymlinksDatasetFacet, Transformation,
};
pub use job::{EmissionPattern, JobTypeJobFacet, SqlJobFacet};
pub use run::{
    ErrorMessageRunFacet, NominalTimeRunFacet, ParentJob, ParentRoot, ParentRun, ParentRunFacet,
    ProcessingEngineRunFacet,
};
pub use shared::{DocumentationFacet, Owner, OwnershipFacet, Tag, TagsFacet};

/// A facet that is present but does not fit the model it was read as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("facet `{key}`: {}{message}", at(.path))]
pub struct FacetError {
    /// The facet's key (`schema`, `ownership`, …).
    pub key: String,
    /// Dotted path inside the facet (`owners[0].name`); empty for the facet itself.
    pub path: String,
    /// What did not fit, in serde's words.
    pub message: String,
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// Reads the facet under `key` as `T`.
///
/// `None` when there is no such facet, or when it is a deletion marker
/// (`"_deleted": true`), which carries no body to read. `Some(Err(_))` when the facet is
/// there but does not fit `T`; callers usually ignore it (the event keeps the facet and
/// [`check_known_facets`] reports it).
pub fn typed<T: DeserializeOwned>(
    facets: Option<&Facets>,
    key: &str,
) -> Option<Result<T, FacetError>> {
    let value = facets?.get(key)?;
    if value.is_deleted() {
        return None;
    }
    Some(read(key, value))
}

/// Whether a facet value is a deletion marker (`"_deleted": true`).
///
/// The spec lets a producer remove a previously sent dataset or job facet this way, so a
/// catalog must treat it as a removal rather than as a facet with an empty body.
pub fn is_deleted(v: &FacetJson) -> bool {
    v.is_deleted()
}

/// Deserializes one facet value, locating any mismatch inside it.
fn read<T: DeserializeOwned>(key: &str, value: &FacetJson) -> Result<T, FacetError> {
    value.read().map_err(|e| {
        let (path, message) = crate::json_path::locate(e);
        FacetError {
            key: key.to_owned(),
            path,
            message,
        }
    })
}
