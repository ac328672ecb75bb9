//! The ranking formula: text relevance times a prior made of catalog signals.
//!
//! ```text
//! score = text × prior
//! text  = BM25 with field boosts (exact name ≫ name words ≫ columns ≫ description)
//! prior = usage × centrality × tier × documentation × freshness × penalty
//!   usage         = 1 + w_reads·ln(1 + reads_30d) + w_users·ln(1 + distinct_users_30d)
//!   centrality    = 1 + w_pagerank·ln(1 + pagerank)          when PageRank is known
//!                   1 + w_downstream·ln(1 + downstream)      otherwise
//!   tier          = gold 1 + 2·w_tier, silver 1 + w_tier, bronze and none 1
//!   documentation = 1 + w_docs·(described + owned + share of documented columns) / 3
//!   freshness     = 1 + w_freshness·(2·2^(−age / half_life) − 1)   age = now − last_write
//!                   (1 + w_freshness just written, 1 at one half-life, → 1 − w_freshness
//!                   for long-unwritten data; 1 when the last write is unknown)
//!   penalty       = product of: deleted p_deleted, deprecated p_deprecated,
//!                   temporary-looking name p_temporary, zombie p_zombie
//!                   (zombie: no reads in 90 days and no downstream consumers, and only
//!                   when usage is known, i.e. `reads_90d` is set)
//! ```
//!
//! Every signal is optional: a catalog without usage data (no query-log crawl yet) gets
//! `usage = 1` for every dataset, and the order falls back to text, lineage and tier.
//! Usage counts are expected already decayed by recency (a read yesterday counts more
//! than one four weeks ago); the caller owns the query log and does that.
//! Logarithms keep one hugely popular table from drowning every other match: usage
//! reorders look-alikes, it does not override relevance. [`Prior::explain`] returns
//! each factor so a result can say why it ranks where it does.
//!
//! The prior is computed when a document is indexed and stored with it, so a query pays
//! one fast-field lookup per match. Freshness therefore bakes in the time of indexing, and
//! usage and lineage the values of that moment: documents must be re-indexed when their
//! signals change (the server re-indexes datasets periodically and on change).

use serde::Deserialize;

/// How much each signal weighs; `Default` is the documented formula. Read from the
/// server's configuration, so every field has a default (`#[serde(default)]`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(default)]
pub struct Weights {
    /// Per ln(1 + reads in 30 days).
    pub reads: f64,
    /// Per ln(1 + distinct users in 30 days).
    pub users: f64,
    /// Per ln(1 + downstream consumers), used when PageRank is unknown.
    pub downstream: f64,
    /// Per ln(1 + normalised PageRank), used when it is known.
    pub pagerank: f64,
    /// Per tier step (silver one step, gold two).
    pub tier: f64,
    /// For a fully documented dataset.
    pub docs: f64,
    /// Largest freshness bonus (and malus): the factor lies in `1 ± freshness`.
    pub freshness: f64,
    /// Days after which a write is "neither fresh nor stale" (factor 1).
    pub freshness_half_life_days: f64,
    /// Factor for a deleted dataset.
    pub deleted: f64,
    /// Factor for a deprecated dataset.
    pub deprecated: f64,
    /// Factor for a name that looks like a copy (`_bak`, `tmp_`).
    pub temporary: f64,
    /// Factor for a zombie (no reads in 90 days, nothing downstream).
    pub zombie: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            reads: 0.25,
            users: 0.5,
            downstream: 0.3,
            pagerank: 0.5,
            tier: 0.25,
            docs: 0.3,
            freshness: 0.2,
            freshness_half_life_days: 30.0,
            deleted: 0.1,
            deprecated: 0.5,
            temporary: 0.6,
            zombie: 0.7,
        }
    }
}

/// What the catalog knows about a dataset (or job) beyond its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signals {
    /// Reads in the last 30 days, decayed by recency by the caller; `None` when no
    /// usage source exists.
    pub reads_30d: Option<f64>,
    /// Distinct users reading it in the last 30 days.
    pub distinct_users_30d: Option<f64>,
    /// Reads in the last 90 days (for the zombie rule); `None` when usage is unknown.
    pub reads_90d: Option<f64>,
    /// Jobs or datasets consuming it (from the lineage graph).
    pub downstream: u64,
    /// Dataset-level PageRank normalised so the mean over all datasets is 1
    /// (see [`crate::centrality::pagerank`]); `None` when not computed.
    pub pagerank: Option<f64>,
    /// Last write (µs since the epoch); `None` when unknown.
    pub last_write: Option<i64>,
    /// `gold`, `silver`, `bronze`.
    pub tier: Option<String>,
    /// Has a description.
    pub described: bool,
    /// Has an owner.
    pub owned: bool,
    /// Share of columns with a description, 0..=1.
    pub documented_columns: f64,
    /// Lifecycle: `deprecated`, `deleted`, or active.
    pub lifecycle: Option<String>,
    /// The name looks like a copy (`_bak`, `tmp_`).
    pub temporary_name: bool,
}

