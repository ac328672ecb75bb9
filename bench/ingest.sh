#!/usr/bin/env bash
# Ingestion benchmark: throughput, latency and memory of `weft serve` under a
# stream of OpenLineage RunEvents, per storage backend and workload.
#
# For each (backend, workload) it starts a fresh server on a fresh data
# directory (and, for Postgres, a fresh database), drives it with
# target/release/weft-loadgen, reads the server's peak RSS, stops it, and
# prints one summary row. Results are appended as JSON lines to
# bench/results/<UTC date>.jsonl. See bench/README.md.
#
# Usage: bench/ingest.sh [--backend sqlite|postgres|both] [--workload realistic|write-heavy|both]
#                        [--events N] [--concurrency C] [--warmup N] [--no-build] [-- LOADGEN-ARGS...]
#
# Environment:
#   WEFT_BENCH_DATABASE_URL_BASE  Postgres server to use, as postgres://user[:password]@host:port
#                                 (no database path; default postgres://postgres@127.0.0.1:5432).
#                                 A database is created per run and dropped afterwards.
#   WEFT_BENCH_SERVER_ARGS        Extra arguments for `weft serve` (word-split), e.g. to
#                                 benchmark a non-default setting.
#   WEFT_BENCH_WEFT               The weft binary to benchmark (default target/release/weft,
#                                 or under $CARGO_TARGET_DIR when that is set),
#                                 e.g. to compare two builds; combine with --no-build.
#   WEFT_BENCH_TMPDIR             Where the per-run data directories go (default: $TMPDIR or
#                                 /tmp). Its filesystem matters for SQLite: tmpfs makes fsync free.
# Other WEFT_* variables are cleared for the server so a developer's shell (tokens, data dir,
# database URL) cannot leak into the measurement; RUST_LOG is passed through.

set -euo pipefail

backend=both
workload=both
events=100000
concurrency=32
warmup=2000
build=1
loadgen_extra=()

usage() {
    sed -n '/^# Usage:/,/passed through\.$/p' "$0" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --backend) backend=${2:?--backend needs a value}; shift 2 ;;
        --workload) workload=${2:?--workload needs a value}; shift 2 ;;
        --events) events=${2:?--events needs a value}; shift 2 ;;
        --concurrency) concurrency=${2:?--concurrency needs a value}; shift 2 ;;
        --warmup) warmup=${2:?--warmup needs a value}; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; loadgen_extra=("$@"); break ;;
        *) echo "ingest.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

case "$backend" in
    sqlite|postgres) backends=("$backend") ;;
    both) backends=(sqlite postgres) ;;
    *) echo "ingest.sh: --backend must be sqlite, postgres or both" >&2; exit 2 ;;
esac
case "$workload" in
    realistic|write-heavy) workloads=("$workload") ;;
    both) workloads=(realistic write-heavy) ;;
    *) echo "ingest.sh: --workload must be realistic, write-heavy or both" >&2; exit 2 ;;
