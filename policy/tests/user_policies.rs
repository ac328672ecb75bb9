//! Policies from the user's directory: added, overriding a built-in, broken, runaway or
//! of the wrong shape.

mod common;

use std::time::Duration;

use common::{builtin, fixture, lines, policy_dir};
use serde_json::json;
use weft_policy::{EvalError, PolicyOptions, PolicySet, Severity};

const NAMING: &str = r#"package weft.policies.naming

import rego.v1

deny contains {"msg": sprintf("column %s is not snake_case", [c.name]), "column": c.name} if {
	some c in input.dataset.columns
	not regex.match(`^[a-z][a-z0-9_]*$`, c.name)
}
"#;

fn load(
    dir: &tempfile::TempDir,
    options: &PolicyOptions,
) -> Result<PolicySet, weft_policy::LoadErrors> {
    PolicySet::load(Some(dir.path()), options)
}

#[test]
fn a_user_policy_is_loaded_from_a_subdirectory_and_evaluated() {
    let dir = policy_dir(&[("team/naming.rego", NAMING)]);
    let set = load(&dir, &PolicyOptions::default()).expect("loads");
    let naming = set
        .policies()
        .iter()
        .find(|p| p.name == "naming")
        .expect("naming is listed");
    assert!(!naming.builtin);
    assert_eq!(
        naming.file,
        dir.path().join("team/naming.rego").display().to_string()
    );
    assert_eq!(naming.severities, [Severity::Deny]);
    assert_eq!(set.policies().len(), 6, "the built-ins stay");

    let mut input = fixture("gold_revenue");
    input.dataset.columns[1].name = "AmountEUR".into();
    let findings = set.evaluate(&input).expect("evaluates");
    let naming: Vec<String> = lines(&findings)
        .into_iter()
        .filter(|l| l.contains(" naming "))
        .collect();
    assert_eq!(
        naming,
        ["deny naming [AmountEUR]: column AmountEUR is not snake_case"]
    );
    assert_ne!(set.fingerprint(), builtin().fingerprint());
}

#[test]
fn a_user_module_with_a_built_in_package_replaces_it() {
    let dir = policy_dir(&[(
        "gold.rego",
        r#"package weft.policies.gold_documented

import data.weft.lib
import rego.v1

# Ours only asks for a description, and only warns.
warn contains sprintf("%s: describe me", [lib.dataset_id]) if {
	input.dataset.tier == "gold"
	not lib.has_text(input.dataset.description)
}
"#,
    )]);
    let set = load(&dir, &PolicyOptions::default()).expect("loads");
    let gold = set
        .policies()
        .iter()
        .find(|p| p.name == "gold_documented")
        .expect("listed");
    assert!(!gold.builtin);
    assert_eq!(gold.files.len(), 1, "the built-in file is gone");
    let findings = set.evaluate(&fixture("gold_revenue")).expect("evaluates");
    let gold: Vec<String> = lines(&findings)
        .into_iter()
        .filter(|l| l.contains("gold_documented"))
        .collect();
    assert_eq!(
        gold,
        ["warn gold_documented: shop/mart.revenue: describe me"]
    );
}

#[test]
fn builtin_false_leaves_only_the_users_policies_and_the_helpers() {
    let dir = policy_dir(&[
        ("naming.rego", NAMING),
        (
            "id.rego",
            "package weft.policies.id\n\nimport data.weft.lib\nimport rego.v1\n\nwarn contains lib.dataset_id if input.dataset.deprecated\n",
        ),
    ]);
    let options = PolicyOptions {
        builtin: false,
        ..PolicyOptions::default()
    };
    let set = load(&dir, &options).expect("loads");
    let names: Vec<&str> = set.policies().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["id", "naming"]);
    let mut input = fixture("gold_revenue");
    input.dataset.deprecated = true;
    assert_eq!(
        lines(&set.evaluate(&input).expect("evaluates")),
        ["warn id: shop/mart.revenue"]
    );
}

