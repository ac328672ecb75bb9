//! A synthetic catalog with realistic names, and a query mix over the same vocabulary:
//! what the search benchmarks index and ask.
//!
//! Both the HTTP load generator (`bench/loadgen`) and the library benchmark
//! (`search/examples/search_build.rs`, which includes this file by path) draw from here, so the catalog loaded into a server and the queries sent
//! to it match. Std only, deterministic from `(seed, index)`, no shared state.
//!
//! Dataset names are `{db}.{schema}.{prefix}{subject}_{qualifier}{suffix}`, e.g.
//! `shop.sales.fct_orders_daily` or `analytics.finance.stg_invoices_lines_bak`: index
//! `i` is mapped through a bijection onto the (system, schema, prefix, subject,
//! qualifier) grid, so the first [`MAX_DATASETS`] names are distinct; about 6% of
//! them get a copy-looking suffix (`_bak`, `_tmp`, …) and 3% `_v2`. Each dataset has
//! [`COLUMNS_PER_DATASET`] distinct columns (`customer_id`, `order_date`,
//! `email_address`, …), 40% with a description.
//!
//! The query mix ([`query`], by `i % 20`): 25% one word (`orders`), 20% two words
//! (`fct orders`, `orders daily`), 10% an exact table name (`fct_orders_daily`), 10% a
//! longer phrase (`daily orders by region for the sales team`), 15% a word with one typo
//! (`ordres`), 15% one word with a platform or tier filter, 5% a column name
//! (`email_address`).

/// Columns per synthetic dataset (20 × 100,000 = the benchmark's 2,000,000 columns).
pub const COLUMNS_PER_DATASET: usize = 20;

/// Systems: (platform, namespace, database).
pub const SYSTEMS: [(&str, &str, &str); 6] = [
    ("postgres", "postgres://shop-db:5432", "shop"),
    ("postgres", "postgres://billing-db:5432", "billing"),
    ("snowflake", "snowflake://acme.eu-west-1", "analytics"),
    ("snowflake", "snowflake://acme.eu-west-1", "warehouse"),
    ("bigquery", "bigquery", "acme-lake"),
    ("hive", "hive://metastore:9083", "raw"),
];

/// Schemas, one per business area.
pub const SCHEMAS: [&str; 10] = [
    "sales",
    "marketing",
    "finance",
    "product",
    "ops",
    "hr",
    "support",
    "logistics",
    "risk",
    "growth",
];

/// Modelling-layer prefixes of table names.
pub const PREFIXES: [&str; 8] = ["fct_", "dim_", "stg_", "int_", "raw_", "", "agg_", "rpt_"];

/// Business nouns: what a table is about.
pub const SUBJECTS: [&str; 60] = [
    "orders",
    "customers",
    "payments",
    "invoices",
    "products",
    "sessions",
    "events",
    "users",
    "accounts",
    "shipments",
    "refunds",
    "subscriptions",
    "campaigns",
    "leads",
    "opportunities",
    "transactions",
    "inventory",
    "suppliers",
    "employees",
    "tickets",
    "clicks",
    "impressions",
    "revenue",
    "returns",
    "carts",
    "coupons",
    "deliveries",
    "warehouses",
    "stores",
    "regions",
    "prices",
    "discounts",
    "ledger",
    "budgets",
    "forecasts",
    "contracts",
    "claims",
    "policies",
    "loans",
    "devices",
    "pageviews",
    "signups",
    "churn",
    "cohorts",
    "channels",
    "ads",
    "vendors",
    "payroll",
    "expenses",
    "receipts",
    "quotes",
    "bookings",
    "reservations",
    "reviews",
    "ratings",
    "messages",
    "notifications",
    "emails",
    "calls",
    "visits",
];

/// Qualifiers after the subject (`""` for none).
pub const QUALIFIERS: [&str; 24] = [
    "",
    "items",
    "daily",
    "monthly",
    "summary",
    "events",
    "history",
    "snapshot",
    "by_region",
    "by_channel",
    "agg",
    "facts",
    "details",
    "lines",
    "status",
    "metrics",
    "weekly",
    "enriched",
    "cleaned",
    "latest",
    "attribution",
    "scores",
    "targets",
    "audit",
];

