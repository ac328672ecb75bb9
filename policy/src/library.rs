//! The built-in library: the policies Weft ships, as readable `.rego` files under
//! `policy/library/`, compiled into the binary so that a deployment needs no files to
//! get them.

/// A built-in module: the name it is reported under and its source.
pub(crate) struct Builtin {
    /// The file name under `policy/library/`.
    pub file: &'static str,
    /// Whether it is a policy (off with `builtin = false`) rather than the helper
    /// library every policy may import.
    pub policy: bool,
    /// The Rego source.
    pub source: &'static str,
}

/// Every built-in module, helpers first.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        file: "lib.rego",
        policy: false,
        source: include_str!("../library/lib.rego"),
    },
    Builtin {
        file: "breaking_change.rego",
        policy: true,
        source: include_str!("../library/breaking_change.rego"),
    },
    Builtin {
        file: "gold_documented.rego",
        policy: true,
        source: include_str!("../library/gold_documented.rego"),
    },
    Builtin {
        file: "pii_public.rego",
        policy: true,
        source: include_str!("../library/pii_public.rego"),
    },
    Builtin {
        file: "pii_retention.rego",
        policy: true,
        source: include_str!("../library/pii_retention.rego"),
    },
    Builtin {
        file: "unowned.rego",
        policy: true,
        source: include_str!("../library/unowned.rego"),
    },
];

/// The prefix under which built-in modules are named in [`crate::PolicyInfo::file`] and
/// in errors, so they cannot be mistaken for a file in the user's directory.
pub(crate) const BUILTIN_PREFIX: &str = "builtin:";

/// The parameters' defaults, which `[policy.params]` is merged over.
pub(crate) fn default_params() -> serde_json::Value {
    serde_json::json!({
        "pseudonymised_pii_to_public": "warn",
        "unowned_days": 30,
        "restricted_classes": ["public"],
    })
}
