# gold_documented: a gold dataset needs an owner and a description.
#
# Checks: a dataset whose tier is "gold" is denied when it has no owner, and denied when
# its description is missing or blank (one finding each).
#
# Parameters: none.
#
# Override: write a module with `package weft.policies.gold_documented` in `[policy] dir`;
# it replaces this file.
package weft.policies.gold_documented

import data.weft.lib
import rego.v1

gold if input.dataset.tier == "gold"

deny contains msg if {
	gold
	count(input.dataset.owners) == 0
	msg := sprintf("gold dataset %s has no owner", [lib.dataset_id])
}

deny contains msg if {
	gold
	not lib.has_text(input.dataset.description)
	msg := sprintf("gold dataset %s has no description", [lib.dataset_id])
}
