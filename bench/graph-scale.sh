#!/usr/bin/env bash
# The lineage graph at scale (1,000,000 columns, 3,000,000 column edges): full PII
# propagation, single-edge incremental updates, a depth-10 downstream traversal and the
# peak RSS of the process holding the graph, against the lineage issue's targets.
#
# Builds lineage/benches/graph_scale.rs (release), waits while someone else measures,
# marks the machine busy, waits for running compilers to finish, runs the bench under
# /usr/bin/time -v, then prints a table and appends the JSON to
# bench/results/graph-<date>.jsonl.
#
# Usage: bench/graph-scale.sh [--seed N] [--updates N] [--walks N]
# Env:   CARGO_TARGET_DIR, WEFT_BENCH_WAIT_FILE (when set: wait while that file
#        exists, and create it while measuring, to keep benchmarks on one machine apart).
set -euo pipefail

case "${1:-}" in -h|--help) sed -n '2,13p' "$0"; exit 0 ;; esac

root="$(cd "$(dirname "$0")/.." && pwd)"
quiet_file="${WEFT_BENCH_WAIT_FILE:-}"
work="$(mktemp -d)"
marked=""
cleanup() {
    if [ -n "$marked" ]; then rm -f "$quiet_file"; fi
    rm -rf "$work"
}
trap cleanup EXIT
quiet() { [ -z "$quiet_file" ] || while [ -e "$quiet_file" ]; do sleep 10; done; }

echo "== building (not timed)" >&2
cd "$root"
quiet
exe="$(nice -n 10 cargo bench -p weft-lineage --bench graph_scale --no-run 2>&1 \
    | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -n 1)"
if [ -z "$exe" ]; then
    echo "could not build the graph_scale bench" >&2
    exit 1
fi
case "$exe" in /*) ;; *) exe="$root/$exe" ;; esac

quiet
if [ -n "$quiet_file" ]; then touch "$quiet_file" && marked=1; fi
while pgrep -x rustc > /dev/null; do sleep 5; done
echo "== measuring" >&2
/usr/bin/time -v -o "$work/time" "$exe" "$@" > "$work/out"
if [ -n "$marked" ]; then rm -f "$quiet_file"; marked=""; fi

mkdir -p "$root/bench/results"
python3 - "$work/out" "$work/time" "$root/bench/results/graph-$(date +%F).jsonl" <<'PY'
import json, re, sys
out, timef, results = sys.argv[1:4]
line = next(l for l in open(out) if l.startswith("WEFT_GRAPH "))
r = json.loads(line[len("WEFT_GRAPH "):])
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(timef).read()).group(1))
r["time_v_peak_rss_mb"] = round(rss_kb / 1024)
rows = [
    ("full propagation (median of 3)", r["full_ms_median"], "ms", 5000),
    ("single-edge update p99", r["update_p99_ms"], "ms", 10),
    ("downstream depth 10 (max of walks)", r["walk_max_ms"], "ms", 50),
    ("peak RSS (/usr/bin/time -v)", r["time_v_peak_rss_mb"], "MB", 1536),
]
print(f"graph: {r['columns']:,} columns, {r['column_edges']:,} column edges "
      f"({r['edges']:,} edges in all), {r['tagged_pairs']:,} tagged (column, tag) pairs")
print("| measure | value | target | |\n|---|---|---|---|")
for name, value, unit, target in rows:
    print(f"| {name} | {value:g} {unit} | < {target:g} {unit} | {'met' if value < target else 'MISSED'} |")
print(f"(also: build {r['build_ms']:.0f} ms, update p50 {r['update_p50_ms']:g} ms, "
      f"retraction p99 {r['retract_p99_ms']:g} ms, rejection max {r['reject_max_ms']:g} ms, "
      f"walk p50 {r['walk_p50_ms']:g} ms over up to {r['walk_nodes_max']:,} nodes; "
      f"incremental = full: {r['incremental_equals_full'] and r['removals_equal_full']})")
with open(results, "a") as f:
    f.write(json.dumps(r) + "\n")
PY
