//! Kafka in and out, against the real `weft` binary and librdkafka's mock cluster (its
//! brokers listen on localhost, so the server process connects as to real ones):
//! events consumed exactly once and in partition order, malformed messages
//! dead-lettered, a consumer killed mid-stream, two servers sharing a group, an event
//! over HTTP and Kafka stored once, and the change feed published in order across a
//! restart.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, Headers, OwnedHeaders};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{BaseProducer, BaseRecord, DefaultProducerContext, Producer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use serde_json::{Value, json};
use weft_tests::{Backend, Server, TestDb, corpora, eventually, leaders, run_python, test_python};

/// A mock Kafka cluster and a producer into it.
struct Kafka {
    cluster: MockCluster<'static, DefaultProducerContext>,
    producer: BaseProducer,
}

/// A message read back.
#[derive(Debug, Clone)]
struct Read {
    partition: i32,
    key: Option<String>,
    headers: BTreeMap<String, String>,
    value: Vec<u8>,
}

impl Kafka {
    fn new() -> Kafka {
        let cluster = MockCluster::new(1).expect("mock cluster");
        let producer = ClientConfig::new()
            .set("bootstrap.servers", cluster.bootstrap_servers())
            .set("enable.idempotence", "true")
            .create()
            .expect("producer");
        Kafka { cluster, producer }
    }

    fn brokers(&self) -> String {
        self.cluster.bootstrap_servers()
    }

    fn topic(&self, name: &str, partitions: i32) {
        self.cluster
            .create_topic(name, partitions, 1)
            .expect("create topic");
    }

    /// Produces one message to a partition and waits until the broker has it.
    fn send(
        &self,
        topic: &str,
        partition: i32,
        key: Option<&str>,
        headers: &[(&str, &str)],
        value: &[u8],
    ) {
        let mut h = OwnedHeaders::new();
        for (k, v) in headers {
            h = h.insert(Header {
                key: k,
                value: Some(v.as_bytes()),
            });
        }
        let mut record = BaseRecord::to(topic)
            .partition(partition)
            .payload(value)
            .headers(h);
        if let Some(k) = key {
            record = record.key(k);
        }
        self.producer
            .send(record)
            .map_err(|(e, _)| e)
            .expect("send");
        self.producer
            .flush(Duration::from_secs(10))
            .expect("broker acknowledged");
    }

