//! Who owns a dataset: the one rule every read of owners follows.
//!
//! Owners set by hand (a `catalog.edit`, kept in `curations`) replace what producers
//! state in their ownership facets (kept in `owners`); they are not merged, so removing
//! a producer's stale owner by hand sticks. Reading a dataset's owners and filtering
//! datasets by owner both go through this module, so the two can never disagree.

use crate::bulk::Val;
use crate::edits::Curated;
use crate::lookup::OwnerRef;

/// The owners set by hand on a dataset, when someone set them: these replace the
/// producer's.
pub(crate) fn curated_owners(curated: &Curated) -> Option<Vec<OwnerRef>> {
    curated.owners().map(|list| {
        list.into_iter()
            .map(|o| OwnerRef {
                name: o.name,
                owner_type: o.owner_type,
            })
            .collect()
    })
}

/// A predicate on dataset `d` (joined as `d`) true when `who` owns it under the same
/// rule as [`curated_owners`]: among the curated owners when set, else among the
/// producer's. `who` matches an owner's name, or its part after the `type:` prefix
/// (`alice` owns as `user:alice`), case-insensitively, as [`crate::lookup::is_owner`]
/// does. Returns the SQL and its binds, in order.
pub(crate) fn owned_by(who: &str) -> (&'static str, Vec<Val>) {
    let who = who.trim().to_lowercase();
    let json_name = serde_json::to_string(&who).unwrap_or_default();
    (
        " AND (EXISTS (SELECT 1 FROM curations c WHERE c.dataset_id = d.id AND c.column_name = '' \
           AND c.field = 'owners' AND (LOWER(c.value) LIKE ? OR LOWER(c.value) LIKE ?)) \
         OR (NOT EXISTS (SELECT 1 FROM curations c WHERE c.dataset_id = d.id AND c.column_name = '' \
           AND c.field = 'owners') AND EXISTS (SELECT 1 FROM owners o WHERE o.entity_type = 'dataset' \
           AND o.entity_id = d.id AND (LOWER(o.name) = ? OR LOWER(o.name) LIKE ?))))",
        vec![
            format!("%\"name\":{json_name}%").into(),
            format!("%\"name\":\"%:{}\"%", who.replace('"', "")).into(),
            who.as_str().into(),
            format!("%:{who}").into(),
        ],
    )
}
