//! Deterministic, cheap generation of OpenLineage `RunEvent` JSON.
//!
//! The load generator shares the benchmark machine's two cores with the
//! server under test, so every microsecond spent building JSON is taken from
//! the thing being measured. Hence:
//!
//! * no `serde_json::Value` trees: events are concatenated into a `String`
//!   from fragments, most of which are rendered once at startup (per-dataset
//!   schema facets, per-job `job` objects including the SQL text);
//! * no `rand` crate: a SplitMix64 mixer doubles as PRNG and as a hash, so any
//!   part of any event can be derived from `(seed, run index)` without shared
//!   mutable state between tasks.
//!
//! # Shape of the synthetic world
//!
//! Dataset `d < jobs` is the output table of job `d`; datasets `>= jobs` are
//! source tables nobody writes. Job `j` reads one source table and either a
//! second source or the output of an earlier job (`< j`), so the lineage graph
//! is a DAG with realistic fan-in/fan-out. Run `r` belongs to job
//! `r % jobs` (round-robin), which keeps the requests in flight at any moment
//! on distinct jobs and makes "the latest run of job `u` before run `r`" a
//! closed-form expression — that is how an input's schema version is known
//! without coordination between tasks.
//!
//! Schema versions are stateless functions of the run index: version `v`
//! renames fields cumulatively (field `(k-1) % 20` gets suffix `_v{k}` for the
//! largest such `k <= v`), so consecutive versions always differ by exactly one
//! field name.

use std::fmt::Write as _;

use crate::clock::push_rfc3339;

/// The `producer` / `_producer` URI stamped on every event and facet.
macro_rules! producer {
    () => {
        "https://github.com/weft-catalog/weft/tree/main/bench/loadgen"
    };
}

/// Namespace shared by all datasets; looks like what the Spark/Airflow
/// integrations emit for a Postgres warehouse.
pub const DATASET_NAMESPACE: &str = "postgres://bench-db:5432";
/// Namespace of the jobs (the scheduler instance, in OpenLineage terms).
pub const JOB_NAMESPACE: &str = "bench-scheduler";
/// Fields per dataset schema (the brief's "20 fields").
pub const FIELDS_PER_DATASET: usize = 20;
/// Jobs grouped under one parent ("DAG") run, for the `parent` facet.
const JOBS_PER_DAG: usize = 20;
/// In the realistic workload one run in this many changes its output schema (2%).
const SCHEMA_CHANGE_PERIOD: u64 = 50;

const RUN_EVENT_SCHEMA_URL: &str =
    "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";

/// Opening of a `schema` dataset facet, up to the `[` of its `fields` array.
const SCHEMA_FACET_OPEN: &str = concat!(
    r#""schema":{"_producer":""#,
    producer!(),
    r#"","_schemaURL":"https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet","fields":["#
);
/// Opening of a `columnLineage` dataset facet, up to the `{` of its `fields` map.
const COLUMN_LINEAGE_OPEN: &str = concat!(
    r#""columnLineage":{"_producer":""#,
    producer!(),
    r#"","_schemaURL":"https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet","fields":{"#
);
/// Tail of one column-lineage input field: identity copy of a column.
const IDENTITY_TRANSFORMATION: &str =
    r#"","transformations":[{"type":"DIRECT","subtype":"IDENTITY"}]}]}"#;
/// `processing_engine` run facet; constant for the whole benchmark.
const PROCESSING_ENGINE_FACET: &str = concat!(
    r#""processing_engine":{"_producer":""#,
    producer!(),
    r#"","_schemaURL":"https://openlineage.io/spec/facets/1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet","version":"3.5.1","name":"spark","openlineageAdapterVersion":"1.30.1"}"#
);
const NOMINAL_TIME_OPEN: &str = concat!(
    r#""nominalTime":{"_producer":""#,
    producer!(),
    r#"","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet","nominalStartTime":""#
);
const PARENT_OPEN: &str = concat!(
    r#""parent":{"_producer":""#,
    producer!(),
    r#"","_schemaURL":"https://openlineage.io/spec/facets/1-1-0/ParentRunFacet.json#/$defs/ParentRunFacet","run":{"runId":""#
);
const SQL_FACET_OPEN: &str = concat!(
    r#""sql":{"_producer":""#,
    producer!(),
    r#"","_schemaURL":"https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet","query":""#
);
const JOB_TYPE_FACET: &str = concat!(
    r#""jobType":{"_producer":""#,
    producer!(),
    r#"","_schemaURL":"https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet","processingType":"BATCH","integration":"SPARK","jobType":"JOB"}"#
);

