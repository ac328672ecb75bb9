//! One minimal case per construct and transformation subtype: SQL in, compact lineage
//! text out (`target <- TYPE/SUBTYPE[ masked][ (functions)] source`; dataset-level edges
//! have the written dataset, or `(result)`, as target and are prefixed `dataset`).

use weft_lineage::{Dialect, Options, SchemaSnapshot, analyze};

const SCHEMA: &str = r#"{
    "shop.public.orders": ["id", "customer_id", "amount", "status", "created_at"],
    "shop.public.customers": ["id", "email", "name", "region"],
    "shop.public.events": ["id", "payload", "tags"]
}"#;

fn lines(dialect: Dialect, schema: Option<&str>, sql: &str) -> Vec<String> {
    let snapshot = SchemaSnapshot::from_json(schema.unwrap_or("{}")).unwrap();
    let options = Options {
        dialect,
        ..Options::default()
    };
    let script = analyze(sql, &options, &snapshot);
    let mut out = Vec::new();
    for s in &script.statements {
        let l = s.result.as_ref().unwrap_or_else(|e| panic!("{e}"));
        for c in &l.columns {
            let target = match &c.dataset {
                Some(d) => format!("{d}.{}", c.column),
                None => c.column.clone(),
            };
            for i in &c.inputs {
                out.push(format!(
                    "{target} <- {} {}.{}",
                    how(&i.transformation),
                    i.dataset,
                    i.column
                ));
            }
        }
        let target = l
            .outputs
            .first()
            .cloned()
            .unwrap_or_else(|| "(result)".to_owned());
        for i in &l.dataset {
            out.push(format!(
                "dataset {target} <- {} {}.{}",
                how(&i.transformation),
                i.dataset,
                i.column
            ));
        }
    }
    out.sort();
    out
}

fn how(t: &weft_lineage::Transformation) -> String {
    let mut s = format!("{}/{}", t.kind.as_str(), t.subtype.as_str());
    if t.masking {
        s.push_str(" masked");
    }
    if let Some(d) = &t.description {
        s.push_str(&format!(" ({d})"));
    }
    s
}

#[track_caller]
fn check_in(dialect: Dialect, schema: Option<&str>, sql: &str, expected: &[&str]) {
    let got = lines(dialect, schema, sql);
    let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "\nSQL: {sql}\ngot:\n{}\n", got.join("\n"));
}

#[track_caller]
fn check(sql: &str, expected: &[&str]) {
    check_in(Dialect::Generic, None, sql, expected);
}

#[track_caller]
fn check_schema(sql: &str, expected: &[&str]) {
    check_in(Dialect::Postgres, Some(SCHEMA), sql, expected);
}

#[test]
fn identity_through_alias() {
    check("SELECT a AS b FROM t", &["b <- DIRECT/IDENTITY t.a"]);
}

#[test]
fn transformation_arithmetic_cast_concat_coalesce() {
    check(
        "SELECT a + 1 AS x, CAST(b AS int) AS y, c || d AS z, COALESCE(e, f) AS w FROM t",
        &[
            "w <- DIRECT/TRANSFORMATION (coalesce) t.e",
            "w <- DIRECT/TRANSFORMATION (coalesce) t.f",
            "x <- DIRECT/TRANSFORMATION t.a",
            "y <- DIRECT/TRANSFORMATION t.b",
            "z <- DIRECT/TRANSFORMATION t.c",
            "z <- DIRECT/TRANSFORMATION t.d",
        ],
    );
}

#[test]
fn aggregation_and_counting_masks() {
    check(
        "SELECT k, sum(v) AS s, count(DISTINCT u) AS n, count(*) AS c FROM t GROUP BY k",
        &[
            "dataset (result) <- INDIRECT/GROUP_BY t.k",
            "k <- DIRECT/IDENTITY t.k",
            "n <- DIRECT/AGGREGATION masked (count) t.u",
            "s <- DIRECT/AGGREGATION (sum) t.v",
        ],
    );
}

#[test]
fn masking_functions_compose_with_aggregates() {
    check(
        "SELECT max(sha256(email)) AS h FROM t",
        &["h <- DIRECT/AGGREGATION masked (sha256, max) t.email"],
    );
}

#[test]
fn case_conditions_are_conditional_and_results_transformation() {
    check(
        "SELECT CASE WHEN a > 0 THEN b ELSE c END AS x, CASE k WHEN 1 THEN 'one' END AS y FROM t",
        &[
            "x <- DIRECT/TRANSFORMATION t.b",
            "x <- DIRECT/TRANSFORMATION t.c",
            "x <- INDIRECT/CONDITIONAL t.a",
            "y <- INDIRECT/CONDITIONAL t.k",
        ],
    );
}

#[test]
fn a_column_used_two_ways_gets_both_edges() {
    check(
        "SELECT CASE WHEN a > 0 THEN a END AS x FROM t",
        &[
            "x <- DIRECT/TRANSFORMATION t.a",
            "x <- INDIRECT/CONDITIONAL t.a",
        ],
    );
}

