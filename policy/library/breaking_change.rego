# breaking_change: a pull request must not break a column someone reads.
#
# Checks (`weft check` only: needs `input.change`): a column the change removes, renames
# or retypes while a downstream column reads it. Deny when one of its consumers is a gold
# dataset, warn otherwise. The finding names the column and the change and lists every
# consumer ("namespace/name.column") with its tier and owners, so the author knows whom to
# tell.
#
# Parameters: none.
#
# Override: write a module with `package weft.policies.breaking_change` in `[policy] dir`;
# it replaces this file.
package weft.policies.breaking_change

import data.weft.lib
import rego.v1

changes contains {"column": c.column, "what": "removed", "consumers": c.consumers} if {
	some c in input.change.removed_columns
}

changes contains {"column": c.column, "what": sprintf("renamed to %s", [text(c.new_name)]), "consumers": c.consumers} if {
	some c in input.change.renamed_columns
}

changes contains {
	"column": c.column,
	"what": sprintf("retyped from %s to %s", [text(c.old_type), text(c.new_type)]),
	"consumers": c.consumers,
} if {
	some c in input.change.type_changes
}

deny contains finding(change) if {
	some change in changes
	read_by_gold(change)
}

warn contains finding(change) if {
	some change in changes
	count(change.consumers) > 0
	not read_by_gold(change)
}

read_by_gold(change) if {
	some consumer in change.consumers
	consumer.tier == "gold"
}

finding(change) := {
	"msg": sprintf("column %s is %s but is read by %s", [
		lib.column_id(change.column), change.what, concat("; ", sort([consumer_text(c) | some c in change.consumers])),
	]),
	"column": change.column,
}

consumer_text(c) := sprintf("%s.%s (%s, owners: %s)", [c.dataset, c.column, c.tier, lib.owners_text(c.owners)]) if {
	is_string(c.tier)
} else := sprintf("%s.%s (owners: %s)", [c.dataset, c.column, lib.owners_text(c.owners)])

text(value) := value if is_string(value)

else := "?"