/// Copy-looking suffixes some tables carry.
pub const COPY_SUFFIXES: [&str; 6] = ["_bak", "_tmp", "_backup_2019", "_old", "_copy", "_test"];

/// Column names.
pub const COLUMNS: [&str; 61] = [
    "id",
    "customer_id",
    "order_id",
    "order_date",
    "email_address",
    "first_name",
    "last_name",
    "phone_number",
    "created_at",
    "updated_at",
    "deleted_at",
    "amount",
    "amount_usd",
    "currency_code",
    "country_code",
    "region",
    "city",
    "postal_code",
    "street_address",
    "product_id",
    "sku",
    "quantity",
    "unit_price",
    "discount_amount",
    "tax_amount",
    "total_amount",
    "status",
    "payment_method",
    "invoice_number",
    "account_id",
    "user_id",
    "session_id",
    "event_type",
    "event_timestamp",
    "page_url",
    "referrer",
    "utm_source",
    "utm_campaign",
    "device_type",
    "browser",
    "ip_address",
    "store_id",
    "warehouse_id",
    "supplier_id",
    "employee_id",
    "department",
    "salary",
    "hire_date",
    "ticket_priority",
    "resolved_at",
    "is_active",
    "is_deleted",
    "loaded_at",
    "batch_id",
    "source_system",
    "margin",
    "cost_of_goods",
    "shipping_cost",
    "delivery_date",
    "campaign_id",
    "channel",
];

/// Tags some datasets carry.
pub const TAGS: [&str; 6] = [
    "pii",
    "gdpr",
    "certified",
    "finance",
    "sensitive",
    "external",
];

/// Tiers.
pub const TIERS: [&str; 3] = ["gold", "silver", "bronze"];

/// Distinct names available (the size of the name grid).
pub const MAX_DATASETS: u64 =
    (SYSTEMS.len() * SCHEMAS.len() * PREFIXES.len() * SUBJECTS.len() * QUALIFIERS.len()) as u64;

/// A dataset of the synthetic catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthDataset {
    /// OpenLineage namespace.
    pub namespace: String,
    /// OpenLineage name (`db.schema.table`).
    pub name: String,
    /// Platform (`postgres`, `snowflake`, …).
    pub platform: &'static str,
    /// Description (60% have one).
    pub description: Option<String>,
    /// Columns: name and description.
    pub columns: Vec<(String, Option<String>)>,
    /// Tags.
    pub tags: Vec<&'static str>,
    /// Owners (`team:<schema>` and sometimes a person).
    pub owners: Vec<String>,
    /// Tier.
    pub tier: Option<&'static str>,
    /// `deprecated` for 2%.
    pub lifecycle: Option<&'static str>,
    /// Reads in 30 days (heavy-tailed).
    pub reads_30d: f64,
    /// Reads in 90 days.
    pub reads_90d: f64,
    /// Distinct readers in 30 days.
    pub users_30d: f64,
    /// Downstream consumers.
    pub downstream: u64,
    /// Days since the last write.
    pub last_write_days_ago: f64,
}

/// SplitMix64's finaliser: a hash of `x`, used as the generator's only randomness.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<T: Copy>(xs: &[T], h: u64) -> T {
    xs[(h % xs.len() as u64) as usize]
}

fn words(s: &str) -> String {
    s.replace('_', " ")
}

