#!/usr/bin/env bash
# `weft lineage` on long scripts: time per statement and peak RSS at two sizes.
#
# Builds the `weft` binary (release), writes scripts of N statements by repeating the
# 99 TPC-DS queries (from $WEFT_SHARED_DIR/corpus/tpcds/queries, default ../shared
# beside the repository) and runs `weft lineage --schema … --dialect generic` on each
# with /usr/bin/time -v, output to /dev/null, then with hyperfine when it is installed.
# The command streams, so time per statement should be the same at both sizes and
# peak RSS should not grow with the script. CPU time (user + system) is printed beside
# wall time: on a shared machine it moves less with the other tenants' load.
#
# Usage: bench/lineage-cli.sh [N ...]   (statement counts, default 10000 100000)
# Env:   WEFT_SHARED_DIR (default ../shared), CARGO_TARGET_DIR, FORMAT (json|edges|dot,
#        default json), RUNS (hyperfine runs, default 3).
set -euo pipefail

case "${1:-}" in -h|--help) sed -n '2,15p' "$0"; exit 0 ;; esac
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)

root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${WEFT_SHARED_DIR:-$root/../shared}"
queries="$shared/corpus/tpcds/queries"
schema="$shared/corpus/tpcds/schema.json"
target="${CARGO_TARGET_DIR:-$root/target}"
format="${FORMAT:-json}"
runs="${RUNS:-3}"
[ -d "$queries" ] || { echo "no TPC-DS queries at $queries (set WEFT_SHARED_DIR)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== building weft (release)" >&2
(cd "$root" && cargo build --release -q -p weft-catalog-server --bin weft)
weft="$target/release/weft"

# One copy of the corpus, each query ending in `;` and a newline.
for q in "$queries"/*.sql; do
    sed -e 's/;[[:space:]]*$//' "$q"
    printf ';\n'
done > "$work/once.sql"
per_copy=$(ls "$queries"/*.sql | wc -l)

printf '| statements | script | wall | wall per statement | CPU per statement | statements per CPU second | peak RSS |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|\n'
for n in "${sizes[@]}"; do
    script="$work/script-$n.sql"
    copies=$(( (n + per_copy - 1) / per_copy ))
    : > "$script"
    for _ in $(seq "$copies"); do cat "$work/once.sql"; done >> "$script"
    stmts=$(( copies * per_copy ))
    bytes=$(stat -c %s "$script")
    /usr/bin/time -v -o "$work/time-$n" "$weft" lineage --schema "$schema" \
        --format "$format" "$script" > /dev/null
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time-$n")
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$n")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/time-$n")
    secs=$(awk -v w="$wall" 'BEGIN { n = split(w, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }')
    awk -v n="$stmts" -v b="$bytes" -v s="$secs" -v c="$cpu" -v r="$rss_kb" -v w="$wall" 'BEGIN {
        printf "| %d | %.1f MB | %s | %.1f µs | %.1f µs | %.0f | %.0f MB |\n", n, b / 1e6, w, s / n * 1e6, c / n * 1e6, n / c, r / 1024 }'
done

if command -v hyperfine > /dev/null; then
    echo >&2
    for n in "${sizes[@]}"; do
        hyperfine --runs "$runs" --style basic \
            "$weft lineage --schema $schema --format $format $work/script-$n.sql > /dev/null" >&2
    done
fi
