#!/usr/bin/env bash
# Search benchmark, library level: builds an on-disk index of 100,000 synthetic datasets
# with 20 columns each (2,000,000 column documents; names from bench/loadgen/src/synth.rs) and
# measures build time, index size, in-process query latency over the stated mix and
# autocomplete latency, under /usr/bin/time -v (peak RSS, CPU). See bench/README.md.
#
# Usage: bench/search.sh [--no-build] [--http URL] [DATASETS [THREADS [HEAP_MB]]]
#
#   --no-build   use the already built example and load generator
#   --http URL   also run the HTTP half against a server at URL that already holds the
#                catalog (load it with: weft-loadgen --write-datasets FILE --datasets 100000,
#                then weft ingest FILE): 200 queries/s open loop, then 16 clients closed loop.
#
# The release build takes several minutes on two shared cores; it runs under nice.

set -euo pipefail
cd "$(dirname "$0")/.."

build=1
http=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0; shift ;;
        --http) http="$2"; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) break ;;
    esac
done

target="${CARGO_TARGET_DIR:-target}"
if [[ $build == 1 ]]; then
    nice -n 10 cargo build --release --example search_build -p weft-search
    if [[ -n $http ]]; then
        nice -n 10 cargo build --release -p weft-loadgen
    fi
fi

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB; revision $(git rev-parse --short HEAD)"
/usr/bin/time -v "$target/release/examples/search_build" "$@" 2> >(grep -E 'Maximum resident|Elapsed|User time|System time|Percent of CPU' >&2)

if [[ -n $http ]]; then
    loadgen="$target/release/weft-loadgen"
    echo "HTTP, open loop at 200 queries/s (6,000 queries after 500 warm-up):"
    "$loadgen" --url "$http" --search --rate 200 --queries 6000 --warmup 500
    echo "HTTP, closed loop with 16 clients (20,000 queries):"
    "$loadgen" --url "$http" --search --concurrency 16 --queries 20000 --warmup 500
fi