/// Dataset `i` (distinct for `i < MAX_DATASETS`).
pub fn dataset(seed: u64, i: u64) -> SynthDataset {
    // An affine bijection on the grid spreads consecutive indices over all subjects.
    const STRIDE: u64 = 1_000_003;
    let mut p = (i % MAX_DATASETS * STRIDE + seed) % MAX_DATASETS;
    let mut digit = |n: usize| {
        let d = (p % n as u64) as usize;
        p /= n as u64;
        d
    };
    let (platform, namespace, db) = SYSTEMS[digit(SYSTEMS.len())];
    let schema = SCHEMAS[digit(SCHEMAS.len())];
    let prefix = PREFIXES[digit(PREFIXES.len())];
    let subject = SUBJECTS[digit(SUBJECTS.len())];
    let qualifier = QUALIFIERS[digit(QUALIFIERS.len())];
    let h = mix(seed ^ mix(i));
    let mut table = format!("{prefix}{subject}");
    if !qualifier.is_empty() {
        table.push('_');
        table.push_str(qualifier);
    }
    match h % 100 {
        0..=5 => table.push_str(pick(&COPY_SUFFIXES, h >> 8)),
        6..=8 => table.push_str("_v2"),
        _ => {}
    }
    let h2 = mix(h);
    let description = (h2 % 10 < 6).then(|| {
        format!(
            "{} {} for the {schema} team, loaded from {db} {}",
            subject,
            if qualifier.is_empty() {
                "records".to_string()
            } else {
                words(qualifier)
            },
            pick(
                &["every night", "hourly", "by the CDC stream", "weekly"],
                h2 >> 8
            ),
        )
    });
    let start = (h2 >> 16) % COLUMNS.len() as u64;
    // A step coprime with the (prime) vocabulary size visits distinct columns.
    let step = 1 + (h2 >> 24) % (COLUMNS.len() as u64 - 1);
    let columns = (0..COLUMNS_PER_DATASET as u64)
        .map(|k| {
            let c = COLUMNS[((start + k * step) % COLUMNS.len() as u64) as usize];
            let described = mix(h2 ^ k) % 10 < 4;
            (
                c.to_string(),
                described
                    .then(|| format!("The {} of the {}", words(c), subject.trim_end_matches('s'))),
            )
        })
        .collect();
    let h3 = mix(h2);
    let tags = TAGS
        .iter()
        .enumerate()
        .filter(|(k, _)| mix(h3 ^ *k as u64).is_multiple_of(12))
        .map(|(_, t)| *t)
        .collect();
    let mut owners = Vec::new();
    if h3 % 10 < 7 {
        owners.push(format!("team:{schema}"));
    }
    if h3.is_multiple_of(7) {
        owners.push(
            pick(
                &["alice", "bob", "chen", "dana", "emeka", "fatima"],
                h3 >> 8,
            )
            .to_string(),
        );
    }
    let tier = match h3 % 20 {
        0 => Some("gold"),
        1..=3 => Some("silver"),
        4..=9 => Some("bronze"),
        _ => None,
    };
    let lifecycle = mix(h3).is_multiple_of(50).then_some("deprecated");
    // Heavy tail: most tables are read a little, a few a lot, a fifth not at all.
    let u = (mix(h3 ^ 7) % 10_000) as f64 / 10_000.0;
    let reads_30d = if u < 0.2 {
        0.0
    } else {
        (1.0 / (1.0 - u * 0.999)).powf(1.5).floor()
    };
    let reads_90d = if u < 0.1 { 0.0 } else { reads_30d * 3.0 + 1.0 };
    let users_30d = (reads_30d.sqrt()).floor();
    let downstream = (mix(h3 ^ 11) % 100).saturating_sub(80) / 4;
    let last_write_days_ago = (mix(h3 ^ 13) % 400) as f64;
    SynthDataset {
        namespace: namespace.to_string(),
        name: format!("{db}.{schema}.{table}"),
        platform,
        description,
        columns,
        tags,
        owners,
        tier,
        lifecycle,
        reads_30d,
        reads_90d,
        users_30d,
        downstream,
        last_write_days_ago,
    }
}

/// The kinds of query in the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryKind {
    /// One word (`orders`).
    OneWord,
    /// Two words (`fct orders`).
    TwoWords,
    /// A whole table name (`fct_orders_daily`).
    ExactName,
    /// A longer phrase (`daily orders by region for the sales team`).
    Phrase,
    /// One word with one typo (`ordres`).
    Typo,
    /// One word with a platform or tier filter.
    Filtered,
    /// A column name (`email_address`).
    Column,
}

impl QueryKind {
    /// A short label for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryKind::OneWord => "one-word",
            QueryKind::TwoWords => "two-words",
            QueryKind::ExactName => "exact-name",
            QueryKind::Phrase => "phrase",
            QueryKind::Typo => "typo",
            QueryKind::Filtered => "filtered",
            QueryKind::Column => "column",
        }
    }
}

