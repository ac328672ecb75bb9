//! The query layer over a real SQLite store: one job copying a tagged column, written
//! through the writer and followed by the lineage graph, as the server runs them.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::sync::watch;
use weft_lineage::graph::{Direction, EdgeLevel, TagKey, TagStatus};
use weft_schemas::change::ReviewAction;
use weft_schemas::openlineage::Event;
use weft_store::group_commit::{CommitObserver, WriterHandle, WriterTask};
use weft_store::writer::Outcome;
use weft_store::{Store, StoreConfig};
use weft_views::graph::{GraphHandle, GraphSettings};
use weft_views::sql_lineage::{SqlDefaults, SqlLineage};

use crate::QueryError;
use crate::review::{Decision, DecisionStores, QueueRequest};
use crate::tags::TagOrigin;
use crate::traverse::{NodeKind, TraverseRequest};

const NS: &str = "postgres://warehouse:5432";

/// The writer reports to no one here.
struct Quiet;

impl CommitObserver for Quiet {
    fn observe_commit(&self, _: Duration, _: usize) {}
    fn set_seq(&self, _: i64) {}
}

/// A store, its writer and the graph following it.
struct Catalog {
    store: Store,
    writer: WriterHandle,
    graph: GraphHandle,
    _task: WriterTask,
    _shutdown: watch::Sender<bool>,
    _dir: tempfile::TempDir,
}

impl Catalog {
    async fn open() -> Catalog {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = StoreConfig {
            database_url: None,
            data_dir: dir.path().to_owned(),
            sqlite_synchronous: "NORMAL".into(),
            max_connections: 2,
            auto_checkpoint: true,
        };
        let store = Store::open(&cfg).await.expect("open");
        let (writer, task) = weft_store::group_commit::spawn(&cfg, Arc::new(Quiet), 0)
            .await
            .expect("writer");
        let (shutdown, stop) = watch::channel(false);
        // The graph reads no further than the SQL-derived edges have been written.
        weft_views::spawn(
            SqlLineage::new(SqlDefaults::default(), 0),
            store.clone(),
            writer.committed(),
            stop.clone(),
            None,
            None,
        );
        let (view, graph) =
            weft_views::graph::LineageGraphView::new(store.clone(), GraphSettings::default());
        weft_views::spawn(view, store.clone(), writer.committed(), stop, None, None);
        Catalog {
            store,
            writer,
            graph,
            _task: task,
            _shutdown: shutdown,
            _dir: dir,
        }
    }

    /// Records an OpenLineage event and waits until the graph reflects it.
    async fn ingest(&self, event: serde_json::Value) {
        let ev = Event::from_slice(event.to_string().as_bytes()).expect("event");
        let change = weft_ingest::openlineage::normalize(&ev, "tester").expect("normalize");
        let outcomes = self.writer.submit(vec![change]).await.expect("submit");
        let Some(&Outcome::Applied(seq)) = outcomes.first() else {
            panic!("not applied: {outcomes:?}");
        };
        assert!(
            self.graph.wait_for(seq, Duration::from_secs(30)).await,
            "the graph reflects the event"
        );
    }

    fn stores(&self) -> DecisionStores<'_> {
        DecisionStores {
            store: &self.store,
            graph: &self.graph,
            writer: &self.writer,
        }
    }
}

fn schema(field: &str) -> serde_json::Value {
    json!({
        "_producer": "https://example.test/dbt",
        "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
        "fields": [{"name": field, "type": "varchar"}],
    })
}

