#!/usr/bin/env bash
# Fills corpus/analyze with seeds: every SQL file and gold-corpus case of the shared
# corpus, each prefixed with a selector byte (dialect, schema on/off) as the target
# expects. Seeds are generated, never committed; rerunning replaces them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${WEFT_SHARED_DIR:-$here/../../../shared}/corpus"
out="$here/corpus/analyze"
mkdir -p "$out"
python3 - "$shared" "$out" <<'PY'
import hashlib, json, pathlib, sys
shared, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
dialects = ["generic", "ansi", "postgres", "snowflake", "bigquery", "redshift", "mysql",
            "mssql", "tsql", "hive", "spark", "sparksql", "databricks", "duckdb", "sqlite",
            "clickhouse"]
def write(sql, dialect, schema):
    idx = dialects.index(dialect) if dialect in dialects else 0
    data = bytes([(idx << 2) | (1 if schema else 0)]) + sql.encode()
    (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
n = 0
for f in sorted(shared.glob("**/*.sql")):
    write(f.read_text(), "generic", True); n += 1
gold = shared / "lineage-gold" / "gold.jsonl"
if gold.exists():
    for line in gold.read_text().splitlines():
        if line.strip():
            case = json.loads(line)
            write(case["sql"], case.get("dialect", "generic"), bool(case.get("schema"))); n += 1
print(f"{n} seeds in {out}")
PY
