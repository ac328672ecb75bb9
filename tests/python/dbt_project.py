"""Build a real dbt project from plain SQL models, compile it with dbt-core and dbt-postgres, and
print where its manifest is.

Usage: python dbt_project.py SPECS.json

The models folder holds plain SQL whose table names are already resolved (`select * from
stg_orders`, `from raw_customers`), as in the jaffle_shop corpus and tests/fixtures/dbt_shop. This
script turns such a folder into a dbt project, so that `weft check` is tested on manifests that
dbt itself wrote:

- every `from NAME` / `join NAME` naming another model becomes `{{ ref('NAME') }}`, and one naming
  a raw table becomes `{{ source('raw', 'NAME') }}` (a name the file defines as a CTE is left
  alone, so a CTE called `orders` inside another model stays a CTE);
- the raw tables become a `raw` source in schema `raw`, the models views in schema `analytics`
  of the database named by `database_url`.

SPECS.json holds a list of specs, built in order in one process (dbt's start-up is most of a
compile's time), so a base project (build_warehouse) comes before the variants compiled against
its warehouse. A spec (JSON object):
  models_dir       folder of *.sql models
  raw_tables       file or object: {"table": ["column" | {"name": ..., "type": ...}, ...]}
  column_types     {"column": "sql type"} for columns given by name only (default: text)
  extra_columns    {"table": [columns]}: added to the raw tables (same forms as raw_tables)
  edits            [{"model": name, "find": text, "replace": text}]: each find must occur in the
                   model, every occurrence is replaced (applied to the plain SQL, before the rewrite)
  meta             {"model": {...}}: the model's `config.meta` (classification, retention, tier, owner)
  project_dir      where to write the project (created; must not exist or be empty)
  database_url     postgres://user[:password]@host:port/database: the warehouse (must exist)
  build_warehouse  true: create the raw tables and `dbt run` (views) before `dbt compile`;
                   false: `dbt compile` only (the warehouse was built by the base project)

Prints a list with, for each spec, {"manifest": path, "project_root": path, "models": {name:
"models/NAME.sql"}} on stdout; dbt's own log goes to stderr. Exits non-zero with a message naming the problem on any failure.
"""

import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

PROJECT = "weft_e2e"
SOURCE = "raw"
RAW_SCHEMA = "raw"
MODEL_SCHEMA = "analytics"


class SpecError(Exception):
    """A spec the harness cannot build."""


def columns_of(entries, types, table):
    """[(name, type)] from a table's column list, each a name or {"name", "type"}."""
    out = []
    for entry in entries:
        if isinstance(entry, str):
            out.append((entry, types.get(entry, "text")))
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            out.append((entry["name"], entry.get("type") or types.get(entry["name"], "text")))
        else:
            raise SpecError(f"raw table {table}: a column must be a name or {{name, type}}, got {entry!r}")
    return out


def raw_tables(spec):
    """{table: [(column, type)]} with the extra columns added."""
    raw = spec["raw_tables"]
    if isinstance(raw, str):
        raw = json.loads(Path(raw).read_text())
    types = spec.get("column_types", {})
    tables = {name: columns_of(cols, types, name) for name, cols in raw.items()}
    for name, cols in spec.get("extra_columns", {}).items():
        if name not in tables:
            raise SpecError(f"extra_columns names {name}, which is not a raw table")
        tables[name].extend(columns_of(cols, types, name))
    return tables


