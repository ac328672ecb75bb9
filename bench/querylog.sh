#!/usr/bin/env bash
# Query-log crawler throughput: 100,000 queries that are all distinct statement shapes,
# and 100,000 queries from about 2,000 shapes with different literals, each read through
# read_log + Processor by ingest/examples/querylog_bench.rs (release) under
# /usr/bin/time -v. Targets: >= 2,000 queries/s distinct, >= 20,000 queries/s recurring.
#
# Usage: bench/querylog.sh [N]   (default N = 100000)
# Env:   CARGO_TARGET_DIR, WEFT_BENCH_WAIT_FILE (when set: wait while that file
#        exists, and create it while measuring, to keep benchmarks on one machine apart).
set -euo pipefail

case "${1:-}" in -h|--help) sed -n '2,9p' "$0"; exit 0 ;; esac
n="${1:-100000}"
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

echo "== building (not timed; several minutes on a small machine)" >&2
cd "$root"
nice -n 10 cargo build --release --example querylog_bench -p weft-ingest >&2
nice -n 10 cargo build --release -p weft-catalog-server --bin weft >&2
exe="${CARGO_TARGET_DIR:-$root/target}/release/examples/querylog_bench"
weft="${CARGO_TARGET_DIR:-$root/target}/release/weft"

echo "== generating $n queries each" >&2
python3 bench/querylog-gen.py distinct "$n" "$work/distinct.jsonl"
python3 bench/querylog-gen.py recurring "$n" "$work/recurring.jsonl"

quiet
if [ -n "$quiet_file" ]; then touch "$quiet_file" && marked=1; fi
for log in distinct recurring; do
    echo "== $log" >&2
    /usr/bin/time -v -o "$work/$log.time" "$exe" "$work/$log.jsonl" jsonl postgres \
        | tee "$work/$log.out" | grep -v '^WEFT_QLOG'
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\)/\1/p' "$work/$log.time")
    echo "   peak RSS $((rss / 1024)) MB"
done
# End to end: `weft crawl --query-log` into a fresh embedded store (read, dedupe
# against the store, analyse, write usage and jobs, catch up the lineage view).
for log in distinct recurring; do
    echo "== weft crawl --query-log ($log) into a fresh SQLite store" >&2
    /usr/bin/time -v -o "$work/$log.e2e.time" "$weft" --data-dir "$work/store-$log" \
        crawl --query-log "$work/$log.jsonl" --format jsonl --dialect postgres \
        --namespace postgres://bench:5432 --database bench --schema public >&2
    secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \(.*\)/\1/p' "$work/$log.e2e.time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\)/\1/p' "$work/$log.e2e.time")
    echo "   end to end: $secs wall, peak RSS $((rss / 1024)) MB"
done
if [ -n "$marked" ]; then rm -f "$quiet_file"; marked=""; fi

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
print("| log | records | shapes | seconds | queries/s | target | |\n|---|---|---|---|---|---|---|")
for log, target in (("distinct", 2000), ("recurring", 20000)):
    line = next(l for l in open(f"{work}/{log}.out") if l.startswith("WEFT_QLOG "))
    r = json.loads(line[len("WEFT_QLOG "):])
    ok = "met" if r["qps"] >= target else "MISSED"
    print(f"| {log} | {r['records']:,} | {r['shapes']:,} | {r['seconds']:.2f} | {r['qps']:,.0f} | >= {target:,} | {ok} |")
PY