/// The prior and its factors: what `explain` reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prior {
    /// Usage factor.
    pub usage: f64,
    /// Lineage-centrality factor.
    pub centrality: f64,
    /// Tier factor.
    pub tier: f64,
    /// Documentation factor.
    pub documentation: f64,
    /// Freshness factor (1 when the last write is unknown).
    pub freshness: f64,
    /// Product of the penalties (1 when none applies).
    pub penalty: f64,
}

impl Default for Prior {
    fn default() -> Self {
        Prior {
            usage: 1.0,
            centrality: 1.0,
            tier: 1.0,
            documentation: 1.0,
            freshness: 1.0,
            penalty: 1.0,
        }
    }
}

/// Microseconds per day.
const DAY_US: f64 = 86_400_000_000.0;

/// Now, in µs since the epoch (0 on a clock before 1970).
pub fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Prior {
    /// The prior of a dataset with `s` under `w`, now.
    pub fn of(s: &Signals, w: &Weights) -> Prior {
        Prior::at(s, w, now_us())
    }

    /// The prior at time `now` (µs): freshness depends on the time of computation.
    pub fn at(s: &Signals, w: &Weights, now: i64) -> Prior {
        let ln = |x: f64| (1.0 + x.max(0.0)).ln();
        let usage = 1.0
            + w.reads * ln(s.reads_30d.unwrap_or(0.0))
            + w.users * ln(s.distinct_users_30d.unwrap_or(0.0));
        let centrality = match s.pagerank {
            Some(pr) if pr.is_finite() => 1.0 + w.pagerank * ln(pr),
            _ => 1.0 + w.downstream * ln(s.downstream as f64),
        };
        let tier = match s.tier.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("gold") => 1.0 + 2.0 * w.tier,
            Some("silver") => 1.0 + w.tier,
            _ => 1.0,
        };
        let completeness = (f64::from(u8::from(s.described))
            + f64::from(u8::from(s.owned))
            + s.documented_columns.clamp(0.0, 1.0))
            / 3.0;
        let documentation = 1.0 + w.docs * completeness;
        let freshness = match s.last_write {
            Some(t) if w.freshness_half_life_days > 0.0 => {
                let age_days = ((now - t) as f64 / DAY_US).max(0.0);
                let decay = (-age_days / w.freshness_half_life_days).exp2();
                1.0 + w.freshness * (2.0 * decay - 1.0)
            }
            _ => 1.0,
        };
        let mut penalty = 1.0;
        if s.is_deleted() {
            penalty *= w.deleted;
        } else if s.is_deprecated() {
            penalty *= w.deprecated;
        }
        if s.temporary_name {
            penalty *= w.temporary;
        }
        if s.is_zombie() {
            penalty *= w.zombie;
        }
        Prior {
            usage,
            centrality,
            tier,
            documentation,
            freshness,
            penalty,
        }
    }

    /// The product of the factors.
    pub fn value(&self) -> f64 {
        self.usage
            * self.centrality
            * self.tier
            * self.documentation
            * self.freshness
            * self.penalty
    }

    /// Every factor by name, in formula order: what an `explain` shows beside the text
    /// score.
    pub fn explain(&self) -> [(&'static str, f64); 6] {
        [
            ("usage", self.usage),
            ("centrality", self.centrality),
            ("tier", self.tier),
            ("documentation", self.documentation),
            ("freshness", self.freshness),
            ("penalty", self.penalty),
        ]
    }
}

impl Signals {
    /// No reads in 90 days and nothing downstream; never true when usage is unknown.
    pub fn is_zombie(&self) -> bool {
        self.reads_90d.is_some_and(|r| r <= 0.0) && self.downstream == 0
    }

    fn lifecycle_is(&self, names: &[&str]) -> bool {
        self.lifecycle
            .as_deref()
            .is_some_and(|l| names.iter().any(|n| l.eq_ignore_ascii_case(n)))
    }

    /// The lifecycle says the source dropped it (`deleted`, or OpenLineage's `DROP`).
    pub fn is_deleted(&self) -> bool {
        self.lifecycle_is(&["deleted", "drop"])
    }