#[test]
fn dialect_conditionals_read_as_case() {
    let iff = [
        "x <- DIRECT/TRANSFORMATION t.b",
        "x <- DIRECT/TRANSFORMATION t.c",
        "x <- INDIRECT/CONDITIONAL t.a",
    ];
    // Snowflake folds unquoted names to upper case.
    let upper: Vec<String> = iff.iter().map(|l| l.to_uppercase()).collect();
    let upper: Vec<&str> = upper.iter().map(String::as_str).collect();
    check_in(
        Dialect::Snowflake,
        None,
        "SELECT IFF(a > 0, b, c) AS x FROM t",
        &upper,
    );
    check_in(
        Dialect::MsSql,
        None,
        "SELECT IIF(a > 0, b, c) AS x FROM t",
        &iff,
    );
    check_in(
        Dialect::BigQuery,
        None,
        "SELECT IF(a > 0, b, c) AS x FROM t",
        &iff,
    );
    // Inside an aggregate the condition is still only a condition.
    check_in(
        Dialect::Snowflake,
        None,
        "SELECT SUM(IFF(\"a\" > 0, \"b\", 0)) AS \"x\" FROM \"t\"",
        &[
            "x <- DIRECT/AGGREGATION (sum) t.b",
            "x <- INDIRECT/CONDITIONAL (sum) t.a",
        ],
    );
    check_in(
        Dialect::Generic,
        None,
        "SELECT DECODE(k, 1, a, 2, b, c) AS x, DECODE(k, 1, a, j, b) AS y FROM t",
        &[
            "x <- DIRECT/TRANSFORMATION t.a",
            "x <- DIRECT/TRANSFORMATION t.b",
            "x <- DIRECT/TRANSFORMATION t.c",
            "x <- INDIRECT/CONDITIONAL t.k",
            "y <- DIRECT/TRANSFORMATION t.a",
            "y <- DIRECT/TRANSFORMATION t.b",
            "y <- INDIRECT/CONDITIONAL t.j",
            "y <- INDIRECT/CONDITIONAL t.k",
        ],
    );
    check_in(
        Dialect::Generic,
        None,
        "SELECT NVL2(a, b, c) AS x, NULLIF(d, e) AS y FROM t",
        &[
            "x <- DIRECT/TRANSFORMATION t.b",
            "x <- DIRECT/TRANSFORMATION t.c",
            "x <- INDIRECT/CONDITIONAL t.a",
            "y <- DIRECT/TRANSFORMATION t.d",
            "y <- INDIRECT/CONDITIONAL t.d",
            "y <- INDIRECT/CONDITIONAL t.e",
        ],
    );
    // Two-argument decode is decoding bytes, an ordinary function.
    check_in(
        Dialect::Postgres,
        None,
        "SELECT decode(a, 'base64') AS x FROM t",
        &["x <- DIRECT/TRANSFORMATION (decode) t.a"],
    );
}

#[test]
fn date_and_time_units_are_keywords_not_columns() {
    // `t` has columns named like units: still never a source.
    let schema = r#"{"t": ["day", "month", "d", "a", "b"]}"#;
    let sf = |sql: &str, want: &[&str]| check_in(Dialect::Snowflake, Some(schema), sql, want);
    sf(
        "SELECT DATEADD(day, 1, d) AS x, DATEDIFF(month, a, b) AS y, DATE_TRUNC(week, a) AS z, \
         DATE_PART(year, b) AS w FROM t",
        &[
            "X <- DIRECT/TRANSFORMATION (dateadd) t.d",
            "Y <- DIRECT/TRANSFORMATION (datediff) t.a",
            "Y <- DIRECT/TRANSFORMATION (datediff) t.b",
            "Z <- DIRECT/TRANSFORMATION (date_trunc) t.a",
            "W <- DIRECT/TRANSFORMATION (date_part) t.b",
        ],
    );
    check_in(
        Dialect::MsSql,
        Some(schema),
        "SELECT DATEPART(month, a) AS x FROM t WHERE DATEDIFF(day, a, b) > 3",
        &[
            "x <- DIRECT/TRANSFORMATION (datepart) t.a",
            "dataset (result) <- INDIRECT/FILTER (datediff) t.a",
            "dataset (result) <- INDIRECT/FILTER (datediff) t.b",
        ],
    );
    check_in(
        Dialect::MySql,
        Some(schema),
        "SELECT TIMESTAMPADD(MINUTE, 5, a) AS x, TIMESTAMPDIFF(day, a, b) AS y, DATEDIFF(a, b) AS z FROM t",
        &[
            "x <- DIRECT/TRANSFORMATION (timestampadd) t.a",
            "y <- DIRECT/TRANSFORMATION (timestampdiff) t.a",
            "y <- DIRECT/TRANSFORMATION (timestampdiff) t.b",
            "z <- DIRECT/TRANSFORMATION (datediff) t.a",
            "z <- DIRECT/TRANSFORMATION (datediff) t.b",
        ],
    );
    check_in(
        Dialect::BigQuery,
        Some(schema),
        "SELECT DATE_TRUNC(a, MONTH) AS x, DATE_DIFF(a, b, DAY) AS y, \
         DATE_TRUNC(b, WEEK(MONDAY)) AS z, LAST_DAY(a, month) AS w, EXTRACT(YEAR FROM a) AS v FROM t",
        &[
            "x <- DIRECT/TRANSFORMATION (date_trunc) t.a",
            "y <- DIRECT/TRANSFORMATION (date_diff) t.a",
            "y <- DIRECT/TRANSFORMATION (date_diff) t.b",
            "z <- DIRECT/TRANSFORMATION (date_trunc) t.b",
            "w <- DIRECT/TRANSFORMATION (last_day) t.a",
            "v <- DIRECT/TRANSFORMATION t.a",
        ],
    );
    // A unit in quotes is a string; a column named like a unit elsewhere is a column.
    check_in(
        Dialect::Postgres,
        Some(schema),
        "SELECT date_trunc('week', a) AS x, day AS y FROM t",
        &[
            "x <- DIRECT/TRANSFORMATION (date_trunc) t.a",
            "y <- DIRECT/IDENTITY t.day",
        ],
    );
}

#[test]
fn if_function_condition() {
    check(
        "SELECT IF(a = 1, b, 0) AS x FROM t",
        &[
            "x <- DIRECT/TRANSFORMATION t.b",
            "x <- INDIRECT/CONDITIONAL t.a",
        ],
    );
}

#[test]
fn window_partition_and_order() {
    check(
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b) AS rn, sum(c) OVER (PARTITION BY a) AS s FROM t",
        &[
            "rn <- INDIRECT/WINDOW t.a",
            "rn <- INDIRECT/WINDOW t.b",
            "s <- DIRECT/AGGREGATION (sum) t.c",
            "s <- INDIRECT/WINDOW t.a",
        ],
    );
}

#[test]
fn named_window() {
    check(
        "SELECT rank() OVER w AS r FROM t WINDOW w AS (PARTITION BY a)",
        &["r <- INDIRECT/WINDOW t.a"],
    );
}

#[test]
fn filter_join_group_sort_are_dataset_level() {
    check(
        "INSERT INTO out SELECT o.a, sum(o.v) AS v FROM o JOIN p ON o.k = p.k \
         WHERE p.flag = 1 GROUP BY o.a HAVING count(*) > 1 ORDER BY o.a",
        &[
            "dataset out <- INDIRECT/FILTER p.flag",
            "dataset out <- INDIRECT/GROUP_BY o.a",
            "dataset out <- INDIRECT/JOIN o.k",
            "dataset out <- INDIRECT/JOIN p.k",
            "dataset out <- INDIRECT/SORT o.a",
            "out.a <- DIRECT/IDENTITY o.a",
            "out.v <- DIRECT/AGGREGATION (sum) o.v",
        ],
    );
}

