//! The typed reads against a real SQLite store, seeded row by row: what each record
//! holds, and that the owner filter and the owners read follow one rule.

use serde_json::json;

use crate::Store;
use crate::batch::DatasetFilter;
use crate::lookup::OwnerRef;
use crate::read::{EntityName, LineageDisagreement, LineageEntity, NodeId, Page};

const T0: i64 = 1_700_000_000_000_000;

async fn seeded() -> (tempfile::TempDir, Store) {
    let (dir, store) = crate::temp_store().await;
    let statements = [
        format!("INSERT INTO namespaces (id, name, created_at) VALUES (1, 'ns', {T0})"),
        format!(
            "INSERT INTO datasets (id, namespace_id, name, type, description, current_version, created_at, updated_at) \
             VALUES (1, 1, 'a', 'DB_TABLE', 'producer says', 1, {T0}, {T0})"
        ),
        format!(
            "INSERT INTO datasets (id, namespace_id, name, type, lifecycle, source_name, current_version, created_at, updated_at) \
             VALUES (2, 1, 'b', 'VIEW', 'DROP', 'warehouse', 1, {T0}, {T0})"
        ),
        "INSERT INTO columns (dataset_id, name, data_type, description, ordinal, first_version, last_version) \
         VALUES (1, 'id', 'INT', NULL, 0, 1, 1), (1, 'email', 'TEXT', 'mail', 1, 1, 1), \
         (1, 'gone', 'TEXT', NULL, 2, 0, 0)"
            .into(),
        format!(
            "INSERT INTO tags (dataset_id, column_name, key, value, source, origin, created_at) \
             VALUES (1, '', 'tier.gold', NULL, NULL, 'manual', {T0}), \
             (1, 'email', 'pii.email', NULL, 'scanner', 'declared', {T0})"
        ),
        format!(
            "INSERT INTO dataset_facets (dataset_id, key, digest, value, updated_at) \
             VALUES (1, 'schema', x'00', '{{\"fields\":[]}}', {T0}), (1, 'bad', x'00', '{{\"x\":1e999}}', {T0})"
        ),
        "INSERT INTO owners (entity_type, entity_id, name, owner_type) VALUES \
         ('dataset', 1, 'user:bob', NULL), ('dataset', 2, 'user:carol', NULL), ('job', 1, 'team:etl', 'MAINTAINER')"
            .into(),
        format!(
            "INSERT INTO curations (dataset_id, column_name, field, value, actor, seq, at) VALUES \
             (1, 'email', 'description', 'curated mail', 'alice', 1, {T0}), \
             (2, '', 'owners', '[{{\"name\":\"user:alice\",\"ownerType\":\"MAINTAINER\"}}]', 'alice', 2, {T0}), \
             (2, '', 'deprecation', '{{\"note\":\"use a\"}}', 'alice', 3, {T0})"
        ),
        format!(
            "INSERT INTO dataset_versions (dataset_id, version, fields_digest, fields, run_id, created_at) VALUES \
             (1, 1, x'01', '[{{\"name\":\"id\",\"type\":\"INT\"}}]', 'r1', {T0}), \
             (2, 1, x'02', '{{\"not\":\"a list\"}}', NULL, {T0})"
        ),
        format!(
            "INSERT INTO jobs (id, namespace_id, name, type, sql, created_at, updated_at) \
             VALUES (1, 1, 'etl.daily', NULL, 'SELECT 1', {T0}, {T0})"
        ),
        format!(
            "INSERT INTO job_facets (job_id, key, digest, value, updated_at) \
             VALUES (1, 'sourceCodeLocation', x'00', '{{\"url\":\"https://git/x\"}}', {T0})"
        ),
        format!(
            "INSERT INTO job_io (job_id, dataset_id, direction, updated_at) \
             VALUES (1, 1, 'in', {T0}), (1, 2, 'out', {T0})"
        ),
        format!(
            "INSERT INTO runs (id, external_id, job_id, state, started_at, ended_at, created_at, updated_at) \
             VALUES ('r1', 'R1', 1, 'COMPLETE', {T0}, {}, {T0}, {T0})",
            T0 + 2_500_000
        ),
        "INSERT INTO run_io (run_id, dataset_id, direction, dataset_version) \
         VALUES ('r1', 1, 'in', 1), ('r1', 2, 'out', 1)"
            .into(),
        format!(
            "INSERT INTO run_facets (run_id, key, value, updated_at) VALUES ('r1', 'nominalTime', '{{\"t\":1}}', {T0})"
        ),
        format!(
            "INSERT INTO job_sql_lineage (job_id, seq, dialect, statements, edges, errors, warnings, unresolved, updated_at) \
             VALUES (1, 7, 'generic', 1, 0, '[{{\"statement\":0,\"line\":1,\"column\":8,\"message\":\"bad\"}}]', '[]', '[\"x.y\"]', {T0})"
        ),
    ];
    for s in statements {
        sqlx::query(sqlx::AssertSqlSafe(s))
            .execute(store.pool())
            .await
            .expect("seed");
    }
    (dir, store)
}

