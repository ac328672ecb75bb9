// Types for every GraphQL document in src/, generated from the server's SDL.
// A schema change that breaks a query fails here (validation) or in `tsc` (types).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schemas/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown" },
        documentMode: "string",
      },
    },
  },
  silent: true,
};
export default config;
