"""Times peer SQL-lineage tools on a query corpus, and prints the comparison table.

Run by bench/lineage-speed.sh, once per peer in a fresh interpreter (the PyPI
`sqllineage-rs` package installs a module named `sqllineage`, as the Python
`sqllineage` package does, so the two cannot share a process):

    python lineage_speed.py peer TOOL CORPUS_DIR SECONDS   -> one JSON line on stdout
    python lineage_speed.py table RESULTS.jsonl            -> the Markdown table

Each peer gets the schema when its API takes one, and its documented entry point for
column lineage. The first pass over the corpus also records what the tool produced:
queries with no column edge at all ("empty"), queries that raised ("errors"), edges,
and edges whose source table the tool left unknown ("unresolved").
"""

import json
import pathlib
import sys
import time
from importlib import metadata


def load(corpus):
    corpus = pathlib.Path(corpus)
    queries = [p.read_text() for p in sorted((corpus / "queries").glob("*.sql"))]
    schema = json.loads((corpus / "schema.json").read_text())
    typed = json.loads((corpus / "schema_types.json").read_text())
    return queries, schema, typed


def sqlglot_tool(schema, typed):
    from sqlglot import exp
    from sqlglot.lineage import lineage

    def run(sql):
        # column=None: every output column in one call, sharing the qualification work.
        nodes = lineage(None, sql, schema=typed)
        edges = unresolved = 0
        for node in nodes.values():
            for leaf in node.walk():
                if leaf.downstream:
                    continue
                if isinstance(leaf.expression, exp.Table):
                    edges += 1
                elif isinstance(leaf.expression, exp.Column):
                    edges += 1
                    unresolved += 1
        return edges, unresolved

    return "sqlglot", "typed schema", run


def sqllineage_tool(schema, typed):
    from sqllineage.core.metadata.dummy import DummyMetaDataProvider
    from sqllineage.runner import LineageRunner

    provider = DummyMetaDataProvider({f"<default>.{t}": c for t, c in schema.items()})

    def run(sql):
        # sqllineage reports column lineage only for statements that write, so each
        # query is written into a table; its default dialect (ansi, sqlfluff) is used.
        body = sql.strip().rstrip(";")
        runner = LineageRunner(
            f"INSERT INTO bench_out\n{body}",
            dialect="ansi",
            metadata_provider=provider,
            silent_mode=True,
        )
        paths = runner.get_column_lineage()
        unresolved = sum(1 for p in paths if getattr(p[0], "parent", None) is None)
        return len(paths), unresolved

    return "sqllineage", "schema (as INSERT)", run


def sqllineage_rs_tool(schema, typed):
    from sqllineage import analyze

    class Catalog:
        def list_columns(self, table):
            return schema.get(table.table)

        def resolve_column(self, column, candidates):
            for t in candidates:
                if column in (schema.get(t.table) or ()):
                    return t
            return None

    catalog = Catalog()

    def run(sql):
        edges = unresolved = 0
        for result in analyze(sql, dialect="generic", catalog=catalog):
            for mapping in result.columns:
                for source in mapping.sources:
                    edges += 1
                    if source.kind != "concrete":
                        unresolved += 1
        return edges, unresolved

    return "sqllineage-rs", "schema (catalog)", run


def openlineage_tool(schema, typed):
    import openlineage_sql

    def run(sql):
        # openlineage-sql takes no schema: an unqualified column keeps no table.
        meta = openlineage_sql.parse([sql], dialect="generic")
        edges = unresolved = 0
        for cl in meta.column_lineage:
            for source in cl.lineage:
                edges += 1
                if source.origin is None:
                    unresolved += 1
        return edges, unresolved

    return "openlineage-sql", "none (no schema API)", run


TOOLS = {
    "sqlglot": (sqlglot_tool, "sqlglot"),
    "sqllineage": (sqllineage_tool, "sqllineage"),
    "sqllineage-rs": (sqllineage_rs_tool, "sqllineage-rs"),
    "openlineage-sql": (openlineage_tool, "openlineage-sql"),
}


def one_pass(run, queries, record):
    stats = {"empty": 0, "errors": 0, "edges": 0, "unresolved": 0}
    start = time.perf_counter()
    for sql in queries:
        try:
            edges, unresolved = run(sql)
        except Exception:  # a peer's failure on one query is a result, not a crash
            stats["errors"] += 1
            edges, unresolved = 0, 0
        if record:
            stats["edges"] += edges
            stats["unresolved"] += unresolved
            if edges == 0:
                stats["empty"] += 1
    return time.perf_counter() - start, stats


def peer(tool, corpus, seconds):
    make, dist = TOOLS[tool]
    queries, schema, typed = load(corpus)
    name, schema_use, run = make(schema, typed)
    # The first pass records the output and warms the tool up; further passes, while
    # the budget lasts, give the rate. A slow tool is timed on its first pass alone.
    first, stats = one_pass(run, queries, True)
    if first * 2 > seconds:
        timed, passes = first, 1
    else:
        timed, passes = 0.0, 0
        while passes == 0 or timed < seconds:
            t, _ = one_pass(run, queries, False)
            timed += t
            passes += 1
    print(json.dumps({
        "tool": name,
        "version": metadata.version(dist),
        "schema": schema_use,
        "queries": len(queries),
        "passes": passes,
        "seconds": round(timed, 3),
        "qps": len(queries) * passes / timed,
        **stats,
    }))


def dash(v):
    return "–" if v is None else v


def table(path):
    rows = [json.loads(line) for line in pathlib.Path(path).read_text().splitlines() if line.strip()]
    print("| tool | version | schema | queries/s | timed passes | empty | errors | edges | unresolved |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if "skipped" in r:
            print(f"| {r['tool']} | – | – | skipped: {r['skipped']} | | | | | |")
            continue
        print(
            f"| {r['tool']} | {r['version']} | {r['schema']} | {r['qps']:,.1f} | {r['passes']} "
            f"| {r['empty']} | {r['errors']} | {r['edges']} | {dash(r['unresolved'])} |"
        )
    weft = next((r for r in rows if r.get("tool") == "weft-lineage (in-process)"), None)
    if weft:
        print()
        print(
            f"Weft: parse only (sqlparser, GenericDialect) {weft['parse_qps']:,.0f} q/s, "
            f"full {weft['qps']:,.0f} q/s; analysis after parsing costs "
            f"{weft['analysis_over_parse']:.2f} x the parse time "
            f"(target <= 0.50: {'met' if weft['analysis_over_parse'] <= 0.5 else 'MISSED'})."
        )
        ol = next((r for r in rows if r.get("tool") == "openlineage-sql" and "qps" in r), None)
        if ol:
            verdict = "met" if weft["qps"] >= ol["qps"] else "MISSED"
            print(
                f"Weft / openlineage-sql throughput: {weft['qps'] / ol['qps']:.2f} x "
                f"(target >= 1: {verdict})."
            )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "peer":
        peer(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif len(sys.argv) == 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    else:
        sys.exit(__doc__)
