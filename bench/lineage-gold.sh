#!/usr/bin/env bash
# Scores weft-lineage on the column-lineage gold corpus: builds the prediction example,
# writes predictions, and prints overall and per-origin precision / recall / F1.
# Usage: bench/lineage-gold.sh [--full]   (--full also prints every case)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${WEFT_SHARED_DIR:-$root/../shared}"
gold="$shared/corpus/lineage-gold"
out="${TMPDIR:-/tmp}/weft-lineage-gold"
mkdir -p "$out"
cd "$root"
[ -z "${WEFT_BENCH_WAIT_FILE:-}" ] || while [ -e "$WEFT_BENCH_WAIT_FILE" ]; do sleep 10; done
nice -n 19 cargo build -q -p weft-lineage --example gold_predict
"${CARGO_TARGET_DIR:-$root/target}/debug/examples/gold_predict" "$gold/gold.jsonl" > "$out/pred.jsonl"
quiet=--quiet
[ "${1:-}" = "--full" ] && quiet=
python3 "$gold/score_lineage.py" "$gold/gold.jsonl" "$out/pred.jsonl" $quiet --json "$out/summary.json"
