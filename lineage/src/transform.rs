//! How a source column reaches a target: OpenLineage's transformation kinds, how they
//! compose across hops, and the function lists that decide aggregation and masking.
//!
//! PII propagation reads these edges: IDENTITY carries a tag, masking turns it into a
//! pseudonymised one, AGGREGATION usually stops it. Because those rules act on function
//! names, the names along a path are kept (innermost first) in the description.

use std::collections::HashSet;
use std::fmt;
use std::rc::Rc;

/// Whether a value flows (`DIRECT`) or only influences the result (`INDIRECT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TransformationType {
    /// The target's value is computed from the source's value.
    Direct,
    /// The source decides which rows or which branch, not the value itself.
    Indirect,
}

/// The refinement of a [`TransformationType`], as in ColumnLineageDatasetFacet 1-2-0.
///
/// The direct subtypes are ordered by strength so composition can take the strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subtype {
    /// The value passes unchanged.
    Identity,
    /// The value is computed by a non-aggregate expression.
    Transformation,
    /// The value is an argument of an aggregate.
    Aggregation,
    /// A join key (dataset level).
    Join,
    /// A grouping key (dataset level).
    GroupBy,
    /// A filter predicate: WHERE, HAVING, QUALIFY (dataset level).
    Filter,
    /// The top-level ORDER BY (dataset level), or an ordering inside an aggregate.
    Sort,
    /// A window's PARTITION BY or ORDER BY.
    Window,
    /// A CASE WHEN / IF condition.
    Conditional,
}

impl TransformationType {
    /// The spec's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TransformationType::Direct => "DIRECT",
            TransformationType::Indirect => "INDIRECT",
        }
    }
}

impl Subtype {
    /// The spec's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Subtype::Identity => "IDENTITY",
            Subtype::Transformation => "TRANSFORMATION",
            Subtype::Aggregation => "AGGREGATION",
            Subtype::Join => "JOIN",
            Subtype::GroupBy => "GROUP_BY",
            Subtype::Filter => "FILTER",
            Subtype::Sort => "SORT",
            Subtype::Window => "WINDOW",
            Subtype::Conditional => "CONDITIONAL",
        }
    }

    /// The type a subtype belongs to.
    pub fn kind(self) -> TransformationType {
        match self {
            Subtype::Identity | Subtype::Transformation | Subtype::Aggregation => {
                TransformationType::Direct
            }
            _ => TransformationType::Indirect,
        }
    }
}

impl fmt::Display for Subtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind().as_str(), self.as_str())
    }
}

/// One edge's transformation, in the form the facet and the CLI report it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Transformation {
    /// `DIRECT` or `INDIRECT`; always `subtype.kind()`, kept for readers of the facet.
    pub kind: TransformationType,
    /// The refinement.
    pub subtype: Subtype,
    /// Functions applied along the path, innermost first (`sha256, max`); `None` when
    /// the path has no function, so downstream rules can tell "no function" apart.
    pub description: Option<String>,
    /// Whether a hop hashes, tokenises, redacts or counts the value.
    pub masking: bool,
}

/// Which functions aggregate and which mask: data, not code, so a deployment can extend
/// the lists (a masking UDF, a vendor aggregate) without a release.
#[derive(Debug, Clone)]
pub struct FunctionRules {
    aggregates: HashSet<String>,
    masking: HashSet<String>,
}

const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "mean",
    "min",
    "max",
    "median",
    "mode",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "variance",
    "var_pop",
    "var_samp",
    "variance_pop",
    "variance_samp",
    "percentile_cont",
    "percentile_disc",
    "percentile",
    "approx_percentile",
    "approx_quantiles",
    "approx_count_distinct",
    "approx_distinct",
    "approx_top_count",
    "array_agg",
    "string_agg",
    "listagg",
    "group_concat",
    "collect_list",
    "collect_set",
    "any_value",
    "arbitrary",
    "bool_and",
    "bool_or",
    "every",
    "logical_and",
    "logical_or",
    "bit_and",
    "bit_or",
    "bit_xor",
    "corr",
    "covar_pop",
    "covar_samp",
    "regr_slope",
    "regr_intercept",
    "regr_r2",
    "regr_count",
    "regr_avgx",
    "regr_avgy",
    "count_if",
    "countif",
    "sumif",
    "avgif",
    "kurtosis",
    "skewness",
    "max_by",
    "min_by",
    "arg_max",
    "arg_min",
    "argmax",
    "argmin",
    "hll_count",
    "uniq",
    "uniqexact",
    "grouparray",
    "json_agg",
    "jsonb_agg",
    "json_object_agg",
    "jsonb_object_agg",
    "object_agg",
    "array_union_agg",
    "bitmap_count",
    "checksum_agg",
    "first",
    "last",
    "product",
];

