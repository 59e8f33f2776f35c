// graphql-codegen: TypeScript types and typed documents for the docs' and the dashboard's
// operations, from the schema file the server checks itself against (schema.graphql).
// Regenerate after a schema change: npm ci && npm run codegen. tests/test_client_kit.py fails
// while generated/graphql.ts is stale (check.js generates in memory and compares) and
// type-checks example.ts against it.
const config = {
  overwrite: true,
  schema: "../../schema.graphql",
  documents: [
    "../examples/*.graphql",
    "!../examples/09-top-level-error.graphql", // broken on purpose (the docs' error example)
    "../../api/static/dashboard/queries/*.graphql",
    // The dashboard's subscription is the docs' example 10 under the same name.
    "!../../api/static/dashboard/queries/rollup-changed.graphql",
  ],
  generates: {
    "generated/graphql.ts": {
      plugins: ["typescript", "typescript-operations", "typed-document-node"],
      config: {
        enumsAsTypes: true,
        avoidOptionals: { field: true },
        scalars: { Date: "string", DateTime: "string", JSON: "unknown", Upload: "File" },
        useTypeImports: true,
      },
    },
  },
};
export default config;
