//! Each built-in policy fires on the input it is about and clears once the input is
//! fixed; the parameters change what it does.

mod common;

use common::{builtin, fixture, input, of, with_params};
use serde_json::json;
use weft_policy::{PolicyInput, Severity};

fn with_classification(mut input: PolicyInput, classification: &str) -> PolicyInput {
    input.dataset.classification = Some(classification.to_owned());
    input
}

#[test]
fn lists_the_built_in_policies_with_their_severities() {
    let set = builtin();
    let listed: Vec<(String, bool, Vec<Severity>)> = set
        .policies()
        .iter()
        .map(|p| (p.name.clone(), p.builtin, p.severities.clone()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (
                "breaking_change".to_owned(),
                true,
                vec![Severity::Deny, Severity::Warn]
            ),
            ("gold_documented".to_owned(), true, vec![Severity::Deny]),
            (
                "pii_public".to_owned(),
                true,
                vec![Severity::Deny, Severity::Warn]
            ),
            ("pii_retention".to_owned(), true, vec![Severity::Deny]),
            ("unowned".to_owned(), true, vec![Severity::Warn]),
        ]
    );
    assert_eq!(set.policies()[2].file, "builtin:pii_public.rego");
}

#[test]
fn pii_public_denies_raw_personal_data_in_a_public_dataset_with_its_path() {
    let set = builtin();
    let input = fixture("public_mart_customers");
    let findings = set.evaluate(&input).expect("evaluates");
    let deny: Vec<_> = findings
        .iter()
        .filter(|f| f.policy == "pii_public" && f.severity == Severity::Deny)
        .collect();
    assert_eq!(deny.len(), 1, "{findings:#?}");
    assert_eq!(deny[0].column.as_deref(), Some("email"));
    assert_eq!(
        deny[0].message,
        "shop/mart.customers is public but column email holds personal data (pii.email, proposed) flowing along \
         shop/raw.customers.email -> shop/stg.customers.email -> shop/mart.customers.email"
    );
    let hops: Vec<String> = deny[0]
        .path
        .iter()
        .map(|h| format!("{}.{}", h.dataset, h.column))
        .collect();
    assert_eq!(
        hops,
        [
            "shop/raw.customers.email",
            "shop/stg.customers.email",
            "shop/mart.customers.email"
        ]
    );
}

#[test]
fn pii_public_appends_the_column_when_the_path_stops_upstream() {
    let set = builtin();
    let mut input = fixture("public_mart_customers");
    input.dataset.columns[1].tags[0].path.pop();
    let lines = of(&set, &input, "pii_public");
    assert!(
        lines[0].ends_with("flowing along shop/raw.customers.email -> shop/stg.customers.email -> shop/mart.customers.email"),
        "{lines:?}"
    );
}

#[test]
fn pii_public_clears_when_the_dataset_is_not_public() {
    let set = builtin();
    let input = with_classification(fixture("public_mart_customers"), "internal");
    assert_eq!(of(&set, &input, "pii_public"), Vec::<String>::new());
}

#[test]
fn pii_public_warns_on_pseudonymised_data_by_default_and_follows_the_parameter() {
    let input = fixture("public_mart_customers");
    let expected = "pii_public [phone_hash]: shop/mart.customers is public but column phone_hash holds personal data \
                    (pseudonymised.pii.phone, confirmed) flowing along shop/raw.customers.phone -> shop/mart.customers.phone_hash";
    let default = of(&builtin(), &input, "pii_public");
    assert!(default.contains(&format!("warn {expected}")), "{default:?}");

    let allow = of(
        &with_params(json!({"pseudonymised_pii_to_public": "allow"})),
        &input,
        "pii_public",
    );
    assert_eq!(allow.len(), 1, "{allow:?}");
    assert!(allow[0].starts_with("deny pii_public [email]"), "{allow:?}");

    let deny = of(
        &with_params(json!({"pseudonymised_pii_to_public": "deny"})),
        &input,
        "pii_public",
    );
    assert!(deny.contains(&format!("deny {expected}")), "{deny:?}");
    assert!(deny.iter().all(|l| l.starts_with("deny ")), "{deny:?}");
}

#[test]
fn pii_public_restricted_classes_is_a_parameter() {
    let input = with_classification(fixture("public_mart_customers"), "internal");
    let set = with_params(json!({"restricted_classes": ["public", "internal"]}));
    let lines = of(&set, &input, "pii_public");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("deny pii_public [email]: shop/mart.customers is internal")),
        "{lines:?}"
    );
}

#[test]
fn gold_documented_denies_a_gold_dataset_without_owner_or_description() {
    let set = builtin();
    let input = fixture("gold_revenue");
    assert_eq!(
        of(&set, &input, "gold_documented"),
        [
            "deny gold_documented: gold dataset shop/mart.revenue has no description",
            "deny gold_documented: gold dataset shop/mart.revenue has no owner",
        ]
    );
}

#[test]
fn gold_documented_clears_once_owned_and_described_and_counts_a_blank_description_as_none() {
    let set = builtin();
    let mut input = fixture("gold_revenue");
    input.dataset.owners.push(weft_policy::input::OwnerInput {
        name: "finance".into(),
        r#type: None,
    });
    input.dataset.description = Some("   ".into());
    assert_eq!(
        of(&set, &input, "gold_documented"),
        ["deny gold_documented: gold dataset shop/mart.revenue has no description"]
    );
    input.dataset.description = Some("Revenue per day".into());
    assert_eq!(of(&set, &input, "gold_documented"), Vec::<String>::new());
    input.dataset.owners.clear();
    input.dataset.tier = Some("silver".into());
    assert_eq!(of(&set, &input, "gold_documented"), Vec::<String>::new());
}

