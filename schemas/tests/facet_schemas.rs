//! Typed facets against the spec: every modelled facet in the corpus and every spec
//! sample reads into its model, serializes back to the same value, and that value passes
//! the facet's JSON Schema (validated offline: the core schema and facet schemas are
//! registered from `openlineage-spec/` under their `$id`s).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jsonschema::{Registry, Validator};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use weft_schemas::facets::FacetJson;
use weft_schemas::facets::{self, *};
use weft_schemas::{Dataset, Event};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Run,
    Job,
    Dataset,
}

/// Reads the facet under `key` with one model and serializes it back.
type RoundTrip = fn(&Facets, &str) -> Option<Result<Value, String>>;

fn round_trip<T: DeserializeOwned + Serialize>(
    f: &Facets,
    key: &str,
) -> Option<Result<Value, String>> {
    let typed: Result<T, _> = facets::typed(Some(f), key)?;
    Some(
        typed
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::to_value(t).map_err(|e| e.to_string())),
    )
}

/// A model: where its key is read, the spec schema (file stem) it must satisfy.
struct Model {
    place: Place,
    key: &'static str,
    schema: &'static str,
    round_trip: RoundTrip,
}

const fn m(place: Place, key: &'static str, schema: &'static str, round_trip: RoundTrip) -> Model {
    Model {
        place,
        key,
        schema,
        round_trip,
    }
}

const MODELS: &[Model] = &[
    m(
        Place::Dataset,
        "schema",
        "SchemaDatasetFacet",
        round_trip::<SchemaDatasetFacet>,
    ),
    m(
        Place::Dataset,
        "columnLineage",
        "ColumnLineageDatasetFacet",
        round_trip::<ColumnLineageDatasetFacet>,
    ),
    m(
        Place::Dataset,
        "dataSource",
        "DatasourceDatasetFacet",
        round_trip::<DatasourceDatasetFacet>,
    ),
    m(
        Place::Dataset,
        "documentation",
        "DocumentationDatasetFacet",
        round_trip::<DocumentationFacet>,
    ),
    m(
        Place::Dataset,
        "ownership",
        "OwnershipDatasetFacet",
        round_trip::<OwnershipFacet>,
    ),
    m(
        Place::Dataset,
        "symlinks",
        "SymlinksDatasetFacet",
        round_trip::<SymlinksDatasetFacet>,
    ),
    m(
        Place::Dataset,
        "tags",
        "TagsDatasetFacet",
        round_trip::<TagsFacet>,
    ),
    m(
        Place::Dataset,
        "datasetType",
        "DatasetTypeDatasetFacet",
        round_trip::<DatasetTypeDatasetFacet>,
    ),
    m(
        Place::Dataset,
        "lifecycleStateChange",
        "LifecycleStateChangeDatasetFacet",
        round_trip::<LifecycleStateChangeDatasetFacet>,
    ),
    m(
        Place::Dataset,
        "storage",
        "StorageDatasetFacet",
        round_trip::<StorageDatasetFacet>,
    ),
    m(Place::Job, "sql", "SQLJobFacet", round_trip::<SqlJobFacet>),
    m(
        Place::Job,
        "documentation",
        "DocumentationJobFacet",
        round_trip::<DocumentationFacet>,
    ),
    m(
        Place::Job,
        "ownership",
        "OwnershipJobFacet",
        round_trip::<OwnershipFacet>,
    ),
    m(
        Place::Job,
        "jobType",
        "JobTypeJobFacet",
        round_trip::<JobTypeJobFacet>,
    ),
    m(Place::Job, "tags", "TagsJobFacet", round_trip::<TagsFacet>),
    m(
        Place::Run,
        "parent",
        "ParentRunFacet",
        round_trip::<ParentRunFacet>,
    ),
    m(
        Place::Run,
        "errorMessage",
        "ErrorMessageRunFacet",
        round_trip::<ErrorMessageRunFacet>,
    ),
    m(
        Place::Run,
        "processing_engine",
        "ProcessingEngineRunFacet",
        round_trip::<ProcessingEngineRunFacet>,
    ),
    m(
        Place::Run,
        "nominalTime",
        "NominalTimeRunFacet",
        round_trip::<NominalTimeRunFacet>,
    ),
    m(Place::Run, "tags", "TagsRunFacet", round_trip::<TagsFacet>),
];