#[test]
fn qualify_and_subquery_filters() {
    check(
        "SELECT a FROM t WHERE b IN (SELECT b FROM u WHERE c = 1) QUALIFY row_number() OVER (PARTITION BY d) = 1",
        &[
            "a <- DIRECT/IDENTITY t.a",
            "dataset (result) <- INDIRECT/FILTER t.b",
            "dataset (result) <- INDIRECT/FILTER t.d",
            "dataset (result) <- INDIRECT/FILTER u.b",
            "dataset (result) <- INDIRECT/FILTER u.c",
        ],
    );
}

#[test]
fn cte_and_derived_table_filters_count_for_the_output_order_by_only_at_top() {
    check(
        "WITH c AS (SELECT a FROM t WHERE f = 1 ORDER BY z) SELECT d.a FROM (SELECT a FROM c) d",
        &[
            "a <- DIRECT/IDENTITY t.a",
            "dataset (result) <- INDIRECT/FILTER t.f",
        ],
    );
}

#[test]
fn composition_through_cte_takes_strongest_subtype() {
    check(
        "WITH c AS (SELECT sha256(e) AS h, CASE WHEN k THEN 1 END AS f FROM t) \
         SELECT max(h) AS m, f FROM c",
        &[
            "f <- INDIRECT/CONDITIONAL t.k",
            "m <- DIRECT/AGGREGATION masked (sha256, max) t.e",
        ],
    );
}

#[test]
fn recursive_cte() {
    check(
        "WITH RECURSIVE r AS (SELECT id, parent FROM t UNION ALL SELECT t.id, r.parent FROM t JOIN r ON t.parent = r.id) \
         SELECT id, parent FROM r",
        &[
            "dataset (result) <- INDIRECT/JOIN t.id",
            "dataset (result) <- INDIRECT/JOIN t.parent",
            "id <- DIRECT/IDENTITY t.id",
            "parent <- DIRECT/IDENTITY t.parent",
        ],
    );
}

#[test]
fn correlated_subquery_in_select() {
    check_schema(
        "SELECT c.name, (SELECT max(o.amount) FROM orders o WHERE o.customer_id = c.id) AS top FROM customers c",
        &[
            "dataset (result) <- INDIRECT/FILTER shop.public.customers.id",
            "dataset (result) <- INDIRECT/FILTER shop.public.orders.customer_id",
            "name <- DIRECT/IDENTITY shop.public.customers.name",
            "top <- DIRECT/AGGREGATION (max) shop.public.orders.amount",
        ],
    );
}

#[test]
fn union_is_positional() {
    check(
        "SELECT a AS x, b FROM t UNION ALL SELECT c, d FROM u",
        &[
            "b <- DIRECT/IDENTITY t.b",
            "b <- DIRECT/IDENTITY u.d",
            "x <- DIRECT/IDENTITY t.a",
            "x <- DIRECT/IDENTITY u.c",
        ],
    );
}

#[test]
fn join_using_merges_both_sides() {
    check(
        "SELECT k, a.v FROM a JOIN b USING (k)",
        &[
            "dataset (result) <- INDIRECT/JOIN a.k",
            "dataset (result) <- INDIRECT/JOIN b.k",
            "k <- DIRECT/IDENTITY a.k",
            "k <- DIRECT/IDENTITY b.k",
            "v <- DIRECT/IDENTITY a.v",
        ],
    );
}

#[test]
fn natural_join_uses_common_columns() {
    check_schema(
        "SELECT email FROM orders NATURAL JOIN customers",
        &[
            "dataset (result) <- INDIRECT/JOIN shop.public.customers.id",
            "dataset (result) <- INDIRECT/JOIN shop.public.orders.id",
            "email <- DIRECT/IDENTITY shop.public.customers.email",
        ],
    );
}

#[test]
fn star_expands_with_schema_and_stays_whole_without() {
    check_schema(
        "SELECT * FROM customers",
        &[
            "email <- DIRECT/IDENTITY shop.public.customers.email",
            "id <- DIRECT/IDENTITY shop.public.customers.id",
            "name <- DIRECT/IDENTITY shop.public.customers.name",
            "region <- DIRECT/IDENTITY shop.public.customers.region",
        ],
    );
    check(
        "INSERT INTO x SELECT * FROM t",
        &["x.* <- DIRECT/IDENTITY t.*"],
    );
}

#[test]
fn qualified_star_and_except() {
    check_in(
        Dialect::BigQuery,
        Some(SCHEMA),
        "SELECT c.* EXCEPT (email) FROM shop.public.customers c JOIN shop.public.orders o ON o.customer_id = c.id",
        &[
            "dataset (result) <- INDIRECT/JOIN shop.public.customers.id",
            "dataset (result) <- INDIRECT/JOIN shop.public.orders.customer_id",
            "id <- DIRECT/IDENTITY shop.public.customers.id",
            "name <- DIRECT/IDENTITY shop.public.customers.name",
            "region <- DIRECT/IDENTITY shop.public.customers.region",
        ],
    );
}

#[test]
fn unresolved_columns_are_warnings_not_guesses() {
    let script = analyze(
        "SELECT x FROM a, b",
        &Options::default(),
        &weft_lineage::NoSchema,
    );
    let l = script.statements[0].result.as_ref().unwrap();
    assert!(l.columns[0].inputs.is_empty());
    let w = &l.diagnostics[0];
    assert_eq!(w.position.line, 1);
    assert_eq!(w.position.column, 8);
    assert!(w.message.contains("ambiguous"), "{}", w.message);
}

#[test]
fn ambiguous_schema_match_is_a_warning() {
    let schema = r#"{"a.s.t": ["x"], "b.s.t": ["x"]}"#;
    let snapshot = SchemaSnapshot::from_json(schema).unwrap();
    let script = analyze("SELECT x FROM s.t", &Options::default(), &snapshot);
    let l = script.statements[0].result.as_ref().unwrap();
    assert!(
        l.diagnostics
            .iter()
            .any(|d| d.message.contains("ambiguous"))
    );
    assert_eq!(l.columns[0].inputs[0].dataset, "s.t");
}