esac
for n in "$events" "$concurrency" "$warmup"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "ingest.sh: not a number: $n" >&2; exit 2; }
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# cargo builds into $CARGO_TARGET_DIR when it is set.
target_dir=${CARGO_TARGET_DIR:-"$root/target"}
weft=${WEFT_BENCH_WEFT:-"$target_dir/release/weft"}
loadgen="$target_dir/release/weft-loadgen"
db_base=${WEFT_BENCH_DATABASE_URL_BASE:-postgres://postgres@127.0.0.1:5432}
db_base=${db_base%/}

command -v curl >/dev/null || { echo "ingest.sh: curl is required" >&2; exit 2; }
if [[ " ${backends[*]} " == *" postgres "* ]]; then
    command -v psql >/dev/null || {
        echo "ingest.sh: psql is required for the postgres backend (or use --backend sqlite)" >&2
        exit 2
    }
    psql "$db_base/postgres" -v ON_ERROR_STOP=1 -qAtc 'select 1' >/dev/null || {
        echo "ingest.sh: cannot reach Postgres at $db_base (set WEFT_BENCH_DATABASE_URL_BASE, or use --backend sqlite)" >&2
        exit 2
    }
fi

if [[ $build == 1 ]]; then
    cargo build --release -p weft-catalog-server -p weft-loadgen
fi
[[ -x "$weft" && -x "$loadgen" ]] || { echo "ingest.sh: missing $weft or $loadgen (build first)" >&2; exit 2; }

tmp=$(mktemp -d "${WEFT_BENCH_TMPDIR:-${TMPDIR:-/tmp}}/weft-bench.XXXXXX")
server_pid=""
loadgen_pid=""
db_name=""

# Stops the server started by this script, if any: SIGTERM first so it can
# shut down cleanly, SIGKILL if it has not exited after 30 s.
stop_server() {
    [[ -n "$server_pid" ]] || return 0
    if kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 300); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            echo "ingest.sh: server $server_pid ignored SIGTERM for 30 s; killing it" >&2
            kill -KILL "$server_pid" 2>/dev/null || true
        fi
    fi
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

drop_db() {
    [[ -n "$db_name" ]] || return 0
    # FORCE (Postgres 13+) in case a connection lingers; plain DROP as a fallback.
    psql "$db_base/postgres" -qAtc "drop database if exists \"$db_name\" with (force)" >/dev/null 2>&1 ||
        psql "$db_base/postgres" -qAtc "drop database if exists \"$db_name\"" >/dev/null 2>&1 ||
        echo "ingest.sh: could not drop database $db_name; drop it by hand" >&2
    db_name=""
}

cleanup() {
    if [[ -n "$loadgen_pid" ]]; then
        kill -TERM "$loadgen_pid" 2>/dev/null || true
        wait "$loadgen_pid" 2>/dev/null || true
    fi
    stop_server
    drop_db
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prints a TCP port on 127.0.0.1 that nothing is listening on. Probing with
# bash's /dev/tcp avoids depending on ss/netstat/python.
free_port() {
    local port
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "ingest.sh: no free port found" >&2
    return 1
}

# Extracts a numeric field from weft-loadgen's one-line JSON (keys are unique).
json_num() {
    local v
    v=$(sed -nE "s/.*\"$1\":(-?[0-9.eE+-]+).*/\1/p" <<<"$2")
    echo "${v:-0}"
}

json_escape() {
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' <<<"$1"
}

nproc_=$(nproc)
cpu_model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
cpu_model=${cpu_model:-unknown}
mem_total_mb=$(awk '/^MemTotal:/ {printf "%d", $2 / 1024}' /proc/meminfo 2>/dev/null || echo 0)
tmp_fs=$(stat -f -c %T "$tmp" 2>/dev/null || echo unknown)
git_rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo none)
if [[ -n "$(git -C "$root" status --porcelain 2>/dev/null || true)" ]]; then git_rev="$git_rev-dirty"; fi
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
results_dir="$root/bench/results"
results_file="$results_dir/$(date -u +%F).jsonl"
mkdir -p "$results_dir"

echo "machine: $nproc_ CPUs ($cpu_model), ${mem_total_mb} MB RAM; data dir on $tmp_fs; weft $git_rev"
echo "events per run: $events (+$warmup warmup), concurrency $concurrency"

rows=()
failures=0

for b in "${backends[@]}"; do
    for w in "${workloads[@]}"; do
        dir="$tmp/$b-$w"
        mkdir -p "$dir/data"
        port=$(free_port)
        args=(serve --data-dir "$dir/data" --listen "127.0.0.1:$port")
        if [[ $b == postgres ]]; then
            db_name="weft_bench_$(date -u +%Y%m%d%H%M%S)_$$_${w//-/_}"
            psql "$db_base/postgres" -v ON_ERROR_STOP=1 -qAtc "create database \"$db_name\"" >/dev/null
            args+=(--database-url "$db_base/$db_name")
        fi
        # shellcheck disable=SC2206 # word splitting is the documented contract
        extra_server_args=(${WEFT_BENCH_SERVER_ARGS:-})
        args+=("${extra_server_args[@]}")

        echo
        echo "== $b / $w: weft ${args[*]}"
        # Run from the data dir so a weft.toml in the caller's directory is not
        # picked up, with WEFT_* cleared (see header). `exec` keeps $! = weft's pid,
        # which is what /proc/<pid>/status must describe.
        (
            cd "$dir"
            while read -r var; do unset "$var"; done < <(compgen -e | grep '^WEFT_' | grep -v '^WEFT_BENCH_' || true)
            exec "$weft" "${args[@]}"
        ) >"$dir/server.log" 2>&1 &
        server_pid=$!

        ready=0
        for _ in $(seq 600); do
            if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
            code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
            if [[ $code == 200 ]]; then ready=1; break; fi
            sleep 0.1
        done
        if [[ $ready != 1 ]]; then
            if kill -0 "$server_pid" 2>/dev/null; then
                echo "ingest.sh: server not ready after 60 s; last log lines:" >&2
            else
                echo "ingest.sh: server exited during startup; last log lines:" >&2
            fi
            tail -n 30 "$dir/server.log" >&2 || true
            stop_server
            drop_db
            failures=$((failures + 1))
            rows+=("$(printf '%-9s %-12s %s' "$b" "$w" "server failed to start")")
            continue
        fi

        # In the background + `wait` so a SIGTERM/SIGINT to this script runs the
        # cleanup trap right away instead of after the load generator finishes.
        lg_rc=0
        # The load generator shares the machine with the server: its CPU time (the
        # shell's reaped-children time across the run, which only it adds to) shows
        # how much of the two cores the client took.
        times >"$dir/times.before"
        "$loadgen" --url "http://127.0.0.1:$port" --workload "$w" --events "$events" \
            --concurrency "$concurrency" --warmup "$warmup" --json "${loadgen_extra[@]}" \
            >"$dir/loadgen.json" 2>"$dir/loadgen.txt" &
        loadgen_pid=$!
        wait "$loadgen_pid" || lg_rc=$?
        loadgen_pid=""
        times >"$dir/times.after"
        loadgen_cpu_s=$(awk 'FNR == 2 {
                n = split($1 " " $2, t, " ")
                s = 0
                for (i = 1; i <= n; i++) { split(t[i], ms, "m"); s += ms[1] * 60 + ms[2] }
                if (FILENAME ~ /after/) total += s; else total -= s
            } END {printf "%.2f", total}' "$dir/times.before" "$dir/times.after")
        cat "$dir/loadgen.txt"

        # Peak RSS (high-water mark) of the server, read while it is still alive.
        hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0)
        rss_mb=$(awk -v kb="${hwm_kb:-0}" 'BEGIN {printf "%.1f", kb / 1024}')
        # Server CPU time (user + system, whole life including warmup): shows
        # how much of the machine the server needed, not just how fast it was.
        cpu_ticks=$(sed 's/.*) //' "/proc/$server_pid/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0)
        server_cpu_s=$(awk -v t="${cpu_ticks:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}')
        stop_server
        drop_db

        line=$(tail -n 1 "$dir/loadgen.json" 2>/dev/null || true)
        if [[ $lg_rc != 0 || -z "$line" ]]; then
            failures=$((failures + 1))
            echo "ingest.sh: loadgen exited with status $lg_rc; server log tail:" >&2
            tail -n 20 "$dir/server.log" >&2 || true
        fi
        [[ -n "$line" ]] || line='{}'
        eps=$(json_num events_per_s "$line")
        p50=$(json_num p50 "$line")
        p99=$(json_num p99 "$line")
        sent=$(json_num events_sent "$line")
        ok=$(json_num events_ok "$line")
        errors=$((sent - ok))

        # The README's targets apply to the realistic workload only.
        verdict=-
        if [[ $w == realistic ]]; then
            min_eps=5000
            [[ $b == postgres ]] && min_eps=3000
            verdict=$(awk -v e="$eps" -v p="$p99" -v r="$rss_mb" -v m="$min_eps" -v err="$errors" \
                'BEGIN {print (e >= m && p < 50 && r < 300 && err == 0) ? "met" : "MISSED"}')
        fi
        # CPU per event sent, warmup included (both processes lived through it).
        server_us=$(awk -v c="$server_cpu_s" -v n="$((events + warmup))" 'BEGIN {printf "%.0f", c * 1e6 / n}')
        loadgen_us=$(awk -v c="$loadgen_cpu_s" -v n="$((events + warmup))" 'BEGIN {printf "%.0f", c * 1e6 / n}')
        printf -v row '%-9s %-12s %10.0f %8.2f %8.2f %9s %8s %7s %10s %11s' \
            "$b" "$w" "$eps" "$p50" "$p99" "$rss_mb" "$errors" "$verdict" "$server_us" "$loadgen_us"
        rows+=("$row")

        printf '{"started_at":"%s","git_rev":"%s","weft":"%s","backend":"%s","workload":"%s","events":%s,"warmup":%s,"concurrency":%s,"nproc":%s,"cpu_model":"%s","mem_total_mb":%s,"data_dir_fs":"%s","server_peak_rss_mb":%s,"server_cpu_s":%s,"loadgen_cpu_s":%s,"loadgen_exit":%s,"loadgen":%s}\n' \
            "$started_at" "$git_rev" "$(json_escape "$weft")" "$b" "$w" "$events" "$warmup" "$concurrency" "$nproc_" \
            "$(json_escape "$cpu_model")" "$mem_total_mb" "$tmp_fs" "$rss_mb" "$server_cpu_s" "$loadgen_cpu_s" "$lg_rc" "$line" \
            >>"$results_file"
    done
done

echo
echo "machine: $nproc_ CPUs ($cpu_model), ${mem_total_mb} MB RAM; data dir on $tmp_fs; weft $git_rev"
printf '%-9s %-12s %10s %8s %8s %9s %8s %7s %10s %11s\n' backend workload events/s "p50 ms" "p99 ms" "RSS MB" errors target \
    "server µs" "loadgen µs"
for r in "${rows[@]}"; do echo "$r"; done
[[ -s "$results_file" ]] && echo "results appended to ${results_file#"$root"/}"

[[ $failures == 0 ]]