/// One validator per facet schema, all sharing a registry of the spec files.
struct Spec {
    validators: BTreeMap<String, Validator>,
}

impl Spec {
    /// The spec's schemas, for the check `what`; `None` when the spec is not found.
    fn load(what: &str) -> Option<Spec> {
        let spec = common::corpora::find("openlineage-spec", what)?;
        let core = common::read_json(&spec.join("OpenLineage.json"));
        let mut facet_schemas = BTreeMap::new();
        for entry in std::fs::read_dir(spec.join("facets")).expect("facets dir") {
            let path = entry.expect("dir entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let stem = path
                    .file_stem()
                    .expect("stem")
                    .to_string_lossy()
                    .into_owned();
                facet_schemas.insert(stem, common::read_json(&path));
            }
        }
        let id = |v: &Value| v["$id"].as_str().expect("schema has $id").to_owned();
        let resources = std::iter::once((id(&core), core.clone()))
            .chain(facet_schemas.values().map(|s| (id(s), s.clone())));
        let registry = Registry::new()
            .extend(resources)
            .expect("valid schema URIs")
            .prepare()
            .expect("registry resolves offline");
        let validators = MODELS
            .iter()
            .map(|model| {
                let schema = facet_schemas
                    .get(model.schema)
                    .unwrap_or_else(|| panic!("no spec file for {}", model.schema));
                let validator = jsonschema::options()
                    .offline()
                    .with_registry(&registry)
                    .build(schema)
                    .unwrap_or_else(|e| panic!("{}: {e}", model.schema));
                (model.schema.to_owned(), validator)
            })
            .collect();
        Some(Spec { validators })
    }

    /// Schema errors for a facet value, validated as the facet files expect: `{key: facet}`.
    fn errors(&self, model: &Model, value: &Value) -> Vec<String> {
        let instance = json!({ model.key: value });
        self.validators[model.schema]
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect()
    }
}

/// Checks one facet map at one place; returns how many facets a model read.
fn check_facets(spec: &Spec, at: &str, place: Place, facets: Option<&Facets>) -> usize {
    let Some(facets) = facets else { return 0 };
    let mut read = 0;
    for model in MODELS.iter().filter(|m| m.place == place) {
        let Some(result) = (model.round_trip)(facets, model.key) else {
            continue;
        };
        let original = &facets[model.key].to_value();
        let schema_errors = spec.errors(model, original);
        match result {
            Ok(back) => {
                assert!(
                    &back == original,
                    "{at}.{}: typed round trip changed it",
                    model.key
                );
                let errors = spec.errors(model, &back);
                assert_eq!(errors, Vec::<String>::new(), "{at}.{}", model.key);
                read += 1;
            }
            // The model refuses exactly what the schema refuses.
            Err(e) => assert!(
                !schema_errors.is_empty(),
                "{at}.{}: model refused a valid facet: {e}",
                model.key
            ),
        }
    }
    read
}

fn check_datasets(spec: &Spec, at: &str, datasets: Option<&[Dataset]>) -> usize {
    datasets
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, d)| {
            check_facets(
                spec,
                &format!("{at}[{i}].facets"),
                Place::Dataset,
                d.facets.as_ref(),
            )
        })
        .sum()
}