#[test]
fn default_database_and_schema_qualify_names() {
    let snapshot = SchemaSnapshot::from_json(SCHEMA).unwrap();
    let options = Options {
        default_database: Some("shop".into()),
        default_schema: Some("public".into()),
        ..Options::default()
    };
    let script = analyze("SELECT email FROM customers", &options, &snapshot);
    let l = script.statements[0].result.as_ref().unwrap();
    assert_eq!(l.inputs, ["shop.public.customers"]);
}

#[test]
fn lateral_unnest_flatten() {
    check_in(
        Dialect::BigQuery,
        None,
        "SELECT e.id, p.code FROM ev e, UNNEST(e.items) AS p",
        &[
            "code <- DIRECT/TRANSFORMATION ev.items.code",
            "id <- DIRECT/IDENTITY ev.id",
        ],
    );
    check_in(
        Dialect::Snowflake,
        None,
        "SELECT f.value AS v FROM ev e, LATERAL FLATTEN(input => e.tags) f",
        &["V <- DIRECT/TRANSFORMATION EV.TAGS"],
    );
    check_in(
        Dialect::Postgres,
        None,
        "SELECT t.a, l.b FROM t, LATERAL (SELECT u.b FROM u WHERE u.k = t.k) l",
        &[
            "a <- DIRECT/IDENTITY t.a",
            "b <- DIRECT/IDENTITY u.b",
            "dataset (result) <- INDIRECT/FILTER t.k",
            "dataset (result) <- INDIRECT/FILTER u.k",
        ],
    );
}

#[test]
fn struct_and_json_access() {
    check_in(
        Dialect::BigQuery,
        None,
        "SELECT widget.asset.id, JSON_VALUE(payload, '$.x') AS x FROM ev",
        &[
            "id <- DIRECT/IDENTITY ev.widget.asset.id",
            "x <- DIRECT/TRANSFORMATION (json_value) ev.payload",
        ],
    );
    check_in(
        Dialect::Postgres,
        None,
        "SELECT payload ->> 'x' AS x FROM ev",
        &["x <- DIRECT/TRANSFORMATION ev.payload"],
    );
}

#[test]
fn quoted_identifiers_and_case_rules() {
    check_in(
        Dialect::Postgres,
        None,
        r#"SELECT "Abc", Def FROM "T""#,
        &[
            "Abc <- DIRECT/IDENTITY T.Abc",
            "def <- DIRECT/IDENTITY T.def",
        ],
    );
    check_in(
        Dialect::Snowflake,
        None,
        "SELECT abc FROM t",
        &["ABC <- DIRECT/IDENTITY T.ABC"],
    );
}

#[test]
fn unnamed_expression_is_named_by_its_text() {
    check(
        "SELECT a + b FROM t",
        &[
            "a + b <- DIRECT/TRANSFORMATION t.a",
            "a + b <- DIRECT/TRANSFORMATION t.b",
        ],
    );
}

#[test]
fn literals_have_no_sources() {
    check("INSERT INTO x SELECT 1 AS one, count(*) AS n FROM t", &[]);
}

