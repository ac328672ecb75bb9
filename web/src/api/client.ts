// One way to talk to the server: GraphQL over HTTP, typed by the documents in src/
// (see codegen.ts). Failures become an `ApiError` with a kind a page can act on:
// a 401 sends the person to sign-in, a 403 names the missing scope, everything else
// is shown in words.
import type { TypedDocumentString } from "../gql/graphql";
import { getToken } from "../auth/token";

export type ApiErrorKind = "unauthenticated" | "forbidden" | "network" | "graphql" | "http" | "notFound";

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  /** The scope a 403 says is missing (`review`, `write`…), when it says so. */
  readonly scope?: string;
  constructor(kind: ApiErrorKind, message: string, scope?: string) {
    super(message);
    this.kind = kind;
    this.scope = scope;
  }
}

interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string };
}

/** Fired when the server says the token is missing or unknown: the shell shows sign-in. */
export const UNAUTHENTICATED_EVENT = "weft:unauthenticated";

function scopeIn(message: string): string | undefined {
  return /lacks the (\w+) scope/.exec(message)?.[1];
}

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
  signal?: AbortSignal,
): Promise<TResult> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "application/graphql-response+json, application/json",
  };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let resp: Response;
  try {
    resp = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError("network", "The Weft server cannot be reached. Is `weft serve` running?");
  }
  let body: { data?: TResult | null; errors?: GraphqlError[] } | undefined;
  try {
    body = await resp.json();
  } catch {
    body = undefined;
  }
  const errors = body?.errors ?? [];
  const first = errors[0];
  if (resp.status === 401 || first?.extensions?.code === "UNAUTHENTICATED") {
    window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT));
    throw new ApiError("unauthenticated", first?.message ?? "Sign in with a token to continue.");
  }
  if (resp.status === 403 || first?.extensions?.code === "FORBIDDEN") {
    const message = first?.message ?? "This token is not allowed to do that.";
    throw new ApiError("forbidden", message, scopeIn(message));
  }
  if (!body) {
    throw new ApiError("http", `The server answered ${resp.status} ${resp.statusText} without a readable body.`);
  }
  if (errors.length > 0 && (body.data === null || body.data === undefined)) {
    throw new ApiError("graphql", errors.map((e) => e.message).join("; "));
  }
  if (errors.length > 0) {
    // A field failed but the rest answered: say so without losing the page.
    console.warn("GraphQL field errors", errors);
  }
  return body.data as TResult;
}

/** Words for any error a page may show. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.kind === "forbidden" && e.scope) {
      return `Your token lacks the “${e.scope}” scope needed for this. Ask an admin for a token with it.`;
    }
    return e.message;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}