#[test]
fn modelled_facets_in_the_corpus_round_trip_and_validate() {
    let what = "facet_schemas: the corpus's modelled facets against the spec";
    let Some(spec) = Spec::load(what) else { return };
    let Some(samples) = common::corpus_samples(what) else {
        return;
    };
    let mut read = 0;
    for s in samples.iter().filter(|s| s.expected_status() == 201) {
        let at = |path: &str| format!("{}: {path}", s.file);
        read += match Event::from_slice(&s.bytes).expect(&s.file) {
            Event::Run(e) => {
                check_facets(&spec, &at("run.facets"), Place::Run, e.run.facets.as_ref())
                    + check_facets(&spec, &at("job.facets"), Place::Job, e.job.facets.as_ref())
                    + check_datasets(&spec, &at("inputs"), e.inputs.as_deref())
                    + check_datasets(&spec, &at("outputs"), e.outputs.as_deref())
            }
            Event::Job(e) => {
                check_facets(&spec, &at("job.facets"), Place::Job, e.job.facets.as_ref())
                    + check_datasets(&spec, &at("inputs"), e.inputs.as_deref())
                    + check_datasets(&spec, &at("outputs"), e.outputs.as_deref())
            }
            Event::Dataset(e) => check_facets(
                &spec,
                &at("dataset.facets"),
                Place::Dataset,
                e.dataset.facets.as_ref(),
            ),
        };
    }
    // 491 modelled facets in the accepted events at the time of writing, 2 of them invalid.
    assert!(read >= 489, "only {read} facets read and round-tripped");
}

#[test]
fn spec_samples_read_round_trip_and_validate() {
    let Some(spec) = Spec::load("facet_schemas: the spec's own facet samples") else {
        return;
    };
    let tests = common::corpora::shared_dir()
        .0
        .join("openlineage-spec/tests");
    for model in MODELS {
        let files = sample_files(&tests.join(model.schema));
        assert!(!files.is_empty(), "no spec samples for {}", model.schema);
        for file in files {
            let text = serde_json::to_string(&common::read_json(&file)).expect("json");
            let facets: Facets = serde_json::from_str(&text).expect("object");
            let at = format!(
                "{}/{}",
                model.schema,
                file.file_name().expect("name").to_string_lossy()
            );
            let back = (model.round_trip)(&facets, model.key)
                .unwrap_or_else(|| panic!("{at}: no `{}` facet", model.key))
                .unwrap_or_else(|e| panic!("{at}: {e}"));
            assert_eq!(back, facets[model.key].to_value(), "{at}");
            assert_eq!(spec.errors(model, &back), Vec::<String>::new(), "{at}");
        }
    }
}

fn sample_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_modelled_key_is_checked_by_check_known_facets() {
    // Each model's key, made invalid at its place, must produce a warning there
    // (except `parent`: an unusable parent facet refuses the whole event).
    let broken = json!({"_producer": "p", "_schemaURL": "s", "fields": 1, "owners": 1,
        "tags": 1, "identifiers": 1, "run": 1, "name": 1});
    let facet_map = |keys: &[&str]| -> Facets {
        keys.iter()
            .map(|k| ((*k).to_owned(), FacetJson::from_value(&broken)))
            .collect()
    };
    let keys = |place| -> Vec<&str> {
        MODELS
            .iter()
            .filter(|m| m.place == place)
            .map(|m| m.key)
            .collect()
    };
    let event = json!({
        "eventTime": "2024-01-01T00:00:00Z", "producer": "p",
        "run": {"runId": "r", "facets": facet_map(&keys(Place::Run)
            .into_iter().filter(|k| *k != "parent").collect::<Vec<_>>())},
        "job": {"namespace": "n", "name": "j", "facets": facet_map(&keys(Place::Job))},
        "outputs": [{"namespace": "n", "name": "d", "facets": facet_map(&keys(Place::Dataset))}]
    });
    let event = Event::from_value(event).expect("decodes");
    let got: BTreeSet<String> = check_known_facets(&event)
        .into_iter()
        .map(|w| w.path)
        .collect();
    let expected: BTreeSet<String> = MODELS
        .iter()
        .filter(|m| m.key != "parent")
        .map(|m| match m.place {
            Place::Run => format!("run.facets.{}", m.key),
            Place::Job => format!("job.facets.{}", m.key),
            Place::Dataset => format!("outputs[0].facets.{}", m.key),
        })
        .collect();
    assert_eq!(got, expected);
}