#[test]
fn insert_with_and_without_column_list() {
    check(
        "INSERT INTO x (p, q) SELECT a, b FROM t",
        &["x.p <- DIRECT/IDENTITY t.a", "x.q <- DIRECT/IDENTITY t.b"],
    );
    check_in(
        Dialect::Postgres,
        Some(r#"{"x": ["p", "q"]}"#),
        "INSERT INTO x SELECT a, b FROM t",
        &["x.p <- DIRECT/IDENTITY t.a", "x.q <- DIRECT/IDENTITY t.b"],
    );
}

#[test]
fn insert_values_is_a_write_without_sources() {
    let script = analyze(
        "INSERT INTO x VALUES (1, 'a')",
        &Options::default(),
        &weft_lineage::NoSchema,
    );
    let l = script.statements[0].result.as_ref().unwrap();
    assert_eq!(l.outputs, ["x"]);
    assert!(l.columns.iter().all(|c| c.inputs.is_empty()));
}

#[test]
fn ctas_view_materialized_view_temp_table() {
    check(
        "CREATE TABLE x AS SELECT a FROM t",
        &["x.a <- DIRECT/IDENTITY t.a"],
    );
    check(
        "CREATE VIEW v (b) AS SELECT a FROM t",
        &["v.b <- DIRECT/IDENTITY t.a"],
    );
    check_in(
        Dialect::Postgres,
        None,
        "CREATE MATERIALIZED VIEW mv AS SELECT sum(a) AS s FROM t",
        &["mv.s <- DIRECT/AGGREGATION (sum) t.a"],
    );
}

#[test]
fn lineage_flows_through_temp_tables_and_earlier_statements() {
    check(
        "CREATE TEMP TABLE tmp AS SELECT upper(a) AS u FROM src WHERE f = 1; \
         INSERT INTO dst SELECT u FROM tmp",
        &[
            "dataset dst <- INDIRECT/FILTER src.f",
            "dataset tmp <- INDIRECT/FILTER src.f",
            "dst.u <- DIRECT/TRANSFORMATION (upper) src.a",
            "tmp.u <- DIRECT/TRANSFORMATION (upper) src.a",
        ],
    );
}

#[test]
fn merge_matched_and_not_matched() {
    check(
        "MERGE INTO tgt t USING src s ON t.k = s.k \
         WHEN MATCHED AND s.del = 0 THEN UPDATE SET v = s.v + 1 \
         WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v)",
        &[
            "dataset tgt <- INDIRECT/FILTER src.del",
            "dataset tgt <- INDIRECT/JOIN src.k",
            "dataset tgt <- INDIRECT/JOIN tgt.k",
            "tgt.k <- DIRECT/IDENTITY src.k",
            "tgt.v <- DIRECT/IDENTITY src.v",
            "tgt.v <- DIRECT/TRANSFORMATION src.v",
        ],
    );
}

#[test]
fn update_set_from() {
    check_in(
        Dialect::Postgres,
        None,
        "UPDATE tgt SET v = s.v FROM src s WHERE tgt.k = s.k",
        &[
            "dataset tgt <- INDIRECT/FILTER src.k",
            "dataset tgt <- INDIRECT/FILTER tgt.k",
            "tgt.v <- DIRECT/IDENTITY src.v",
        ],
    );
}

#[test]
fn delete_is_table_level() {
    let script = analyze(
        "DELETE FROM t WHERE id IN (SELECT id FROM gone)",
        &Options::default(),
        &weft_lineage::NoSchema,
    );
    let l = script.statements[0].result.as_ref().unwrap();
    assert_eq!(l.outputs, ["t"]);
    assert!(l.inputs.contains(&"gone".to_owned()));
    assert!(l.columns.is_empty());
}

#[test]
fn alter_rename_table_and_column_and_drop() {
    check(
        "ALTER TABLE t RENAME COLUMN a TO b",
        &["t.b <- DIRECT/IDENTITY t.a"],
    );
    let script = analyze(
        "ALTER TABLE t RENAME TO u; DROP TABLE u",
        &Options::default(),
        &weft_lineage::NoSchema,
    );
    let r = script.statements[0].result.as_ref().unwrap();
    assert_eq!(
        (r.inputs.clone(), r.outputs.clone()),
        (vec!["t".to_owned()], vec!["u".to_owned()])
    );
    let d = script.statements[1].result.as_ref().unwrap();
    assert_eq!(d.kind, weft_lineage::StatementKind::Drop);
    assert_eq!(d.outputs, ["u"]);
}

#[test]
fn pivot_and_unpivot() {
    check_in(
        Dialect::Snowflake,
        Some(r#"{"sales": ["id", "jan", "feb"]}"#),
        "SELECT id, m, v FROM sales UNPIVOT (v FOR m IN (jan, feb))",
        &[
            "ID <- DIRECT/IDENTITY sales.id",
            "M <- INDIRECT/CONDITIONAL sales.feb",
            "M <- INDIRECT/CONDITIONAL sales.jan",
            "V <- DIRECT/IDENTITY sales.feb",
            "V <- DIRECT/IDENTITY sales.jan",
        ],
    );
}

#[test]
fn facet_has_transformations_and_dataset_list() {
    let script = analyze(
        "INSERT INTO x SELECT md5(a) AS h FROM t WHERE b > 0",
        &Options::default(),
        &weft_lineage::NoSchema,
    );
    let l = script.statements[0].result.as_ref().unwrap();
    let facets = l.column_lineage_facets("ns");
    assert_eq!(facets.len(), 1);
    let (key, facet) = &facets[0];
    assert_eq!(key.as_deref(), Some("x"));
    let field = &facet.fields["h"];
    let input = &field.input_fields[0];
    assert_eq!(
        (
            input.namespace.as_str(),
            input.name.as_str(),
            input.field.as_str()
        ),
        ("ns", "t", "a")
    );
    let t = &input.transformations.as_ref().unwrap()[0];
    assert_eq!(t.transformation_type, "DIRECT");
    assert_eq!(t.subtype.as_deref(), Some("TRANSFORMATION"));
    assert_eq!(t.description.as_deref(), Some("md5"));
    assert_eq!(t.masking, Some(true));
    let ds = facet.dataset.as_ref().unwrap();
    assert_eq!(ds[0].field, "b");
    assert_eq!(
        ds[0].transformations.as_ref().unwrap()[0]
            .subtype
            .as_deref(),
        Some("FILTER")
    );
    let json = serde_json::to_value(facet).unwrap();
    assert_eq!(json["_schemaURL"], weft_lineage::COLUMN_LINEAGE_SCHEMA_URL);
}

#[test]
fn masking_list_is_configurable() {
    let mut options = Options::default();
    options.functions.add_masking("tokenize_pii");
    let script = analyze(
        "SELECT tokenize_pii(a) AS x FROM t",
        &options,
        &weft_lineage::NoSchema,
    );
    let l = script.statements[0].result.as_ref().unwrap();
    assert!(l.columns[0].inputs[0].transformation.masking);
}

#[test]
fn a_table_read_from_the_schema_then_created_by_the_script_resolves_to_the_script_table() {
    // The schema lookup of the first statement is remembered for the script; a table
    // the script creates under the same name must still win in later statements.
    check_schema(
        "INSERT INTO shop.public.out SELECT amount FROM shop.public.orders; \
         CREATE TABLE shop.public.orders AS SELECT email AS amount FROM shop.public.customers; \
         INSERT INTO shop.public.out2 SELECT amount FROM shop.public.orders",
        &[
            "shop.public.orders.amount <- DIRECT/IDENTITY shop.public.customers.email",
            "shop.public.out.amount <- DIRECT/IDENTITY shop.public.orders.amount",
            "shop.public.out2.amount <- DIRECT/IDENTITY shop.public.customers.email",
        ],
    );
}

#[test]
fn the_same_schema_table_read_twice_resolves_alike() {
    check_schema(
        "SELECT a.amount, b.email FROM shop.public.orders a \
         JOIN public.orders o2 ON o2.id = a.id JOIN customers b ON b.id = a.customer_id",
        &[
            "amount <- DIRECT/IDENTITY shop.public.orders.amount",
            "email <- DIRECT/IDENTITY shop.public.customers.email",
            "dataset (result) <- INDIRECT/JOIN shop.public.customers.id",
            "dataset (result) <- INDIRECT/JOIN shop.public.orders.customer_id",
            "dataset (result) <- INDIRECT/JOIN shop.public.orders.id",
        ],
    );
}

#[test]
fn a_wide_union_keeps_each_source_once_in_first_seen_order() {
    // More branches than the linear de-duplication handles, each read twice.
    let branches: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "SELECT c{} AS x FROM t UNION ALL SELECT c{} AS x FROM t",
                i % 20,
                i % 20
            )
        })
        .collect();
    let sql = branches.join(" UNION ALL ");
    let snapshot = SchemaSnapshot::from_json("{}").unwrap();
    let script = analyze(&sql, &Options::default(), &snapshot);
    let l = script.lineages().next().unwrap();
    let sources: Vec<&str> = l.columns[0]
        .inputs
        .iter()
        .map(|i| i.column.as_str())
        .collect();
    let want: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    assert_eq!(sources, want);
}

