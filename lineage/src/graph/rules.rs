//! Propagation rules: what an edge's transformations do to a tag.
//!
//! The rules are data ([`PropagationRules`], serde-loadable) read against each edge's
//! transformations once, when the edge's transformation set is first seen; the fixed
//! point then only tests two bits per edge. The functions along the path (the
//! description, innermost first) decide aggregations and masking, so
//! `max(sha256(email))` stays pseudonymised PII while `count(email)` is not PII.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::transform::{FunctionRules, Subtype, Transformation, TransformationType};

use super::tags::is_under;

/// The propagation rules. `Default` is the documented behaviour; a deployment can load
/// additions from JSON or TOML (every field is optional and adds to the defaults'
/// function lists through [`PropagationRules::with_additions`]).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PropagationRules {
    /// Tags under these prefixes propagate (default `pii`). Other tags stay where they
    /// were put: a `tier.gold` table does not make its consumers gold.
    pub propagate: Vec<String>,
    /// What masking prepends: `pii.email` becomes `pseudonymised.pii.email`.
    pub pseudonymised_prefix: String,
    /// Aggregates that return one of their input values, so PII passes through.
    pub value_preserving: BTreeSet<String>,
    /// Aggregates that count: they always stop value-level PII.
    pub counting: BTreeSet<String>,
    /// Extra aggregate function names, on top of the SQL analyser's list.
    pub aggregates: BTreeSet<String>,
    /// Extra masking function names (hashes, tokenisers), on top of the analyser's list.
    pub masking: BTreeSet<String>,
    /// Whether an AGGREGATION naming no known aggregate carries the tag (as proposed).
    pub carry_unknown_aggregate: bool,
    /// Whether an edge without any transformation information carries the tag.
    pub carry_without_information: bool,
    /// Whether INDIRECT edges (filters, join keys…) carry the tag.
    pub indirect_carries: bool,
}

const VALUE_PRESERVING: &[&str] = &[
    "min",
    "max",
    "any_value",
    "arbitrary",
    "array_agg",
    "string_agg",
    "listagg",
    "group_concat",
    "collect_list",
    "collect_set",
    "first_value",
    "last_value",
    "first",
    "last",
    "nth_value",
    "mode",
    "max_by",
    "min_by",
    "arg_max",
    "arg_min",
    "argmax",
    "argmin",
    "grouparray",
    "json_agg",
    "jsonb_agg",
    "json_object_agg",
    "jsonb_object_agg",
    "object_agg",
    "array_union_agg",
    "lag",
    "lead",
];

const COUNTING: &[&str] = &[
    "count",
    "count_if",
    "countif",
    "approx_count_distinct",
    "approx_distinct",
    "hll_count",
    "uniq",
    "uniqexact",
    "regr_count",
    "bitmap_count",
];

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for PropagationRules {
    fn default() -> Self {
        PropagationRules {
            propagate: vec!["pii".to_owned()],
            pseudonymised_prefix: "pseudonymised".to_owned(),
            value_preserving: names(VALUE_PRESERVING),
            counting: names(COUNTING),
            aggregates: BTreeSet::new(),
            masking: BTreeSet::new(),
            carry_unknown_aggregate: true,
            carry_without_information: true,
            indirect_carries: false,
        }
    }
}

/// Why a tag crossed an edge (or did not): the rule applied at one hop, kept so an
/// explanation can say it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Rule {
    /// DIRECT/IDENTITY: the value passes unchanged.
    Identity,
    /// DIRECT/TRANSFORMATION without masking: the value is computed from the source.
    Transformation,
    /// A masking transformation: the tag became its pseudonymised form.
    Masking {
        /// The masking function, when the description names one.
        function: Option<String>,
    },
    /// An aggregate that returns one of its inputs (`max`, `array_agg`…).
    ValuePreservingAggregate {
        /// The aggregate.
        function: String,
    },
    /// An AGGREGATION whose function is unknown or not given: carried, as proposed.
    UnknownAggregate {
        /// The description as given (`None` when empty).
        description: Option<String>,
    },
    /// No transformation information on the edge: carried, the safe default.
    NoInformation,
    /// Stopped: a counting aggregate.
    CountingAggregate {
        /// The aggregate.
        function: String,
    },
    /// Stopped: an aggregate that does not return input values (`sum`, `avg`…).
    Aggregate {
        /// The aggregate.
        function: String,
    },
    /// Stopped: the source only influences the target (filter, join key…).
    Indirect,
}