/// Pool of plausible warehouse columns: (name, type, description).
///
/// Each dataset takes 20 distinct entries. Only some carry a description,
/// as in real catalogs (and because descriptions on every column would
/// inflate each schema facet by ~40%).
const COLUMNS: [(&str, &str, &str); 48] = [
    ("id", "bigint", "Surrogate key"),
    ("order_id", "bigint", "Order identifier"),
    ("customer_id", "bigint", "Customer identifier"),
    ("product_id", "bigint", ""),
    ("store_id", "integer", ""),
    ("sku", "varchar(32)", "Stock keeping unit"),
    ("quantity", "integer", ""),
    ("unit_price", "numeric(12,2)", "Price per unit in EUR"),
    ("discount", "numeric(5,2)", ""),
    ("tax_amount", "numeric(12,2)", ""),
    ("total_amount", "numeric(14,2)", "Gross order value"),
    ("currency", "char(3)", "ISO 4217 code"),
    ("status", "varchar(16)", ""),
    ("channel", "varchar(16)", ""),
    ("created_at", "timestamp", "Row creation time"),
    ("updated_at", "timestamp", ""),
    ("shipped_at", "timestamp", ""),
    ("delivered_at", "timestamp", ""),
    ("order_date", "date", ""),
    ("email", "varchar(255)", "Contact email (PII)"),
    ("first_name", "varchar(64)", ""),
    ("last_name", "varchar(64)", ""),
    ("country", "char(2)", "ISO 3166 country"),
    ("region", "varchar(32)", ""),
    ("city", "varchar(64)", ""),
    ("postal_code", "varchar(16)", ""),
    ("segment", "varchar(16)", ""),
    ("is_active", "boolean", ""),
    ("is_deleted", "boolean", "Soft delete flag"),
    ("loyalty_tier", "varchar(8)", ""),
    ("payment_method", "varchar(16)", ""),
    ("carrier", "varchar(32)", ""),
    ("warehouse_id", "integer", ""),
    ("supplier_id", "integer", ""),
    ("category", "varchar(32)", ""),
    ("brand", "varchar(64)", ""),
    ("weight_kg", "double", ""),
    ("margin", "numeric(12,2)", "Gross margin"),
    ("cost", "numeric(12,2)", ""),
    ("revenue", "numeric(14,2)", ""),
    ("visits", "integer", ""),
    ("sessions", "integer", ""),
    ("device", "varchar(16)", ""),
    ("campaign_id", "bigint", ""),
    ("source_system", "varchar(16)", "Origin system"),
    ("batch_id", "bigint", ""),
    ("load_ts", "timestamp", "ETL load time"),
    ("row_hash", "char(32)", ""),
];

/// Strides coprime with `COLUMNS.len()` (48), so `start + i * stride` walks
/// 20 distinct pool entries.
const STRIDES: [usize; 6] = [1, 5, 7, 11, 13, 17];

/// Which benchmark workload to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Workload {
    /// Repeating runs of a fixed job graph; 2% of runs change the output schema.
    Realistic,
    /// Every event carries a new schema version of its output dataset.
    WriteHeavy,
}

impl Workload {
    /// Name as spelled on the command line, for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Workload::Realistic => "realistic",
            Workload::WriteHeavy => "write-heavy",
        }
    }
}

/// The two events each run emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Start,
    Complete,
}

/// SplitMix64 finaliser: a fast, well-distributed 64-bit mixer.
///
/// Used both as a hash (derive per-run values from an index) and, chained, as
/// a PRNG for the one-time world construction.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Sequential SplitMix64 generator for building the synthetic world.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform-ish value in `0..n` (`n > 0`); the modulo bias is irrelevant here.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Appends a version-4-shaped UUID built from two 64-bit values.
///
/// Version and variant bits are forced so strict UUID parsers accept it.
pub fn push_uuid(buf: &mut String, hi: u64, lo: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hi = (hi & !0xF000) | 0x4000; // version nibble = 4
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62); // RFC 4122 variant
    let bytes = (u128::from(hi) << 64 | u128::from(lo)).to_be_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            buf.push('-');
        }
        buf.push(HEX[usize::from(b >> 4)] as char);
        buf.push(HEX[usize::from(b & 0xF)] as char);
    }
}