fn page() -> Page {
    Page {
        limit: 100,
        offset: 0,
    }
}

fn owner(name: &str, owner_type: Option<&str>) -> OwnerRef {
    OwnerRef {
        name: name.into(),
        owner_type: owner_type.map(str::to_owned),
    }
}

#[tokio::test]
async fn namespaces_read_with_their_defaults() {
    let (_dir, store) = seeded().await;
    let list = store.list_namespaces(page()).await.expect("list");
    assert_eq!(list.total, 1);
    let ns = &list.items[0];
    assert_eq!(
        (ns.name.as_str(), ns.owner_name.as_str(), ns.events),
        ("ns", "anonymous", 0)
    );
    assert_eq!(ns.updated_at, ns.created_at, "no event yet: created");
    assert_eq!(
        store.get_namespace("ns").await.expect("get"),
        Some(ns.clone())
    );
    assert_eq!(store.get_namespace("nope").await.expect("get"), None);
}

#[tokio::test]
async fn a_dataset_reads_with_curated_values_over_the_producers() {
    let (_dir, store) = seeded().await;
    let a = store
        .get_dataset("ns", "a")
        .await
        .expect("read")
        .expect("a");
    let fields: Vec<(&str, Option<&str>)> = a
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.description.as_deref()))
        .collect();
    assert_eq!(fields, [("id", None), ("email", Some("curated mail"))]);
    assert_eq!(a.fields[1].tags, ["pii.email"]);
    assert_eq!(a.tags, ["tier.gold"]);
    assert_eq!(a.owners, [owner("user:bob", None)]);
    assert_eq!(a.description.as_deref(), Some("producer says"));
    assert_eq!(a.last_modified_at, None, "no completed run wrote a");
    assert!(!a.deleted());
    assert_eq!(a.facets["schema"], json!({"fields": []}));
    assert!(
        a.facets["bad"]["_error"]
            .as_str()
            .is_some_and(|e| e.starts_with("unreadable facet")),
        "{:?}",
        a.facets
    );

    let b = store
        .get_dataset("ns", "b")
        .await
        .expect("read")
        .expect("b");
    assert_eq!(
        b.owners,
        [owner("user:alice", Some("MAINTAINER"))],
        "curated owners replace the producer's"
    );
    assert!(b.deleted());
    assert_eq!(b.source_name.as_deref(), Some("warehouse"));
    assert_eq!(b.last_modified_at, Some(T0 + 2_500_000));
    let dep = b.deprecation.as_ref().expect("deprecated");
    assert_eq!(
        (dep.note.as_deref(), dep.actor.as_str()),
        (Some("use a"), "alice")
    );

    let list = store
        .list_datasets("ns", page())
        .await
        .expect("list")
        .expect("ns");
    assert_eq!(list.total, 2);
    assert_eq!(list.items, [a, b]);
    assert!(
        store
            .list_datasets("nope", page())
            .await
            .expect("list")
            .is_none()
    );
    assert!(
        store
            .get_dataset("ns", "nope")
            .await
            .expect("read")
            .is_none()
    );
}

