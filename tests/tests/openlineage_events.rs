//! Every event of a set posted over HTTP to the real server, on SQLite and PostgreSQL:
//! the status `INDEX.json` expects, then every input and output dataset read back with
//! its schema fields and column-lineage edges. The sets: the project's own events
//! (`tests/fixtures/openlineage-events`), always, and the real-world ones of the external
//! corpora (`openlineage-events/`) when found.

use std::collections::BTreeMap;

use serde_json::Value;
use std::path::{Path, PathBuf};

use weft_tests::{Backend, Server, backends, corpora, enc, workspace};

/// When a dataset's newest schema was stated, and each schema stated then.
type Stated = (i64, Vec<Vec<String>>);

/// A set of events, with the least it must hold so that an emptied set cannot pass.
struct EventSet {
    dir: PathBuf,
    min_events: usize,
    min_edges: usize,
}

impl EventSet {
    /// The project's own events: 12, with 9 field-level edges.
    fn own() -> EventSet {
        EventSet {
            dir: workspace().join("tests/fixtures/openlineage-events"),
            min_events: 12,
            min_edges: 9,
        }
    }

    /// The real-world corpus, when found.
    fn corpus(what: &str) -> Option<EventSet> {
        corpora::find("openlineage-events", what).map(|dir| EventSet {
            dir,
            min_events: 100,
            min_edges: 50,
        })
    }
}

struct Expect {
    /// The schema stated by the newest event (by `eventTime`, not arrival): its time and
    /// every schema stated at that time (equal times may state different ones).
    fields: BTreeMap<(String, String), Stated>,
    edges: Vec<(String, String, String, String, String, String)>,
    /// Per-field inputs that must *not* show as field edges: (ns, name, field, src name, src field).
    lifted: Vec<(String, String, String, String, String)>,
    datasets: Vec<(String, String)>,
}

/// An event's `eventTime` in microseconds since the epoch (RFC 3339, any offset).
fn event_micros(event: &Value) -> i64 {
    let t = event["eventTime"].as_str().expect("eventTime");
    let num = |s: &str| s.parse::<i64>().expect("number in eventTime");
    let (date, rest) = t.split_once('T').expect("date and time");
    let mut d = date.split('-').map(num);
    let (y, m, day) = (
        d.next().unwrap_or(0),
        d.next().unwrap_or(1),
        d.next().unwrap_or(1),
    );
    let split = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(split);
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let mut c = hms.split(':').map(num);
    let secs = c.next().unwrap_or(0) * 3600 + c.next().unwrap_or(0) * 60 + c.next().unwrap_or(0);
    let micros = format!("{frac:0<6}")[..6].parse::<i64>().unwrap_or(0);
    let offset = match zone.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let (h, m) = zone[1..].split_once(':').unwrap_or((&zone[1..], "0"));
            let o = num(h) * 3600 + num(m) * 60;
            if sign == '+' { o } else { -o }
        }
        _ => 0,
    };
    // Days from the civil date (proleptic Gregorian).
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    (days * 86_400 + secs - offset) * 1_000_000 + micros
}

fn datasets_of(event: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for key in ["inputs", "outputs"] {
        if let Some(a) = event[key].as_array() {
            out.extend(a.iter());
        }
    }
    if event["dataset"].is_object() && event.get("run").is_none() {
        out.push(&event["dataset"]);
    }
    out
}

fn schema_names(fields: &Value, prefix: &str, out: &mut Vec<String>) {
    for f in fields.as_array().into_iter().flatten() {
        let Some(name) = f["name"].as_str() else {
            continue;
        };
        let full = if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        };
        out.push(full.clone());
        schema_names(&f["fields"], &full, out);
    }
}

/// An INDIRECT use that sets rows for the whole output (filter, join, grouping, order).
fn dataset_level_uses(input: &Value) -> Vec<(String, String, String)> {
    input["transformations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["type"] == "INDIRECT")
        .filter_map(|t| t["subtype"].as_str())
        .filter(|s| ["FILTER", "JOIN", "GROUP_BY", "SORT"].contains(s))
        .map(|s| {
            (
                input["name"].as_str().unwrap_or_default().to_owned(),
                input["field"].as_str().unwrap_or_default().to_owned(),
                s.to_owned(),
            )
        })
        .collect()
}

/// Dataset-level uses a facet repeats on every one of its fields.
fn repeated_dataset_level(fields: &Value) -> Vec<(String, String, String)> {
    let per_field: Vec<Vec<(String, String, String)>> = fields
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, spec)| {
            spec["inputFields"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(dataset_level_uses)
                .collect()
        })
        .collect();
    let Some(first) = per_field.first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter(|u| per_field.iter().all(|f| f.contains(u)))
        .cloned()
        .collect()
}