/// Suffix number of field `index` at schema version `version`, if renamed.
///
/// Renames are cumulative: version `k` renames field `(k - 1) % 20` to
/// `<name>_v<k>`, so a field carries the suffix of the latest rename that
/// touched it.
fn rename_suffix(version: u64, index: usize) -> Option<u64> {
    let i = index as u64;
    let n = FIELDS_PER_DATASET as u64;
    (version > i).then(|| i + 1 + n * ((version - 1 - i) / n))
}

/// One dataset of the synthetic world.
struct Dataset {
    /// `{"namespace":"…","name":"…"` — the shared opening of this dataset in
    /// `inputs`/`outputs` and of column-lineage input fields.
    ident_open: String,
    /// Fully qualified table name, for the SQL text.
    name: String,
    /// Indices into [`COLUMNS`] of this dataset's 20 fields, in order.
    columns: [u8; FIELDS_PER_DATASET],
    /// The version-0 `"schema":{…}` facet, rendered once.
    base_schema: String,
}

impl Dataset {
    fn field_name(&self, index: usize) -> &'static str {
        COLUMNS[usize::from(self.columns[index])].0
    }

    /// Appends field `index`'s name as it reads at `version`.
    fn push_field_name(&self, buf: &mut String, version: u64, index: usize) {
        buf.push_str(self.field_name(index));
        if let Some(k) = rename_suffix(version, index) {
            let _ = write!(buf, "_v{k}");
        }
    }

    /// Appends the `"schema":{…}` facet at `version`.
    fn push_schema(&self, buf: &mut String, version: u64) {
        if version == 0 {
            buf.push_str(&self.base_schema);
            return;
        }
        buf.push_str(SCHEMA_FACET_OPEN);
        for i in 0..FIELDS_PER_DATASET {
            if i > 0 {
                buf.push(',');
            }
            buf.push_str(r#"{"name":""#);
            self.push_field_name(buf, version, i);
            push_field_rest(buf, usize::from(self.columns[i]));
        }
        buf.push_str("]}");
    }
}

