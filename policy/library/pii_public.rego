# pii_public: personal data must not reach a public dataset.
#
# Checks: a dataset whose classification is one of `restricted_classes` must hold no
# column tagged with personal data. A raw tag (pii.*), proposed or confirmed, is a deny.
# A pseudonymised tag (pseudonymised.pii.*) is what `pseudonymised_pii_to_public` says:
# "allow" (nothing), "warn" or "deny". Each finding names the column and the tag and, for
# a tag that arrived through lineage, carries the path it came along (`path`, and in the
# message "shop/raw.customers.email -> ... -> shop/mart.customers.email").
#
# Parameters (`[policy.params]` in weft.toml, read as data.weft.config):
#   restricted_classes          classifications personal data must not reach (["public"])
#   pseudonymised_pii_to_public "allow" | "warn" | "deny" ("warn")
#
# Override: write a module with `package weft.policies.pii_public` in `[policy] dir`; it
# replaces this file.
package weft.policies.pii_public

import data.weft.lib
import rego.v1

restricted if input.dataset.classification in data.weft.config.restricted_classes

deny contains finding if {
	restricted
	some item in lib.raw_pii
	finding := pii_finding(item.column, item.tag)
}

deny contains finding if {
	restricted
	data.weft.config.pseudonymised_pii_to_public == "deny"
	some item in pseudonymised
	finding := pii_finding(item.column, item.tag)
}

warn contains finding if {
	restricted
	data.weft.config.pseudonymised_pii_to_public == "warn"
	some item in pseudonymised
	finding := pii_finding(item.column, item.tag)
}

pseudonymised contains {"column": column.name, "tag": tag} if {
	some column in input.dataset.columns
	some tag in column.tags
	tag.pii
	tag.pseudonymised
}

pii_finding(column, tag) := {
	"msg": sprintf("%s is %s but column %s holds personal data (%s, %s)%s", [
		lib.dataset_id, input.dataset.classification, column, tag.key, tag.status, origin(tag, column),
	]),
	"column": column,
	"path": tag.path,
}

origin(tag, column) := sprintf(" flowing along %s", [lib.path_text(tag.path, column)]) if {
	count(tag.path) > 0
} else := ""
