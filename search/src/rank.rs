//! The ranking formula: text relevance times a prior made of catalog signals.
//!
//! ```text
//! score = bm25 × prior
//! prior = usage × centrality × tier × documentation × penalty
//!   usage         = 1 + w_reads·ln(1 + reads_30d) + w_users·ln(1 + distinct_users_30d)
//!   centrality    = 1 + w_downstream·ln(1 + downstream consumers)
//!   tier          = gold 1 + w_tier·2, silver 1 + w_tier, otherwise 1
//!   documentation = 1 + w_docs·(described + owned + share of documented columns) / 3
//!   penalty       = deleted 0.1, deprecated 0.5, temporary-looking name 0.6,
//!                   zombie (no reads and no consumers, when usage is known) 0.7; multiplied
//! ```
//!
//! Every signal is optional: a catalog without usage data (no query-log crawl yet) gets
//! `usage = 1` for every dataset, and the order falls back to text, lineage and tier.
//! Logarithms keep one hugely popular table from drowning every other match: usage
//! reorders look-alikes, it does not override relevance. [`Prior::explain`] returns
//! each factor so a result can say why it ranks where it does.

/// How much each signal weighs; `Default` is the documented formula.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Per ln(1 + reads in 30 days).
    pub reads: f64,
    /// Per ln(1 + distinct users in 30 days).
    pub users: f64,
    /// Per ln(1 + downstream consumers).
    pub downstream: f64,
    /// Per tier step (silver one step, gold two).
    pub tier: f64,
    /// For a fully documented dataset.
    pub docs: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            reads: 0.25,
            users: 0.5,
            downstream: 0.3,
            tier: 0.25,
            docs: 0.3,
        }
    }
}

/// What the catalog knows about a dataset beyond its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signals {
    /// Reads in the last 30 days, decayed by recency by the caller; `None` when no
    /// usage source exists.
    pub reads_30d: Option<f64>,
    /// Distinct users reading it in the last 30 days.
    pub distinct_users_30d: Option<f64>,
    /// Jobs or datasets consuming it (from the lineage graph).
    pub downstream: u64,
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

/// The prior and its factors.
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
    /// Product of the penalties (1 when none applies).
    pub penalty: f64,
}

impl Prior {
    /// The prior of a dataset with `s` under `w`.
    pub fn of(s: &Signals, w: &Weights) -> Prior {
        let ln = |x: f64| (1.0 + x.max(0.0)).ln();
        let usage = 1.0
            + w.reads * ln(s.reads_30d.unwrap_or(0.0))
            + w.users * ln(s.distinct_users_30d.unwrap_or(0.0));
        let centrality = 1.0 + w.downstream * ln(s.downstream as f64);
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
        let mut penalty = 1.0;
        match s
            .lifecycle
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("deleted") | Some("drop") => penalty *= 0.1,
            Some("deprecated") => penalty *= 0.5,
            _ => {}
        }
        if s.temporary_name {
            penalty *= 0.6;
        }
        let zombie = s.reads_30d.is_some_and(|r| r <= 0.0) && s.downstream == 0;
        if zombie {
            penalty *= 0.7;
        }
        Prior {
            usage,
            centrality,
            tier,
            documentation,
            penalty,
        }
    }

    /// The product of the factors.
    pub fn value(&self) -> f64 {
        self.usage * self.centrality * self.tier * self.documentation * self.penalty
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
            reads_30d: Some(0.0),
            ..Signals::default()
        };
        let p = Prior::of(&copy, &w);
        assert!((p.penalty - 0.42).abs() < 1e-9, "{p:?}");
    }
}