/// Appends `","type":"…"[,"description":"…"]}` for pool column `col`.
fn push_field_rest(buf: &mut String, col: usize) {
    let (_, ty, description) = COLUMNS[col];
    buf.push_str(r#"","type":""#);
    buf.push_str(ty);
    if !description.is_empty() {
        buf.push_str(r#"","description":""#);
        buf.push_str(description);
    }
    buf.push_str("\"}");
}

/// One job of the synthetic world; its inputs and output never change so that
/// repeated runs look like a scheduler re-running the same pipeline.
struct Job {
    /// Output dataset index (always equal to the job index).
    output: usize,
    /// Input dataset indices.
    inputs: [usize; 2],
    /// For each output column: (input slot 0/1, input column index).
    lineage: [(u8, u8); FIELDS_PER_DATASET],
    /// Offset into the schema-change cycle, so jobs change schema at
    /// different generations instead of all at once.
    phase: u64,
    /// Parent ("DAG") index for the `parent` facet.
    dag: usize,
    /// `"job":{…}` with `sql` and `jobType` facets, rendered once.
    job_json: String,
}

/// Renders the events of the benchmark; shared read-only by all tasks.
pub struct Generator {
    workload: Workload,
    datasets: Vec<Dataset>,
    jobs: Vec<Job>,
    /// Mixed into run/parent ids so separate invocations against the same
    /// server create new runs instead of replaying old run ids.
    run_salt: u64,
}

impl Generator {
    /// Builds the synthetic world.
    ///
    /// `seed` fixes everything about the world (job graph, schemas, which runs
    /// change schema); `run_salt` only perturbs run ids. Requires at least one
    /// job and two more datasets than jobs (each job writes its own table and
    /// reads from source tables).
    pub fn new(
        workload: Workload,
        jobs: usize,
        datasets: usize,
        seed: u64,
        run_salt: u64,
    ) -> Result<Self, String> {
        if jobs == 0 {
            return Err("--jobs must be at least 1".into());
        }
        if datasets < jobs + 2 {
            return Err(format!(
                "--datasets ({datasets}) must be at least --jobs + 2 ({}): every job writes its own table and reads source tables",
                jobs + 2
            ));
        }
        let mut rng = SplitMix(mix(seed));
        let datasets: Vec<Dataset> = (0..datasets).map(|d| build_dataset(d, &mut rng)).collect();
        let sources = datasets.len() - jobs;
        let mut built = Vec::with_capacity(jobs);
        for j in 0..jobs {
            let first = jobs + rng.below(sources);
            // Two thirds of the jobs read an upstream job's output (lineage
            // depth); the rest join two source tables. Upstream jobs are
            // picked from a window so chains stay local, like real DAGs.
            let second = if j > 0 && rng.below(3) != 0 {
                j - 1 - rng.below(j.min(200))
            } else {
                jobs + (first - jobs + 1 + rng.below(sources - 1)) % sources
            };
            let mut lineage = [(0u8, 0u8); FIELDS_PER_DATASET];
            for slot in &mut lineage {
                // Both values are < 20 and so fit in u8.
                *slot = (rng.below(2) as u8, rng.below(FIELDS_PER_DATASET) as u8);
            }
            let mut job = Job {
                output: j,
                inputs: [first, second],
                lineage,
                phase: rng.next() % SCHEMA_CHANGE_PERIOD,
                dag: j / JOBS_PER_DAG,
                job_json: String::new(),
            };
            job.job_json = render_job(&job, j, &datasets);
            built.push(job);
        }
        Ok(Self {
            workload,
            datasets,
            jobs: built,
            run_salt,
        })
    }

    fn job_count(&self) -> u64 {
        self.jobs.len() as u64
    }

    /// Schema version of job `job`'s output as written by run `run`.
    fn output_version(&self, job: usize, run: u64, ty: EventType) -> u64 {
        match self.workload {
            Workload::Realistic => {
                let generation = run / self.job_count();
                (generation + self.jobs[job].phase) / SCHEMA_CHANGE_PERIOD
            }
            // Offset by one so even the first event is not version 0, and
            // START/COMPLETE of a run each bring their own version.
            Workload::WriteHeavy => 2 * run + u64::from(ty == EventType::Complete) + 1,
        }
    }

    /// Schema version of dataset `dataset` as seen by a reader in run `run`:
    /// the version written by the writer's latest run issued before `run`.
    fn input_version(&self, dataset: usize, run: u64) -> u64 {
        let n = self.job_count();
        let writer = dataset as u64;
        if writer >= n || run <= writer {
            return 0; // source table, or its writer has not run yet
        }
        let previous = run - 1 - (run - 1 - writer) % n;
        self.output_version(dataset, previous, EventType::Complete)
    }

    /// Whether run `run` changes its output's schema (i.e. writes a version
    /// its previous run did not).
    #[cfg(test)]
    fn changes_schema(&self, run: u64) -> bool {
        let n = self.job_count();
        let job = (run % n) as usize;
        run >= n
            && self.output_version(job, run, EventType::Start)
                != self.output_version(job, run - n, EventType::Complete)
    }

    /// Appends the JSON of one event of run `run` to `buf`.
    ///
    /// `start_ms` is the run's START time; the COMPLETE is stamped a
    /// deterministic 0.05–3 s later so a run has a plausible duration.
    pub fn render(&self, run: u64, ty: EventType, start_ms: u64, buf: &mut String) {
        let job_index = (run % self.job_count()) as usize;
        let job = &self.jobs[job_index];
        let h = mix(run ^ self.run_salt);

        buf.push_str(r#"{"eventType":""#);
        buf.push_str(match ty {
            EventType::Start => "START",
            EventType::Complete => "COMPLETE",
        });
        buf.push_str(r#"","eventTime":""#);
        let event_ms = match ty {
            EventType::Start => start_ms,
            EventType::Complete => start_ms + 50 + h % 2950,
        };
        push_rfc3339(buf, event_ms);
        buf.push_str(concat!(
            r#"","producer":""#,
            producer!(),
            r#"","schemaURL":""#
        ));
        buf.push_str(RUN_EVENT_SCHEMA_URL);

        // run
        buf.push_str(r#"","run":{"runId":""#);
        push_uuid(buf, h, mix(h));
        buf.push_str(r#"","facets":{"#);
        buf.push_str(PROCESSING_ENGINE_FACET);
        buf.push(',');
        buf.push_str(NOMINAL_TIME_OPEN);
        let hour_ms = start_ms - start_ms % 3_600_000;
        push_rfc3339(buf, hour_ms);
        buf.push_str(r#"","nominalEndTime":""#);
        push_rfc3339(buf, hour_ms + 3_600_000);
        buf.push_str("\"},");
        buf.push_str(PARENT_OPEN);
        let generation = run / self.job_count();
        let parent =
            mix(self.run_salt ^ mix(job.dag as u64) ^ mix(generation.wrapping_add(1 << 40)));
        push_uuid(buf, parent, mix(parent));
        let _ = write!(
            buf,
            r#""}},"job":{{"namespace":"{JOB_NAMESPACE}","name":"shop_etl_{:03}"}}}}}}}},"#,
            job.dag
        );

        // job
        buf.push_str(&job.job_json);

        // inputs
        buf.push_str(r#","inputs":["#);
        let mut input_versions = [0u64; 2];
        for (slot, &d) in job.inputs.iter().enumerate() {
            if slot > 0 {
                buf.push(',');
            }
            input_versions[slot] = self.input_version(d, run);
            let ds = &self.datasets[d];
            buf.push_str(&ds.ident_open);
            buf.push_str(r#","facets":{"#);
            ds.push_schema(buf, input_versions[slot]);
            buf.push_str("}}");
        }

        // output
        let out = &self.datasets[job.output];
        let out_version = self.output_version(job_index, run, ty);
        buf.push_str(r#"],"outputs":["#);
        buf.push_str(&out.ident_open);
        buf.push_str(r#","facets":{"#);
        out.push_schema(buf, out_version);
        if ty == EventType::Complete {
            buf.push(',');
            buf.push_str(COLUMN_LINEAGE_OPEN);
            for (i, &(slot, col)) in job.lineage.iter().enumerate() {
                if i > 0 {
                    buf.push(',');
                }
                buf.push('"');
                out.push_field_name(buf, out_version, i);
                buf.push_str(r#"":{"inputFields":["#);
                let slot = usize::from(slot);
                let input = &self.datasets[job.inputs[slot]];
                buf.push_str(&input.ident_open);
                buf.push_str(r#","field":""#);
                input.push_field_name(buf, input_versions[slot], usize::from(col));
                buf.push_str(IDENTITY_TRANSFORMATION);
            }
            buf.push_str("}}");
        }
        buf.push_str("}}]}");
    }
}

/// Builds dataset `d`: its name and 20 distinct columns from the pool.
fn build_dataset(d: usize, rng: &mut SplitMix) -> Dataset {
    let name = format!("shop.public.table_{d:05}");
    let ident_open = format!(r#"{{"namespace":"{DATASET_NAMESPACE}","name":"{name}""#);
    let start = rng.below(COLUMNS.len());
    let stride = STRIDES[rng.below(STRIDES.len())];
    let mut columns = [0u8; FIELDS_PER_DATASET];
    for (i, c) in columns.iter_mut().enumerate() {
        // The pool has 48 entries, so the index fits in u8.
        *c = ((start + i * stride) % COLUMNS.len()) as u8;
    }
    let mut dataset = Dataset {
        ident_open,
        name,
        columns,
        base_schema: String::new(),
    };
    let mut schema = String::with_capacity(1024);
    schema.push_str(SCHEMA_FACET_OPEN);
    for (i, &col) in columns.iter().enumerate() {
        if i > 0 {
            schema.push(',');
        }
        schema.push_str(r#"{"name":""#);
        schema.push_str(COLUMNS[usize::from(col)].0);
        push_field_rest(&mut schema, usize::from(col));
    }
    schema.push_str("]}");
    dataset.base_schema = schema;
    dataset
}

/// Renders `"job":{…}` for job `j`, including a ~300-character SQL text.
///
/// The SQL only uses base column names: it is descriptive payload, and real
/// producers don't rewrite a job's SQL facet when a column gets renamed
/// downstream either.
fn render_job(job: &Job, j: usize, datasets: &[Dataset]) -> String {
    let out = &datasets[job.output];
    let [a, b] = job.inputs.map(|i| &datasets[i]);
    let shown = 6;
    let mut targets = String::new();
    let mut selects = String::new();
    for (i, &(slot, col)) in job.lineage.iter().take(shown).enumerate() {
        if i > 0 {
            targets.push_str(", ");
            selects.push_str(", ");
        }
        targets.push_str(out.field_name(i));
        let (alias, src) = if slot == 0 { ("a", a) } else { ("b", b) };
        let _ = write!(selects, "{alias}.{}", src.field_name(usize::from(col)));
    }
    // Single quotes only: the text is embedded in JSON verbatim, so it must
    // not contain characters that need escaping.
    let query = format!(
        "INSERT INTO {} ({targets}) SELECT {selects} FROM {} AS a JOIN {} AS b ON a.{} = b.{} WHERE a.{} IS NOT NULL AND b.{} <> 'deleted'",
        out.name,
        a.name,
        b.name,
        a.field_name(0),
        b.field_name(0),
        a.field_name(1),
        b.field_name(2),
    );
    let mut s = String::with_capacity(query.len() + 600);
    let _ = write!(
        s,
        r#""job":{{"namespace":"{JOB_NAMESPACE}","name":"shop_etl_{:03}.load_table_{:05}","facets":{{"#,
        job.dag, j
    );
    s.push_str(SQL_FACET_OPEN);
    s.push_str(&query);
    s.push_str(r#"","dialect":"postgres"},"#);
    s.push_str(JOB_TYPE_FACET);
    s.push_str("}}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn event(g: &Generator, run: u64, ty: EventType) -> Value {
        let mut s = String::new();
        g.render(run, ty, 1_735_689_600_000, &mut s);
        match serde_json::from_str(&s) {
            Ok(v) => v,
            Err(e) => panic!("invalid JSON ({e}): {s}"),
        }
    }

    fn realistic() -> Generator {
        match Generator::new(Workload::Realistic, 2000, 5000, 42, 7) {
            Ok(g) => g,
            Err(e) => panic!("{e}"),
        }
    }

    fn output_field_names(v: &Value) -> Vec<String> {
        v["outputs"][0]["facets"]["schema"]["fields"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["name"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn events_are_valid_openlineage_shape() {
        let g = realistic();
        for run in [0u64, 1, 1999, 2000, 123_456] {
            for ty in [EventType::Start, EventType::Complete] {
                let v = event(&g, run, ty);
                assert_eq!(v["schemaURL"], RUN_EVENT_SCHEMA_URL);
                assert!(
                    v["producer"]
                        .as_str()
                        .is_some_and(|p| p.starts_with("https://"))
                );
                let time = v["eventTime"].as_str().unwrap_or_default();
                assert!(time.ends_with('Z') && time.len() == 24, "{time}");
                let run_id = v["run"]["runId"].as_str().unwrap_or_default();
                assert_eq!(run_id.len(), 36);
                assert_eq!(&run_id[14..15], "4");
                assert!(v["job"]["namespace"].is_string() && v["job"]["name"].is_string());
                for list in ["inputs", "outputs"] {
                    for ds in v[list].as_array().into_iter().flatten() {
                        assert_eq!(ds["namespace"], DATASET_NAMESPACE);
                        assert!(
                            ds["name"]
                                .as_str()
                                .is_some_and(|n| n.starts_with("shop.public.table_"))
                        );
                    }
                }
                // Every facet names its producer and schema.
                let facet_maps = [
                    &v["run"]["facets"],
                    &v["job"]["facets"],
                    &v["inputs"][0]["facets"],
                    &v["inputs"][1]["facets"],
                    &v["outputs"][0]["facets"],
                ];
                for facets in facet_maps {
                    let map = facets.as_object().map(|m| m.len()).unwrap_or(0);
                    assert!(map > 0);
                    for (name, f) in facets.as_object().into_iter().flatten() {
                        assert!(f["_producer"].is_string(), "{name}");
                        assert!(
                            f["_schemaURL"]
                                .as_str()
                                .is_some_and(|u| u.contains("#/$defs/")),
                            "{name}"
                        );
                    }
                }
                assert_eq!(output_field_names(&v).len(), FIELDS_PER_DATASET);
            }
        }
    }

    #[test]
    fn complete_has_column_lineage_onto_existing_input_columns() {
        let g = realistic();
        let v = event(&g, 4321, EventType::Complete);
        let out_names = output_field_names(&v);
        let fields = v["outputs"][0]["facets"]["columnLineage"]["fields"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert_eq!(fields.len(), FIELDS_PER_DATASET);
        for (col, spec) in &fields {
            assert!(out_names.contains(col), "{col}");
            let input = &spec["inputFields"][0];
            let which = v["inputs"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|i| i["name"] == input["name"]);
            let Some(which) = which else {
                panic!("lineage to unknown input {input}")
            };
            let in_names: Vec<&str> = which["facets"]["schema"]["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["name"].as_str())
                .collect();
            assert!(in_names.contains(&input["field"].as_str().unwrap_or_default()));
            assert_eq!(input["transformations"][0]["type"], "DIRECT");
        }
        assert!(v["run"]["facets"]["parent"]["run"]["runId"].is_string());
        let sql = v["job"]["facets"]["sql"]["query"]
            .as_str()
            .unwrap_or_default();
        assert!(
            (220..420).contains(&sql.len()),
            "sql is {} chars",
            sql.len()
        );
    }

    /// Guards against accidental payload growth or shrinkage, which would
    /// silently change what the benchmark measures. The COMPLETE is ~9.8 KB:
    /// the 20-column `columnLineage` facet alone is ~3.9 KB because every
    /// input field repeats the input's namespace and name, as the spec shapes it.
    #[test]
    fn complete_event_size_is_stable() {
        let g = realistic();
        let mut total = 0;
        for run in 0..200 {
            let mut s = String::new();
            g.render(run, EventType::Complete, 1_735_689_600_000, &mut s);
            total += s.len();
        }
        let avg = total / 200;
        assert!((9000..10500).contains(&avg), "average COMPLETE size {avg}");
    }

    #[test]
    fn about_two_percent_of_realistic_runs_change_schema() {
        let g = realistic();
        let runs = 2000 * 100;
        let changes = (2000..runs).filter(|&r| g.changes_schema(r)).count();
        let pct = changes as f64 * 100.0 / (runs - 2000) as f64;
        assert!((1.8..2.2).contains(&pct), "{pct}% of runs change schema");
    }

    #[test]
    fn schema_change_renames_exactly_one_field() {
        let g = realistic();
        let run = (2000..400_000).find(|&r| g.changes_schema(r)).unwrap_or(0);
        assert!(run > 0);
        let before = output_field_names(&event(&g, run - 2000, EventType::Complete));
        let after = output_field_names(&event(&g, run, EventType::Start));
        let differing = before.iter().zip(&after).filter(|(a, b)| a != b).count();
        assert_eq!(differing, 1, "{before:?} vs {after:?}");
    }

    #[test]
    fn write_heavy_brings_a_new_schema_every_event() {
        let g = match Generator::new(Workload::WriteHeavy, 2000, 5000, 42, 7) {
            Ok(g) => g,
            Err(e) => panic!("{e}"),
        };
        let mut seen = std::collections::HashSet::new();
        for run in [5u64, 2005, 4005] {
            for ty in [EventType::Start, EventType::Complete] {
                assert!(seen.insert(output_field_names(&event(&g, run, ty))));
            }
        }
    }

    #[test]
    fn same_seed_same_world_salt_only_changes_ids() {
        let a = Generator::new(Workload::Realistic, 50, 120, 1, 1);
        let b = Generator::new(Workload::Realistic, 50, 120, 1, 2);
        let (Ok(a), Ok(b)) = (a, b) else {
            panic!("construction failed")
        };
        let (mut x, mut y) = (Value::Null, Value::Null);
        for (g, out) in [(&a, &mut x), (&b, &mut y)] {
            *out = event(g, 77, EventType::Complete);
        }
        assert_ne!(x["run"]["runId"], y["run"]["runId"]);
        assert_eq!(x["outputs"], y["outputs"]);
        assert_eq!(x["inputs"], y["inputs"]);
    }

    #[test]
    fn rejects_too_few_datasets() {
        assert!(Generator::new(Workload::Realistic, 10, 11, 1, 1).is_err());
        assert!(Generator::new(Workload::Realistic, 0, 11, 1, 1).is_err());
    }

    #[test]
    fn rename_suffix_is_cumulative() {
        assert_eq!(rename_suffix(0, 0), None);
        assert_eq!(rename_suffix(1, 0), Some(1));
        assert_eq!(rename_suffix(1, 1), None);
        assert_eq!(rename_suffix(21, 0), Some(21));
        assert_eq!(rename_suffix(25, 3), Some(24));
        assert_eq!(rename_suffix(25, 10), Some(11));
    }
}
