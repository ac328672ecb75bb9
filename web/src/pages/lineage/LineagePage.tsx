// The lineage explorer at `/lineage?node=dataset:NS:NAME[&columns=1][&focus=datasetField:…][&depth=N]`.
//
// The URL is the view a person shares: the focus dataset, the level, the chosen column
// and how many hops load at first (`depth`, 1 by default, each way). This module is
// loaded on demand and is the only one that imports React Flow and its CSS, so the graph
// code costs nothing on the other pages. A new focus (or depth) starts a new explorer;
// a change of level or column keeps the graph and its positions.
import { useCallback, useEffect } from "react";
import { ReactFlowProvider } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import "./lineage.css";
import { ErrorMessage, Loading } from "../../components/common";
import { datasetPath, lineagePath, Link, navigate, useLocation } from "../../router";
import { parseColumnId, parseDatasetId, shortName } from "./model";
import { Explorer } from "./Explorer";
import type { Mode } from "./useLineage";

const MAX_DEPTH = 10;

export default function LineagePage() {
  const loc = useLocation();
  const node = loc.search.get("node") ?? "";
  const focusColumn = loc.search.get("focus");
  const mode: Mode = loc.search.get("columns") === "1" || focusColumn ? "columns" : "datasets";
  const depth = Math.min(MAX_DEPTH, Math.max(1, Number.parseInt(loc.search.get("depth") ?? "1", 10) || 1));
  const columnOf = parseColumnId(node)?.dataset;

  // A column id as the focus: its dataset, at column level, with the column chosen.
  useEffect(() => {
    if (columnOf) navigate(lineagePath(columnOf, { columnLevel: true, column: node }), { replace: true });
  }, [columnOf, node]);

  const titleName = parseDatasetId(node)?.name;
  useEffect(() => {
    document.title = titleName ? `Lineage of ${shortName(titleName).last} · Weft` : "Lineage · Weft";
  }, [titleName]);

  const setParam = useCallback((key: string, value: string | null) => {
    const q = new URLSearchParams(window.location.search);
    if (value === null) q.delete(key);
    else q.set(key, value);
    navigate(`/lineage?${q.toString()}`, { replace: true });
  }, []);
  const setMode = useCallback(
    (m: Mode) => {
      const q = new URLSearchParams(window.location.search);
      if (m === "columns") q.set("columns", "1");
      else {
        q.delete("columns");
        q.delete("focus");
      }
      navigate(`/lineage?${q.toString()}`, { replace: true });
    },
    [],
  );
  const setFocusColumn = useCallback((colId: string | null) => setParam("focus", colId), [setParam]);

  if (!node) {
    return (
      <section>
        <h1>Lineage</h1>
        <p>
          Open the lineage of a dataset from its page, or <Link to="/">search the catalog</Link> for one.
        </p>
      </section>
    );
  }
  if (columnOf) return <Loading what="lineage" />;
  const ds = parseDatasetId(node);
  if (!ds) {
    return (
      <section>
        <h1>Lineage</h1>
        <ErrorMessage error={new Error(`“${node}” is not a dataset id (dataset:NAMESPACE:NAME).`)} />
      </section>
    );
  }
  const { prefix, last } = shortName(ds.name);
  return (
    <section className="lx-page" aria-labelledby="lx-title">
      <header className="lx-header">
        <p className="lx-crumbs muted">
          Lineage · <span className="lx-crumb-ns">{ds.namespace}</span>
          {prefix && ` · ${prefix.slice(0, -1)}`}
        </p>
        <h1 id="lx-title" title={ds.name}>
          {last}
        </h1>
        <Link to={datasetPath(ds.namespace, ds.name)} className="lx-dataset-link">
          Dataset page
        </Link>
      </header>
      <ReactFlowProvider key={`${node}\u0000${depth}`}>
        <Explorer
          focus={node}
          depth={depth}
          mode={mode}
          focusColumn={focusColumn}
          setMode={setMode}
          setFocusColumn={setFocusColumn}
        />
      </ReactFlowProvider>
    </section>
  );
}
