// The graphql-http server audits (GraphQL-over-HTTP spec) against a running govgraph server.
//
//   node tests/conformance/audit.mjs http://127.0.0.1:8000/graphql
//
// Prints one JSON object: {"results": [{"id", "name", "status", "reason"}], "counts": {...}}.
// Exits 1 when an audit errors (a MUST of the spec is violated), 0 otherwise (warnings are
// SHOULDs; the caller decides what to do with them).
import { serverAudits } from "graphql-http";

const url = process.argv[2];
if (!url) {
  console.error("usage: node audit.mjs URL");
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  let reason = null;
  if (result.status !== "ok") {
    reason = result.reason;
    if (result.response) {
      const body = await result.response.text().catch(() => "");
      reason += ` [HTTP ${result.response.status}` +
        ` ${result.response.headers.get("content-type") ?? "-"}: ${body.slice(0, 200)}]`;
    }
  }
  results.push({ id: audit.id, name: audit.name, status: result.status, reason });
}

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const { status } of results) counts[status] += 1;
console.log(JSON.stringify({ results, counts }, null, 1));
process.exit(counts.error > 0 ? 1 : 0);
