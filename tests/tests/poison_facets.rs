//! Events that would break reads for good are refused at the door, naming the path:
//! numbers that are not finite as a 64-bit float (`1e999`) and nesting deeper than 64
//! levels. Afterwards every read of the job, its runs, the lineage and the datasets
//! still answers, also after a rebuild, and a batch refuses only the poison event.

use serde_json::{Value, json};
use weft_tests::{Server, backends, enc};

const NS: &str = "poison";

fn run_event(run_id: &str, job_facets: &str) -> String {
    format!(
        r#"{{"eventTime":"2024-05-01T10:00:00Z","eventType":"COMPLETE",
        "producer":"https://example.com/p","run":{{"runId":"{run_id}"}},
        "job":{{"namespace":"{NS}","name":"j","facets":{job_facets}}},
        "inputs":[{{"namespace":"{NS}","name":"in"}}],
        "outputs":[{{"namespace":"{NS}","name":"out","facets":{{"schema":{{"_producer":"p",
          "_schemaURL":"https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
          "fields":[{{"name":"a","type":"INT"}}]}}}}}}]}}"#
    )
}

fn dataset_event(facets: &str) -> String {
    format!(
        r#"{{"eventTime":"2024-05-01T10:00:00Z","producer":"https://example.com/p",
        "dataset":{{"namespace":"{NS}","name":"out","facets":{facets}}}}}"#
    )
}

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn refused(server: &Server, body: String, path_prefix: &str) {
    let (status, text) = server.post_event(body);
    assert_eq!(status, 400, "{text}");
    let v: Value = serde_json::from_str(&text).expect("json error body");
    let path = v["path"].as_str().unwrap_or_default();
    assert!(path.starts_with(path_prefix), "path {path} in {text}");
}

fn every_read_answers(server: &Server) {
    server.get_ok(&format!("/api/v1/namespaces/{NS}/jobs/j"));
    server.get_ok(&format!("/api/v1/namespaces/{NS}/jobs"));
    let runs = server.get_ok(&format!("/api/v1/namespaces/{NS}/jobs/j/runs"));
    assert!(!runs["runs"].as_array().expect("runs").is_empty(), "{runs}");
    server.get_ok(&format!("/api/v1/runs/{}", uuid(1)));
    server.get_ok(&format!(
        "/api/v1/lineage?nodeId={}",
        enc(&format!("job:{NS}:j"))
    ));
    let ds = server.get_ok(&format!("/api/v1/namespaces/{NS}/datasets/out"));
    assert!(ds["facets"]["schema"].is_object(), "{ds}");
    server.get_ok(&format!("/api/v1/namespaces/{NS}/datasets"));
    let d = server.graphql_data(
        None,
        "query($ns: String!) { dataset(namespace: $ns, name: \"out\") { name facets } }",
        json!({"ns": NS}),
    );
    assert_eq!(d["dataset"]["name"], "out", "{d}");
}

#[test]
fn poison_facets_are_refused_and_reads_keep_answering() {
    for backend in backends() {
        let mut server = Server::start(backend, &[]);
        let (s, text) = server.post_event(run_event(&uuid(1), r#"{"ok":{"v":1}}"#));
        assert_eq!(s, 201, "{text}");
        every_read_answers(&server);

        refused(
            &server,
            run_event(&uuid(2), r#"{"x":1e999}"#),
            "job.facets.x",
        );
        refused(
            &server,
            dataset_event(r#"{"custom":{"v":-1e999}}"#),
            "dataset.facets.custom.v",
        );
        let deep = format!("{}1{}", "{\"n\":".repeat(200), "}".repeat(200));
        refused(
            &server,
            run_event(&uuid(3), &format!(r#"{{"deep":{deep}}}"#)),
            "job.facets.deep.n.n",
        );
        every_read_answers(&server);

        // A batch: the poison event is named by index, the good one lands.
        let batch = format!(
            "[{},{}]",
            run_event(&uuid(4), r#"{"x":{"y":[1e999]}}"#),
            run_event(&uuid(5), r#"{"ok":{"v":2}}"#)
        );
        let (s, text) = server.post_event(batch);
        assert_eq!(s, 200, "{text}");
        let body: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(body["accepted"], 1, "{body}");
        assert_eq!(body["rejected"][0]["index"], 0, "{body}");
        assert_eq!(body["rejected"][0]["path"], "job.facets.x.y[0]", "{body}");
        server.get_ok(&format!("/api/v1/runs/{}", uuid(5)));
        assert_eq!(server.get(&format!("/api/v1/runs/{}", uuid(4))).0, 404);
        every_read_answers(&server);

        // What was accepted replays into the same readable state.
        server.rebuild();
        every_read_answers(&server);
    }
}