    /// The lifecycle says deprecated.
    pub fn is_deprecated(&self) -> bool {
        self.lifecycle_is(&["deprecated"])
    }

    /// The penalties a person should see before using the document, by name, in this
    /// order: `deprecated`, `zombie` ([`Signals::is_zombie`]), `temporary` (a copy-like
    /// name). Each is listed exactly when [`Prior::at`] applies its penalty, so a
    /// result's marks and its `penalty` factor tell the same story.
    pub fn marks(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.is_deprecated() {
            out.push("deprecated");
        }
        if self.is_zombie() {
            out.push("zombie");
        }
        if self.temporary_name {
            out.push("temporary");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_raise_and_penalties_lower_the_prior() {
        let w = Weights::default();
        let plain = Prior::of(&Signals::default(), &w).value();
        assert!((plain - 1.0).abs() < 1e-9, "no signal, no change: {plain}");
        let used = Signals {
            reads_30d: Some(500.0),
            distinct_users_30d: Some(20.0),
            downstream: 4,
            tier: Some("gold".into()),
            ..Signals::default()
        };
        assert!(Prior::of(&used, &w).value() > 3.0);
        let copy = Signals {
            temporary_name: true,
            reads_90d: Some(0.0),
            ..Signals::default()
        };
        let p = Prior::of(&copy, &w);
        assert!((p.penalty - 0.42).abs() < 1e-9, "{p:?}");
        assert_eq!(copy.marks(), ["zombie", "temporary"]);
        let old = Signals {
            lifecycle: Some("DEPRECATED".into()),
            ..Signals::default()
        };
        assert_eq!(old.marks(), ["deprecated"]);
        assert!((Prior::of(&old, &w).penalty - 0.5).abs() < 1e-12);
        assert!(Signals::default().marks().is_empty());
    }

    #[test]
    fn zombie_needs_known_usage_no_reads_in_90_days_and_no_consumers() {
        let w = Weights::default();
        let unknown = Signals::default();
        assert_eq!(Prior::of(&unknown, &w).penalty, 1.0);
        // Unread for 30 days but read within 90: not a zombie.
        let quiet = Signals {
            reads_30d: Some(0.0),
            reads_90d: Some(4.0),
            ..Signals::default()
        };
        assert_eq!(Prior::of(&quiet, &w).penalty, 1.0);
        let consumed = Signals {
            reads_90d: Some(0.0),
            downstream: 1,
            ..Signals::default()
        };
        assert_eq!(Prior::of(&consumed, &w).penalty, 1.0);
        let zombie = Signals {
            reads_90d: Some(0.0),
            ..Signals::default()
        };
        assert!((Prior::of(&zombie, &w).penalty - 0.7).abs() < 1e-12);
    }

    #[test]
    fn freshness_rewards_recent_writes_and_pagerank_replaces_downstream() {
        let w = Weights::default();
        let now = 1_000 * DAY_US as i64;
        let at = |days: f64| Signals {
            last_write: Some(now - (days * DAY_US) as i64),
            ..Signals::default()
        };
        let f = |days| Prior::at(&at(days), &w, now).freshness;
        assert!((f(0.0) - 1.2).abs() < 1e-9);
        assert!((f(30.0) - 1.0).abs() < 1e-9);
        assert!(f(365.0) < 0.81 && f(365.0) > 0.8);
        assert!(f(1.0) > f(10.0));
        assert_eq!(Prior::at(&Signals::default(), &w, now).freshness, 1.0);
        let central = Signals {
            downstream: 100,
            pagerank: Some(1.0),
            ..Signals::default()
        };
        let c = Prior::of(&central, &w).centrality;
        assert!((c - (1.0 + 0.5 * 2f64.ln())).abs() < 1e-12, "{c}");
        let p = Prior::of(&central, &w);
        let product: f64 = p.explain().iter().map(|(_, v)| v).product();
        assert!((product - p.value()).abs() < 1e-12);
    }

    #[test]
    fn weights_read_from_partial_config() {
        #[derive(Deserialize)]
        struct Cfg {
            weights: Weights,
        }
        let cfg: Cfg = toml_like(r#"{"weights": {"tier": 1.0, "zombie": 0.5}}"#);
        assert_eq!(cfg.weights.tier, 1.0);
        assert_eq!(cfg.weights.zombie, 0.5);
        assert_eq!(cfg.weights.reads, Weights::default().reads);
    }

    fn toml_like<T: serde::de::DeserializeOwned>(s: &str) -> T {
        serde_json::from_str(s).expect("json")
    }
}
