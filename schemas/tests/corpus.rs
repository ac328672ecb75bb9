//! Event sets: accepted events round-trip, refused ones name the field, and facets the
//! set's INDEX.json lists as invalid are flagged. Each check runs on the project's own
//! events (`tests/fixtures/openlineage-events`) and, when found, on the real-world corpus.

mod common;

use common::Sample;

use std::collections::BTreeSet;

use serde_json::Value;
use weft_schemas::facets::check_known_facets;
use weft_schemas::{DecodeErrorKind, Event, EventKind};

/// Facet keys that `check_known_facets` models (the others are not checked).
const MODELLED: &[&str] = &[
    "schema",
    "columnLineage",
    "sql",
    "dataSource",
    "documentation",
    "ownership",
    "symlinks",
    "tags",
    "datasetType",
    "lifecycleStateChange",
    "storage",
    "jobType",
    "parent",
    "errorMessage",
    "processing_engine",
    "nominalTime",
    "weft_governance",
];

/// The refused (400) files and the path their error must name.
const REFUSED: &[(&str, &str)] = &[
    (
        "ol_proxy_fluentd__event_invalid_run_facet.json",
        "run.facets.parent.run.runId",
    ),
    ("ol_proxy_fluentd__event_no_run_id.json", "run.runId"),
];

/// Every accepted event of `samples` round-trips to the value it was read from; returns
/// how many.
fn accepted_round_trip(samples: &[Sample]) -> usize {
    let mut checked = 0;
    for s in samples.iter().filter(|s| s.expected_status() == 201) {
        let event =
            Event::from_slice(&s.bytes).unwrap_or_else(|e| panic!("{}: refused: {e}", s.file));
        let original: Value = serde_json::from_slice(&s.bytes).expect("events are JSON");
        let back = serde_json::to_value(&event).expect("serializes");
        assert!(back == original, "{}: round trip changed the event", s.file);
        assert_eq!(event.kind().as_str(), s.index["kind"], "{}", s.file);
        checked += 1;
    }
    checked
}

#[test]
fn own_accepted_events_round_trip_to_the_same_value() {
    assert_eq!(
        accepted_round_trip(&common::samples(&common::own_events_dir())),
        10
    );
}

#[test]
fn accepted_events_round_trip_to_the_same_value() {
    if let Some(samples) = common::corpus_samples("corpus: accepted events round-trip") {
        let checked = accepted_round_trip(&samples);
        assert!(checked > 100, "only {checked} accepted events found");
    }
}