    /// Every message of a topic, once the topic holds at least `n`; checks that the
    /// high watermarks say there are no more than were read.
    fn read_all(&self, topic: &str, partitions: i32, n: usize) -> Vec<Read> {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", self.brokers())
            .set("group.id", "weft-test-reader")
            .set("enable.auto.commit", "false")
            .create()
            .expect("consumer");
        let mut tpl = TopicPartitionList::new();
        for p in 0..partitions {
            tpl.add_partition_offset(topic, p, Offset::Beginning)
                .expect("partition");
        }
        consumer.assign(&tpl).expect("assign");
        let mut out = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while out.len() < n {
            assert!(
                Instant::now() < deadline,
                "{topic}: {} of {n} messages",
                out.len()
            );
            if let Some(m) = consumer.poll(Duration::from_millis(200)) {
                let m = m.expect("message");
                let headers = m
                    .headers()
                    .map(|h| {
                        h.iter()
                            .map(|h| {
                                (
                                    h.key.to_owned(),
                                    String::from_utf8_lossy(h.value.unwrap_or_default())
                                        .into_owned(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(Read {
                    partition: m.partition(),
                    key: m.key().map(|k| String::from_utf8_lossy(k).into_owned()),
                    headers,
                    value: m.payload().unwrap_or_default().to_vec(),
                });
            }
        }
        let total: i64 = (0..partitions)
            .map(|p| {
                let (lo, hi) = consumer
                    .fetch_watermarks(topic, p, Duration::from_secs(10))
                    .expect("watermarks");
                hi - lo
            })
            .sum();
        assert_eq!(
            total as usize,
            out.len(),
            "{topic} holds more than was read"
        );
        out
    }
}

/// A `weft.toml` with one `[[kafka]]` consumer. A short session timeout, so that a
/// killed member leaves the group in seconds rather than librdkafka's default 45.
fn config(dir: &tempfile::TempDir, brokers: &str, topic: &str, group: &str) -> PathBuf {
    let path = dir.path().join("weft.toml");
    std::fs::write(
        &path,
        format!(
            "[[kafka]]\nbrokers = \"{brokers}\"\ntopics = [\"{topic}\"]\ngroup = \"{group}\"\n\
             start = \"earliest\"\n\
             [kafka.properties]\n\"session.timeout.ms\" = \"6000\"\n\"heartbeat.interval.ms\" = \"500\"\n"
        ),
    )
    .expect("write config");
    path
}

/// A consumer server on `backend` reading `topic`.
fn consumer(kafka: &Kafka, backend: Backend, topic: &str, dir: &tempfile::TempDir) -> Server {
    let cfg = config(dir, &kafka.brokers(), topic, "weft");
    Server::start(backend, &["--config", cfg.to_str().expect("utf-8 path")])
}

/// A RunEvent for run `n` of job `job`.
fn event(n: u32, job: &str, state: &str, time: &str, outputs: Value) -> Value {
    json!({
        "eventType": state,
        "eventTime": time,
        "producer": "https://example.com/kafka-test",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run_id(n)},
        "job": {"namespace": "kafka-test", "name": job},
        "inputs": [],
        "outputs": outputs,
    })
}

fn run_id(n: u32) -> String {
    format!("0190c7c0-0000-7000-8000-{n:012}")
}

/// Every change-log entry of kind `openlineage.run`, oldest first, as (seq, entity).
fn run_entries(server: &Server) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    let mut since = 0;
    loop {
        let page = server.get_ok(&format!(
            "/api/v1/changes?since={since}&limit=1000&kind=openlineage.run"
        ));
        let list = page["changes"].as_array().expect("changes").clone();
        if list.is_empty() {
            return out;
        }
        for c in &list {
            out.push((
                c["seq"].as_i64().expect("seq"),
                c["entity"].as_str().expect("entity").to_owned(),
            ));
        }
        since = page["next"].as_i64().expect("next");
    }
}

/// A metric's value, when the server shows it.
fn metric_value(server: &Server, name: &str) -> Option<f64> {
    let text = server
        .http
        .get(format!("{}/metrics", server.url))
        .send()
        .and_then(|r| r.text())
        .unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// A metric's value, or 0 when the server does not show it yet.
fn metric_or_zero(server: &Server, name: &str) -> f64 {
    metric_value(server, name).unwrap_or(0.0)
}

/// REST reads of everything a set of events created, for comparing two servers: without
/// the fields a server sets from its own clock, nor the log position at which the SQL
/// lineage view happened to analyse a job (`changeSeq`, which depends on its pages).
fn catalog(server: &Server) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in [
                    "createdAt",
                    "updatedAt",
                    "lastModifiedAt",
                    "analyzedAt",
                    "changeSeq",
                ] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut out = serde_json::Map::new();
    let namespaces = server.get_ok("/api/v1/namespaces");
    for ns in namespaces["namespaces"].as_array().expect("namespaces") {
        let name = ns["name"].as_str().expect("name");
        let e = weft_tests::enc(name);
        let mut datasets = server.get_ok(&format!("/api/v1/namespaces/{e}/datasets?limit=1000"));
        let mut jobs = server.get_ok(&format!("/api/v1/namespaces/{e}/jobs?limit=1000"));
        strip(&mut datasets);
        strip(&mut jobs);
        out.insert(name.to_owned(), json!({"datasets": datasets, "jobs": jobs}));
    }
    Value::Object(out)
}

/// The first place two JSON values differ, as a path and both sides (short).
fn difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let (l, r) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                if let Some(d) = difference(l, r, &format!("{path}.{k}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (l, r))| difference(l, r, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => {
            let short = |v: &Value| v.to_string().chars().take(300).collect::<String>();
            Some(format!("{path}: {} vs {}", short(a), short(b)))
        }
    }
}

#[test]
fn real_events_read_back_as_when_posted_over_http() {
    let Some(dir) = corpora::find("openlineage-events", "the Kafka ingestion comparison") else {
        return;
    };
    let index: Vec<Value> =
        serde_json::from_slice(&std::fs::read(dir.join("INDEX.json")).expect("INDEX.json"))
            .expect("INDEX.json parses");
    assert!(
        index.len() >= 100,
        "the corpus holds {} events",
        index.len()
    );
    let kafka = Kafka::new();
    kafka.topic("ol-real", 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let via_kafka = consumer(&kafka, Backend::Sqlite, "ol-real", &tmp);
    let via_http = Server::start(Backend::Sqlite, &[]);
    let mut refused = 0;
    for entry in &index {
        let file = entry["file"].as_str().expect("file");
        let body = std::fs::read(dir.join(file)).expect("event file");
        let (status, text) = via_http.post_event(body.clone());
        let want = entry["expected_status"].as_u64().expect("expected_status") as u16;
        assert_eq!(status, want, "{file}: {text}");
        if want != 201 {
            refused += 1;
        }
        kafka.send("ol-real", 0, Some(file), &[], &body);
    }
    assert!(refused > 0, "the corpus has events the endpoint refuses");
    let n = index.len() as f64;
    eventually(
        "every message consumed",
        || metric_or_zero(&via_kafka, "weft_kafka_messages_consumed_total"),
        |v| *v >= n,
    );
    // What HTTP refused is what Kafka dead-lettered.
    let letters = via_kafka.get_ok("/api/v1/kafka/dead-letters?limit=1000");
    assert_eq!(letters["totalCount"], json!(refused), "{letters}");
    // The same catalog, once the views behind the reads caught up on both.
    let want = eventually(
        "HTTP catalog settles",
        || catalog(&via_http),
        |c| c.as_object().is_some_and(|m| !m.is_empty()),
    );
    eventually(
        "the Kafka-fed catalog equals the HTTP-fed one",
        || difference(&catalog(&via_kafka), &want, ""),
        Option::is_none,
    );
    // Each server's policy evaluation writes its violations into its own log at its
    // own moments, so the run entries are compared in log order rather than by
    // sequence number.
    let in_order = |s: &Server| -> Vec<String> {
        run_entries(s)
            .into_iter()
            .map(|(_, entity)| entity)
            .collect()
    };
    assert_eq!(in_order(&via_kafka), in_order(&via_http));
}

#[test]
fn a_partition_is_applied_in_order() {
    let kafka = Kafka::new();
    kafka.topic("ol-order", 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let server = consumer(&kafka, Backend::Sqlite, "ol-order", &tmp);
    let field = |name: &str| json!({"name": name, "type": "INTEGER"});
    let out = |fields: Vec<Value>| {
        json!([{"namespace": "kafka-test", "name": "orders",
                "facets": {"schema": {"_producer": "p", "_schemaURL": "s", "fields": fields}}}])
    };
    // START then COMPLETE of run 1; then the schema of `orders` changes twice; then
    // twenty runs whose log order must be the order produced.
    let mut produced = vec![
        event(1, "order", "START", "2024-05-01T00:00:00Z", json!([])),
        event(1, "order", "COMPLETE", "2024-05-01T00:01:00Z", json!([])),
        event(
            2,
            "schema",
            "COMPLETE",
            "2024-05-01T00:02:00Z",
            out(vec![field("a")]),
        ),
        event(
            3,
            "schema",
            "COMPLETE",
            "2024-05-01T00:03:00Z",
            out(vec![field("a"), field("b")]),
        ),
    ];
    for n in 10..30 {
        produced.push(event(
            n,
            "many",
            "COMPLETE",
            "2024-05-01T00:04:00Z",
            json!([]),
        ));
    }
    for e in &produced {
        let key = format!("run:kafka-test/{}", e["job"]["name"].as_str().expect("job"));
        kafka.send("ol-order", 0, Some(&key), &[], e.to_string().as_bytes());
    }
    // Last, one message of newline-delimited events, in its order.
    let lines: Vec<Value> = (40..43)
        .map(|n| event(n, "lines", "COMPLETE", "2024-05-01T00:05:00Z", json!([])))
        .collect();
    let body: String = lines.iter().map(|e| format!("{e}\n")).collect();
    kafka.send(
        "ol-order",
        0,
        None,
        &[("content-type", "application/x-ndjson")],
        body.as_bytes(),
    );
    produced.extend(lines);
    let entries = eventually(
        "every event stored",
        || run_entries(&server),
        |e| e.len() == produced.len(),
    );
    let logged: Vec<String> = entries.into_iter().map(|(_, e)| e).collect();
    let sent: Vec<String> = produced
        .iter()
        .map(|e| format!("run:{}", e["run"]["runId"].as_str().expect("runId")))
        .collect();
    assert_eq!(logged, sent, "the log holds the partition's order");
    let run = server.get_ok(&format!("/api/v1/runs/{}", run_id(1)));
    assert_eq!(run["state"], "COMPLETE", "{run}");
    assert_eq!(run["startedAt"], "2024-05-01T00:00:00.000000Z", "{run}");
    let ds = eventually(
        "the dataset's newest schema",
        || server.get("/api/v1/namespaces/kafka-test/datasets/orders"),
        |(s, _)| *s == 200,
    )
    .1;
    let names: Vec<&str> = ds["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(names, ["a", "b"], "{ds}");
}

#[test]
fn malformed_messages_are_dead_lettered_and_the_partition_moves_on() {
    let kafka = Kafka::new();
    kafka.topic("ol-bad", 1);
    kafka.topic("ol-bad.dlq", 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let server = consumer(&kafka, Backend::Sqlite, "ol-bad", &tmp);
    let good = |n| event(n, "good", "COMPLETE", "2024-05-01T00:00:00Z", json!([]));
    kafka.send(
        "ol-bad",
        0,
        Some("k-not-json"),
        &[("trace", "t1")],
        b"{not json",
    );
    kafka.send(
        "ol-bad",
        0,
        Some("k-not-event"),
        &[],
        br#"{"hello": "world"}"#,
    );
    let batch = json!([good(1), {"eventTime": "yesterday"}]);
    kafka.send(
        "ol-bad",
        0,
        Some("k-batch"),
        &[("trace", "t3")],
        batch.to_string().as_bytes(),
    );
    kafka.send("ol-bad", 0, None, &[], good(2).to_string().as_bytes());

    // The partition moved on: the valid event of the batch and the one after it landed.
    eventually(
        "valid events stored",
        || run_entries(&server).len(),
        |n| *n == 2,
    );
    assert_eq!(server.get(&format!("/api/v1/runs/{}", run_id(1))).0, 200);
    assert_eq!(server.get(&format!("/api/v1/runs/{}", run_id(2))).0, 200);

    let dlq = kafka.read_all("ol-bad.dlq", 1, 3);
    let by_key: BTreeMap<String, &Read> = dlq
        .iter()
        .map(|m| (m.key.clone().expect("original key kept"), m))
        .collect();
    let not_json = by_key["k-not-json"];
    assert_eq!(not_json.value, b"{not json");
    assert_eq!(not_json.headers["trace"], "t1", "original headers kept");
    assert_eq!(not_json.headers["weft.source.topic"], "ol-bad");
    assert_eq!(not_json.headers["weft.source.partition"], "0");
    assert_eq!(not_json.headers["weft.source.offset"], "0");
    assert_eq!(not_json.headers["weft.item"], "-1");
    assert!(!not_json.headers["weft.error"].is_empty());
    assert_eq!(by_key["k-not-event"].headers["weft.source.offset"], "1");
    let item = by_key["k-batch"];
    assert_eq!(item.headers["weft.item"], "1", "only the refused item");
    assert_eq!(item.headers["trace"], "t3");
    assert_eq!(item.headers["weft.source.offset"], "2");
    assert_eq!(item.headers["weft.error.path"], "run", "{:?}", item.headers);
    assert!(dlq.iter().all(|m| m.partition == 0));

    let listed = server.get_ok("/api/v1/kafka/dead-letters");
    assert_eq!(listed["totalCount"], 3, "{listed}");
    let list = listed["deadLetters"].as_array().expect("list");
    let offsets: Vec<i64> = list
        .iter()
        .map(|d| d["offset"].as_i64().expect("offset"))
        .collect();
    assert_eq!(offsets, [2, 1, 0], "newest first");
    assert_eq!(list[0]["key"], "k-batch");
    assert_eq!(list[0]["topic"], "ol-bad");
    assert_eq!(list[0]["partition"], 0);
    assert_eq!(list[0]["deadLetterTopic"], "ol-bad.dlq");
    assert!(list[0]["time"].is_string() && list[2]["error"].is_string());
    let page = server.get_ok("/api/v1/kafka/dead-letters?limit=1&offset=1");
    assert_eq!(page["deadLetters"][0]["offset"], 1, "{page}");

    let data = server.graphql_data(
        None,
        "{ kafkaDeadLetters(first: 2) { totalCount pageInfo { hasNextPage } \
           edges { node { topic partition offset key error } } } }",
        json!({}),
    );
    let gql = &data["kafkaDeadLetters"];
    assert_eq!(gql["totalCount"], 3, "{data}");
    assert_eq!(gql["pageInfo"]["hasNextPage"], true);
    assert_eq!(gql["edges"][0]["node"]["offset"], 2);
    assert_eq!(gql["edges"][1]["node"]["key"], "k-not-event");

    assert_eq!(
        server.metric("weft_kafka_dead_letters_total{topic=\"ol-bad\"}"),
        3.0
    );
    // The high watermark (4) is known from the client's statistics, and every message
    // up to it applied or dead-lettered.
    eventually(
        "lag of the partition",
        || {
            metric_value(
                &server,
                "weft_kafka_consumer_lag{group=\"weft\",topic=\"ol-bad\",partition=\"0\"}",
            )
        },
        |v| *v == Some(0.0),
    );
    assert_eq!(
        server.metric("weft_kafka_messages_consumed_total{group=\"weft\",topic=\"ol-bad\"}"),
        4.0
    );
    let ready = server.get_ok("/readyz");
    assert_eq!(ready["kafka"]["state"], "running", "{ready}");
    assert_eq!(ready["kafka"]["assigned"], json!(["ol-bad/0"]));
    // The consumer holds a writer handle: a clean stop must not wait on it forever.
    let mut server = server;
    assert_eq!(
        server.terminate_within(Duration::from_secs(30)),
        Some(true),
        "SIGTERM stops the consumer, then the writer"
    );
}

/// Produces `n` events from `from` in a thread, a few milliseconds apart.
fn produce_stream(kafka: &Kafka, topic: &str, partitions: i32, from: u32, n: u32) {
    for i in from..from + n {
        let e = event(i, "stream", "COMPLETE", "2024-05-01T00:00:00Z", json!([]));
        kafka.send(
            topic,
            (i as i32) % partitions,
            None,
            &[],
            e.to_string().as_bytes(),
        );
    }
}

#[test]
fn a_consumer_killed_mid_stream_resumes_exactly_where_the_store_stands() {
    for backend in weft_tests::backends() {
        let kafka = Kafka::new();
        kafka.topic("ol-crash", 2);
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut server = consumer(&kafka, backend, "ol-crash", &tmp);
        produce_stream(&kafka, "ol-crash", 2, 0, 150);
        eventually(
            "part of the stream stored",
            || run_entries(&server).len(),
            |n| *n > 0,
        );
        server.kill9();
        produce_stream(&kafka, "ol-crash", 2, 150, 150);
        server.restart();
        let entries = eventually(
            "the whole stream stored",
            || run_entries(&server),
            |e| e.len() >= 300,
        );
        assert_eq!(entries.len(), 300, "{backend:?}");
        let distinct: std::collections::BTreeSet<&String> =
            entries.iter().map(|(_, e)| e).collect();
        assert_eq!(distinct.len(), 300, "{backend:?}: every event once");
        // Nothing was read twice: the restarted consumer began at the stored positions.
        assert_eq!(
            metric_or_zero(&server, "weft_kafka_events_duplicate_total"),
            0.0,
            "{backend:?}"
        );
    }
}

#[test]
fn two_servers_share_a_group_and_survive_a_rebalance() {
    if std::env::var("WEFT_TEST_DATABASE_URL").is_err() {
        eprintln!("note: WEFT_TEST_DATABASE_URL unset; the shared-group case needs PostgreSQL");
        return;
    }
    let kafka = Kafka::new();
    kafka.topic("ol-shared", 4);
    let db = TestDb::create();
    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = config(&tmp, &kafka.brokers(), "ol-shared", "shared");
    let args = [
        "--config",
        cfg.to_str().expect("utf-8 path"),
        "--database-url",
        db.url.as_str(),
    ];
    let mut a = Server::start(Backend::Sqlite, &args);
    let b = Server::start(Backend::Sqlite, &args);
    let assigned = |s: &Server| {
        s.get_ok("/readyz")["kafka"]["assigned"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    };
    eventually(
        "both servers hold partitions",
        || (assigned(&a), assigned(&b)),
        |(x, y)| *x > 0 && *y > 0 && x + y == 4,
    );
    produce_stream(&kafka, "ol-shared", 4, 0, 100);
    eventually(
        "both servers applied some",
        || {
            (
                metric_or_zero(&a, "weft_kafka_events_applied_total"),
                metric_or_zero(&b, "weft_kafka_events_applied_total"),
            )
        },
        |(x, y)| *x > 0.0 && *y > 0.0,
    );
    a.kill9();
    produce_stream(&kafka, "ol-shared", 4, 100, 100);
    eventually(
        "the survivor took every partition",
        || assigned(&b),
        |n| *n == 4,
    );
    let entries = eventually("every event stored", || run_entries(&b), |e| e.len() >= 200);
    assert_eq!(entries.len(), 200);
    let distinct: std::collections::BTreeSet<&String> = entries.iter().map(|(_, e)| e).collect();
    assert_eq!(distinct.len(), 200, "nothing lost or doubled");
    assert_eq!(metric_or_zero(&b, "weft_kafka_events_duplicate_total"), 0.0);
    drop(a);
}

#[test]
fn a_store_refusal_pauses_the_partition_and_nothing_is_skipped() {
    if std::env::var("WEFT_TEST_DATABASE_URL").is_err() {
        eprintln!("note: WEFT_TEST_DATABASE_URL unset; the store-refusal case needs PostgreSQL");
        return;
    }
    let kafka = Kafka::new();
    kafka.topic("ol-pause", 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let server = consumer(&kafka, Backend::Postgres, "ol-pause", &tmp);
    let url = server.store_args()[3].clone();
    produce_stream(&kafka, "ol-pause", 1, 0, 5);
    eventually(
        "first events stored",
        || run_entries(&server).len(),
        |n| *n == 5,
    );
    // The writer now refuses every submission that moves a position.
    weft_tests::psql(
        &url,
        "ALTER TABLE source_positions RENAME TO source_positions_away",
    );
    produce_stream(&kafka, "ol-pause", 1, 5, 5);
    let ready = eventually(
        "the consumer reports the pause",
        || server.get("/readyz"),
        |(_, r)| {
            r["kafka"]["state"]
                .as_str()
                .is_some_and(|s| s.starts_with("paused: store"))
        },
    );
    assert_eq!(ready.0, 200, "the store answers, so the server stays ready");
    assert_eq!(
        run_entries(&server).len(),
        5,
        "nothing applied without its position"
    );
    weft_tests::psql(
        &url,
        "ALTER TABLE source_positions_away RENAME TO source_positions",
    );
    let entries = eventually(
        "the rest stored",
        || run_entries(&server),
        |e| e.len() >= 10,
    );
    assert_eq!(entries.len(), 10);
    eventually(
        "the consumer runs again",
        || server.get_ok("/readyz")["kafka"]["state"].clone(),
        |s| s == "running",
    );
    assert_eq!(
        metric_or_zero(&server, "weft_kafka_events_duplicate_total"),
        0.0
    );
}

#[test]
fn an_event_over_http_and_kafka_is_stored_once() {
    let kafka = Kafka::new();
    kafka.topic("ol-both", 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let server = consumer(&kafka, Backend::Sqlite, "ol-both", &tmp);
    let e = event(7, "both", "COMPLETE", "2024-05-01T00:00:00Z", json!([]));
    let (status, text) = server.post_event(e.to_string());
    assert_eq!(status, 201, "{text}");
    // The same event, formatted differently, then a marker behind it.
    let pretty = serde_json::to_vec_pretty(&e).expect("json");
    kafka.send("ol-both", 0, None, &[], &pretty);
    let marker = event(8, "both", "COMPLETE", "2024-05-01T00:00:00Z", json!([]));
    kafka.send("ol-both", 0, None, &[], marker.to_string().as_bytes());
    let entries = eventually(
        "the marker stored",
        || run_entries(&server),
        |e| e.iter().any(|(_, x)| x.ends_with(&run_id(8))),
    );
    let runs: Vec<&String> = entries.iter().map(|(_, e)| e).collect();
    assert_eq!(
        runs,
        [&format!("run:{}", run_id(7)), &format!("run:{}", run_id(8))]
    );
    assert_eq!(
        metric_or_zero(&server, "weft_kafka_events_duplicate_total"),
        1.0
    );
}

/// Posts a COMPLETE event of job `feed` over HTTP for each run number.
fn post_runs(server: &Server, runs: std::ops::Range<u32>) {
    for n in runs {
        let e = event(n, "feed", "COMPLETE", "2024-05-01T00:00:00Z", json!([]));
        assert_eq!(server.post_event(e.to_string()).0, 201);
    }
}

#[test]
fn the_change_feed_publishes_every_change_once_in_order_across_a_restart_and_a_rebuild() {
    let kafka = Kafka::new();
    kafka.topic("weft-changes", 1);
    let brokers = kafka.brokers();
    let args = [
        "--change-feed-brokers",
        brokers.as_str(),
        "--change-feed-topic",
        "weft-changes",
    ];
    let mut server = Server::start(Backend::Sqlite, &args);
    post_runs(&server, 0..10);
    let first = log_len(&server);
    assert!(first >= 10);
    let values = check_feed(&kafka.read_all("weft-changes", 1, first), first);
    assert_eq!(values[0]["kind"], "openlineage.run");
    assert_eq!(values[0]["namespace"], "kafka-test");
    assert!(server.terminate(), "clean stop");
    server.restart();
    post_runs(&server, 10..15);
    let total = log_len(&server);
    assert!(total >= first + 5);
    check_feed(&kafka.read_all("weft-changes", 1, total), total);
    // A rebuild recomputes state from the log; what was published stays published.
    assert!(server.terminate(), "clean stop");
    server.rebuild();
    post_runs(&server, 15..18);
    let total = log_len(&server);
    assert!(total >= first + 8);
    check_feed(&kafka.read_all("weft-changes", 1, total), total);
}

/// The change feed as read back: every seq from 1 to `want`, in order, once each, keyed
/// by entity; returns the messages' JSON.
fn check_feed(msgs: &[Read], want: usize) -> Vec<Value> {
    let values: Vec<Value> = msgs
        .iter()
        .map(|m| serde_json::from_slice(&m.value).expect("JSON message"))
        .collect();
    let seqs: Vec<i64> = values
        .iter()
        .map(|v| v["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(
        seqs,
        (1..=want as i64).collect::<Vec<_>>(),
        "in order, once each"
    );
    for (m, v) in msgs.iter().zip(&values) {
        assert_eq!(m.key.as_deref(), v["entity"].as_str(), "keyed by entity");
        assert!(v["kind"].is_string() && v["actor"].is_string() && v["time"].is_string());
    }
    values
}

/// The change log's length, from its head.
fn log_len(server: &Server) -> usize {
    server.get_ok("/api/v1/log/head")["seq"]
        .as_i64()
        .expect("seq") as usize
}

/// Two servers on one PostgreSQL database, both configured with the feed: only the
/// leader publishes, so each change goes out once; when the leader dies the other takes
/// the lease and goes on from the stored cursor, without a gap.
#[test]
fn replicas_configured_alike_publish_each_change_once_and_the_feed_outlives_its_leader() {
    if std::env::var("WEFT_TEST_DATABASE_URL").is_err() {
        assert!(std::env::var("CI").is_err(), "CI needs PostgreSQL");
        eprintln!("note: WEFT_TEST_DATABASE_URL unset; the replicated change feed test skipped");
        return;
    }
    let kafka = Kafka::new();
    kafka.topic("replica-changes", 1);
    let brokers = kafka.brokers();
    let args = [
        "--change-feed-brokers",
        brokers.as_str(),
        "--change-feed-topic",
        "replica-changes",
    ];
    let first = Server::start(Backend::Postgres, &args);
    let second = first.replica(&args);
    let mut servers = vec![first, second];
    let leader = eventually("one leader", || leaders(&servers), |l| l.len() == 1)[0];
    for n in 0..6 {
        post_runs(&servers[n as usize % 2], n..n + 1);
    }
    let total = log_len(&servers[0]);
    assert!(total >= 6);
    check_feed(&kafka.read_all("replica-changes", 1, total), total);

    servers[leader].kill9();
    let alive = 1 - leader;
    eventually(
        "the other server leads",
        || leaders(&servers),
        |l| l == &[alive],
    );
    post_runs(&servers[alive], 6..10);
    let total = log_len(&servers[alive]);
    assert!(total >= 10);
    check_feed(&kafka.read_all("replica-changes", 1, total), total);
}

/// The OpenLineage Python client's own Kafka transport (what Airflow, dbt and Spark's
/// Python side use when configured for Kafka), and its composite transport, which sends
/// each event over HTTP *and* Kafka: Weft consumes the first unchanged and stores each
/// event of the second once.
#[test]
fn the_python_clients_kafka_and_composite_transports_work_unchanged() {
    let Some(python) = test_python() else { return };
    let kafka = Kafka::new();
    kafka.topic("openlineage", 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let server = consumer(&kafka, Backend::Sqlite, "openlineage", &tmp);
    let printed = run_python(
        &python,
        "emit_kafka.py",
        &[&server.url, &kafka.brokers(), "openlineage"],
    );
    let run = |key: &str| {
        printed[key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key} in {printed}"))
            .to_owned()
    };
    let (kafka_run, composite_run) = (run("kafkaRunId"), run("compositeRunId"));
    let entries = eventually(
        "both runs complete",
        || run_entries(&server),
        |e| {
            [&kafka_run, &composite_run]
                .iter()
                .all(|r| e.iter().filter(|(_, x)| x.ends_with(r.as_str())).count() >= 2)
        },
    );
    // START and COMPLETE of each run, once each: the composite transport's Kafka
    // copies were recognised as the events already posted over HTTP.
    for r in [&kafka_run, &composite_run] {
        let n = entries
            .iter()
            .filter(|(_, x)| x.ends_with(r.as_str()))
            .count();
        assert_eq!(n, 2, "{r}: {entries:?}");
    }
    eventually(
        "the composite transport's Kafka copies counted as duplicates",
        || metric_or_zero(&server, "weft_kafka_events_duplicate_total"),
        |n| *n == 2.0,
    );
    for (job, run) in [
        ("python_kafka_job", &kafka_run),
        ("python_composite_job", &composite_run),
    ] {
        let got = server.get_ok(&format!("/api/v1/namespaces/weft-e2e/jobs/{job}/runs"));
        let state = got["runs"]
            .as_array()
            .and_then(|runs| runs.iter().find(|x| x["id"] == run.as_str()))
            .map(|x| x["state"].clone());
        assert_eq!(state, Some(json!("COMPLETE")), "{job}: {got:#}");
    }
    assert_eq!(
        metric_or_zero(&server, "weft_kafka_dead_letters_total"),
        0.0
    );
}