const MASKING: &[&str] = &[
    "md5",
    "sha",
    "sha1",
    "sha2",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "hash",
    "hash_md5",
    "md5_hex",
    "md5_binary",
    "sha1_hex",
    "sha2_hex",
    "farm_fingerprint",
    "fingerprint",
    "xxhash64",
    "xxhash",
    "murmur_hash",
    "murmurhash3_32",
    "crc32",
    "hashbytes",
    "standard_hash",
    "ora_hash",
    "cityhash64",
    "siphash64",
    "digest",
    "redact",
    "mask",
    "mask_first_n",
    "mask_last_n",
    "mask_show_first_n",
    "mask_show_last_n",
    "mask_hash",
    "tokenize",
    "anonymize",
    "pseudonymize",
    "count",
    "approx_count_distinct",
    "approx_distinct",
    "count_if",
    "countif",
    "hll_count",
    "uniq",
    "uniqexact",
    "regr_count",
];

impl Default for FunctionRules {
    fn default() -> Self {
        FunctionRules {
            aggregates: AGGREGATES.iter().map(|s| (*s).to_owned()).collect(),
            masking: MASKING.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

impl FunctionRules {
    /// Rules with no functions at all; start here to replace the defaults entirely.
    pub fn empty() -> Self {
        FunctionRules {
            aggregates: HashSet::new(),
            masking: HashSet::new(),
        }
    }

    /// Treats `name` (any case) as an aggregate.
    pub fn add_aggregate(&mut self, name: &str) -> &mut Self {
        self.aggregates.insert(name.to_ascii_lowercase());
        self
    }

    /// Treats `name` (any case) as masking its arguments.
    pub fn add_masking(&mut self, name: &str) -> &mut Self {
        self.masking.insert(name.to_ascii_lowercase());
        self
    }

    /// Whether `name` (lower case) aggregates rows.
    pub fn is_aggregate(&self, name: &str) -> bool {
        self.aggregates.contains(name)
    }

    /// Whether `name` (lower case) masks its arguments.
    pub fn is_masking(&self, name: &str) -> bool {
        self.masking.contains(name)
    }
}

/// The transformation of one hop or of a composed path, before it is rendered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct How {
    pub subtype: Subtype,
    pub masking: bool,
    /// Function names along the path, innermost first.
    pub functions: Rc<[Rc<str>]>,
}

impl How {
    pub fn new(subtype: Subtype) -> How {
        How {
            subtype,
            masking: false,
            functions: Rc::from(Vec::new()),
        }
    }

    pub fn identity() -> How {
        How::new(Subtype::Identity)
    }

    /// The path `inner` then `outer`: the strongest direct subtype, or the indirect one
    /// nearest the target when any hop is indirect; masking if any hop masks.
    pub fn then(&self, outer: &How) -> How {
        let subtype = match (self.subtype.kind(), outer.subtype.kind()) {
            (_, TransformationType::Indirect) => outer.subtype,
            (TransformationType::Indirect, _) => self.subtype,
            _ => self.subtype.max(outer.subtype),
        };
        let functions = if self.functions.is_empty() {
            outer.functions.clone()
        } else if outer.functions.is_empty() {
            self.functions.clone()
        } else {
            self.functions
                .iter()
                .chain(outer.functions.iter())
                .cloned()
                .collect()
        };
        How {
            subtype,
            masking: self.masking || outer.masking,
            functions,
        }
    }

    pub fn render(&self) -> Transformation {
        let description = if self.functions.is_empty() {
            None
        } else {
            let mut s = String::new();
            for (i, f) in self.functions.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(f);
            }
            Some(s)
        };
        Transformation {
            kind: self.subtype.kind(),
            subtype: self.subtype,
            description,
            masking: self.masking,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn how(subtype: Subtype, masking: bool, functions: &[&str]) -> How {
        How {
            subtype,
            masking,
            functions: functions.iter().map(|f| Rc::from(*f)).collect(),
        }
    }

    #[test]
    fn composition_takes_the_strongest_direct_subtype() {
        let inner = how(Subtype::Transformation, true, &["sha256"]);
        let outer = how(Subtype::Aggregation, false, &["max"]);
        let t = inner.then(&outer).render();
        assert_eq!(t.subtype, Subtype::Aggregation);
        assert!(t.masking);
        assert_eq!(t.description.as_deref(), Some("sha256, max"));
        assert_eq!(
            how(Subtype::Aggregation, false, &[])
                .then(&How::identity())
                .subtype,
            Subtype::Aggregation
        );
    }

    #[test]
    fn an_indirect_hop_makes_the_path_indirect() {
        let inner = how(Subtype::Conditional, false, &[]);
        assert_eq!(
            inner.then(&How::new(Subtype::Transformation)).subtype,
            Subtype::Conditional
        );
        assert_eq!(
            How::identity().then(&How::new(Subtype::Filter)).subtype,
            Subtype::Filter
        );
        assert_eq!(Subtype::Filter.kind(), TransformationType::Indirect);
    }

    #[test]
    fn rules_are_data() {
        let mut rules = FunctionRules::empty();
        assert!(!rules.is_masking("tok"));
        rules.add_masking("TOK").add_aggregate("Pick");
        assert!(rules.is_masking("tok"));
        assert!(rules.is_aggregate("pick"));
        let d = FunctionRules::default();
        assert!(d.is_masking("count") && d.is_aggregate("count"));
        assert!(d.is_masking("farm_fingerprint") && !d.is_aggregate("sha256"));
    }
}
