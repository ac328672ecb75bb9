//! The query-log crawler over realistic sample exports of each vendor.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use weft_ingest::querylog::{
    Format, KnownTable, Naming, Output, Processor, ProcessorOptions, QueryRecord, read_log,
};
use weft_schemas::change::DatasetUsage;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/querylog")
        .join(name)
}

fn options(namespace: &str, naming: Naming, dialect: &str) -> ProcessorOptions {
    ProcessorOptions {
        source: "test".into(),
        namespace: namespace.into(),
        naming,
        dialect: dialect.into(),
        keep_raw: false,
        default_database: None,
        default_schema: None,
    }
}

fn run(format: Format, file: &str, p: Processor) -> Output {
    let mut p = p;
    let f = File::open(data(file)).expect("sample file");
    for r in read_log(format, BufReader::new(f)) {
        match r {
            Ok(rec) => p.add(&rec),
            Err(e) => p.add_bad_line(&e),
        }
    }
    p.finish()
}

fn usage<'a>(out: &'a Output, name: &str, column: &str, day: &str) -> &'a DatasetUsage {
    out.batches
        .iter()
        .flat_map(|b| &b.usage)
        .find(|u| u.name == name && u.column == column && u.day == day)
        .unwrap_or_else(|| {
            panic!(
                "no usage for {name}/{column} on {day}; have {:#?}",
                out.batches
                    .iter()
                    .flat_map(|b| &b.usage)
                    .map(|u| (&u.name, &u.column, &u.day, u.reads, u.writes))
                    .collect::<Vec<_>>()
            )
        })
}

fn total_keys(out: &Output) -> usize {
    out.batches.iter().map(|b| b.query_keys.len()).sum()
}

