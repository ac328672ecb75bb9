# pii_retention: a dataset holding personal data needs a retention.
#
# Checks: a dataset with a raw personal-data tag (pii.*, proposed or confirmed; not
# pseudonymised.pii.*) on any column is denied when its retention is unset. The value
# `none` (kept forever) is an explicit decision and satisfies the policy; so does any
# duration (P30D, P1Y). The finding lists the columns concerned.
#
# Parameters: none.
#
# Override: write a module with `package weft.policies.pii_retention` in `[policy] dir`;
# it replaces this file.
package weft.policies.pii_retention

import data.weft.lib
import rego.v1

deny contains msg if {
	count(lib.raw_pii) > 0
	not lib.has_text(input.dataset.retention)
	columns := sort({sprintf("%s (%s)", [item.column, item.tag.key]) | some item in lib.raw_pii})
	msg := sprintf("%s holds personal data in %s but has no retention: set a duration (P1Y) or none (kept forever)", [
		lib.dataset_id, concat(", ", columns),
	])
}
