#!/usr/bin/env bash
# GraphQL latency benchmark, end to end, on the embedded store (SQLite):
#   1. writes a catalog with weft-loadgen --write-catalog: 5,000 datasets of 30 columns
#      (owners in ownership facets, dataset tags and tiers, `pii` tags declared on some
#      columns) and 3,000 jobs over them with columnLineage, 3 runs each;
#   2. loads it into a fresh data directory with `weft ingest` (timed);
#   3. starts `weft serve`, waits for the lineage graph, shows one dataset page's cost
#      (extensions.sqlStatements) and warms up;
#   4. sends the dataset-page query (dataset, 30 columns with tags, owners, one level of
#      lineage each way) over random datasets at a fixed 300 queries/s, open loop, for
#      30 s (latency from each query's scheduled time; target p99 < 20 ms);
#   5. then closed loop with 32 clients for 20 s: the highest throughput;
#   6. reports the server's peak RSS (VmHWM) and CPU time, and appends every result to
#      bench/results/graphql-<date>.jsonl.
#
# Usage: bench/graphql-http.sh [--no-build]
# Env:   WEFT_BENCH_DATASETS (5000), WEFT_BENCH_JOBS (3000), WEFT_BENCH_RUNS_PER_JOB (3),
#        WEFT_BENCH_RATE (300), WEFT_BENCH_OPEN_SECONDS (30), WEFT_BENCH_CLIENTS (32),
#        WEFT_BENCH_CLOSED_SECONDS (20), WEFT_BENCH_WARMUP (queries, 3000),
#        WEFT_BENCH_SERVER_ARGS (extra `weft serve` arguments, word-split),
#        WEFT_BENCH_WEFT (the weft binary; default the release build),
#        WEFT_BENCH_TMPDIR (where the data directory goes; default $TMPDIR or /tmp),
#        WEFT_BENCH_PERF (when set: a file to write `perf record -F 299 -g` of the server
#        to, during the open-loop phase), CARGO_TARGET_DIR,
#        WEFT_BENCH_WAIT_FILE (when set: wait while that file exists, and create it while
#        measuring, to keep benchmarks on one machine apart).
# Other WEFT_* variables are cleared for the server; RUST_LOG defaults to warn.
set -euo pipefail

case "${1:-}" in -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
build=1
if [[ "${1:-}" == --no-build ]]; then build=0; shift; fi

datasets=${WEFT_BENCH_DATASETS:-5000}
jobs=${WEFT_BENCH_JOBS:-3000}
runs=${WEFT_BENCH_RUNS_PER_JOB:-3}
rate=${WEFT_BENCH_RATE:-300}
open_s=${WEFT_BENCH_OPEN_SECONDS:-30}
clients=${WEFT_BENCH_CLIENTS:-32}
closed_s=${WEFT_BENCH_CLOSED_SECONDS:-20}
warmup=${WEFT_BENCH_WARMUP:-3000}
perf_out=${WEFT_BENCH_PERF:-}
quiet_file=${WEFT_BENCH_WAIT_FILE:-}

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
weft=${WEFT_BENCH_WEFT:-"$target/release/weft"}
loadgen="$target/release/weft-loadgen"
work="$(mktemp -d "${WEFT_BENCH_TMPDIR:-${TMPDIR:-/tmp}}/weft-gql-bench.XXXXXX")"
server=""
marked=""
cleanup() {
    if [[ -n "$server" ]]; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    if [[ -n "$marked" ]]; then rm -f "$quiet_file"; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
quiet() { [[ -z "$quiet_file" ]] || while [[ -e "$quiet_file" ]]; do sleep 10; done; }

if [[ $build == 1 ]]; then
    nice -n 10 cargo build --release -p weft-catalog-server --bin weft
    nice -n 10 cargo build --release -p weft-loadgen
fi
[[ -x "$weft" && -x "$loadgen" ]] || { echo "graphql-http.sh: missing $weft or $loadgen (build first)" >&2; exit 2; }

cpu_model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)
git_rev=$(git rev-parse --short HEAD 2>/dev/null || echo none)
if [[ -n "$(git status --porcelain 2>/dev/null || true)" ]]; then git_rev="$git_rev-dirty"; fi
echo "machine: $(nproc) CPUs ($cpu_model), $(free -g | awk '/Mem:/ {print $2}') GB; data dir on $(stat -f -c %T "$work"); weft $git_rev"

data="$work/data"
echo "== catalog: $datasets datasets x 30 columns, $jobs jobs x $runs runs"
"$loadgen" --write-catalog "$work/catalog.ndjson" --datasets "$datasets" --jobs "$jobs" --runs-per-job "$runs"
echo "   $(du -h "$work/catalog.ndjson" | cut -f1) of NDJSON, $(wc -l <"$work/catalog.ndjson") events"
echo "== weft ingest"
/usr/bin/time -f "   %e s wall, %M KB peak" "$weft" --data-dir "$data" --sqlite-synchronous NORMAL \
    ingest "$work/catalog.ndjson" >"$work/ingest.log" 2>&1 || { tail -n 20 "$work/ingest.log" >&2; exit 1; }
tail -n 1 "$work/ingest.log"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
# shellcheck disable=SC2206 # word splitting is the documented contract
extra_server_args=(${WEFT_BENCH_SERVER_ARGS:-})
(
    cd "$work"
    while read -r var; do unset "$var"; done < <(compgen -e | grep '^WEFT_' | grep -v '^WEFT_BENCH_' || true)
    RUST_LOG=${RUST_LOG:-warn} exec "$weft" --data-dir "$data" serve --listen "127.0.0.1:$port" "${extra_server_args[@]}"
) >"$work/serve.log" 2>&1 &
server=$!