#[test]
fn broken_modules_are_all_reported_with_file_and_line() {
    let dir = policy_dir(&[
        (
            "a_broken.rego",
            "package weft.policies.a\n\nimport rego.v1\n\ndeny contains msg if {\n\tmsg := 'x'\n}\n",
        ),
        ("b_fine.rego", NAMING),
        (
            "c/broken.rego",
            "package weft.policies.c\n\nimport rego.v1\n\nwarn contains \"x\" if {\n\tinput.dataset.name ==\n",
        ),
    ]);
    let errors = load(&dir, &PolicyOptions::default())
        .expect_err("two modules do not parse")
        .0;
    let located: Vec<(String, u32)> = errors.iter().map(|e| (e.file.clone(), e.line)).collect();
    assert_eq!(
        located,
        [
            (dir.path().join("a_broken.rego").display().to_string(), 6),
            (dir.path().join("c/broken.rego").display().to_string(), 7),
        ],
        "{errors:#?}"
    );
    assert!(
        errors.iter().all(|e| e.column > 0 && !e.message.is_empty()),
        "{errors:#?}"
    );
}

#[test]
fn a_module_outside_weft_policies_is_an_error_at_its_package_line() {
    let dir = policy_dir(&[(
        "typo.rego",
        "# our rules\npackage weft.policy.naming\n\nimport rego.v1\n\ndeny contains \"x\" if true\n",
    )]);
    let errors = load(&dir, &PolicyOptions::default())
        .expect_err("wrong package")
        .0;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].line, 2);
    assert!(
        errors[0].message.contains("weft.policies.<name>"),
        "{}",
        errors[0].message
    );
}

#[test]
fn unsafe_variables_are_load_errors_not_evaluation_errors() {
    let dir = policy_dir(&[(
        "unsafe.rego",
        "package weft.policies.unsafe\n\nimport rego.v1\n\ndeny contains x if {\n\ty > 1\n}\n",
    )]);
    let errors = load(&dir, &PolicyOptions::default())
        .expect_err("x and y are unsafe")
        .0;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0].file,
        dir.path().join("unsafe.rego").display().to_string()
    );
    assert!(errors[0].line >= 5, "{errors:#?}");
}

#[test]
fn bad_parameters_are_load_errors_naming_the_key() {
    let options = PolicyOptions {
        params: json!({"pseudonymised_pii_to_public": "maybe", "unowned_days": "thirty"}),
        ..PolicyOptions::default()
    };
    let errors = PolicySet::load(None, &options).expect_err("bad params").0;
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("pseudonymised_pii_to_public: "),
        "{messages:?}"
    );
    assert!(messages[1].starts_with("unowned_days: "), "{messages:?}");
}

#[test]
fn a_missing_policy_directory_is_an_error() {
    let dir = policy_dir(&[]);
    let missing = dir.path().join("nope");
    let errors = PolicySet::load(Some(&missing), &PolicyOptions::default())
        .expect_err("no such directory")
        .0;
    assert_eq!(errors[0].file, missing.display().to_string());
}

