// A small data hook: runs a typed query when its variables change, cancels the previous
// one, and lets a page refetch (after a mutation, or when a live change lands).
import { useCallback, useEffect, useRef, useState } from "react";
import type { TypedDocumentString } from "../gql/graphql";
import { request } from "./client";

export interface QueryState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  refetch: () => void;
}

export function useQuery<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: { skip?: boolean } = {},
): QueryState<TResult> {
  const key = JSON.stringify(variables);
  const [state, setState] = useState<{ data?: TResult; error?: unknown; loading: boolean }>({
    loading: !options.skip,
  });
  const [nonce, setNonce] = useState(0);
  const vars = useRef(variables);
  vars.current = variables;

  useEffect(() => {
    if (options.skip) return;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    request(document, vars.current, ctl.signal).then(
      (data) => setState({ data, loading: false }),
      (error) => {
        if (!ctl.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => ctl.abort();
  }, [document, key, nonce, options.skip]);

  const refetch = useCallback(() => setNonce((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, refetch };
}
