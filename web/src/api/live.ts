// The live change feed: one graphql-transport-ws connection per page that asks, with the
// token in `connection_init` (browsers cannot set headers on a WebSocket).
import { createClient, type Client } from "graphql-ws";
import { getToken } from "../auth/token";

let client: Client | undefined;
let clientToken: string | null = null;

export function liveClient(): Client {
  const token = getToken();
  if (!client || token !== clientToken) {
    client?.dispose();
    clientToken = token;
    const url = new URL("/graphql", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    client = createClient({
      url: url.toString(),
      connectionParams: () => (clientToken ? { Authorization: `Bearer ${clientToken}` } : {}),
      retryAttempts: Infinity,
      shouldRetry: () => true,
      lazy: true,
    });
  }
  return client;
}
