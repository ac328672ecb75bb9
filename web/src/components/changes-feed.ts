// The change log as a live, newest-first feed.
//
// The API reads the log forwards (`changes(since)`, oldest first after a sequence number)
// and streams it forwards (`metadataChanges(since)`); a person wants the newest first and
// older on demand. So the feed learns the newest sequence number (`lastSeq`), reads
// windows of sequence numbers backwards from it, and subscribes from that same number,
// which leaves no gap between what was read and what streams. A window of W numbers
// below `before` is read with `since = before - 1 - W, first = W`: at most W entries
// lie in it, so one page holds them all whatever the filters; a filter that matches
// rarely reads several windows per request, up to a bound, and says how far back it got.
//
// Live entries are collected and shown in batches (a busy pipeline commits hundreds a
// second; one render per entry would freeze the page), de-duplicated by sequence number
// (graphql-ws re-subscribes with the original `since` after a reconnect), streamed
// again from the last one seen when the server ends the stream (it does when it
// stops), held back while paused, and announced for screen readers at most every few
// seconds.
import { useCallback, useEffect, useRef, useState } from "react";
import { graphql } from "../gql";
import type { ChangeFilter, ChangesWindowQuery } from "../gql/graphql";
import { request } from "../api/client";
import { liveClient } from "../api/live";

const ChangesProbeDoc = graphql(`
  query ChangesProbe {
    changes(first: 0) {
      lastSeq
    }
  }
`);

const ChangesWindowDoc = graphql(`
  query ChangesWindow($since: Int!, $first: Int!, $kind: String, $namespace: String, $entityPrefix: String) {
    changes(since: $since, first: $first, kind: $kind, namespace: $namespace, entityPrefix: $entityPrefix) {
      nodes {
        seq
        at
        actor
        kind
        entity
        namespace
      }
    }
  }
`);

const LiveChangesDoc = graphql(`
  subscription LiveChanges($since: Int, $filter: ChangeFilter) {
    metadataChanges(since: $since, filter: $filter) {
      seq
      at
      actor
      kind
      entity
      namespace
    }
  }
`);

export type ChangeRow = ChangesWindowQuery["changes"]["nodes"][number] & { live?: boolean };

export interface FeedFilter {
  kind: string;
  namespace: string;
  entityPrefix: string;
}

export type LiveStatus = "connecting" | "live" | "reconnecting" | "failed" | "offline";

/** Sequence numbers per window: the API's largest page. */
const WINDOW = 100;
/** Windows read per request before reporting how far back the search got. */
const MAX_WINDOWS = 10;
/** Rows kept on screen; beyond it the oldest go and "Load older" brings them back. */
const MAX_ROWS = 2000;
/** Live entries held while paused before resuming means reloading instead. */
const MAX_PENDING = 1000;
const FLUSH_MS = 250;
const RESUBSCRIBE_MS = 1000;
const MAX_RESUBSCRIBE_MS = 30_000;
const ANNOUNCE_MS = 4000;

interface Older {
  /** Read entries below this sequence number next. */
  before: number;
  /** The log's beginning was reached. */
  done: boolean;
}

async function readBefore(
  before: number,
  f: FeedFilter,
  signal: AbortSignal,
): Promise<{ rows: ChangeRow[]; older: Older }> {
  const rows: ChangeRow[] = [];
  let hi = before;
  for (let i = 0; i < MAX_WINDOWS && hi > 1 && rows.length < WINDOW / 2; i++) {
    const lo = Math.max(0, hi - 1 - WINDOW);
    const page = await request(
      ChangesWindowDoc,
      {
        since: lo,
        first: hi - 1 - lo,
        kind: f.kind || null,
        namespace: f.namespace || null,
        entityPrefix: f.entityPrefix || null,
      },
      signal,
    );
    const got = page.changes.nodes.filter((n) => n.seq < hi).reverse();
    rows.push(...got);
    hi = lo + 1;
  }
  return { rows, older: { before: hi, done: hi <= 1 } };
}

function liveFilter(f: FeedFilter): ChangeFilter | null {
  if (!f.kind && !f.namespace && !f.entityPrefix) return null;
  return {
    kinds: f.kind ? [f.kind] : null,
    namespace: f.namespace || null,
    entityPrefix: f.entityPrefix || null,
  };
}

function describeLiveError(e: unknown): string {
  if (Array.isArray(e)) return e.map((x) => (x && typeof x === "object" && "message" in x ? String(x.message) : String(x))).join("; ");
  if (e && typeof e === "object" && "reason" in e && (e as CloseEvent).reason) return (e as CloseEvent).reason;
  if (e instanceof Error) return e.message;
  return "the live connection closed";
}

export interface ChangeFeed {
  rows: ChangeRow[];
  loading: boolean;
  error: unknown;
  older: Older | null;
  loadingOlder: boolean;
  loadOlder: () => void;
  status: LiveStatus;
  liveError: string | null;
  /** Entries that arrived while paused. */
  pending: number;
  /** Announced to screen readers ("3 new changes"). */
  announcement: string;
  reload: () => void;
}

