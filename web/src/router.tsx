// A small client-side router over the History API: the URL is the state a person can
// share (search text and filters, the dataset and its tab, the lineage focus).
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from "react";

const NAVIGATE_EVENT = "weft:navigate";

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

export interface Location {
  pathname: string;
  search: URLSearchParams;
  href: string;
}

function current(): Location {
  return {
    pathname: window.location.pathname,
    search: new URLSearchParams(window.location.search),
    href: window.location.pathname + window.location.search,
  };
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    // Not a transition: inputs bound to the URL (filters, tabs) must change in the same
    // render as the click, or React puts the old value back until the transition lands.
    const update = () => setLoc(current());
    window.addEventListener("popstate", update);
    window.addEventListener(NAVIGATE_EVENT, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  return loc;
}

/** An `<a>` that navigates in the app (a modified or middle click still opens a tab). */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}

// --- the app's URLs ------------------------------------------------------------------

export type DatasetTab = "schema" | "lineage" | "usage" | "jobs" | "history";

export function datasetPath(namespace: string, name: string, tab?: DatasetTab): string {
  const base = `/datasets/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  return tab && tab !== "schema" ? `${base}/${tab}` : base;
}

/** The full-page lineage explorer around a node id (`dataset:NS:NAME`). */
export function lineagePath(nodeId: string, options: { column?: string; columnLevel?: boolean } = {}): string {
  const q = new URLSearchParams({ node: nodeId });
  if (options.columnLevel) q.set("columns", "1");
  if (options.column) q.set("focus", options.column);
  return `/lineage?${q.toString()}`;
}

export function datasetNodeId(namespace: string, name: string): string {
  return `dataset:${namespace}:${name}`;
}

export function columnNodeId(namespace: string, name: string, field: string): string {
  return `datasetField:${namespace}:${name}:${field}`;
}

export type Route =
  | { page: "search" }
  | { page: "dataset"; namespace: string; name: string; tab: DatasetTab }
  | { page: "lineage" }
  | { page: "review" }
  | { page: "changes" }
  | { page: "signin" }
  | { page: "notFound" };

const TABS: DatasetTab[] = ["schema", "lineage", "usage", "jobs", "history"];

export function match(pathname: string): Route {
  const parts = pathname.split("/").filter(Boolean);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "search")) return { page: "search" };
  if (parts[0] === "datasets" && (parts.length === 3 || parts.length === 4)) {
    try {
      const namespace = decodeURIComponent(parts[1]);
      const name = decodeURIComponent(parts[2]);
      const tab = (parts[3] ?? "schema") as DatasetTab;
      if (TABS.includes(tab)) return { page: "dataset", namespace, name, tab };
    } catch {
      return { page: "notFound" };
    }
  }
  if (parts.length === 1) {
    const page = parts[0];
    if (page === "lineage" || page === "review" || page === "changes" || page === "signin") return { page };
  }
  return { page: "notFound" };
}
