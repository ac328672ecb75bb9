# weft.lib: helpers shared by the built-in policies; user policies may import them too
# (`import data.weft.lib`).
#
# Checks nothing itself (it defines no `deny` or `warn`), so it stays loaded when
# `[policy] builtin = false` turns the built-in policies off. Add your own helpers under
# another package (`weft.lib.yours`): a module whose package is `weft.lib` replaces this one.
package weft.lib

import rego.v1

# "namespace/name" of the dataset under evaluation, the form hops and consumers use.
dataset_id := sprintf("%s/%s", [input.dataset.namespace, input.dataset.name])

# "namespace/name.column" of a column of the dataset under evaluation.
column_id(column) := sprintf("%s.%s", [dataset_id, column])

# A lineage path as text, upstream first and ending at `column` of this dataset:
# "shop/raw.customers.email -> shop/stg.customers.email -> shop/mart.customers.email".
# The path normally ends at the column itself; if it does not, the column is appended.
path_text(path, column) := concat(" -> ", hops) if {
	hops := [sprintf("%s.%s", [hop.dataset, hop.column]) | some hop in path]
	count(hops) > 0
	hops[count(hops) - 1] == column_id(column)
} else := concat(" -> ", array.concat([sprintf("%s.%s", [hop.dataset, hop.column]) | some hop in path], [column_id(column)]))

# A value that is a non-blank string.
has_text(value) if {
	is_string(value)
	trim_space(value) != ""
}

# Owners as text: "alice, data-team", or "no owner".
owners_text(owners) := concat(", ", sort([owner.name | some owner in owners])) if {
	count(owners) > 0
} else := "no owner"

# Raw personal-data tags (pii.*, not pseudonymised), proposed or confirmed, of this dataset.
raw_pii contains {"column": column.name, "tag": tag} if {
	some column in input.dataset.columns
	some tag in column.tags
	tag.pii
	not tag.pseudonymised
}