#[test]
fn a_runaway_policy_times_out_and_is_named() {
    let dir = policy_dir(&[(
        "runaway.rego",
        "package weft.policies.runaway\n\nimport rego.v1\n\n\
         deny contains \"never\" if {\n\tsome i in numbers.range(1, 100000)\n\tsome j in numbers.range(1, 100000)\n\ti * j < 0\n}\n",
    )]);
    let options = PolicyOptions {
        time_limit: Duration::from_millis(100),
        ..PolicyOptions::default()
    };
    let set = load(&dir, &options).expect("loads");
    match set.evaluate(&fixture("gold_revenue")) {
        Err(EvalError::TimedOut { policy, file, .. }) => {
            assert_eq!(policy.as_deref(), Some("runaway"));
            assert_eq!(
                file,
                Some(dir.path().join("runaway.rego").display().to_string())
            );
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // The set stays usable: the next evaluation times out the same way, no poisoned engine.
    assert!(matches!(
        set.evaluate(&fixture("gold_revenue")),
        Err(EvalError::TimedOut { .. })
    ));
}

#[test]
fn a_deny_that_is_not_a_set_is_an_error_naming_the_policy() {
    let dir = policy_dir(&[(
        "count.rego",
        "package weft.policies.count\n\nimport rego.v1\n\ndeny := 5\n",
    )]);
    let set = load(&dir, &PolicyOptions::default()).expect("loads");
    match set.evaluate(&fixture("gold_revenue")) {
        Err(EvalError::Shape {
            policy,
            file,
            message,
        }) => {
            assert_eq!(policy, "count");
            assert_eq!(file, dir.path().join("count.rego").display().to_string());
            assert!(message.contains("deny must be a set"), "{message}");
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
}

#[test]
fn an_entry_without_msg_is_an_error_naming_the_policy() {
    let dir = policy_dir(&[(
        "nomsg.rego",
        "package weft.policies.nomsg\n\nimport rego.v1\n\nwarn contains {\"message\": \"x\"} if true\n",
    )]);
    let set = load(&dir, &PolicyOptions::default()).expect("loads");
    let error = set.evaluate(&fixture("gold_revenue")).expect_err("no msg");
    assert!(
        matches!(&error, EvalError::Shape { policy, .. } if policy == "nomsg"),
        "{error:?}"
    );
}

#[test]
fn a_builtin_error_at_run_time_names_the_policy() {
    let dir = policy_dir(&[(
        "num.rego",
        "package weft.policies.num\n\nimport rego.v1\n\ndeny contains \"x\" if {\n\tto_number(input.dataset.name) > 1\n}\n",
    )]);
    let set = load(&dir, &PolicyOptions::default()).expect("loads");
    let error = set
        .evaluate(&fixture("gold_revenue"))
        .expect_err("the name is not a number");
    assert!(
        matches!(&error, EvalError::Rego { policy: Some(p), .. } if p == "num"),
        "{error:?}"
    );
}

#[test]
fn a_call_to_a_builtin_left_out_is_an_evaluation_error_naming_the_policy() {
    let dir = policy_dir(&[(
        "web.rego",
        "package weft.policies.web\n\nimport rego.v1\n\ndeny contains \"x\" if {\n\thttp.send({\"url\": \"http://example.com\"})\n}\n",
    )]);
    let set = load(&dir, &PolicyOptions::default())
        .expect("loads: unknown functions are found when called");
    match set.evaluate(&fixture("gold_revenue")) {
        Err(EvalError::Rego {
            policy, message, ..
        }) => {
            assert_eq!(policy.as_deref(), Some("web"));
            assert!(message.contains("http.send"), "{message}");
        }
        other => panic!("expected a Rego error, got {other:?}"),
    }
}

#[test]
fn only_a_policy_that_reads_neighbours_makes_the_set_read_them() {
    assert!(
        !builtin().reads_neighbours(),
        "the library judges a dataset by itself (a comment naming `downstream` does not count)"
    );
    let dir = policy_dir(&[("naming.rego", NAMING)]);
    let set = load(&dir, &PolicyOptions::default()).expect("loads");
    assert!(!set.reads_neighbours());

    const FEEDS_GOLD: &str = r#"package weft.policies.feeds_gold

import rego.v1

# A dataset that feeds a gold one needs an owner.
warn contains "feeds gold without an owner" if {
	count(input.dataset.owners) == 0
	some d in input.dataset.downstream
	d.tier == "gold"
}
"#;
    let dir = policy_dir(&[("feeds_gold.rego", FEEDS_GOLD)]);
    let set = load(&dir, &PolicyOptions::default()).expect("loads");
    assert!(set.reads_neighbours());
}
