//! The documented limits on event inputs (`weft_schemas::limits`), over HTTP against the
//! real binary: oversized names, namespaces and run ids, an unknown `eventType` and too
//! many inputs are refused with 400 naming the field; a job at the input limit is
//! accepted and stays cheap to read (a depth-1 lineage answer is bounded and says it
//! was cut, `/healthz` answers while the views work, `weft rebuild` completes); SQL too
//! long to parse is stored, reported as a warning, and does not blow up memory.

use serde_json::{Value, json};
use weft_tests::{Server, backends, enc, eventually};

const NS: &str = "limits";
/// `weft_schemas::limits::MAX_NAME_BYTES` and friends, as documented.
const MAX_NAME_BYTES: usize = 1024;
const MAX_RUN_ID_BYTES: usize = 256;
const MAX_DATASETS_PER_EVENT: usize = 10_000;
const MAX_PARSED_SQL_BYTES: usize = 1024 * 1024;

fn event(run_id: &str, job: &str, inputs: Vec<Value>) -> Value {
    json!({
        "eventTime": "2024-05-01T10:00:00Z", "eventType": "COMPLETE",
        "producer": "https://example.com/limits",
        "run": {"runId": run_id},
        "job": {"namespace": NS, "name": job},
        "inputs": inputs,
        "outputs": [{"namespace": NS, "name": "out"}]
    })
}

fn input(name: &str) -> Value {
    json!({"namespace": NS, "name": name})
}

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// Posts `body` and expects a 400 whose path is `path` and whose message says `says`.
fn refused(server: &Server, body: &Value, path: &str, says: &str) {
    let (status, text) = server.post_event(body.to_string());
    assert_eq!(status, 400, "{}", &text[..text.len().min(500)]);
    let v: Value = serde_json::from_str(&text).expect("json error body");
    assert_eq!(v["path"], path, "{v}");
    let message = v["error"].as_str().unwrap_or_default();
    assert!(message.contains(says), "{message}");
}

#[test]
fn oversized_identities_and_unknown_event_types_are_refused_naming_the_field() {
    for backend in backends() {
        let server = Server::start(backend, &[]);
        let long = "x".repeat(MAX_NAME_BYTES + 1);

        let mut e = event(&uuid(1), &long, vec![input("a")]);
        refused(&server, &e, "job.name", "1024");
        e = event(&uuid(1), "j", vec![input("a")]);
        e["job"]["namespace"] = json!(long);
        refused(&server, &e, "job.namespace", "1024");
        e = event(&uuid(1), "j", vec![json!({"namespace": long, "name": "a"})]);
        refused(&server, &e, "inputs[0].namespace", "1024");
        e = event(&uuid(1), "j", vec![input(&long)]);
        refused(&server, &e, "inputs[0].name", "1024");
        e = event(&"r".repeat(MAX_RUN_ID_BYTES + 1), "j", vec![input("a")]);
        refused(&server, &e, "run.runId", "256");

        e = event(&uuid(1), "j", vec![input("a")]);
        e["eventType"] = json!("BOGUS");
        refused(&server, &e, "eventType", "eventType");

        let too_many: Vec<Value> = (0..=MAX_DATASETS_PER_EVENT)
            .map(|i| input(&format!("t{i}")))
            .collect();
        refused(&server, &event(&uuid(1), "j", too_many), "inputs", "10000");

        // A name at the limit is accepted and reads back; so is a lower-case state and
        // an event without eventType, as before.
        let fits = "y".repeat(MAX_NAME_BYTES);
        let (status, text) =
            server.post_event(event(&uuid(2), &fits, vec![input("a")]).to_string());
        assert_eq!(status, 201, "{text}");
        server.get_ok(&format!("/api/v1/namespaces/{NS}/jobs/{}", enc(&fits)));
        let mut lower = event(&uuid(3), "j", vec![input("a")]);
        lower["eventType"] = json!("complete");
        assert_eq!(server.post_event(lower.to_string()).0, 201);
        let mut absent = event(&uuid(4), "j", vec![input("a")]);
        absent.as_object_mut().map(|o| o.remove("eventType"));
        assert_eq!(server.post_event(absent.to_string()).0, 201);

        // In a batch only the refused event is named, with its index and path.
        let mut bogus = event(&uuid(5), "j", vec![input("a")]);
        bogus["eventType"] = json!("BOGUS");
        let batch = json!([event(&uuid(6), "j", vec![input("a")]), bogus]);
        let (status, text) = server.post_event(batch.to_string());
        assert_eq!(status, 200, "{text}");
        let v: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["accepted"], 1, "{v}");
        assert_eq!(v["rejected"][0]["index"], 1, "{v}");
        assert_eq!(v["rejected"][0]["path"], "eventType", "{v}");
    }
}

