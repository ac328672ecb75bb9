# unowned: a dataset should not stay without an owner.
#
# Checks: a dataset with no owner `unowned_days` or more after the catalog first saw it
# (`created_at`, measured to the evaluation time `now`) gets a warning. A dataset with no
# `created_at` is not judged.
#
# Parameters (`[policy.params]` in weft.toml, read as data.weft.config):
#   unowned_days   days a dataset may stay without an owner (30)
#
# Override: write a module with `package weft.policies.unowned` in `[policy] dir`; it
# replaces this file.
package weft.policies.unowned

import data.weft.lib
import rego.v1

day_ns := ((24 * 60) * 60) * 1000000000

warn contains msg if {
	count(input.dataset.owners) == 0
	is_string(input.dataset.created_at)
	age_ns := time.parse_rfc3339_ns(input.now) - time.parse_rfc3339_ns(input.dataset.created_at)
	days := floor(age_ns / day_ns)
	days >= data.weft.config.unowned_days
	# The message names the limit, not the age: a finding keeps its message while it
	# stands, or it would clear and open again every day.
	msg := sprintf("%s has had no owner for %d days or more since the catalog first saw it (first seen %s)", [
		lib.dataset_id, data.weft.config.unowned_days, input.dataset.created_at,
	])
}
