#!/usr/bin/env bash
# Checks that the committed bundle is what the sources build: runs the steps of
# `npm run build` in web/ with their output sent to a temporary directory (GraphQL
# codegen into tmp/gql, typecheck, `vite build --outDir tmp/dist`) and compares the
# results with web/src/gql and web/dist. Nothing in web/ is written.
#
#   web/scripts/check-dist.sh        (needs web/node_modules: npm ci in web/)
#
# Exit status 1, naming the differing files, when they differ. This relies on Vite's
# output being deterministic: the same sources give the same bytes, whatever the
# output directory and wherever the checkout is (chunk hashes depend on paths relative
# to web/, so web/node_modules must be web/'s own, as npm ci makes it).
set -euo pipefail
web="$(cd "$(dirname "$0")/.." && pwd)"
say() { echo "check-dist: $*" >&2; }

[[ -d "$web/node_modules" ]] || { say "web/node_modules is missing: npm ci in web/"; exit 2; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/weft-web-check.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
cd "$web"

# web/codegen.ts with its one output moved to the temp directory.
cat >"$tmp/codegen.check.ts" <<TS
import base from "$web/codegen.ts";
const out = base.generates as Record<string, unknown>;
export default { ...base, generates: { "$tmp/gql/": out["src/gql/"] } };
TS
run() { # label command...
    if ! "${@:2}" >"$tmp/step.log" 2>&1; then
        cat "$tmp/step.log" >&2
        say "$1 failed on the sources in web/ (above)"
        exit 1
    fi
}
run "GraphQL codegen" npx --no-install graphql-codegen --config "$tmp/codegen.check.ts"
run "the typecheck (tsc)" npx --no-install tsc --noEmit -p tsconfig.json
run "vite build" npx --no-install vite build --outDir "$tmp/dist" --emptyOutDir

status=0
compare() { # committed rebuilt label
    local out
    if ! out=$(diff -rq "$1" "$2" 2>&1); then
        say "$3 differs from what the sources build:"
        sed -e "s|$tmp/|rebuilt |g" -e "s|$web/|web/|g" <<<"$out" | sed 's/^/  /' >&2
        status=1
    fi
}
compare "$web/src/gql" "$tmp/gql" "web/src/gql (GraphQL codegen)"
compare "$web/dist" "$tmp/dist" "web/dist (the bundle embedded in weft)"
[[ $status -eq 0 ]] || say "run npm run build in web/ and commit web/dist (and web/src/gql)"
exit $status