#[test]
fn a_job_at_the_input_limit_is_accepted_and_stays_cheap_to_read() {
    for backend in backends() {
        let mut server = Server::start(backend, &[]);
        let inputs: Vec<Value> = (0..MAX_DATASETS_PER_EVENT)
            .map(|i| input(&format!("in{i}")))
            .collect();
        let (status, text) = server.post_event(event(&uuid(1), "wide", inputs).to_string());
        assert_eq!(status, 201, "{text}");
        // The views start on the job at once; the server keeps answering meanwhile.
        let (status, _) = server.get("/healthz");
        assert_eq!(status, 200);

        let lineage = |server: &Server| {
            server.get_ok(&format!(
                "/api/v1/lineage?nodeId={}&depth=1",
                enc(&format!("dataset:{NS}:in0"))
            ))
        };
        let v = lineage(&server);
        let graph = v["graph"].as_array().expect("graph");
        let ids: Vec<&str> = graph.iter().filter_map(|n| n["id"].as_str()).collect();
        assert!(ids.contains(&"dataset:limits:in0"), "{ids:?}");
        assert!(ids.contains(&"job:limits:wide"), "{ids:?}");
        // 10,002 nodes are within depth 1; the answer is bounded and says it was cut.
        assert!(graph.len() <= 1_000, "{} nodes", graph.len());
        assert_eq!(v["truncated"], true, "{}", v["maxNodes"]);
        // The job node lists a bounded share of its 10,000 inputs, not all of them.
        let job = graph
            .iter()
            .find(|n| n["id"] == "job:limits:wide")
            .expect("job node");
        let listed = job["data"]["inputs"].as_array().map_or(0, Vec::len);
        assert!((1..=1_000).contains(&listed), "{listed} inputs listed");
        let (status, _) = server.get("/healthz");
        assert_eq!(status, 200);

        // The output's lineage names the job; the search view caught up with it.
        let out = server.get_ok(&format!(
            "/api/v1/lineage?nodeId={}&depth=1",
            enc(&format!("dataset:{NS}:out"))
        ));
        assert_eq!(out["truncated"], true);
        eventually(
            "the wide job is searchable",
            || server.get(&format!("/api/v1/search?q=wide&namespace={NS}")),
            |(status, v)| *status == 200 && v.to_string().contains("wide"),
        );

        server.rebuild();
        let v = lineage(&server);
        assert_eq!(v["truncated"], true);
    }
}

#[test]
fn sql_too_long_to_parse_is_stored_reported_and_cheap() {
    for backend in backends() {
        let server = Server::start(backend, &[]);
        // About 3.4 MB: 400,000 columns, under the 4 MiB facet limit, over the 1 MiB
        // parse limit.
        let columns: Vec<String> = (0..400_000).map(|i| format!("c{i}")).collect();
        let query = format!("INSERT INTO out SELECT {} FROM src", columns.join(", "));
        assert!(query.len() > MAX_PARSED_SQL_BYTES);
        let mut e = event(&uuid(1), "bigsql", vec![input("src")]);
        e["job"]["facets"] = json!({"sql": {
            "_producer": "https://example.com/limits",
            "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/SQLJobFacet.json",
            "query": query,
        }});
        let (status, text) = server.post_event(e.to_string());
        assert_eq!(status, 201, "{text}");

        let changes = server.get_ok("/api/v1/changes");
        let warnings = &changes["changes"][0]["warnings"];
        assert_eq!(warnings[0]["path"], "job.facets.sql.query", "{changes}");

        let job = eventually(
            "the SQL view recorded why it did not parse",
            || {
                server
                    .get(&format!("/api/v1/namespaces/{NS}/jobs/bigsql"))
                    .1
            },
            |j| j["sqlLineage"]["errors"].is_array(),
        );
        let errors = job["sqlLineage"]["errors"].to_string();
        assert!(errors.contains("resource limit"), "{errors}");
        assert_eq!(job["sqlLineage"]["edges"], 0);
        // The facet is kept as sent.
        let stored = job["facets"]["sql"]["query"].as_str().unwrap_or_default();
        assert_eq!(stored.len(), query.len());

        // Generous: ingesting and skipping 3.4 MB of SQL stays far from the gigabytes
        // parsing it used to take.
        let peak = server.peak_rss_kib().expect("VmHWM");
        assert!(peak < 768 * 1024, "peak RSS {peak} KiB");
    }
}