#[test]
fn join_using_merges_every_side_with_and_without_a_schema() {
    // Schema-less: each side only may have `k`; with USING all are sources.
    check(
        "SELECT k FROM a JOIN b USING (k) JOIN c USING (k)",
        &[
            "dataset (result) <- INDIRECT/JOIN a.k",
            "dataset (result) <- INDIRECT/JOIN b.k",
            "dataset (result) <- INDIRECT/JOIN c.k",
            "k <- DIRECT/IDENTITY a.k",
            "k <- DIRECT/IDENTITY b.k",
            "k <- DIRECT/IDENTITY c.k",
        ],
    );
    // With a schema both sides certainly have `id`; without USING it is ambiguous.
    check_schema(
        "SELECT id FROM orders JOIN customers USING (id)",
        &[
            "dataset (result) <- INDIRECT/JOIN shop.public.customers.id",
            "dataset (result) <- INDIRECT/JOIN shop.public.orders.id",
            "id <- DIRECT/IDENTITY shop.public.customers.id",
            "id <- DIRECT/IDENTITY shop.public.orders.id",
        ],
    );
    let snapshot = SchemaSnapshot::from_json(SCHEMA).unwrap();
    let options = Options {
        dialect: Dialect::Postgres,
        ..Options::default()
    };
    let script = analyze(
        "SELECT id FROM orders JOIN customers ON orders.customer_id = customers.id",
        &options,
        &snapshot,
    );
    let l = script.lineages().next().unwrap();
    assert!(l.columns[0].inputs.is_empty());
    assert!(
        l.diagnostics
            .iter()
            .any(|d| d.message.contains("ambiguous"))
    );
}

#[test]
fn an_ordering_inside_an_aggregate_sorts_that_output_only() {
    // Not the statement's sort: no dataset-level edge, a SORT of the one output.
    check_in(
        Dialect::Postgres,
        None,
        "SELECT k, string_agg(x, ',' ORDER BY y) AS s, array_agg(x ORDER BY z DESC) AS a \
         FROM t GROUP BY k",
        &[
            "dataset (result) <- INDIRECT/GROUP_BY t.k",
            "k <- DIRECT/IDENTITY t.k",
            "s <- DIRECT/AGGREGATION (string_agg) t.x",
            "s <- INDIRECT/SORT (string_agg) t.y",
            "a <- DIRECT/AGGREGATION (array_agg) t.x",
            "a <- INDIRECT/SORT (array_agg) t.z",
        ],
    );
    check_in(
        Dialect::BigQuery,
        None,
        "SELECT STRING_AGG(x, ',' ORDER BY y LIMIT 3) AS s FROM t",
        &[
            "s <- DIRECT/AGGREGATION (string_agg) t.x",
            "s <- INDIRECT/SORT (string_agg) t.y",
        ],
    );
    check_in(
        Dialect::Snowflake,
        None,
        "SELECT LISTAGG(\"x\", ',') WITHIN GROUP (ORDER BY \"y\") AS \"s\" FROM \"t\"",
        &[
            "s <- DIRECT/AGGREGATION (listagg) t.x",
            "s <- INDIRECT/SORT (listagg) t.y",
        ],
    );
    // An ordered-set aggregate aggregates what it orders: a median of y.
    check_in(
        Dialect::Postgres,
        None,
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY y) AS m, \
         mode() WITHIN GROUP (ORDER BY z) AS o FROM t",
        &[
            "m <- DIRECT/AGGREGATION (percentile_cont) t.y",
            "o <- DIRECT/AGGREGATION (mode) t.z",
        ],
    );
}

#[test]
fn a_subscript_or_path_reads_the_column_it_starts_from() {
    // Qualified by an alias, without a schema: the source is the array, map or document
    // column, never the alias.
    check_in(
        Dialect::BigQuery,
        None,
        "SELECT e.tags[SAFE_OFFSET(0)] AS x, e.arr[OFFSET(1)] AS y, tags[SAFE_ORDINAL(2)] AS z \
         FROM t AS e",
        &[
            "x <- DIRECT/TRANSFORMATION t.tags",
            "y <- DIRECT/TRANSFORMATION t.arr",
            "z <- DIRECT/TRANSFORMATION t.tags",
        ],
    );
    check_in(
        Dialect::Postgres,
        None,
        "SELECT e.arr[1] AS x, e.payload->'a'->>'b' AS y FROM t e JOIN u ON u.id = e.id",
        &[
            "dataset (result) <- INDIRECT/JOIN t.id",
            "dataset (result) <- INDIRECT/JOIN u.id",
            "x <- DIRECT/TRANSFORMATION t.arr",
            "y <- DIRECT/TRANSFORMATION t.payload",
        ],
    );
    check_in(
        Dialect::Spark,
        None,
        "SELECT e.m['k'] AS x, e.arr[0] AS y FROM t e",
        &[
            "x <- DIRECT/TRANSFORMATION t.m",
            "y <- DIRECT/TRANSFORMATION t.arr",
        ],
    );
    check_in(
        Dialect::Snowflake,
        None,
        "SELECT \"e\".\"v\":a.b::string AS \"x\", \"v\"['d'] AS \"z\" FROM \"t\" \"e\"",
        &[
            "x <- DIRECT/TRANSFORMATION t.v",
            "z <- DIRECT/TRANSFORMATION t.v",
        ],
    );
}