/// Whether every transformation of `input` is one of the repeated dataset-level uses.
fn only_lifted(input: &Value, lifted: &[(String, String, String)]) -> bool {
    let ts = input["transformations"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    let uses = dataset_level_uses(input);
    ts > 0 && uses.len() == ts && uses.iter().all(|u| lifted.contains(u))
}

fn post_all(server: &Server, set: &EventSet) -> Expect {
    let dir: &Path = &set.dir;
    let index: Vec<Value> =
        serde_json::from_slice(&std::fs::read(dir.join("INDEX.json")).expect("INDEX.json"))
            .expect("index parses");
    assert!(
        index.len() >= set.min_events,
        "{}: {} events, want at least {}",
        dir.display(),
        index.len(),
        set.min_events
    );
    let mut expect = Expect {
        fields: BTreeMap::new(),
        edges: Vec::new(),
        lifted: Vec::new(),
        datasets: Vec::new(),
    };
    for entry in &index {
        let file = entry["file"].as_str().expect("file");
        let bytes = std::fs::read(dir.join(file)).expect("event file");
        let (status, body) = server.post_event(bytes.clone());
        let want = entry["expected_status"].as_u64().expect("expected_status") as u16;
        assert_eq!(status, want, "{file}: {body}");
        if status >= 400 {
            let err: Value = serde_json::from_str(&body).expect("JSON error body");
            assert!(err["error"].is_string(), "{file}: {err}");
            assert!(
                err["path"].as_str().is_some_and(|p| p.contains("runId")),
                "{file}: {err}"
            );
            continue;
        }
        assert!(body.is_empty(), "201 has an empty body, got {body:?}");
        let event: Value = serde_json::from_slice(&bytes).expect("json");
        for d in datasets_of(&event) {
            let (ns, name) = (
                d["namespace"].as_str().expect("ns"),
                d["name"].as_str().expect("name"),
            );
            expect.datasets.push((ns.into(), name.into()));
            let schema = &d["facets"]["schema"];
            if schema.is_object() && schema["_deleted"] != Value::Bool(true) {
                let mut names = Vec::new();
                schema_names(&schema["fields"], "", &mut names);
                let at = event_micros(&event);
                let slot = expect
                    .fields
                    .entry((ns.into(), name.into()))
                    .or_insert((at, Vec::new()));
                if at > slot.0 {
                    *slot = (at, Vec::new());
                }
                if at == slot.0 {
                    slot.1.push(names);
                }
            }
            let cl = &d["facets"]["columnLineage"]["fields"];
            let lifted = repeated_dataset_level(cl);
            for (field, spec) in cl.as_object().into_iter().flatten() {
                for input in spec["inputFields"].as_array().into_iter().flatten() {
                    if only_lifted(input, &lifted) {
                        // Spark's legacy per-field filters are read as dataset-level.
                        expect.lifted.push((
                            ns.into(),
                            name.into(),
                            field.clone(),
                            input["name"].as_str().expect("name").into(),
                            input["field"].as_str().expect("field").into(),
                        ));
                        continue;
                    }
                    expect.edges.push((
                        ns.into(),
                        name.into(),
                        field.clone(),
                        input["namespace"].as_str().expect("ns").into(),
                        input["name"].as_str().expect("name").into(),
                        input["field"].as_str().expect("field").into(),
                    ));
                }
            }
        }
    }
    expect
}

fn check_read_back(server: &Server, set: &EventSet, expect: &Expect) {
    for (ns, name) in &expect.datasets {
        let d = server.get_ok(&format!(
            "/api/v1/namespaces/{}/datasets/{}",
            enc(ns),
            enc(name)
        ));
        assert_eq!(d["namespace"], ns.as_str());
        assert_eq!(d["name"], name.as_str());
    }
    for ((ns, name), want) in &expect.fields {
        let d = server.get_ok(&format!(
            "/api/v1/namespaces/{}/datasets/{}",
            enc(ns),
            enc(name)
        ));
        let got: Vec<&str> = d["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        assert!(
            want.1.iter().any(|w| *w == got),
            "fields of {ns}:{name}: {got:?}, want the newest of {:?}",
            want.1
        );
    }
    assert!(
        expect.edges.len() >= set.min_edges,
        "{}: {} column-lineage edges, want at least {}",
        set.dir.display(),
        expect.edges.len(),
        set.min_edges
    );
    for (ns, name, field, sns, sname, sfield) in &expect.edges {
        let node = format!("datasetField:{ns}:{name}:{field}");
        let me = server.column_node(&node);
        assert!(!me.is_null(), "{node} missing from its own column lineage");
        let found = me["data"]["inputFields"]
            .as_array()
            .expect("inputFields")
            .iter()
            .any(|i| {
                i["namespace"] == sns.as_str()
                    && i["dataset"] == sname.as_str()
                    && i["field"] == sfield.as_str()
            });
        assert!(found, "{node} lacks input {sns}:{sname}:{sfield}: {me}");
        assert!(
            me["inEdges"]
                .as_array()
                .expect("inEdges")
                .iter()
                .any(|e| e["origin"] == format!("datasetField:{sns}:{sname}:{sfield}").as_str()),
            "{node} lacks an inEdge from {sfield}"
        );
    }
}

/// Inputs lifted to dataset level are still in each field's answer (the producer
/// declared them for it), marked `datasetLevel`, with the INDIRECT use that says what
/// they are.
fn check_lifted(server: &Server, expect: &Expect) {
    assert!(
        !expect.lifted.is_empty(),
        "the set has Spark's legacy shape"
    );
    for (ns, name, field, sname, sfield) in &expect.lifted {
        if expect
            .edges
            .iter()
            .any(|e| (&e.0, &e.1, &e.2, &e.4, &e.5) == (ns, name, field, sname, sfield))
        {
            continue;
        }
        let node = format!("datasetField:{ns}:{name}:{field}");
        let me = server.column_node(&node);
        let listed = me["data"]["inputFields"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["dataset"] == sname.as_str() && i["field"] == sfield.as_str())
            .unwrap_or_else(|| panic!("{node} lacks dataset-level {sname}:{sfield}: {me}"));
        assert_eq!(listed["datasetLevel"], true, "{node}: {listed}");
        let indirect = listed["transformations"]
            .as_array()
            .is_some_and(|ts| !ts.is_empty() && ts.iter().all(|t| t["type"] == "INDIRECT"));
        assert!(indirect, "{node}: {listed}");
    }
}

fn run(backend: Backend, set: &EventSet) {
    // The built-in policies write their violations to the log on their own schedule
    // (the sets hold personal data without a retention); the log's length is what this
    // test reads, so they stay off.
    let server = Server::start(backend, &["--policy-builtin", "false"]);
    let expect = post_all(&server, set);
    check_read_back(&server, set, &expect);
    check_lifted(&server, &expect);
    // Posting everything again changes nothing: every event is a recognised duplicate.
    let seq = server.metric("weft_change_log_seq");
    let again = post_all(&server, set);
    assert_eq!(
        server.metric("weft_change_log_seq"),
        seq,
        "re-posting appended to the log"
    );
    check_read_back(&server, set, &again);
    // The log verifies, and current state rebuilt from it reads back the same.
    let out = server.weft(&["verify"]);
    assert!(
        out.status.success(),
        "verify: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    drop(server);
}

fn rebuild_restores(set: &EventSet) {
    for backend in backends() {
        let mut server = Server::start(backend, &[]);
        let expect = post_all(&server, set);
        server.rebuild();
        check_read_back(&server, set, &expect);
    }
}

#[test]
fn own_events_round_trip_through_http() {
    let set = EventSet::own();
    for backend in backends() {
        run(backend, &set);
    }
}

#[test]
fn every_corpus_event_round_trips_through_http() {
    let Some(set) = EventSet::corpus("openlineage_events: every real-world event over HTTP") else {
        return;
    };
    for backend in backends() {
        run(backend, &set);
    }
}

#[test]
fn rebuild_restores_current_state_from_the_log() {
    rebuild_restores(&EventSet::own());
}

#[test]
fn rebuild_restores_the_corpus_from_the_log() {
    if let Some(set) = EventSet::corpus("openlineage_events: the real-world events rebuilt") {
        rebuild_restores(&set);
    }
}