#[tokio::test]
async fn schema_versions_decode_or_fail_never_read_empty() {
    let (_dir, store) = seeded().await;
    let a = store
        .dataset_versions("ns", "a", page())
        .await
        .expect("read")
        .expect("a");
    assert_eq!(a.total, 1);
    let v = &a.items[0];
    assert_eq!(v.created_by_run.as_deref(), Some("r1"));
    let fields = v.schema_fields().expect("fields");
    assert_eq!(
        (fields[0].name.as_str(), fields[0].data_type.as_deref()),
        ("id", Some("INT"))
    );
    let b = store
        .dataset_versions("ns", "b", page())
        .await
        .expect("read")
        .expect("b");
    assert!(b.items[0].schema_fields().is_err(), "not a list of fields");
}

#[tokio::test]
async fn a_job_reads_with_its_io_latest_run_and_sql_lineage() {
    let (_dir, store) = seeded().await;
    let j = store
        .get_job("ns", "etl.daily")
        .await
        .expect("read")
        .expect("job");
    assert_eq!(j.kind, "BATCH");
    assert_eq!((j.simple_name(), j.parent_name()), ("daily", Some("etl")));
    let name = |n: &str| EntityName {
        namespace: "ns".into(),
        name: n.into(),
    };
    assert_eq!(
        (j.inputs.clone(), j.outputs.clone()),
        (vec![name("a")], vec![name("b")])
    );
    assert_eq!(j.location(), Some(&json!("https://git/x")));
    assert_eq!(j.owners, [owner("team:etl", Some("MAINTAINER"))]);
    let run = j.latest_run.as_deref().expect("latest run");
    assert_eq!((run.id.as_str(), run.state.as_str()), ("r1", "COMPLETE"));
    assert_eq!(run.duration_ms(), Some(2500));
    assert_eq!(run.outputs[0].name, "b");
    assert_eq!(run.job, name("etl.daily"));
    let sql = j.sql_lineage.as_ref().expect("analysed");
    let errors = sql.error_list().expect("errors");
    assert_eq!(
        (errors[0].line, errors[0].message.as_str()),
        (Some(1), "bad")
    );
    assert_eq!(sql.unresolved_names().expect("names"), ["x.y"]);

    assert_eq!(store.get_run("R1").await.expect("run").as_ref(), Some(run));
    let runs = store
        .list_runs("ns", "etl.daily", page())
        .await
        .expect("runs")
        .expect("job");
    assert_eq!((runs.total, runs.items.len()), (1, 1));
    let jobs = store
        .list_jobs("ns", page())
        .await
        .expect("jobs")
        .expect("ns");
    assert_eq!(jobs.items, [j]);
}

#[tokio::test]
async fn the_owner_filter_and_the_owners_read_agree() {
    let (_dir, store) = seeded().await;
    let owners = store.dataset_owners(&[1, 2]).await.expect("owners");
    assert_eq!(owners[&1], [owner("user:bob", None)]);
    assert_eq!(owners[&2], [owner("user:alice", Some("MAINTAINER"))]);
    for (who, expect) in [("alice", vec![2]), ("user:bob", vec![1]), ("carol", vec![])] {
        let filter = DatasetFilter {
            owner: Some(who.into()),
            include_deleted: true,
            ..DatasetFilter::default()
        };
        let (ids, total) = store.filter_datasets(&filter, 0, 10).await.expect("filter");
        assert_eq!(ids, expect, "{who}");
        assert_eq!(total, expect.len() as i64);
    }
    let live = store
        .filter_datasets(&DatasetFilter::default(), 0, 10)
        .await
        .expect("filter");
    assert_eq!(live, (vec![1], 1), "a dropped dataset is left out");
}