export function useChangeFeed(filter: FeedFilter, paused: boolean): ChangeFeed {
  const [rows, setRows] = useState<ChangeRow[]>([]);
  const rowsRef = useRef<ChangeRow[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [older, setOlder] = useState<Older | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [liveError, setLiveError] = useState<string | null>(null);
  const [pendingCount, setPendingCount] = useState(0);
  const [announcement, setAnnouncement] = useState("");
  const [nonce, setNonce] = useState(0);

  const queue = useRef<ChangeRow[]>([]);
  const pending = useRef<ChangeRow[]>([]);
  const overflow = useRef(false);
  const maxSeen = useRef(0);
  const pausedRef = useRef(paused);
  const unannounced = useRef(0);
  const lastAnnounce = useRef(0);
  const olderCtl = useRef<AbortController | null>(null);

  const key = `${filter.kind}\u0000${filter.namespace}\u0000${filter.entityPrefix}`;
  const filterRef = useRef(filter);
  filterRef.current = filter;

  const commitRows = useCallback((next: ChangeRow[]) => {
    rowsRef.current = next;
    setRows(next);
  }, []);

  const show = useCallback(
    (fresh: ChangeRow[]) => {
      if (fresh.length === 0) return;
      const next = [...fresh.map((c) => ({ ...c, live: true })).reverse(), ...rowsRef.current];
      if (next.length > MAX_ROWS) {
        next.length = MAX_ROWS;
        setOlder({ before: next[next.length - 1].seq, done: false });
      }
      commitRows(next);
      unannounced.current += fresh.length;
    },
    [commitRows],
  );

  const announce = useCallback(() => {
    const now = Date.now();
    if (unannounced.current === 0 || now - lastAnnounce.current < ANNOUNCE_MS) return;
    const n = unannounced.current;
    unannounced.current = 0;
    lastAnnounce.current = now;
    setAnnouncement(`${n} new change${n === 1 ? "" : "s"}`);
  }, []);

  // Load the newest window, then stream from where it ended.
  useEffect(() => {
    const ctl = new AbortController();
    const f = filterRef.current;
    let unsubscribe: (() => void) | undefined;
    let resubscribe: number | undefined;
    const offs: (() => void)[] = [];
    queue.current = [];
    pending.current = [];
    overflow.current = false;
    setPendingCount(0);
    setLoading(true);
    setError(null);
    setLiveError(null);
    setStatus("connecting");
    olderCtl.current?.abort();
    setLoadingOlder(false);

    const flush = window.setInterval(() => {
      if (queue.current.length > 0) {
        const batch = queue.current;
        queue.current = [];
        if (pausedRef.current) {
          pending.current.push(...batch);
          if (pending.current.length > MAX_PENDING) {
            overflow.current = true;
            pending.current = pending.current.slice(-MAX_PENDING);
          }
          setPendingCount(pending.current.length);
        } else {
          show(batch);
        }
      }
      announce();
    }, FLUSH_MS);

    (async () => {
      const probe = await request(ChangesProbeDoc, {}, ctl.signal);
      const last = probe.changes.lastSeq;
      const first = await readBefore(last + 1, f, ctl.signal);
      if (ctl.signal.aborted) return;
      commitRows(first.rows);
      setOlder(first.older);
      setLoading(false);
      maxSeen.current = last;

      const client = liveClient();
      offs.push(
        client.on("connecting", (isRetry) => setStatus(isRetry ? "reconnecting" : "connecting")),
        client.on("connected", () => {
          setStatus("live");
          setLiveError(null);
        }),
        client.on("closed", () => setStatus((s) => (s === "failed" ? s : "reconnecting"))),
      );
      // The server ends every stream when it stops (a restart, a deploy): subscribe
      // again from the last entry seen, waiting longer after each end in a row.
      let delay = RESUBSCRIBE_MS;
      const subscribe = () => {
        unsubscribe = client.subscribe(
          { query: LiveChangesDoc.toString(), variables: { since: maxSeen.current, filter: liveFilter(f) } },
          {
            next: (result) => {
              delay = RESUBSCRIBE_MS;
              const c = (result.data as { metadataChanges?: ChangeRow } | null | undefined)?.metadataChanges;
              if (result.errors?.length) setLiveError(describeLiveError(result.errors));
              if (!c || c.seq <= maxSeen.current) return;
              maxSeen.current = c.seq;
              queue.current.push(c);
              setStatus("live");
            },
            error: (e) => {
              if (ctl.signal.aborted) return;
              setStatus("failed");
              setLiveError(describeLiveError(e));
            },
            complete: () => {
              if (ctl.signal.aborted) return;
              setStatus("reconnecting");
              resubscribe = window.setTimeout(subscribe, delay);
              delay = Math.min(delay * 2, MAX_RESUBSCRIBE_MS);
            },
          },
        );
      };
      subscribe();
    })().catch((e) => {
      if (ctl.signal.aborted) return;
      setError(e);
      setLoading(false);
      setStatus("offline");
    });

    return () => {
      ctl.abort();
      window.clearInterval(flush);
      window.clearTimeout(resubscribe);
      unsubscribe?.();
      offs.forEach((off) => off());
    };
  }, [key, nonce, show, announce, commitRows]);

  // Resuming shows what arrived meanwhile, or reloads when too much did.
  useEffect(() => {
    pausedRef.current = paused;
    if (paused) return;
    if (overflow.current) {
      setNonce((n) => n + 1);
      return;
    }
    const held = pending.current;
    pending.current = [];
    setPendingCount(0);
    show(held);
  }, [paused, show]);

  const loadOlder = useCallback(() => {
    if (!older || older.done) return;
    olderCtl.current?.abort();
    const ctl = new AbortController();
    olderCtl.current = ctl;
    setLoadingOlder(true);
    readBefore(older.before, filterRef.current, ctl.signal).then(
      (page) => {
        if (ctl.signal.aborted) return;
        commitRows([...rowsRef.current, ...page.rows]);
        setOlder(page.older);
        setLoadingOlder(false);
      },
      (e) => {
        if (ctl.signal.aborted) return;
        setError(e);
        setLoadingOlder(false);
      },
    );
  }, [older, commitRows]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);

  return {
    rows,
    loading,
    error,
    older,
    loadingOlder,
    loadOlder,
    status,
    liveError,
    pending: pendingCount,
    announcement,
    reload,
  };
}