#[test]
fn lateral_scopes_see_the_outer_relations_and_table_functions_read_their_arguments() {
    // APPLY is lateral: the outer alias inside is the outer table.
    check_in(
        Dialect::MsSql,
        None,
        "SELECT c.CustomerID, o.Total FROM Sales.Customers c CROSS APPLY \
         (SELECT TOP 1 x.Total FROM Sales.Orders x WHERE x.CustomerID = c.CustomerID) o",
        &[
            "CustomerID <- DIRECT/IDENTITY Sales.Customers.CustomerID",
            "Total <- DIRECT/IDENTITY Sales.Orders.Total",
            "dataset (result) <- INDIRECT/FILTER Sales.Customers.CustomerID",
            "dataset (result) <- INDIRECT/FILTER Sales.Orders.CustomerID",
        ],
    );
    check_in(
        Dialect::MsSql,
        None,
        "SELECT c.id, s.value AS tag FROM c OUTER APPLY STRING_SPLIT(c.tags, ',') s",
        &[
            "id <- DIRECT/IDENTITY c.id",
            "tag <- DIRECT/TRANSFORMATION c.tags",
        ],
    );
    check_in(
        Dialect::Postgres,
        None,
        "SELECT c.id, j.value AS v, k.key AS kk FROM c CROSS JOIN LATERAL jsonb_array_elements(c.items) j \
         CROSS JOIN LATERAL json_each(c.doc) k",
        &[
            "id <- DIRECT/IDENTITY c.id",
            "kk <- DIRECT/TRANSFORMATION c.doc",
            "v <- DIRECT/TRANSFORMATION c.items",
        ],
    );
    for join in ["CROSS JOIN", "LEFT JOIN"] {
        check_in(
            Dialect::BigQuery,
            None,
            &format!(
                "SELECT c.id, tag, pos FROM c {join} UNNEST(c.tags) AS tag WITH OFFSET AS pos"
            ),
            &[
                "id <- DIRECT/IDENTITY c.id",
                "tag <- DIRECT/TRANSFORMATION c.tags",
            ],
        );
    }
    check_in(
        Dialect::Spark,
        None,
        "SELECT c.id, t AS tag FROM c LATERAL VIEW explode(c.tags) tt AS t",
        &[
            "id <- DIRECT/IDENTITY c.id",
            "tag <- DIRECT/TRANSFORMATION (explode) c.tags",
        ],
    );
}