#[test]
fn pii_retention_denies_personal_data_without_retention_and_accepts_none() {
    let set = builtin();
    let mut input = with_classification(fixture("public_mart_customers"), "internal");
    input.dataset.retention = None;
    input.dataset.retention_days = None;
    assert_eq!(
        of(&set, &input, "pii_retention"),
        [
            "deny pii_retention: shop/mart.customers holds personal data in email (pii.email) but has no retention: \
          set a duration (P1Y) or none (kept forever)"
        ]
    );
    input.dataset.retention = Some("none".into());
    assert_eq!(of(&set, &input, "pii_retention"), Vec::<String>::new());
    input.dataset.retention = Some("P30D".into());
    input.dataset.retention_days = Some(30);
    assert_eq!(of(&set, &input, "pii_retention"), Vec::<String>::new());
}

#[test]
fn pii_retention_ignores_pseudonymised_data() {
    let set = builtin();
    let mut input = fixture("public_mart_customers");
    input.dataset.retention = None;
    input.dataset.columns.remove(1);
    assert_eq!(of(&set, &input, "pii_retention"), Vec::<String>::new());
}

#[test]
fn unowned_warns_after_the_configured_number_of_days() {
    let input = fixture("gold_revenue");
    assert_eq!(
        of(&builtin(), &input, "unowned"),
        [
            "warn unowned: shop/mart.revenue has had no owner for 30 days or more since the catalog first saw it (first seen 2026-10-01T00:00:00Z)"
        ]
    );
    // A standing finding keeps its message as days pass, so it never clears and opens
    // again just because the dataset got older.
    let mut later = input.clone();
    later.now = "2027-01-15T00:00:00Z".into();
    assert_eq!(
        of(&builtin(), &later, "unowned"),
        of(&builtin(), &input, "unowned")
    );
    assert_eq!(
        of(&with_params(json!({"unowned_days": 90})), &input, "unowned"),
        Vec::<String>::new()
    );

    let mut young = input.clone();
    young.dataset.created_at = Some("2026-11-25T00:00:00Z".into());
    assert_eq!(of(&builtin(), &young, "unowned"), Vec::<String>::new());
    assert_eq!(
        of(&with_params(json!({"unowned_days": 5})), &young, "unowned").len(),
        1
    );

    let mut owned = input;
    owned.dataset.owners.push(weft_policy::input::OwnerInput {
        name: "finance".into(),
        r#type: None,
    });
    assert_eq!(of(&builtin(), &owned, "unowned"), Vec::<String>::new());
}

#[test]
fn breaking_change_denies_for_gold_consumers_and_warns_for_others() {
    let set = builtin();
    let input = fixture("breaking_change");
    assert_eq!(
        of(&set, &input, "breaking_change"),
        [
            "deny breaking_change [amount]: column shop/stg.orders.amount is removed but is read by \
             shop/mart.revenue.amount (gold, owners: finance); shop/tmp.scratch.amount (owners: no owner)",
            "warn breaking_change [customer_id]: column shop/stg.orders.customer_id is renamed to customer but is read by \
             shop/mart.customers_orders.customer_id (silver, owners: alice, crm)",
        ]
    );
}

#[test]
fn breaking_change_needs_a_change_and_a_consumer() {
    let set = builtin();
    let mut input = fixture("breaking_change");
    if let Some(change) = input.change.as_mut() {
        change.removed_columns.clear();
        change.renamed_columns.clear();
    }
    assert_eq!(
        of(&set, &input, "breaking_change"),
        Vec::<String>::new(),
        "a retype nobody reads"
    );
    input.change = None;
    assert_eq!(of(&set, &input, "breaking_change"), Vec::<String>::new());
}

#[test]
fn a_clean_dataset_has_no_findings() {
    let set = builtin();
    let clean = input(json!({"dataset": {
        "namespace": "shop", "name": "mart.orders", "tier": "gold", "classification": "internal",
        "description": "One row per order", "owners": [{"name": "orders-team"}], "retention": "P2Y", "retention_days": 730,
        "created_at": "2026-01-01T00:00:00Z",
        "columns": [{"name": "email", "tags": [{"key": "pii.email", "status": "confirmed", "pii": true, "manual": true}]}]
    }}));
    assert_eq!(set.evaluate(&clean).expect("evaluates"), vec![]);
}

#[test]
fn findings_come_deny_first_then_by_policy() {
    let set = builtin();
    let mut input = fixture("public_mart_customers");
    input.dataset.tier = Some("gold".into());
    input.dataset.owners.clear();
    input.dataset.retention = None;
    let findings = set.evaluate(&input).expect("evaluates");
    let order: Vec<(Severity, &str)> = findings
        .iter()
        .map(|f| (f.severity, f.policy.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            (Severity::Deny, "gold_documented"),
            (Severity::Deny, "gold_documented"),
            (Severity::Deny, "pii_public"),
            (Severity::Deny, "pii_retention"),
            (Severity::Warn, "pii_public"),
            (Severity::Warn, "unowned"),
        ]
    );
}

#[test]
fn the_fingerprint_follows_the_parameters() {
    let a = builtin().fingerprint();
    assert_eq!(a, builtin().fingerprint());
    assert_ne!(a, with_params(json!({"unowned_days": 31})).fingerprint());
    assert_eq!(
        a,
        with_params(json!({"unowned_days": 30})).fingerprint(),
        "the default, written out"
    );
}