#[test]
fn own_refused_events_name_the_field_their_index_entry_names() {
    let samples = common::samples(&common::own_events_dir());
    let mut refused = 0;
    for s in samples.iter().filter(|s| s.expected_status() == 400) {
        let want = s.index["expected_path"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no expected_path in INDEX.json", s.file));
        let err = Event::from_slice(&s.bytes).expect_err(&s.file);
        assert_eq!(err.kind, DecodeErrorKind::Shape, "{}", s.file);
        assert_eq!(err.path, want, "{}: {err}", s.file);
        refused += 1;
    }
    assert_eq!(refused, 2);
}

#[test]
fn refused_events_name_the_missing_field() {
    let Some(samples) = common::corpus_samples("corpus: refused events name the field") else {
        return;
    };
    let refused: Vec<_> = samples
        .iter()
        .filter(|s| s.expected_status() == 400)
        .collect();
    assert_eq!(
        refused.len(),
        REFUSED.len(),
        "a 400 file is missing from REFUSED"
    );
    for s in refused {
        let (_, path) = REFUSED
            .iter()
            .find(|(f, _)| *f == s.file)
            .unwrap_or_else(|| panic!("{}: add it to REFUSED", s.file));
        let err = Event::from_slice(&s.bytes).expect_err(&s.file);
        assert_eq!(err.kind, DecodeErrorKind::Shape, "{}", s.file);
        assert_eq!(err.path, *path, "{}: {err}", s.file);
    }
}

/// The facet keys INDEX.json reports as failing their schema ("facet X: …").
fn failing_facets(errors: &[String]) -> BTreeSet<String> {
    errors
        .iter()
        .filter_map(|e| e.strip_prefix("facet "))
        .filter_map(|rest| rest.split_once(':'))
        .map(|(key, _)| key.to_owned())
        .collect()
}

/// Checks that exactly the modelled facets INDEX.json lists as failing their schema are
/// flagged, event by event; returns how many warnings there were.
fn flagged_facets(samples: &[Sample]) -> usize {
    let mut flagged = 0;
    for s in samples.iter().filter(|s| s.expected_status() == 201) {
        let event = Event::from_slice(&s.bytes).expect("accepted");
        let expected: BTreeSet<String> = failing_facets(&s.spec_errors())
            .into_iter()
            .filter(|k| MODELLED.contains(&k.as_str()))
            .collect();
        let warnings = check_known_facets(&event);
        let got: BTreeSet<String> = warnings.iter().map(|w| w.facet.clone()).collect();
        assert_eq!(got, expected, "{}: {warnings:?}", s.file);
        flagged += warnings.len();
    }
    flagged
}

#[test]
fn own_facets_that_fail_their_schema_are_flagged_and_only_those() {
    let flagged = flagged_facets(&common::samples(&common::own_events_dir()));
    assert_eq!(flagged, 1, "the one invalid ownership facet");
}

#[test]
fn facets_that_fail_their_schema_are_flagged_and_only_those() {
    if let Some(samples) = common::corpus_samples("corpus: invalid facets are flagged") {
        assert_eq!(
            flagged_facets(&samples),
            2,
            "the two invalid ownership facets"
        );
    }
}

#[test]
fn invalid_ownership_facets_are_flagged_where_they_are() {
    let Some(samples) = common::corpus_samples("corpus: invalid ownership facets located") else {
        return;
    };
    let warnings_of = |file: &str| {
        let s = samples.iter().find(|s| s.file == file).expect(file);
        check_known_facets(&Event::from_slice(&s.bytes).expect(file))
    };
    let dataset = warnings_of("ol_proxy_fluentd__event_invalid_dataset_facet.json");
    assert_eq!(dataset.len(), 1);
    assert_eq!(dataset[0].path, "outputs[0].facets.ownership");
    assert_eq!(dataset[0].facet, "ownership");
    assert_eq!(dataset[0].message, "owners[0].name: missing field `name`");
    let job = warnings_of("ol_proxy_fluentd__event_invalid_job_facet.json");
    assert_eq!(job.len(), 1);
    assert_eq!(job[0].path, "job.facets.ownership");
    // Facets not modelled (dataQualityMetrics, outputStatistics) are not checked.
    for file in [
        "ol_proxy_fluentd__event_invalid_input_dataset_facet.json",
        "ol_proxy_fluentd__event_invalid_output_dataset_facet.json",
    ] {
        assert_eq!(warnings_of(file), [], "{file}");
    }
}

/// The kinds of the accepted events of `samples`.
fn kinds(samples: &[Sample]) -> BTreeSet<&'static str> {
    samples
        .iter()
        .filter(|s| s.expected_status() == 201)
        .map(|s| {
            Event::from_slice(&s.bytes)
                .expect("accepted")
                .kind()
                .as_str()
        })
        .collect()
}

fn all_kinds() -> BTreeSet<&'static str> {
    BTreeSet::from([EventKind::Run, EventKind::Dataset, EventKind::Job].map(EventKind::as_str))
}

#[test]
fn every_event_kind_occurs_in_the_own_events() {
    let samples = common::samples(&common::own_events_dir());
    assert_eq!(kinds(&samples), all_kinds());
}

#[test]
fn every_event_kind_occurs_in_the_corpus() {
    if let Some(samples) = common::corpus_samples("corpus: every event kind occurs") {
        assert_eq!(kinds(&samples), all_kinds());
    }
}