/// `shop.users.email`, declared `pii.email`, copied as is into `shop.contacts.contact`
/// by job `etl.copy`.
fn copy_event() -> serde_json::Value {
    json!({
        "eventTime": "2024-05-02T10:00:00Z", "eventType": "COMPLETE",
        "producer": "https://example.test/spark",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": "0190c7c0-0000-7000-8000-000000000101"},
        "job": {"namespace": "etl", "name": "copy"},
        "inputs": [{"namespace": NS, "name": "shop.users", "facets": {
            "schema": schema("email"),
            "tags": {"_producer": "https://example.test/spark",
                "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/TagsDatasetFacet.json",
                "tags": [{"key": "pii.email", "value": "true", "field": "email"}]},
        }}],
        "outputs": [{"namespace": NS, "name": "shop.contacts", "facets": {
            "schema": schema("contact"),
            "columnLineage": {
                "_producer": "https://example.test/spark",
                "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
                "fields": {"contact": {"inputFields": [{"namespace": NS, "name": "shop.users",
                    "field": "email",
                    "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]}}},
        }}],
    })
}

fn email() -> String {
    format!("datasetField:{NS}:shop.users:email")
}

fn contact() -> String {
    format!("datasetField:{NS}:shop.contacts:contact")
}

/// A walk names its nodes and edges: the column reached with its dataset, the edge
/// with its level and job, all typed, none left for a caller to decode.
#[tokio::test(flavor = "multi_thread")]
async fn a_walk_names_the_columns_and_the_job_it_reaches() {
    let c = Catalog::open().await;
    c.ingest(copy_event()).await;
    let request = TraverseRequest {
        node_id: Some(email()),
        depth: Some(3),
        ..TraverseRequest::default()
    };
    let t = crate::traverse::traverse(&c.store, &c.graph, &request, Direction::Downstream)
        .await
        .expect("traverse");
    let reached = t.nodes.iter().find(|n| n.id == contact()).expect("contact");
    assert_eq!(reached.kind, NodeKind::DatasetField);
    assert_eq!(reached.namespace.as_deref(), Some(NS));
    assert_eq!(reached.dataset.as_deref(), Some("shop.contacts"));
    assert_eq!(reached.field.as_deref(), Some("contact"));
    assert_eq!(reached.has_column_lineage, None);
    let edge = t
        .edges
        .iter()
        .find(|e| e.src == email() && e.dst == contact())
        .expect("the copy edge");
    assert_eq!(edge.level, EdgeLevel::Column);
    let job = edge.job.as_ref().expect("the job");
    assert_eq!((job.namespace.as_str(), job.name.as_str()), ("etl", "copy"));

    let impact = crate::impact::impact(&c.store, &c.graph, Some(&email()))
        .await
        .expect("impact");
    assert!(impact.columns.iter().any(|x| x.id == contact()));
}

/// The tag a column inherits is explained by the path it took; rejecting it there is
/// recorded, read back once the graph reflects it, and listed as rejected in the queue.
/// A decision the column's tags contradict is a conflict, not a silent no-op.
#[tokio::test(flavor = "multi_thread")]
async fn an_inherited_tag_is_explained_and_a_decision_reads_back() {
    let c = Catalog::open().await;
    c.ingest(copy_event()).await;
    let explained = crate::tags::explained(&c.store, &c.graph, Some(&contact()), 5)
        .await
        .expect("explained");
    let tag = explained
        .tags
        .iter()
        .find(|t| t.tag.tag == "pii.email")
        .expect("pii.email reaches contact");
    assert_eq!(tag.tag.origin, TagOrigin::Propagated);
    assert_eq!(tag.total_paths, 1);
    let hop = &tag.paths[0].hops[0];
    assert_eq!(
        (hop.from.as_str(), hop.to.as_str()),
        (email().as_str(), contact().as_str())
    );
    assert_eq!(hop.rule, "identity");
    assert!(tag.review.is_none());

    let decision = |action, tag: &str| Decision {
        action,
        tag: TagKey::parse(tag).expect("key"),
        node: contact(),
        reviewer: "alice".into(),
        reason: None,
    };
    let refused = crate::review::decide(
        c.stores(),
        None,
        decision(ReviewAction::Confirm, "pii.phone"),
    )
    .await
    .expect_err("pii.phone is not on contact");
    assert!(matches!(refused, QueryError::Conflict(_)), "{refused:?}");

    let done = crate::review::decide(
        c.stores(),
        None,
        decision(ReviewAction::Reject, "pii.email"),
    )
    .await
    .expect("reject");
    assert_eq!(done.column.id, contact());
    let now = done
        .tags
        .iter()
        .find(|t| t.tag == "pii.email")
        .expect("still listed");
    assert_eq!(now.status, TagStatus::Rejected);

    let queue = crate::review::queue(
        &c.store,
        &c.graph,
        &QueueRequest {
            owner: None,
            unowned: false,
            tag: Some("pii".into()),
            dataset: None,
            status: Some(TagStatus::Rejected),
            limit: None,
            offset: None,
        },
    )
    .await
    .expect("queue");
    assert_eq!(queue.total, 1);
    assert_eq!(queue.items[0].column.id, contact());
    assert!(queue.items[0].unowned);
}

/// What the APIs turn into 400s and 404s arrives typed, naming the parameter to blame.
#[tokio::test(flavor = "multi_thread")]
async fn bad_and_unknown_nodes_are_typed_errors() {
    let c = Catalog::open().await;
    c.ingest(copy_event()).await;
    let walk = |node: Option<&str>| TraverseRequest {
        node_id: node.map(str::to_owned),
        ..TraverseRequest::default()
    };
    let missing = crate::traverse::traverse(&c.store, &c.graph, &walk(None), Direction::Upstream)
        .await
        .expect_err("no node");
    assert!(
        matches!(&missing, QueryError::BadInput { field: Some(f), .. } if f == "nodeId"),
        "{missing:?}"
    );
    let unknown = crate::traverse::traverse(
        &c.store,
        &c.graph,
        &walk(Some(&format!("dataset:{NS}:shop.nothing"))),
        Direction::Upstream,
    )
    .await
    .expect_err("no such dataset");
    assert!(matches!(unknown, QueryError::NotFound(_)), "{unknown:?}");
    let dataset = crate::paths::paths(
        &c.store,
        &c.graph,
        &crate::paths::PathRequest {
            from: Some(format!("dataset:{NS}:shop.users")),
            to: Some(contact()),
            ..Default::default()
        },
    )
    .await
    .expect_err("a dataset is not a column");
    assert!(
        matches!(&dataset, QueryError::BadInput { field: Some(f), .. } if f == "from"),
        "{dataset:?}"
    );
    let report = crate::pii::report(&c.store, &c.graph, "nowhere")
        .await
        .expect_err("no such namespace");
    assert!(matches!(report, QueryError::NotFound(_)), "{report:?}");
    let status = crate::review::parse_status_filter(Some("maybe")).expect_err("no such status");
    assert!(
        matches!(&status, QueryError::BadInput { field: Some(f), .. } if f == "status"),
        "{status:?}"
    );
}
