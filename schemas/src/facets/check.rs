//! Checking the facets Weft models, so a misfit is flagged instead of silently ignored.
//!
//! Which model applies depends on where the facet sits: `documentation` is read as
//! [`DocumentationFacet`] on a job or a dataset, `schema` only means something on a
//! dataset. Facets under `inputFacets`/`outputFacets` are not modelled yet.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::dataset::{
    ColumnLineageDatasetFacet, DatasetTypeDatasetFacet, DatasourceDatasetFacet,
    LifecycleStateChangeDatasetFacet, SchemaDatasetFacet, StorageDatasetFacet,
    SymlinksDatasetFacet,
};
use super::job::{JobTypeJobFacet, SqlJobFacet};
use super::run::{
    ErrorMessageRunFacet, NominalTimeRunFacet, ParentRunFacet, ProcessingEngineRunFacet,
};
use super::shared::{DocumentationFacet, OwnershipFacet, TagsFacet};
use super::{FacetError, FacetJson, Facets, is_deleted};
use crate::json_path::push_key;
use crate::openlineage::{Dataset, Event, Job};

/// A known facet that does not fit its model: kept verbatim in the event, and reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetWarning {
    /// Where the facet is in the event (`outputs[0].facets.ownership`).
    pub path: String,
    /// The facet's key (`ownership`).
    pub facet: String,
    /// What did not fit, with the path inside the facet (`owners[0].name: missing field`).
    pub message: String,
}

impl fmt::Display for FacetWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Tries one facet value against one model.
type Probe = fn(&str, &FacetJson) -> Result<(), FacetError>;

fn probe<T: DeserializeOwned>(key: &str, value: &FacetJson) -> Result<(), FacetError> {
    super::read::<T>(key, value).map(drop)
}

const RUN_FACETS: &[(&str, Probe)] = &[
    ("parent", probe::<ParentRunFacet>),
    ("nominalTime", probe::<NominalTimeRunFacet>),
    ("errorMessage", probe::<ErrorMessageRunFacet>),
    ("processing_engine", probe::<ProcessingEngineRunFacet>),
    ("tags", probe::<TagsFacet>),
];

const JOB_FACETS: &[(&str, Probe)] = &[
    ("sql", probe::<SqlJobFacet>),
    ("jobType", probe::<JobTypeJobFacet>),
    ("documentation", probe::<DocumentationFacet>),
    ("ownership", probe::<OwnershipFacet>),
    ("tags", probe::<TagsFacet>),
];

const DATASET_FACETS: &[(&str, Probe)] = &[
    ("schema", probe::<SchemaDatasetFacet>),
    ("columnLineage", probe::<ColumnLineageDatasetFacet>),
    ("dataSource", probe::<DatasourceDatasetFacet>),
    ("documentation", probe::<DocumentationFacet>),
    ("ownership", probe::<OwnershipFacet>),
    ("symlinks", probe::<SymlinksDatasetFacet>),
    ("tags", probe::<TagsFacet>),
    ("datasetType", probe::<DatasetTypeDatasetFacet>),
    (
        "lifecycleStateChange",
        probe::<LifecycleStateChangeDatasetFacet>,
    ),
    ("storage", probe::<StorageDatasetFacet>),
];

/// Check every facet with a known key against its typed model; returns one warning per
/// facet that fails (never an error: such facets are kept verbatim and flagged).
///
/// Deletion markers (`"_deleted": true`) are skipped: they carry no body to check.
pub fn check_known_facets(event: &Event) -> Vec<FacetWarning> {
    let mut out = Vec::new();
    match event {
        Event::Run(e) => {
            check(&mut out, "run.facets", e.run.facets.as_ref(), RUN_FACETS);
            check_job(&mut out, &e.job);
            check_datasets(&mut out, "inputs", e.inputs.as_deref());
            check_datasets(&mut out, "outputs", e.outputs.as_deref());
        }
        Event::Job(e) => {
            check_job(&mut out, &e.job);
            check_datasets(&mut out, "inputs", e.inputs.as_deref());
            check_datasets(&mut out, "outputs", e.outputs.as_deref());
        }
        Event::Dataset(e) => check_dataset(&mut out, "dataset".to_owned(), &e.dataset),
    }
    out
}

fn check_job(out: &mut Vec<FacetWarning>, job: &Job) {
    check(out, "job.facets", job.facets.as_ref(), JOB_FACETS);
}

fn check_datasets(out: &mut Vec<FacetWarning>, side: &str, datasets: Option<&[Dataset]>) {
    for (i, dataset) in datasets.unwrap_or_default().iter().enumerate() {
        check_dataset(out, format!("{side}[{i}]"), dataset);
    }
}

fn check_dataset(out: &mut Vec<FacetWarning>, mut path: String, dataset: &Dataset) {
    path.push_str(".facets");
    check(out, &path, dataset.facets.as_ref(), DATASET_FACETS);
}

fn check(out: &mut Vec<FacetWarning>, at: &str, facets: Option<&Facets>, known: &[(&str, Probe)]) {
    let Some(facets) = facets else { return };
    for (key, probe) in known {
        let Some(value) = facets.get(*key) else {
            continue;
        };
        if is_deleted(value) {
            continue;
        }
        if let Err(e) = probe(key, value) {
            let mut path = at.to_owned();
            push_key(&mut path, key);
            let message = if e.path.is_empty() {
                e.message
            } else {
                format!("{}: {}", e.path, e.message)
            };
            out.push(FacetWarning {
                path,
                facet: (*key).to_owned(),
                message,
            });
        }
    }
}