REFERENCE = re.compile(r"\b(from|join)(\s+)([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*[.(])", re.IGNORECASE)
CTE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s+as\s*\(", re.IGNORECASE)


def to_dbt(sql, name, models, sources):
    """The model's SQL with references to other models and raw tables in dbt's Jinja."""
    ctes = {m.lower() for m in CTE.findall(sql)}

    def replace(m):
        word, space, ident = m.group(1), m.group(2), m.group(3)
        key = ident.lower()
        if key in ctes or key == name:
            return m.group(0)
        if key in models:
            return f"{word}{space}{{{{ ref('{key}') }}}}"
        if key in sources:
            return f"{word}{space}{{{{ source('{SOURCE}', '{key}') }}}}"
        return m.group(0)

    return REFERENCE.sub(replace, sql)


def apply_edits(sqls, edits):
    for edit in edits:
        model = edit.get("model")
        if model not in sqls:
            raise SpecError(f"edit names model {model!r}, which is not in the models folder")
        find = edit["find"]
        if find not in sqls[model]:
            raise SpecError(f"edit of {model}: {find!r} does not occur in {model}.sql")
        sqls[model] = sqls[model].replace(find, edit["replace"])


def write_project(spec, tables, url):
    root = Path(spec["project_dir"])
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise SpecError(f"project_dir {root} is not empty")
    models_dir = Path(spec["models_dir"])
    sqls = {p.stem.lower(): p.read_text() for p in sorted(models_dir.glob("*.sql"))}
    if not sqls:
        raise SpecError(f"no *.sql models in {models_dir}")
    apply_edits(sqls, spec.get("edits", []))
    (root / "models").mkdir()
    files = {}
    for name, sql in sqls.items():
        (root / "models" / f"{name}.sql").write_text(to_dbt(sql, name, set(sqls), set(tables)))
        files[name] = f"models/{name}.sql"

    # YAML is a superset of JSON: the project files are written as JSON.
    (root / "dbt_project.yml").write_text(json.dumps({
        "name": PROJECT,
        "version": "1.0",
        "config-version": 2,
        "profile": PROJECT,
        "model-paths": ["models"],
        "models": {PROJECT: {"+materialized": "view"}},
    }, indent=1))
    (root / "profiles.yml").write_text(json.dumps({
        PROJECT: {
            "target": "ci",
            "outputs": {"ci": {
                "type": "postgres",
                "host": url.hostname or "127.0.0.1",
                "port": url.port or 5432,
                "user": unquote(url.username or "postgres"),
                "password": unquote(url.password or ""),
                "dbname": url.path.lstrip("/"),
                "schema": MODEL_SCHEMA,
                "threads": 1,
            }},
        },
    }, indent=1))
    (root / "models" / "_sources.yml").write_text(json.dumps({
        "version": 2,
        "sources": [{
            "name": SOURCE,
            "schema": RAW_SCHEMA,
            "tables": [{"name": t, "columns": [{"name": c, "data_type": ty} for c, ty in cols]}
                       for t, cols in tables.items()],
        }],
    }, indent=1))
    meta = spec.get("meta", {})
    for model in meta:
        if model not in sqls:
            raise SpecError(f"meta names model {model!r}, which is not in the models folder")
    (root / "models" / "_models.yml").write_text(json.dumps({
        "version": 2,
        "models": [{"name": m, "config": {"meta": v}} for m, v in meta.items()],
    }, indent=1))
    return root, files


def create_raw_tables(url, tables):
    import psycopg2  # installed with dbt-postgres

    conn = psycopg2.connect(url.geturl())
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f'create schema if not exists "{RAW_SCHEMA}"')
            for table, cols in tables.items():
                body = ", ".join(f'"{c}" {ty}' for c, ty in cols)
                cur.execute(f'create table "{RAW_SCHEMA}"."{table}" ({body})')
    finally:
        conn.close()


def dbt(root, command):
    """Runs `dbt COMMAND` in-process; raises with dbt's reason when it fails."""
    from dbt.cli.main import dbtRunner

    args = [command, "--project-dir", str(root), "--profiles-dir", str(root),
            "--log-path", str(root / "logs"), "--target-path", str(root / "target"),
            "--no-partial-parse", "--no-use-colors"]
    result = dbtRunner().invoke(args)
    if not result.success:
        raise SpecError(f"dbt {command} in {root} failed: {result.exception or 'see the log above'}")


def build(spec):
    """Builds one spec: its project, its warehouse when asked, its manifest."""
    url = urlparse(spec["database_url"])
    tables = raw_tables(spec)
    root, files = write_project(spec, tables, url)
    if spec.get("build_warehouse"):
        create_raw_tables(url, tables)
        dbt(root, "run")
    dbt(root, "compile")
    return {"manifest": str(root / "target" / "manifest.json"), "project_root": str(root), "models": files}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    specs = json.loads(Path(sys.argv[1]).read_text())
    # Nothing leaves the machine: no usage statistics, no version check.
    os.environ.update({"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1",
                       "DBT_VERSION_CHECK": "false"})
    # dbt logs to stdout: point it at stderr so that stdout carries only the answer.
    answer = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    try:
        if not isinstance(specs, list):
            raise SpecError(f"{sys.argv[1]} must hold a list of specs")
        built = [build(spec) for spec in specs]
    except (SpecError, KeyError, OSError, ValueError) as e:
        sys.stdout.flush()
        print(f"dbt_project.py: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    json.dump(built, answer)
    answer.write("\n")
    answer.close()


if __name__ == "__main__":
    main()