#[tokio::test]
async fn batch_reads_answer_every_id_asked() {
    let (_dir, store) = seeded().await;
    let rows = store.datasets_by_ids(&[1, 2, 99]).await.expect("rows");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[&2].lifecycle.as_deref(), Some("DROP"));
    let columns = store.columns_of(&[1, 99]).await.expect("columns");
    let names: Vec<&str> = columns[&1].iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "email"], "current columns, in order");
    assert!(columns[&99].is_empty());
    let tags = store.tags_of(&[1]).await.expect("tags");
    assert_eq!(tags[&1].len(), 2);
    let writes = store.last_writes(&[1, 2]).await.expect("writes");
    assert_eq!((writes[&1], writes[&2]), (None, Some(T0 + 2_500_000)));
    let facets = store.dataset_facets(&[1]).await.expect("facets");
    assert!(facets[&1]["bad"]["_error"].is_string());
    let io = store.job_io_of(&[1, 2]).await.expect("io");
    assert_eq!((io[&1][0].writes, io[&2][0].writes), (false, true));
    let ids = store
        .dataset_ids_named(&[("ns".into(), "b".into()), ("ns".into(), "zz".into())])
        .await
        .expect("ids");
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[&("ns".to_owned(), "b".to_owned())], 2);
}

#[tokio::test]
async fn lineage_reads_typed_nodes_and_edges() {
    let (_dir, store) = seeded().await;
    let node = NodeId::Dataset {
        namespace: "ns".into(),
        name: "a".into(),
    };
    let answer = store
        .lineage(&node, 1)
        .await
        .expect("lineage")
        .expect("found");
    let keys: Vec<&str> = answer.nodes.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys, ["dataset:ns:a", "dataset:ns:b", "job:ns:etl.daily"]);
    assert!(!answer.truncated);
    let job = &answer.nodes[2];
    assert!(matches!(&job.entity, LineageEntity::Job(j) if j.name == "etl.daily"));
    assert_eq!(
        job.in_edges,
        [("dataset:ns:a".to_owned(), "job:ns:etl.daily".to_owned())]
    );
    assert_eq!(
        job.out_edges,
        [("job:ns:etl.daily".to_owned(), "dataset:ns:b".to_owned())]
    );
}

#[tokio::test]
async fn column_lineage_reads_inputs_and_where_origins_disagree() {
    let (_dir, store) = seeded().await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO column_edges (dst_dataset_id, dst_column, src_dataset_id, src_column, job_id, origin, \
         transformations, description, first_seen, last_seen) VALUES \
         (2, 'x', 1, 'id', 1, 'openlineage', '[{{\"type\":\"DIRECT\",\"subtype\":\"IDENTITY\"}}]', 'copied', {T0}, {T0}), \
         (2, 'x', 1, 'email', 1, 'sql', '[]', NULL, {T0}, {T0})"
    )))
    .execute(store.pool())
    .await
    .expect("seed edges");
    let node = NodeId::DatasetField {
        namespace: "ns".into(),
        name: "b".into(),
        field: "x".into(),
    };
    let columns = store
        .column_lineage(&node, 1, false)
        .await
        .expect("read")
        .expect("found");
    let ids: Vec<String> = columns.iter().map(|c| c.column.node_id()).collect();
    assert_eq!(
        ids,
        [
            "datasetField:ns:a:email",
            "datasetField:ns:a:id",
            "datasetField:ns:b:x"
        ]
    );
    let x = &columns[2];
    let inputs: Vec<(&str, &[String], Option<&str>)> = x
        .inputs
        .iter()
        .map(|i| {
            (
                i.source.field.as_str(),
                i.origins.as_slice(),
                i.description.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        inputs,
        [
            ("email", &["sql".to_owned()][..], None),
            ("id", &["openlineage".to_owned()][..], Some("copied"))
        ]
    );
    assert!(x.inputs.iter().all(|i| !i.dataset_level));
    assert_eq!(
        x.disagreement,
        Some(LineageDisagreement {
            declared_only: vec!["datasetField:ns:a:id".into()],
            sql_only: vec!["datasetField:ns:a:email".into()],
        })
    );
    assert_eq!(x.in_edges.len(), 2);
    assert_eq!(
        columns[1].out_edges,
        [(
            "datasetField:ns:a:id".to_owned(),
            "datasetField:ns:b:x".to_owned()
        )]
    );
}