#[test]
fn snowflake_csv_counts_usage_per_dataset_column_and_day() {
    let p = Processor::new(options(
        "snowflake://acme-prod",
        Naming::snowflake(),
        "snowflake",
    ));
    let out = run(Format::Snowflake, "snowflake_query_history.csv", p);
    let s = &out.summary;
    assert_eq!(
        (
            s.records,
            s.executions,
            s.failed_executions,
            s.duplicates,
            s.bad_lines
        ),
        (11, 9, 1, 1, 1)
    );
    // The lower-case repeat of a statement is the same shape.
    assert_eq!((s.shapes, s.shapes_parsed, s.shapes_failed), (6, 5, 1));
    assert_eq!(s.errors.len(), 2);
    assert!(
        s.errors
            .iter()
            .any(|e| e.class == "parse" && e.count == 1 && e.example.contains("SELEC"))
    );
    assert!(
        s.errors
            .iter()
            .any(|e| e.class == "record" && e.example.starts_with("line 15:"))
    );
    assert_eq!(total_keys(&out), 9);
    // Three runs of one statement with different emails (two spellings of the keywords,
    // one shape), the failed fourth not counted; 10:00 -0700 is still 1 May in UTC.
    let c = usage(&out, "ANALYTICS.PUBLIC.CUSTOMERS", "", "2024-05-01");
    assert_eq!((c.reads, c.writes), (3, 0));
    assert_eq!(c.users, ["ANN", "BOB"]);
    assert_eq!(c.fingerprints.len(), 1);
    assert_eq!(
        usage(&out, "ANALYTICS.PUBLIC.CUSTOMERS", "EMAIL", "2024-05-01").reads,
        3
    );
    // The IN lists of different lengths are one shape; the duplicate row counts once.
    let id = usage(&out, "ANALYTICS.PUBLIC.ORDERS", "ID", "2024-05-02");
    assert_eq!((id.reads, id.users.len(), id.fingerprints.len()), (2, 2, 1));
    // 23:30 -0700 on 1 May is 2 May in UTC; written as a 3-part name, taken as is.
    let w = usage(&out, "ANALYTICS.MARTS.DAILY_ORDERS", "", "2024-05-02");
    assert_eq!((w.reads, w.writes), (0, 1));
    // Expression text is not a column name.
    assert!(!out.batches[0].usage.iter().any(|u| u.column.contains('(')));
    // `raw.events` in database ANALYTICS.
    assert_eq!(
        usage(&out, "ANALYTICS.RAW.EVENTS", "TS", "2024-05-02").reads,
        1
    );
    // No literal survives in the stored text.
    for sh in &out.batches[0].shapes {
        assert!(
            !sh.text.contains("example.com") && sh.raw.is_none(),
            "{}",
            sh.text
        );
    }
    let failed = out.batches[0]
        .shapes
        .iter()
        .find(|s| s.error.is_some())
        .expect("failed shape");
    let e = failed.error.as_ref().expect("error");
    assert_eq!(
        (e.class.as_str(), e.line, e.column),
        ("parse", Some(1), Some(1))
    );
    assert_eq!(failed.calls, 1);
    // Jobs for the INSERT … SELECT and the CTAS, decodable as OpenLineage.
    assert_eq!(out.jobs.len(), 2);
    for j in &out.jobs {
        let ev = weft_schemas::Event::from_slice(j.as_bytes()).expect("job event decodes");
        assert_eq!(ev.kind(), weft_schemas::openlineage::EventKind::Job);
    }
    let v: serde_json::Value = serde_json::from_str(&out.jobs[1]).expect("json");
    assert_eq!(v["job"]["namespace"], "snowflake://acme-prod");
    assert!(
        v["job"]["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("query.") && n.len() == 18)
    );
    assert_eq!(v["job"]["facets"]["jobType"]["integration"], "QUERY_LOG");
    assert_eq!(v["outputs"][0]["name"], "ANALYTICS.MARTS.BIG_SPENDERS");
    let inputs: Vec<&str> = v["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(
        inputs,
        ["ANALYTICS.PUBLIC.CUSTOMERS", "ANALYTICS.PUBLIC.ORDERS"]
    );
    assert!(
        v["job"]["facets"]["sql"]["query"]
            .as_str()
            .is_some_and(|q| !q.contains("1000"))
    );
    assert_eq!(s.watermark, Some(1_714_654_800_000_000));
}

#[test]
fn snowflake_access_history_counts_what_the_vendor_saw() {
    let p = Processor::new(options(
        "snowflake://acme-prod",
        Naming::snowflake(),
        "snowflake",
    ));
    let out = run(Format::Snowflake, "snowflake_access_history.jsonl", p);
    // `SELECT *` from a view: the parse cannot know its columns, ACCESS_HISTORY does.
    let v = usage(&out, "ANALYTICS.PUBLIC.V_CUSTOMERS", "EMAIL", "2024-05-03");
    assert_eq!(v.reads, 1);
    // The COPY does not parse, but its access record still counts; the stage does not.
    assert_eq!(out.summary.shapes_failed, 1);
    let c = usage(&out, "ANALYTICS.PUBLIC.CUSTOMERS", "", "2024-05-03");
    assert_eq!((c.reads, c.writes), (2, 1));
    assert!(
        !out.batches[0]
            .usage
            .iter()
            .any(|u| u.name.contains("STAGE"))
    );
    // Parse and access history agree on the UPDATE: counted once.
    let tier = usage(&out, "ANALYTICS.PUBLIC.CUSTOMERS", "TIER", "2024-05-03");
    assert_eq!((tier.reads, tier.writes), (0, 1));
}

#[test]
fn bigquery_jobs_skip_non_queries_and_count_failures_apart() {
    let p = Processor::new(options("bigquery", Naming::bigquery(), "bigquery"));
    let out = run(Format::BigQuery, "bigquery_jobs.jsonl", p);
    let s = &out.summary;
    // 8 lines: one LOAD job skipped, one malformed line.
    assert_eq!(
        (s.records, s.executions, s.failed_executions, s.bad_lines),
        (6, 5, 1, 1)
    );
    assert_eq!((s.shapes, s.shapes_failed), (3, 1));
    // Double-quoted BigQuery strings are literals too: one shape for both days' runs.
    let u = usage(&out, "acme-prod.web.sessions", "user_id", "2024-06-01");
    assert_eq!((u.reads, u.users.len(), u.fingerprints.len()), (2, 2, 1));
    assert_eq!(
        usage(&out, "acme-prod.web.sessions", "", "2024-06-01").reads,
        3
    );
    assert_eq!(
        usage(&out, "acme-prod.web.sessions", "", "2024-06-02").reads,
        1
    );
    // `mart.daily_countries` in project acme-prod; the anonymous destination is no write.
    let w = usage(
        &out,
        "acme-prod.mart.daily_countries",
        "sessions",
        "2024-06-01",
    );
    assert_eq!(w.writes, 1);
    assert!(!out.batches[0].usage.iter().any(|u| u.name.contains("._")));
    assert_eq!(out.jobs.len(), 1);
}

#[test]
fn redshift_csv_defaults_to_public_and_numbers_placeholders() {
    let p = Processor::new(options(
        "redshift://c.us-east-1:5439",
        Naming::redshift(),
        "redshift",
    ));
    let out = run(Format::Redshift, "redshift_sys_query_history.csv", p);
    let s = &out.summary;
    assert_eq!(
        (s.records, s.executions, s.failed_executions, s.bad_lines),
        (7, 6, 1, 1)
    );
    // The lower-case repeat of a statement is the same shape.
    assert_eq!((s.shapes, s.shapes_parsed, s.shapes_failed), (4, 3, 1));
    let o = usage(&out, "dev.sales.orders", "customer_email", "2024-07-01");
    assert_eq!((o.reads, o.users.len(), o.fingerprints.len()), (4, 3, 2));
    // `events` unqualified: database dev, schema public; the VALUES rows are one shape.
    let e = usage(&out, "dev.public.events", "", "2024-07-02");
    assert_eq!(e.writes, 1);
    let shapes = &out.batches[0].shapes;
    assert!(
        shapes
            .iter()
            .any(|s| s.text == "INSERT INTO events(id, kind) VALUES ($1, $2)")
    );
    assert!(!shapes.iter().any(|s| s.text.contains('?')));
    // The CTAS is a job; the INSERT … VALUES is not.
    assert_eq!(out.jobs.len(), 1);
    assert!(out.jobs[0].contains("dev.reporting.top_customers"));
}

#[test]
fn generic_jsonl_with_calls_catalog_and_small_batches() {
    let catalog = vec![
        KnownTable {
            name: "shop.public.products".into(),
            columns: vec!["id".into(), "name".into(), "price".into()],
        },
        KnownTable {
            name: "shop.public.product_stats".into(),
            columns: vec!["label".into(), "n".into()],
        },
    ];
    let p = Processor::new(options(
        "postgres://db:5432",
        Naming::postgres(),
        "postgres",
    ))
    .with_catalog(catalog)
    .with_batch_limit(2);
    let out = run(Format::Jsonl, "generic.jsonl", p);
    let s = &out.summary;
    assert_eq!(
        (s.records, s.executions, s.duplicates, s.bad_lines),
        (6, 7, 1, 2)
    );
    assert_eq!(out.batches.len(), 3);
    assert!(out.batches.iter().all(|b| b.query_keys.len() <= 2));
    assert_eq!(total_keys(&out), 5);
    let sum = |name: &str, col: &str| -> (u64, u64) {
        out.batches
            .iter()
            .flat_map(|b| &b.usage)
            .filter(|u| u.name == name && u.column == col)
            .fold((0, 0), |(r, w), u| (r + u.reads, w + u.writes))
    };
    // Three reads by SELECTs plus three calls of the INSERT … SELECT.
    assert_eq!(sum("shop.public.products", ""), (6, 0));
    assert_eq!(sum("shop.public.products", "price"), (3, 0));
    // With the catalog, the INSERT's positional columns are the table's.
    assert_eq!(sum("shop.public.product_stats", "label"), (0, 3));
    assert_eq!(sum("shop.public.product_stats", "n"), (0, 3));
}

#[test]
fn the_same_key_twice_in_one_run_counts_once() {
    let mut p = Processor::new(options(
        "postgres://db:5432",
        Naming::postgres(),
        "postgres",
    ));
    let mut r = QueryRecord::new("SELECT a FROM t WHERE b = 1");
    r.id = Some("q1".into());
    r.database = Some("d".into());
    r.schema = Some("s".into());
    r.start_time = Some(0);
    p.add(&r);
    p.add(&r);
    let mut other = r.clone();
    other.id = Some("q2".into());
    other.query = "SELECT a FROM t WHERE b = 2".into();
    other.user = Some("u".into());
    p.add(&other);
    let out = p.finish();
    assert_eq!((out.summary.executions, out.summary.duplicates), (2, 1));
    assert_eq!(usage(&out, "d.s.t", "a", "1970-01-01").reads, 2);
    assert_eq!(
        out.batches[0].query_keys,
        [r.key("test"), other.key("test")]
    );
}

#[test]
fn mysql_names_have_two_parts() {
    let mut p = Processor::new(options("mysql://db:3306", Naming::mysql(), "mysql"));
    let mut r = QueryRecord::new(
        "SELECT name FROM Users u JOIN crm.accounts a ON a.id = u.account_id WHERE u.email = \"x@y.z\"",
    );
    r.database = Some("app".into());
    p.add(&r);
    let out = p.finish();
    let names: Vec<&str> = out.batches[0]
        .usage
        .iter()
        .filter(|u| u.column.is_empty())
        .map(|u| u.name.as_str())
        .collect();
    assert_eq!(names, ["app.users", "crm.accounts"]);
    assert!(!out.batches[0].shapes[0].text.contains("x@y.z"));
}

#[test]
fn a_normalised_write_derives_column_lineage() {
    use weft_ingest::sql::{KnownDataset, Role, derive};
    use weft_lineage::{Dialect, Options};
    let mut p = Processor::new(options(
        "postgres://db:5432",
        Naming::postgres(),
        "postgres",
    ));
    let mut r = QueryRecord::new(
        "INSERT INTO a SELECT upper(email), count(*) FROM b WHERE id = 42 GROUP BY 1",
    );
    r.database = Some("shop".into());
    r.schema = Some("public".into());
    p.add(&r);
    let out = p.finish();
    assert_eq!(out.jobs.len(), 1);
    let v: serde_json::Value = serde_json::from_str(&out.jobs[0]).expect("json");
    let sql = v["job"]["facets"]["sql"]["query"].as_str().expect("query");
    assert_eq!(
        sql,
        "INSERT INTO a SELECT upper(email), count(*) FROM b WHERE id = $1 GROUP BY 1"
    );
    assert_eq!(v["inputs"][0]["name"], "shop.public.b");
    assert_eq!(v["outputs"][0]["name"], "shop.public.a");
    // What the server does with the job: its sql facet and its datasets.
    let ds = |name: &str, cols: &[&str], role| KnownDataset {
        namespace: "postgres://db:5432".into(),
        name: name.into(),
        aliases: Vec::new(),
        columns: Some(cols.iter().map(|c| c.to_string()).collect()),
        role,
    };
    let datasets = [
        ds("shop.public.b", &["id", "email"], Role::Input),
        ds("shop.public.a", &["email_upper", "n"], Role::Output),
    ];
    let opts = Options {
        dialect: Dialect::Postgres,
        ..Options::default()
    };
    let d = derive(sql, &opts, &datasets);
    assert!(d.errors.is_empty() && d.unresolved.is_empty(), "{d:?}");
    let edge = |dst: &str, src: &str| {
        d.edges
            .iter()
            .find(|e| e.dst == 1 && e.src == 0 && e.dst_field == dst && e.src_field == src)
    };
    assert!(
        edge("email_upper", "email").is_some_and(|e| e.transformations.contains("TRANSFORMATION")),
        "{:?}",
        d.edges
    );
    assert!(
        edge("", "id").is_some_and(|e| e.transformations.contains("FILTER")),
        "{:?}",
        d.edges
    );
    assert!(
        edge("", "email").is_some_and(|e| e.transformations.contains("GROUP_BY")),
        "{:?}",
        d.edges
    );
    assert!(
        !d.edges
            .iter()
            .any(|e| e.dst_field == "n" && !e.src_field.is_empty())
    );
}
