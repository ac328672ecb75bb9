#!/usr/bin/env bash
# Postgres crawler benchmark: 2,000 tables x 20 columns over 4 schemas plus 200 views
# (joins and aggregates), some with comments; times crawl_postgres + to_events with
# /usr/bin/time -v through the release-mode example `crawl_bench`, then `weft crawl`
# end to end into a fresh embedded store, twice. Target: < 30 s.
#
#   WEFT_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/crawl-pg.sh
#
# Needs psql. Creates a scratch database (weft_crawl_bench_<pid>) and drops it on exit.
set -euo pipefail

ADMIN_URL="${WEFT_BENCH_DATABASE_URL:-${WEFT_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}}"
TABLES="${WEFT_BENCH_TABLES:-2000}"
VIEWS="${WEFT_BENCH_VIEWS:-200}"
SCHEMAS=4
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
DB="weft_crawl_bench_$$"
# The admin URL with its database replaced (keeps user, password, host, port, params).
base="${ADMIN_URL%%\?*}"; query="${ADMIN_URL#"$base"}"
scheme="${base%%://*}"; rest="${base#*://}"; authority="${rest%%/*}"
DB_URL="$scheme://$authority/$DB$query"

DATA_DIR="$(mktemp -d)"
cleanup() {
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

echo "building the example and weft (release)…" >&2
nice -n 10 cargo build --release --quiet --example crawl_bench -p weft-ingest \
  --manifest-path "$ROOT/Cargo.toml"
nice -n 10 cargo build --release --quiet -p weft-catalog-server --bin weft \
  --manifest-path "$ROOT/Cargo.toml"

echo "creating $DB: $TABLES tables x 20 columns, $VIEWS views…" >&2
psql -q -v ON_ERROR_STOP=1 "$ADMIN_URL" -c "CREATE DATABASE $DB"
start=$(date +%s)
{
  for s in $(seq 0 $((SCHEMAS - 1))); do echo "CREATE SCHEMA s$s;"; done
  # Batches of 200 tables per transaction keep the lock table within its default size.
  for from in $(seq 0 200 $((TABLES - 1))); do
    to=$((from + 199)); [ "$to" -ge "$TABLES" ] && to=$((TABLES - 1))
    cat <<SQL
DO \$\$
DECLARE i int; cols text; sch text;
BEGIN
  FOR i IN $from..$to LOOP
    sch := 's' || (i % $SCHEMAS);
    SELECT string_agg(format('c%s %s', lpad(c::text, 2, '0'),
             CASE c % 4 WHEN 0 THEN 'integer' WHEN 1 THEN 'text'
                        WHEN 2 THEN 'numeric(12,2) NOT NULL DEFAULT 0' ELSE 'timestamptz' END), ', ')
      INTO cols FROM generate_series(1, 19) c;
    EXECUTE format('CREATE TABLE %I.t%s (id bigint PRIMARY KEY, %s)', sch, lpad(i::text, 4, '0'), cols);
    IF i % 5 = 0 AND i >= $SCHEMAS THEN
      EXECUTE format('ALTER TABLE %I.t%s ADD FOREIGN KEY (c04) REFERENCES %I.t%s (id)',
                     sch, lpad(i::text, 4, '0'), sch, lpad((i - $SCHEMAS)::text, 4, '0'));
    END IF;
    IF i % 3 = 0 THEN
      EXECUTE format('COMMENT ON TABLE %I.t%s IS %L', sch, lpad(i::text, 4, '0'), 'Table number ' || i);
      EXECUTE format('COMMENT ON COLUMN %I.t%s.c01 IS %L', sch, lpad(i::text, 4, '0'), 'Name of thing ' || i);
    END IF;
  END LOOP;
END \$\$;
SQL
  done
  cat <<SQL
DO \$\$
DECLARE v int; a text; b text; sch text;
BEGIN
  FOR v IN 0..$((VIEWS - 1)) LOOP
    sch := 's' || (v % $SCHEMAS);
    a := lpad(v::text, 4, '0');
    b := lpad((v + $SCHEMAS)::text, 4, '0');
    IF v % 2 = 0 THEN
      EXECUTE format('CREATE VIEW %I.v%s AS SELECT x.id, x.c01 AS name, x.c02 * 1.2 AS gross, '
        'y.c05 AS other_name, upper(y.c01) AS label FROM %I.t%s x JOIN %I.t%s y ON y.id = x.id '
        'WHERE x.c03 > now() - interval ''30 days''', sch, a, sch, a, sch, b);
    ELSE
      EXECUTE format('CREATE VIEW %I.v%s AS SELECT c01 AS name, sum(c02) AS total, count(*) AS n, '
        'max(c03) AS last_at FROM %I.t%s GROUP BY c01', sch, a, sch, a);
    END IF;
    IF v % 4 = 0 THEN
      EXECUTE format('COMMENT ON VIEW %I.v%s IS %L', sch, a, 'View number ' || v);
    END IF;
  END LOOP;
END \$\$;
ANALYZE;
SQL
} | psql -q -v ON_ERROR_STOP=1 "$DB_URL"
echo "created in $(( $(date +%s) - start )) s" >&2

TIMES="$(mktemp)"
echo "== the crawler library alone (catalog queries + events)" >&2
/usr/bin/time -v -o "$TIMES" "$CARGO_TARGET_DIR/release/examples/crawl_bench" "$DB_URL"
grep -E "Elapsed \(wall|Maximum resident|User time|System time" "$TIMES"
# End to end: `weft crawl` into a fresh embedded store (SQLite, default durability),
# then again on the unchanged database (nothing to write but the history entry).
for pass in first unchanged; do
  echo "== weft crawl, $pass crawl, into a fresh SQLite store" >&2
  /usr/bin/time -v -o "$TIMES" "$CARGO_TARGET_DIR/release/weft" --data-dir "$DATA_DIR" \
    crawl "$DB_URL" --name bench
  grep -E "Elapsed \(wall|Maximum resident" "$TIMES"
done
rm -f "$TIMES"