impl Rule {
    /// The rule as a stable code (`identity`, `masking`…): how the APIs and the policy
    /// input name it.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::Identity => "identity",
            Rule::Transformation => "transformation",
            Rule::Masking { .. } => "masking",
            Rule::ValuePreservingAggregate { .. } => "value_preserving_aggregate",
            Rule::UnknownAggregate { .. } => "unknown_aggregate",
            Rule::NoInformation => "no_information",
            Rule::CountingAggregate { .. } => "counting_aggregate",
            Rule::Aggregate { .. } => "aggregate",
            Rule::Indirect => "indirect",
        }
    }

    /// Whether the rule lets a tag through.
    pub fn carries(&self) -> bool {
        !matches!(
            self,
            Rule::CountingAggregate { .. } | Rule::Aggregate { .. } | Rule::Indirect
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Identity => f.write_str("carried: DIRECT/IDENTITY passes the value unchanged"),
            Rule::Transformation => {
                f.write_str("carried: DIRECT/TRANSFORMATION computes the value from the source")
            }
            Rule::Masking { function: Some(func) } => {
                write!(f, "pseudonymised: `{func}` masks the value")
            }
            Rule::Masking { function: None } => {
                f.write_str("pseudonymised: the edge is marked as masking")
            }
            Rule::ValuePreservingAggregate { function } => {
                write!(f, "carried: aggregate `{function}` returns one of its input values")
            }
            Rule::UnknownAggregate { description: None } => f.write_str(
                "carried as proposed: an AGGREGATION without a function name; it may return input values",
            ),
            Rule::UnknownAggregate { description: Some(d) } => write!(
                f,
                "carried as proposed: AGGREGATION by unknown function(s) `{d}`; it may return input values"
            ),
            Rule::NoInformation => f.write_str(
                "carried as proposed: the edge has no transformation information (safe default)",
            ),
            Rule::CountingAggregate { function } => {
                write!(f, "stopped: `{function}` counts values")
            }
            Rule::Aggregate { function } => {
                write!(f, "stopped: aggregate `{function}` does not return input values")
            }
            Rule::Indirect => f.write_str("stopped: INDIRECT use (filter, join, grouping…)"),
        }
    }
}

/// What an edge's transformation set does to a propagating tag: carry it as is, carry
/// its pseudonymised form, or both (two transformations on one edge), each with why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EdgeClass {
    pub plain: Option<Rule>,
    pub pseudo: Option<Rule>,
    /// Why nothing is carried, when nothing is.
    pub stop: Option<Rule>,
}

pub(crate) const PLAIN: u8 = 1;
pub(crate) const PSEUDO: u8 = 2;

impl EdgeClass {
    pub fn bits(&self) -> u8 {
        u8::from(self.plain.is_some()) * PLAIN + u8::from(self.pseudo.is_some()) * PSEUDO
    }
}

impl PropagationRules {
    /// The defaults plus `extra`'s function names, prefixes and switches: how a
    /// deployment's configuration is meant to be applied.
    pub fn with_additions(extra: &PropagationRules) -> PropagationRules {
        let mut r = PropagationRules::default();
        for p in &extra.propagate {
            if !r.propagate.contains(p) {
                r.propagate.push(p.clone());
            }
        }
        r.value_preserving
            .extend(extra.value_preserving.iter().cloned());
        r.counting.extend(extra.counting.iter().cloned());
        r.aggregates.extend(extra.aggregates.iter().cloned());
        r.masking.extend(extra.masking.iter().cloned());
        r.pseudonymised_prefix
            .clone_from(&extra.pseudonymised_prefix);
        r.carry_unknown_aggregate = extra.carry_unknown_aggregate;
        r.carry_without_information = extra.carry_without_information;
        r.indirect_carries = extra.indirect_carries;
        r
    }