/// One query of the mix.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthQuery {
    /// Which part of the mix.
    pub kind: QueryKind,
    /// The text typed.
    pub text: String,
    /// A platform filter.
    pub platform: Option<&'static str>,
    /// A tier filter.
    pub tier: Option<&'static str>,
}

fn typo(word: &str, h: u64) -> String {
    let mut c: Vec<char> = word.chars().collect();
    if c.len() < 4 {
        return word.to_string();
    }
    let at = 1 + (h % (c.len() as u64 - 2)) as usize;
    match (h >> 8) % 3 {
        0 => c.swap(at, at + 1),
        1 => {
            c.remove(at);
        }
        _ => c[at] = if c[at] == 'e' { 'a' } else { 'e' },
    }
    c.into_iter().collect()
}

/// Query `i` of the mix (see the module documentation for the shares).
pub fn query(seed: u64, i: u64) -> SynthQuery {
    let h = mix(seed ^ mix(i ^ 0x5EA5_C400));
    let subject = pick(&SUBJECTS, h >> 4);
    let plain = |kind, text: String| SynthQuery {
        kind,
        text,
        platform: None,
        tier: None,
    };
    match i % 20 {
        0..=4 => plain(QueryKind::OneWord, subject.to_string()),
        5..=8 => {
            let text = if h.is_multiple_of(2) {
                format!("{} {subject}", pick(&["fct", "dim", "stg", "raw"], h >> 12))
            } else {
                format!("{subject} {}", words(pick(&QUALIFIERS[1..], h >> 12)))
            };
            plain(QueryKind::TwoWords, text)
        }
        9..=10 => {
            let name = dataset(seed, h % 100_000).name;
            plain(
                QueryKind::ExactName,
                name.rsplit('.').next().unwrap_or(&name).to_string(),
            )
        }
        11..=12 => plain(
            QueryKind::Phrase,
            format!(
                "{} {subject} by {} for the {} team",
                words(pick(&QUALIFIERS[1..], h >> 12)),
                pick(&["region", "channel", "customer", "month"], h >> 20),
                pick(&SCHEMAS, h >> 24),
            ),
        ),
        13..=15 => plain(QueryKind::Typo, typo(subject, h >> 12)),
        16..=18 => SynthQuery {
            kind: QueryKind::Filtered,
            text: subject.to_string(),
            platform: h
                .is_multiple_of(2)
                .then(|| SYSTEMS[((h >> 12) % SYSTEMS.len() as u64) as usize].0),
            tier: (h % 2 == 1).then(|| pick(&TIERS, h >> 12)),
        },
        _ => plain(QueryKind::Column, pick(&COLUMNS, h >> 12).to_string()),
    }
}

/// Autocomplete prefix `i`: two to five letters of a subject, or a prefixed name being
/// typed (`fct_or`).
pub fn prefix(seed: u64, i: u64) -> String {
    let h = mix(seed ^ mix(i ^ 0xA070));
    let subject = pick(&SUBJECTS, h >> 4);
    let len = 2 + (h % 4) as usize;
    let cut: String = subject.chars().take(len).collect();
    if (h >> 20).is_multiple_of(4) {
        format!("{}{cut}", pick(&PREFIXES[..5], h >> 24))
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_realistic() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..20_000 {
            let d = dataset(42, i);
            assert_eq!(d.columns.len(), COLUMNS_PER_DATASET);
            let cols: std::collections::HashSet<_> = d.columns.iter().map(|c| &c.0).collect();
            assert_eq!(cols.len(), COLUMNS_PER_DATASET, "{d:?}");
            assert!(seen.insert((d.namespace.clone(), d.name.clone())), "{d:?}");
        }
        assert_eq!(dataset(42, 7), dataset(42, 7));
        let kinds: std::collections::HashSet<_> = (0..20).map(|i| query(1, i).kind).collect();
        assert_eq!(kinds.len(), 7);
        assert_eq!(typo("orders", 0).chars().count(), 6);
        assert_ne!(typo("orders", 0), "orders");
    }
}
