#!/usr/bin/env bash
# Web UI benchmark, in Chromium against a release `weft serve` (not a timed test):
#   1. the 100,000-dataset search catalog of bench/search-http.sh (weft-loadgen
#      --write-datasets), plus bench/web_ui.mjs's data: one dataset of 300 columns and a
#      lineage neighbourhood of 500 datasets / 1,500 edges; loaded with `weft ingest`,
#      the index rebuilt with `weft reindex`;
#   2. `weft serve` (the UI embedded from web/dist), waited on until the graph is loaded;
#   3. bench/web_ui.mjs run: initial JavaScript gzipped (target <= 250 kB), keystroke ->
#      rendered results p50/p95 over 50 queries (p95 < 200 ms), the dataset page with all
#      300 columns in the DOM (< 500 ms), the lineage explorer laid out and interactive
#      at 500/1,500 (< 1.5 s), expanding one node's "+N more" (< 300 ms).
#
# Usage: bench/web-ui.sh [--no-build] [DATASETS]
# Needs web/node_modules (npm ci in web/) and Chromium (/usr/bin/chromium or
# WEFT_CHROMIUM). WEFT_BIN / WEFT_LOADGEN use other binaries (no build then).
# Results: printed, and JSON in bench/results/web-ui-<time>.json.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
if [[ "${1:-}" == --no-build ]]; then build=0; shift; fi
datasets="${1:-100000}"
target="${CARGO_TARGET_DIR:-target}"
work="$(mktemp -d)"
server=""
cleanup() {
    [[ -z "$server" ]] || kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

[[ -f web/node_modules/playwright-core/package.json ]] || { echo "web/node_modules missing: (cd web && npm ci)" >&2; exit 1; }
[[ -x "${WEFT_CHROMIUM:-/usr/bin/chromium}" ]] || { echo "no Chromium: apt-get install chromium, or set WEFT_CHROMIUM" >&2; exit 1; }
if [[ $build == 1 && -z "${WEFT_BIN:-}" ]]; then
    nice -n 10 cargo build --release -p weft-catalog-server --bin weft
    nice -n 10 cargo build --release -p weft-loadgen
fi
weft="${WEFT_BIN:-$target/release/weft}"
loadgen="${WEFT_LOADGEN:-$target/release/weft-loadgen}"
data="$work/data"

echo "machine: $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GB; revision $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- web/dist || echo ' (web/dist modified)')"
echo "browser: $("${WEFT_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | head -n 1)"
"$loadgen" --write-datasets "$work/datasets.ndjson" --datasets "$datasets"
node bench/web_ui.mjs write-data "$work/web-ui.ndjson"
echo "== weft ingest ($datasets datasets + the web UI's data)"
/usr/bin/time -f "   %e s wall, %M KB peak" "$weft" --data-dir "$data" --sqlite-synchronous NORMAL \
    ingest "$work/datasets.ndjson" "$work/web-ui.ndjson"
echo "== weft reindex"
/usr/bin/time -f "   %e s wall, %M KB peak" "$weft" --data-dir "$data" reindex

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn "$weft" --data-dir "$data" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
url="http://127.0.0.1:$port"
focus="dataset:postgres://bench-ui:5432:bench_ui.lineage.focus"
for _ in $(seq 1200); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --get --data-urlencode "nodeId=$focus" "$url/api/v1/graph/downstream" || true)
    [[ "$code" == 200 ]] && break
    sleep 0.25
done
[[ "$code" == 200 ]] || { cat "$work/serve.log" >&2; echo "the server never loaded the graph" >&2; exit 1; }
# The search index follows the log; wait until the wide table is findable.
for _ in $(seq 600); do
    curl -fsS "$url/api/v1/search?q=customer_360&limit=1" 2>/dev/null | grep -q customer_360 && break
    sleep 0.2
done
awk '/VmRSS/ {printf "   server RSS after start: %d MB\n", $2 / 1024}' "/proc/$server/status"

mkdir -p bench/results
out="bench/results/web-ui-$(date -u +%Y%m%dT%H%M%SZ).json"
echo "== the UI in Chromium"
node bench/web_ui.mjs run --url "$url" --json "$out"
echo "   (JSON: $out)"
