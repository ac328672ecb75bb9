#!/usr/bin/env bash
# `weft check` at scale: a 100,000-dataset snapshot (the synthetic catalog of
# bench/loadgen/src/synth.rs, with column lineage) and a 500-model dbt manifest, timed
# end to end in a release build (load the snapshot, derive the models, build the PII
# graph, diff, evaluate the built-in policies, render). Target: under 10 s.
#
#   bench/check.sh [DATASETS] [MODELS]
set -euo pipefail
cd "$(dirname "$0")/.."
DATASETS=${1:-100000}
MODELS=${2:-500}
OUT=${CHECK_BENCH_DIR:-target/check-bench}
cargo build --release -p weft-catalog-server --bin weft
cargo run --release -p weft-check --example check_bench -- "$OUT" "$DATASETS" "$MODELS"
WEFT=${CARGO_TARGET_DIR:-target}/release/weft
ls -l "$OUT"
ARGS=(check --snapshot "$OUT/snapshot.jsonl.gz" --manifest "$OUT/manifest.json" --format json)
# Exit code 1 (a deny finding) is the expected verdict here, not a failure.
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 3 -i "$WEFT ${ARGS[*]}"
  "$WEFT" "${ARGS[@]}" >"$OUT/report.json" || true
else
  for i in 1 2 3; do
    /usr/bin/time -f "run $i: %e s wall, %M KiB max RSS" "$WEFT" "${ARGS[@]}" \
      --markdown "$OUT/report.md" --sarif "$OUT/report.sarif" >"$OUT/report.json" || true
  done
fi
python3 -c "import json,sys; r=json.load(open('$OUT/report.json')); print('models', len(r['models']), 'summary', r['summary'], 'truncated', len(r['truncated']))"
