#!/usr/bin/env bash
# Seeds a running `weft serve` with the warehouse fixture the browser tests use
# (tests/fixtures/warehouse/; what it holds: web/e2e/README.md), then waits until search
# and the lineage graph show it:
#
#   scripts/seed-warehouse.sh URL [TOKEN] [--data-dir DIR | --database-url URL] [--now ISO]
#
# TOKEN (or WEFT_TOKEN) needs the `write` scope when the server has authentication on.
# The query log (usage figures) is loaded into the server's store with `weft crawl`, so
# it needs the store: --data-dir DIR (default: WEFT_DATA_DIR, else ./weft-data when it
# exists, which is where `weft serve` keeps it by default) or --database-url. The weft
# binary is WEFT_BIN, else the newer of target/{release,debug}/weft. Needs Node.js 18+
# (no packages). Seeding a server again is harmless: the same runs with newer times, and
# the query log counts once.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

[[ $# -ge 1 && "$1" != -* ]] || { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
command -v node >/dev/null || { echo "seed-warehouse.sh: needs Node.js 18+ (node on PATH)" >&2; exit 1; }

args=("$@")
has_store=0
for a in "$@"; do
    [[ "$a" == --data-dir || "$a" == --database-url ]] && has_store=1
done
if [[ $has_store == 0 ]]; then
    if [[ -n "${WEFT_DATA_DIR:-}" ]]; then
        args+=(--data-dir "$WEFT_DATA_DIR")
    elif [[ -d weft-data ]]; then
        args+=(--data-dir "$PWD/weft-data")
    fi
fi
exec node "$root/tests/fixtures/warehouse/seed.mjs" "${args[@]}"