#[test]
fn upserts_that_name_no_columns() {
    let schema =
        Some(r#"{"tgt": ["k", "v", "n"], "src": ["k", "v", "extra"], "stage": ["k", "v", "n"]}"#);
    // Delta's SET * / INSERT *: each target column from the source column of its name; a
    // target column the source lacks (n) keeps its value, a source column the target
    // lacks (extra) goes nowhere.
    check_in(
        Dialect::Databricks,
        schema,
        "MERGE INTO tgt t USING src s ON t.k = s.k \
         WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *",
        &[
            "dataset tgt <- INDIRECT/JOIN src.k",
            "dataset tgt <- INDIRECT/JOIN tgt.k",
            "tgt.k <- DIRECT/IDENTITY src.k",
            "tgt.v <- DIRECT/IDENTITY src.v",
        ],
    );
    // Through a subquery source, its lineage composes.
    check_in(
        Dialect::Databricks,
        schema,
        "MERGE INTO tgt USING (SELECT k, upper(v) AS v FROM stage WHERE n > 0) s ON tgt.k = s.k \
         WHEN MATCHED THEN UPDATE SET *",
        &[
            "dataset tgt <- INDIRECT/FILTER stage.n",
            "dataset tgt <- INDIRECT/JOIN stage.k",
            "dataset tgt <- INDIRECT/JOIN tgt.k",
            "tgt.k <- DIRECT/IDENTITY stage.k",
            "tgt.v <- DIRECT/TRANSFORMATION (upper) stage.v",
        ],
    );
    // Without the target's schema, the source's known columns; without either, a star.
    check_in(
        Dialect::Databricks,
        Some(r#"{"src": ["k", "v"]}"#),
        "MERGE INTO tgt USING src ON tgt.k = src.k WHEN NOT MATCHED THEN INSERT *",
        &[
            "dataset tgt <- INDIRECT/JOIN src.k",
            "dataset tgt <- INDIRECT/JOIN tgt.k",
            "tgt.k <- DIRECT/IDENTITY src.k",
            "tgt.v <- DIRECT/IDENTITY src.v",
        ],
    );
    check_in(
        Dialect::Databricks,
        None,
        "MERGE INTO tgt USING src ON tgt.k = src.k WHEN MATCHED THEN UPDATE SET *",
        &[
            "dataset tgt <- INDIRECT/JOIN src.k",
            "dataset tgt <- INDIRECT/JOIN tgt.k",
            "tgt.* <- DIRECT/IDENTITY src.*",
        ],
    );
    // PostgreSQL / SQLite: EXCLUDED is the proposed row; the target's own columns are the
    // existing row; the DO UPDATE's WHERE filters.
    check_in(
        Dialect::Postgres,
        schema,
        "INSERT INTO tgt AS t (k, v, n) SELECT k, lower(v), 1 FROM src \
         ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, n = t.n + EXCLUDED.n \
         WHERE t.v <> EXCLUDED.v",
        &[
            "dataset tgt <- INDIRECT/FILTER (lower) src.v",
            "dataset tgt <- INDIRECT/FILTER tgt.v",
            "tgt.k <- DIRECT/IDENTITY src.k",
            "tgt.n <- DIRECT/TRANSFORMATION tgt.n",
            "tgt.v <- DIRECT/TRANSFORMATION (lower) src.v",
        ],
    );
    // SQLite wants a WHERE on the SELECT of an upsert (`FROM src ON` would be a join).
    check_in(
        Dialect::Sqlite,
        schema,
        "INSERT INTO tgt (k, v) SELECT k, v FROM src WHERE true \
         ON CONFLICT (k) DO UPDATE SET n = excluded.v || tgt.n",
        &[
            "tgt.k <- DIRECT/IDENTITY src.k",
            "tgt.n <- DIRECT/TRANSFORMATION src.v",
            "tgt.n <- DIRECT/TRANSFORMATION tgt.n",
            "tgt.v <- DIRECT/IDENTITY src.v",
        ],
    );
    // MySQL: VALUES(x) is the proposed value, a bare name the existing row's.
    check_in(
        Dialect::MySql,
        schema,
        "INSERT INTO tgt (k, v) SELECT k, v FROM src \
         ON DUPLICATE KEY UPDATE n = n + VALUES(v)",
        &[
            "tgt.k <- DIRECT/IDENTITY src.k",
            "tgt.n <- DIRECT/TRANSFORMATION src.v",
            "tgt.n <- DIRECT/TRANSFORMATION tgt.n",
            "tgt.v <- DIRECT/IDENTITY src.v",
        ],
    );
}

/// `sql` is read as one statement that warns with `needle`.
#[track_caller]
fn one_statement_warning(dialect: Dialect, sql: &str, needle: &str) {
    let options = Options {
        dialect,
        ..Options::default()
    };
    let script = analyze(sql, &options, &weft_lineage::NoSchema);
    assert_eq!(script.statements.len(), 1, "{dialect:?} {sql}");
    let l = script.statements[0].result.as_ref().unwrap();
    assert!(
        l.diagnostics.iter().any(|d| d.message.contains(needle)),
        "{dialect:?} {sql}: {:?}",
        l.diagnostics
    );
}

#[test]
fn column_lists_on_ddl_name_the_targets() {
    let expected = [
        "t.a <- DIRECT/IDENTITY src.x",
        "t.b <- DIRECT/TRANSFORMATION src.y",
    ];
    // sqlparser refuses an untyped column list on CREATE TABLE … AS: rewritten, with a
    // warning, and the one statement keeps its target.
    for dialect in [
        Dialect::Postgres,
        Dialect::Redshift,
        Dialect::Generic,
        Dialect::DuckDb,
    ] {
        let sql = "CREATE TABLE t (a, b) AS SELECT x, y + 1 FROM src";
        check_in(dialect, None, sql, &expected);
        one_statement_warning(dialect, sql, "column list has no types");
    }
    check_in(
        Dialect::Snowflake,
        None,
        "CREATE OR REPLACE TRANSIENT TABLE t (a, b) AS SELECT x, y + 1 FROM src",
        &[
            "T.A <- DIRECT/IDENTITY SRC.X",
            "T.B <- DIRECT/TRANSFORMATION SRC.Y",
        ],
    );
    // Views take their column list in every dialect's grammar already.
    for dialect in [
        Dialect::Generic,
        Dialect::Postgres,
        Dialect::BigQuery,
        Dialect::MsSql,
    ] {
        check_in(
            dialect,
            None,
            "CREATE VIEW t (a, b) AS SELECT x, y + 1 FROM src",
            &expected,
        );
    }
    // Spark / Databricks storage clauses before AS SELECT: not read, the target kept.
    for sql in [
        "CREATE TABLE t USING DELTA AS SELECT x AS a, y + 1 AS b FROM src",
        "CREATE OR REPLACE TABLE t USING delta PARTITIONED BY (a) LOCATION '/lake/t' \
         TBLPROPERTIES ('delta.appendOnly' = 'true') AS SELECT x AS a, y + 1 AS b FROM src",
    ] {
        for dialect in [Dialect::Spark, Dialect::Databricks] {
            check_in(dialect, None, sql, &expected);
            one_statement_warning(dialect, sql, "storage clauses");
        }
    }
    // What parsed before is not rewritten (Hive's STORED AS, a typed column list).
    let script = analyze(
        "CREATE TABLE t STORED AS ORC AS SELECT x AS a FROM src",
        &Options {
            dialect: Dialect::Hive,
            ..Options::default()
        },
        &weft_lineage::NoSchema,
    );
    let l = script.statements[0].result.as_ref().unwrap();
    assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
    // A bad statement after the rewrite is still its own error; nothing is lost.
    let script = analyze(
        "CREATE TABLE t (a, b) AS SELECT x, y FROM src; SELECT FROM WHERE; INSERT INTO u SELECT a FROM t",
        &Options {
            dialect: Dialect::Postgres,
            ..Options::default()
        },
        &weft_lineage::NoSchema,
    );
    let kinds: Vec<bool> = script.statements.iter().map(|s| s.result.is_ok()).collect();
    assert_eq!(kinds, [true, false, true]);
    let u = script.statements[2].result.as_ref().unwrap();
    assert_eq!(u.columns[0].inputs[0].dataset, "src");
}

#[test]
fn a_parenthesised_query_after_insert_is_the_query() {
    let sql = "INSERT INTO tab3 (WITH tab1 AS (SELECT a, b FROM tab2) SELECT a, b + 1 FROM tab1)";
    for dialect in [Dialect::Generic, Dialect::Postgres, Dialect::Redshift] {
        check_in(
            dialect,
            None,
            sql,
            &[
                "tab3.a <- DIRECT/IDENTITY tab2.a",
                "tab3.b + 1 <- DIRECT/TRANSFORMATION tab2.b",
            ],
        );
        one_statement_warning(dialect, sql, "parentheses around its query");
    }
    // A column list followed by a parenthesised query is still a column list.
    check_in(
        Dialect::Postgres,
        None,
        "INSERT INTO t (a) (SELECT x FROM s)",
        &["t.a <- DIRECT/IDENTITY s.x"],
    );
}

#[test]
fn teradata_abbreviations_and_attribute_phrases() {
    let td = |sql: &str, expected: &[&str]| check_in(Dialect::Teradata, None, sql, expected);
    td(
        "sel a, b from db.t1 where a eq 'x' minus select a, b from db.t2",
        &[
            "a <- DIRECT/IDENTITY db.t1.a",
            "a <- DIRECT/IDENTITY db.t2.a",
            "b <- DIRECT/IDENTITY db.t1.b",
            "b <- DIRECT/IDENTITY db.t2.b",
            "dataset (result) <- INDIRECT/FILTER db.t1.a",
        ],
    );
    td(
        "CREATE VIEW v AS SEL name, dob (TITLE 'Birthdate'), pay (FORMAT 'ZZZ9.99'), \
         dept (NAMED department) FROM employee WHERE pay GE 10 AND dept NE 'x'",
        &[
            "dataset v <- INDIRECT/FILTER employee.dept",
            "dataset v <- INDIRECT/FILTER employee.pay",
            "v.department <- DIRECT/IDENTITY employee.dept",
            "v.dob <- DIRECT/IDENTITY employee.dob",
            "v.name <- DIRECT/IDENTITY employee.name",
            "v.pay <- DIRECT/IDENTITY employee.pay",
        ],
    );
    td(
        "INS INTO tgt (a) SEL x FROM src; UPD tgt SET a = 1 WHERE a LT 0; DEL FROM tgt WHERE a GT 9",
        &[
            "dataset tgt <- INDIRECT/FILTER tgt.a",
            "dataset tgt <- INDIRECT/FILTER tgt.a",
            "tgt.a <- DIRECT/IDENTITY src.x",
        ],
    );
    // Quoted, they are names; other dialects read them as names.
    td(
        "SELECT \"sel\", \"eq\" FROM t",
        &["eq <- DIRECT/IDENTITY t.eq", "sel <- DIRECT/IDENTITY t.sel"],
    );
    check_in(
        Dialect::Generic,
        None,
        "SELECT eq, ne FROM t",
        &["eq <- DIRECT/IDENTITY t.eq", "ne <- DIRECT/IDENTITY t.ne"],
    );
}
