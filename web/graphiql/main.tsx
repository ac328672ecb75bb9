// GraphiQL, bundled so that `/graphql` works in a browser with no internet.
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import "graphiql/style.css";

const url = new URL("/graphql", window.location.href).toString();
const wsUrl = url.replace(/^http/, "ws");
// The web UI keeps a signed-in token for the browser session; GraphiQL starts with it.
const token = window.sessionStorage.getItem("weft.token");
const headers = token ? { Authorization: `Bearer ${token}` } : undefined;

const fetcher = createGraphiQLFetcher({ url, subscriptionUrl: wsUrl, headers });

const root = document.getElementById("graphiql");
if (root) {
  createRoot(root).render(
    <GraphiQL
      fetcher={fetcher}
      defaultHeaders={headers ? JSON.stringify(headers, null, 2) : undefined}
      defaultQuery={"# Weft's GraphQL API. Press Ctrl-Enter to run.\n{\n  namespaces(first: 10) {\n    nodes { name events }\n  }\n}\n"}
    />,
  );
}
