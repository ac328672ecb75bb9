// The dataset a page is about, and one refresh signal for all of it: an edit that
// commits and a live change from another tab or pipeline both bump `refreshKey`, and
// every part of the page (header, the open tab) refetches when it moves. One counter
// means no part can be forgotten when a new way of changing the dataset appears.
import { createContext, useContext, useEffect, useRef } from "react";

export interface DatasetRef {
  namespace: string;
  name: string;
  /** Moves whenever the page's data may be stale. */
  refreshKey: number;
  /** Ask every part of the page to refetch (after an edit). */
  refresh: () => void;
}

export const DatasetContext = createContext<DatasetRef | null>(null);

export function useDataset(): DatasetRef {
  const d = useContext(DatasetContext);
  if (!d) throw new Error("useDataset outside a dataset page");
  return d;
}

/** Runs `refetch` each time the page's refresh key moves after this component mounted. */
export function useRefetchOnRefresh(refetch: () => void): void {
  const { refreshKey } = useDataset();
  const seen = useRef(refreshKey);
  useEffect(() => {
    if (refreshKey === seen.current) return;
    seen.current = refreshKey;
    refetch();
  }, [refreshKey, refetch]);
}