# One dataset page, as the benchmark asks for it (the first dataset of the catalog).
first=$("$loadgen" --graphql --print-sample --datasets "$datasets")
page() { curl -sS -H 'Content-Type: application/json' --data-binary "$first" "$url/graphql"; }
ready=0
for _ in $(seq 1200); do
    kill -0 "$server" 2>/dev/null || break
    # 503 (and a GraphQL error) while the lineage graph loads.
    if body=$(page 2>/dev/null) && [[ "$body" == *'"data":{"dataset":{'* && "$body" != *'"errors"'* ]]; then
        ready=1
        break
    fi
    sleep 0.2
done
if [[ $ready != 1 ]]; then
    echo "graphql-http.sh: server not ready; last log lines and answer:" >&2
    tail -n 20 "$work/serve.log" >&2 || true
    page >&2 || true
    exit 1
fi
rss() { awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2 / 1024}' "/proc/$server/status"; echo; }
echo "   server after start: $(rss)"
python3 - "$body" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
d = r["data"]["dataset"]
print(f"   one page: {len(sys.argv[1]):,} bytes, {r['extensions']['sqlStatements']} SQL statements; "
      f"{d['columns']['totalCount']} columns, "
      f"{sum(len(e['node']['tags']) for e in d['columns']['edges'])} column tags, "
      f"{len(d['owners'])} owners, {len(d['upstream']['edges'])} upstream and "
      f"{len(d['downstream']['edges'])} downstream edges")
PY

mkdir -p "$root/bench/results"
results="$root/bench/results/graphql-$(date -u +%F).jsonl"
run() { # name, loadgen args...
    local name=$1
    shift
    "$loadgen" --url "$url" --graphql --datasets "$datasets" --json "$@" >"$work/$name.json"
    printf '{"bench":"graphql-http","phase":"%s","git_rev":"%s","nproc":%s,"cpu_model":"%s","datasets":%s,"jobs":%s,"runs_per_job":%s,"loadgen":%s}\n' \
        "$name" "$git_rev" "$(nproc)" "$cpu_model" "$datasets" "$jobs" "$runs" "$(cat "$work/$name.json")" >>"$results"
}

quiet
if [[ -n "$quiet_file" ]]; then touch "$quiet_file" && marked=1; fi
while pgrep -x rustc >/dev/null; do sleep 5; done
echo "== warm-up: $warmup queries, $clients clients"
"$loadgen" --url "$url" --graphql --datasets "$datasets" --concurrency "$clients" --queries "$warmup" >/dev/null
cpu0=$(sed 's/.*) //' "/proc/$server/stat" | awk '{print $12 + $13}')

echo "== open loop at $rate queries/s for $open_s s"
perf_pid=""
if [[ -n "$perf_out" ]]; then
    perf record -F 299 -g -p "$server" -o "$perf_out" -- sleep "$open_s" >"$work/perf.log" 2>&1 &
    perf_pid=$!
fi
run open --rate "$rate" --duration "$open_s"
if [[ -n "$perf_pid" ]]; then wait "$perf_pid" || true; echo "   perf data in $perf_out"; fi
echo "   server: $(rss)"

echo "== closed loop, $clients clients for $closed_s s"
run closed --concurrency "$clients" --duration "$closed_s"
echo "   server: $(rss)"
cpu1=$(sed 's/.*) //' "/proc/$server/stat" | awk '{print $12 + $13}')
if [[ -n "$marked" ]]; then rm -f "$quiet_file"; marked=""; fi

hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$server/status")
python3 - "$work/open.json" "$work/closed.json" "$hwm_kb" "$(( (cpu1 - cpu0) * 1000 / $(getconf CLK_TCK) ))" "$rate" "$results" <<'PY'
import json, sys
op, cl = (json.load(open(p)) for p in sys.argv[1:3])
hwm_mb, cpu_ms, rate, results = int(sys.argv[3]) / 1024, int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
lat = lambda r: " / ".join(f"{r['latency_ms'][k]:.1f}" for k in ("p50", "p90", "p99", "max"))
n = op["ok"] + cl["ok"]
print("| phase | queries | errors | q/s | p50 / p90 / p99 / max ms | SQL/query |")
print("|---|---|---|---|---|---|")
for name, r in (("open loop", op), ("closed loop", cl)):
    errs = sum(r["errors"].values())
    print(f"| {name} | {r['queries']:,} | {errs} | {r['queries_per_s']:,.0f} | {lat(r)} | {r['sql_statements_mean']} |")
ok = op["latency_ms"]["p99"] < 20 and not op["errors"]
print(f"p99 at {rate:g} q/s: {op['latency_ms']['p99']:.1f} ms (target < 20 ms: {'met' if ok else 'MISSED'}); "
      f"closed-loop throughput {cl['queries_per_s']:,.0f} q/s; server peak RSS {hwm_mb:.0f} MB; "
      f"server CPU {cpu_ms / max(n, 1) * 1000:.0f} µs per query over both phases")
with open(results, "a") as f:
    f.write(json.dumps({"bench": "graphql-http", "phase": "summary", "server_peak_rss_mb": round(hwm_mb),
                        "server_cpu_us_per_query": round(cpu_ms / max(n, 1) * 1000),
                        "target_met": ok}) + "\n")
PY
echo "results appended to ${results#"$root"/}"
