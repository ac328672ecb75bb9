//! Checking the facets Weft models, so a misfit is flagged instead of silently ignored.
//!
//! Which model applies depends on where the facet sits: `documentation` is read as
//! [`DocumentationFacet`] on a job or a dataset, `schema` only means something on a
//! dataset. Facets under `inputFacets`/`outputFacets` are not modelled yet.
//!
//! The two facets normalisation reads from every dataset, `schema` and `columnLineage`,
//! are kept when they fit ([`check_known_facets_and_read`]), so that checking them is
//! also reading them and each is parsed once.

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

/// Checked after `schema` and `columnLineage`, which [`check_dataset`] reads and keeps.
const DATASET_FACETS: &[(&str, Probe)] = &[
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
    (
        crate::governance::FACET_KEY,
        probe::<crate::governance::WeftGovernanceDatasetFacet>,
    ),
];

/// The `schema` and `columnLineage` facets of one dataset, read while checking them;
/// `None` where the facet is absent, a deletion marker, or does not fit its model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatasetFacetsRead {
    /// The `schema` facet.
    pub schema: Option<SchemaDatasetFacet>,
    /// The `columnLineage` facet.
    pub column_lineage: Option<ColumnLineageDatasetFacet>,
}

/// What [`check_known_facets_and_read`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckedFacets {
    /// One warning per known facet that does not fit its model.
    pub warnings: Vec<FacetWarning>,
    /// One entry per dataset of the event, in event order: the inputs, then the outputs
    /// (or a DatasetEvent's dataset).
    pub datasets: Vec<DatasetFacetsRead>,
}

/// Check every facet with a known key against its typed model; returns one warning per
/// facet that fails (never an error: such facets are kept verbatim and flagged).
///
/// Deletion markers (`"_deleted": true`) are skipped: they carry no body to check.
pub fn check_known_facets(event: &Event) -> Vec<FacetWarning> {
    check_known_facets_and_read(event).warnings
}

/// [`check_known_facets`], also returning each dataset's `schema` and `columnLineage`
/// as read by the check, so a caller that needs them does not parse them again.
pub fn check_known_facets_and_read(event: &Event) -> CheckedFacets {
    let mut out = CheckedFacets::default();
    match event {
        Event::Run(e) => {
            check(
                &mut out.warnings,
                "run.facets",
                e.run.facets.as_ref(),
                RUN_FACETS,
            );
            check_job(&mut out.warnings, &e.job);
            check_datasets(&mut out, "inputs", e.inputs.as_deref());
            check_datasets(&mut out, "outputs", e.outputs.as_deref());
        }
        Event::Job(e) => {
            check_job(&mut out.warnings, &e.job);
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

fn check_datasets(out: &mut CheckedFacets, side: &str, datasets: Option<&[Dataset]>) {
    for (i, dataset) in datasets.unwrap_or_default().iter().enumerate() {
        check_dataset(out, format!("{side}[{i}]"), dataset);
    }
}

fn check_dataset(out: &mut CheckedFacets, mut path: String, dataset: &Dataset) {
    path.push_str(".facets");
    let facets = dataset.facets.as_ref();
    let read = DatasetFacetsRead {
        schema: check_and_read(&mut out.warnings, &path, facets, "schema"),
        column_lineage: check_and_read(&mut out.warnings, &path, facets, "columnLineage"),
    };
    check(&mut out.warnings, &path, facets, DATASET_FACETS);
    out.datasets.push(read);
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
            out.push(warning(at, key, e));
        }
    }
}

/// Checks the facet under `key` by reading it as `T`, and keeps it if it fits.
fn check_and_read<T: DeserializeOwned>(
    out: &mut Vec<FacetWarning>,
    at: &str,
    facets: Option<&Facets>,
    key: &str,
) -> Option<T> {
    let value = facets?.get(key)?;
    if is_deleted(value) {
        return None;
    }
    match super::read::<T>(key, value) {
        Ok(t) => Some(t),
        Err(e) => {
            out.push(warning(at, key, e));
            None
        }
    }
}

fn warning(at: &str, key: &str, e: FacetError) -> FacetWarning {
    let mut path = at.to_owned();
    push_key(&mut path, key);
    let message = if e.path.is_empty() {
        e.message
    } else {
        format!("{}: {}", e.path, e.message)
    };
    FacetWarning {
        path,
        facet: key.to_owned(),
        message,
    }
}
