#!/usr/bin/env bash
# SQL-lineage speed on the 99 TPC-DS queries: Weft against its peers, in one run.
#
# Installs the peers from PyPI at pinned versions into bench/.venv-lineage (once),
# builds Weft's in-process bench and the `weft` binary (release), then times, one
# after the other on the same machine and corpus:
#   - each peer's column lineage (bench/lineage_speed.py),
#   - Weft in process: sqlparser parsing alone and full analysis, alternating
#     (lineage/benches/tpcds_speed.rs), so analysis cost / parse cost is measured,
#   - `weft lineage` over all 99 queries as one script, with its peak RSS.
# Prints a Markdown table and appends the rows to bench/results/lineage-<date>.jsonl.
#
# Usage: bench/lineage-speed.sh [--seconds N]   (time budget per tool, default 5)
# Env:   PYTHON (default python3), WEFT_SHARED_DIR (default ../shared),
#        CARGO_TARGET_DIR, WEFT_BENCH_WAIT_FILE / WEFT_BENCH_MARK_FILE (below).
set -euo pipefail

seconds=5
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${WEFT_SHARED_DIR:-$root/../shared}"
corpus="$shared/corpus/tpcds"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$root/bench/.venv-lineage"
python="${PYTHON:-python3}"

# Peers, pinned. sqllineage-rs installs a module named `sqllineage` too, so it goes
# into a directory of its own and runs in its own interpreter.
pins=(sqlglot==30.30.0 sqllineage==1.5.9 openlineage-sql==1.54.0)
rs_pin=sqllineage-rs==0.2.0

# On a shared machine: wait while someone else measures, and tell others while we do.
# Both are off unless set.
wait_file="${WEFT_BENCH_WAIT_FILE:-}"
mark_file="${WEFT_BENCH_MARK_FILE:-}"
quiet() { [ -z "$wait_file" ] || while [ -e "$wait_file" ]; do sleep 10; done; }
cleanup() { [ -z "$mark_file" ] || rm -f "$mark_file" 2>/dev/null || true; rm -rf "${work:-}"; }
trap cleanup EXIT

stamp="$venv/.pins"
want="${pins[*]} $rs_pin"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "== installing peers into $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q "${pins[@]}"
    if "$venv/bin/pip" install -q --target "$venv/sqllineage-rs" "$rs_pin"; then
        :
    else
        echo "sqllineage-rs ($rs_pin) did not install; it will be skipped" >&2
        rm -rf "$venv/sqllineage-rs"
    fi
    echo "$want" > "$stamp"
fi

echo "== building (not timed)"
cd "$root"
quiet
nice -n 19 cargo build -q --release -p weft-catalog-server --bin weft
nice -n 19 cargo bench -q -p weft-lineage --bench tpcds_speed --no-run 2>/dev/null

work="$(mktemp -d)"
results="$work/results.jsonl"
script="$work/tpcds-all.sql"
cat "$corpus"/queries/*.sql > "$script"

quiet
load="$(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$mark_file" ] || touch "$mark_file" 2>/dev/null || true
echo "== timing (budget ${seconds}s per tool; slow peers are timed on one pass)"
for tool in openlineage-sql sqllineage-rs sqlglot sqllineage; do
    echo "   $tool" >&2
    if [ "$tool" = sqllineage-rs ]; then
        if [ ! -d "$venv/sqllineage-rs" ]; then
            echo "{\"tool\": \"$tool\", \"skipped\": \"not installable from PyPI here\"}" >> "$results"
            continue
        fi
        PYTHONPATH="$venv/sqllineage-rs" nice -n 19 "$venv/bin/python" bench/lineage_speed.py peer "$tool" "$corpus" "$seconds" >> "$results"
    else
        nice -n 19 "$venv/bin/python" bench/lineage_speed.py peer "$tool" "$corpus" "$seconds" >> "$results"
    fi
done

echo "   weft-lineage (in-process)" >&2
nice -n 19 cargo bench -q -p weft-lineage --bench tpcds_speed -- --corpus "$corpus" --seconds "$seconds" 2>/dev/null \
    | sed -n 's/^WEFT_SPEED //p' > "$work/weft.json"
"$python" - "$work/weft.json" >> "$results" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
print(json.dumps({
    "tool": "weft-lineage (in-process)", "version": "this tree", "schema": "schema",
    "queries": w["queries"], "passes": w["rounds"], "seconds": w["full_ms"] * w["rounds"] / 1e3,
    "qps": w["full_qps"], "parse_qps": w["parse_qps"],
    "analysis_over_parse": w["analysis_over_parse"],
    "empty": w["empty"], "errors": w["errors"], "edges": w["column_edges"],
    "unresolved": w["diagnostics"], "dataset_edges": w["dataset_edges"],
}))
PY

# The CLI: one process over all 99 queries as one script (process start, schema
# file, analysis and JSON output included), five runs, median wall time, peak RSS.
echo "   weft lineage (CLI)" >&2
for i in 1 2 3 4 5; do
    /usr/bin/time -v -o "$work/time.$i" nice -n 19 "$target/release/weft" lineage \
        --schema "$corpus/schema.json" --format edges "$script" > "$work/edges.$i"
done
"$python" - "$work" >> "$results" <<'PY'
import json, pathlib, re, statistics, sys
work = pathlib.Path(sys.argv[1])
walls, rss = [], []
for i in range(1, 6):
    t = (work / f"time.{i}").read_text()
    h, m, s = (["0"] * 3 + re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t).group(1).split(":"))[-3:]
    walls.append(int(h) * 3600 + int(m) * 60 + float(s))
    rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)))
lines = [json.loads(l) for l in (work / "edges.1").read_text().splitlines() if l.strip()]
errors = sum(1 for l in lines if "error" in l)
column = [l for l in lines if "target" in l and l.get("level") != "dataset"]
with_edges = {l["statement"] for l in column}
statements = len({l["statement"] for l in lines})
queries = 99
print(json.dumps({
    "tool": "weft lineage (CLI, one process)", "version": "this tree", "schema": "schema file",
    "queries": queries, "passes": 5, "seconds": statistics.median(walls),
    "qps": queries / statistics.median(walls),
    "empty": queries - len(with_edges), "errors": errors, "edges": len(column),
    "unresolved": None,  # the edges format carries no diagnostics; see the in-process row
    "peak_rss_mb": max(rss) / 1024,
}))
PY
[ -z "$mark_file" ] || rm -f "$mark_file" 2>/dev/null || true

echo
"$python" bench/lineage_speed.py table "$results"
rss="$("$python" -c 'import json,sys; print("%.1f" % [json.loads(l) for l in open(sys.argv[1])][-1]["peak_rss_mb"])' "$results")"
verdict=$("$python" -c "print('met' if $rss < 64 else 'MISSED')")
echo "weft lineage over all 99 queries: peak RSS $rss MB (target < 64 MB: $verdict)."
echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average before timing: $load"

mkdir -p bench/results
rev="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
while read -r line; do
    echo "{\"date\": \"$(date -u +%FT%TZ)\", \"revision\": \"$rev\", \"nproc\": $(nproc), \"row\": $line}"
done < "$results" >> "bench/results/lineage-$(date -u +%F).jsonl"
