import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Two entries: the app (index.html) and GraphiQL (graphiql.html), both embedded in the
// `weft` binary from dist/ (see embed/). The graph code and GraphiQL load only when used.
const devServer = process.env.WEFT_DEV_SERVER ?? "http://127.0.0.1:5000";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    // GraphiQL is one large chunk of its own, loaded only at /graphql.
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      input: { index: "index.html", graphiql: "graphiql.html" },
    },
  },
  // `npm run dev` against a running `weft serve` (WEFT_DEV_SERVER, default port 5000).
  server: {
    proxy: {
      "/graphql": { target: devServer, ws: true },
      "/api": devServer,
    },
  },
});