    /// Whether a tag with this key propagates at all.
    pub(crate) fn propagates(&self, key: &str) -> bool {
        let base = self.unpseudonymised(key).unwrap_or(key);
        self.propagate.iter().any(|p| is_under(base, p))
    }

    /// `pii.email` for `pseudonymised.pii.email`; `None` for a plain key.
    pub(crate) fn unpseudonymised<'k>(&self, key: &'k str) -> Option<&'k str> {
        key.strip_prefix(self.pseudonymised_prefix.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
    }

    pub(crate) fn pseudonymised(&self, key: &str) -> String {
        if self.unpseudonymised(key).is_some() {
            key.to_owned()
        } else {
            format!("{}.{}", self.pseudonymised_prefix, key)
        }
    }

    /// Reads a whole edge: the union of what its transformations carry. No
    /// transformation at all is "no information".
    pub(crate) fn classify(&self, functions: &FunctionRules, ts: &[Transformation]) -> EdgeClass {
        let mut class = EdgeClass::default();
        if ts.is_empty() {
            if self.carry_without_information {
                class.plain = Some(Rule::NoInformation);
            } else {
                class.stop = Some(Rule::NoInformation);
            }
            return class;
        }
        for t in ts {
            let (rule, masked) = self.classify_one(functions, t);
            let slot = if masked {
                &mut class.pseudo
            } else {
                &mut class.plain
            };
            if rule.carries() {
                if slot.is_none() {
                    *slot = Some(rule);
                }
            } else if class.stop.is_none() {
                class.stop = Some(rule);
            }
        }
        class
    }

    /// One transformation: the rule and whether what it carries is pseudonymised.
    fn classify_one(&self, functions: &FunctionRules, t: &Transformation) -> (Rule, bool) {
        if t.kind == TransformationType::Indirect
            || t.subtype.kind() == TransformationType::Indirect
        {
            return if self.indirect_carries {
                (Rule::Transformation, t.masking)
            } else {
                (Rule::Indirect, false)
            };
        }
        let names: Vec<String> = t
            .description
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(|f| f.trim().to_ascii_lowercase())
            .filter(|f| !f.is_empty())
            .collect();
        let masking_fn = names
            .iter()
            .find(|f| functions.is_masking(f) || self.masking.contains(*f))
            .filter(|f| !self.counting.contains(*f))
            .cloned();
        let masked = t.masking || masking_fn.is_some();
        let carried = |plain: Rule| {
            if masked {
                (
                    Rule::Masking {
                        function: masking_fn.clone(),
                    },
                    true,
                )
            } else {
                (plain, false)
            }
        };
        match t.subtype {
            Subtype::Identity => carried(Rule::Identity),
            Subtype::Aggregation => {
                if let Some(f) = names.iter().find(|f| self.counting.contains(*f)) {
                    return (
                        Rule::CountingAggregate {
                            function: f.clone(),
                        },
                        false,
                    );
                }
                let is_agg = |f: &String| {
                    functions.is_aggregate(f)
                        || self.aggregates.contains(f)
                        || self.value_preserving.contains(f)
                };
                let aggs: Vec<&String> = names.iter().filter(|f| is_agg(f)).collect();
                if let Some(f) = aggs.iter().find(|f| !self.value_preserving.contains(**f)) {
                    return (
                        Rule::Aggregate {
                            function: (*f).clone(),
                        },
                        false,
                    );
                }
                match aggs.last() {
                    // Masked (`max(sha256(x))`): reported as masking, since what arrives
                    // is the pseudonymised tag.
                    Some(f) => carried(Rule::ValuePreservingAggregate {
                        function: (*f).clone(),
                    }),
                    None if self.carry_unknown_aggregate => {
                        let unknown = Rule::UnknownAggregate {
                            description: t.description.clone(),
                        };
                        if masked {
                            carried(unknown)
                        } else {
                            (unknown, false)
                        }
                    }
                    None => (
                        Rule::Aggregate {
                            function: t.description.clone().unwrap_or_default(),
                        },
                        false,
                    ),
                }
            }
            _ => carried(Rule::Transformation),
        }
    }
}
