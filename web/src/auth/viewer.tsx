// Who is signed in, and what their token may do. Pages ask `useViewer().can("review")`
// to decide whether to show an action at all: what a token may not do is hidden.
import { createContext, startTransition, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { graphql } from "../gql";
import { ApiError, request, UNAUTHENTICATED_EVENT } from "../api/client";
import { getToken, setToken } from "./token";

const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      authEnabled
      name
      scopes
    }
  }
`);

export type Scope = "read" | "write" | "review" | "admin";

export interface ViewerState {
  /** Still asking the server. */
  loading: boolean;
  /** Authentication is on and there is no valid token: show sign-in. */
  needsSignIn: boolean;
  authEnabled: boolean;
  name: string | null;
  scopes: string[];
  /** Why the last sign-in failed, in words. */
  error: string | null;
  can: (scope: Scope) => boolean;
  signIn: (token: string) => Promise<boolean>;
  signOut: () => void;
}

const ViewerContext = createContext<ViewerState | null>(null);

export function ViewerProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState({
    loading: true,
    needsSignIn: false,
    authEnabled: false,
    name: null as string | null,
    scopes: [] as string[],
    error: null as string | null,
  });

  const load = useCallback(async (): Promise<boolean> => {
    try {
      const data = await request(ViewerQuery);
      // A transition: React keeps the loading view until a lazy page's code is in,
      // instead of flashing a fallback and pausing before it swaps.
      startTransition(() =>
        setState({
        loading: false,
        needsSignIn: false,
        authEnabled: data.viewer.authEnabled,
        name: data.viewer.name ?? null,
        scopes: data.viewer.scopes,
        error: null,
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.kind === "unauthenticated") {
        setState((s) => ({
          ...s,
          loading: false,
          needsSignIn: true,
          authEnabled: true,
          name: null,
          scopes: [],
          error: getToken() ? "That token is not valid (unknown, revoked or mistyped)." : null,
        }));
      } else {
        setState((s) => ({ ...s, loading: false, error: e instanceof Error ? e.message : String(e) }));
      }
      return false;
    }
  }, []);

  useEffect(() => {
    void load();
    const onUnauthenticated = () =>
      setState((s) => ({ ...s, needsSignIn: true, authEnabled: true, name: null, scopes: [] }));
    window.addEventListener(UNAUTHENTICATED_EVENT, onUnauthenticated);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, onUnauthenticated);
  }, [load]);

  const value = useMemo<ViewerState>(
    () => ({
      ...state,
      can: (scope) => !state.authEnabled || state.scopes.includes(scope) || state.scopes.includes("admin"),
      signIn: async (token) => {
        setToken(token.trim());
        const ok = await load();
        if (!ok) setToken(null);
        return ok;
      },
      signOut: () => {
        setToken(null);
        void load();
      },
    }),
    [state, load],
  );
  return <ViewerContext.Provider value={value}>{children}</ViewerContext.Provider>;
}

export function useViewer(): ViewerState {
  const v = useContext(ViewerContext);
  if (!v) throw new Error("useViewer outside ViewerProvider");
  return v;
}
