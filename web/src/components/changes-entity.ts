// Reading the ids the server hands out: change-log entities (`dataset:NS:NAME`,
// `column:NS:NAME:FIELD`, `job:NS:NAME`, `run:UUID`, `source:URL`) and column node ids
// (`datasetField:NS:NAME:FIELD`), so the review and changes pages can link them.
//
// Namespaces are URIs and may contain `:` (`postgres://db:5432`). The server splits node
// ids from the right (store/src/read.rs `NodeId::parse`): the name, and for
// a column the field, are the last one or two `:`-separated parts. A change also carries
// its namespace, so when the caller knows it the id is read by that prefix first and the
// split only has to separate the name from the field. When nothing fits, the id is not
// read at all (and the page shows it as text rather than a wrong link).

export type EntityRef =
  | { kind: "dataset"; namespace: string; name: string }
  | { kind: "column"; namespace: string; name: string; field: string }
  | { kind: "job"; namespace: string; name: string }
  | { kind: "other"; type: string; rest: string };

function splitRight(rest: string, n: number): [string, string[]] | null {
  const parts: string[] = [];
  let head = rest;
  for (let i = 0; i < n; i++) {
    const at = head.lastIndexOf(":");
    if (at < 0) return null;
    parts.unshift(head.slice(at + 1));
    head = head.slice(0, at);
  }
  if (!head || parts.some((p) => !p)) return null;
  return [head, parts];
}

/** Reads an entity or node id; `namespace` (the change's own, when known) disambiguates. */
export function parseEntity(id: string, namespace?: string | null): EntityRef | null {
  const colon = id.indexOf(":");
  if (colon <= 0) return null;
  const type = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  const isColumn = type === "column" || type === "datasetField";
  if (type !== "dataset" && type !== "job" && !isColumn) return { kind: "other", type, rest };

  let ns: string;
  let tail: string[];
  if (namespace && rest.startsWith(`${namespace}:`) && rest.length > namespace.length + 1) {
    ns = namespace;
    const after = rest.slice(namespace.length + 1);
    if (isColumn) {
      const at = after.lastIndexOf(":");
      if (at <= 0 || at === after.length - 1) return null;
      tail = [after.slice(0, at), after.slice(at + 1)];
    } else {
      tail = [after];
    }
  } else {
    const split = splitRight(rest, isColumn ? 2 : 1);
    if (!split) return null;
    [ns, tail] = split;
  }
  if (isColumn) return { kind: "column", namespace: ns, name: tail[0], field: tail[1] };
  return { kind: type as "dataset" | "job", namespace: ns, name: tail[0] };
}
