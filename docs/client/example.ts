// A typed govgraph client in ~40 lines: the generated TypedDocumentNodes (generated/graphql.ts,
// from schema.graphql and docs/examples) give every request its variables' and its answer's
// types, so a renamed or removed field fails `npm run typecheck`, not a user's screen.
//
//   npm ci && npm run codegen && npm run typecheck
//   npx tsc -p tsconfig.json --outDir build && node build/example.js http://127.0.0.1:8000/graphql 城区 2024-06-30
import { print } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { UnitOverviewDocument, type UnitOverviewQuery } from "./generated/graphql.js";

/** An error of the API's boundary: the stable code and the request id to quote. */
export class GovGraphError extends Error {
  constructor(message: string, readonly code: string | undefined, readonly requestId: string | undefined) {
    super(message);
  }
}

type Answer<R> = {
  data?: R | null;
  errors?: { message: string; extensions?: { code?: string; requestId?: string } }[];
};

/** One operation over HTTP POST; `token` is a bearer token (none: the demo viewer). */
export async function request<R, V>(
  url: string,
  document: TypedDocumentNode<R, V>,
  variables: V,
  token?: string,
): Promise<R> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as Answer<R>;
  const error = body.errors?.[0];
  if (error) throw new GovGraphError(error.message, error.extensions?.code, error.extensions?.requestId);
  if (body.data == null) throw new GovGraphError(`HTTP ${response.status}`, undefined, undefined);
  return body.data;
}

/** The unit's overview line by line: what a dashboard card would show. */
export function summarise(data: UnitOverviewQuery): string[] {
  const unit = data.orgUnit;
  if (!unit) return ["no such unit"];
  const rate = unit.taskRollup.completionRate; // number | null: null when nothing can be rated
  const lines = [
    `${unit.name}: ${unit.taskRollup.total} tasks, ${unit.taskRollup.overdue} overdue, ` +
      `completion ${rate === null ? "—" : `${(rate * 100).toFixed(1)}%`}`,
  ];
  for (const child of unit.children) {
    if (child.taskRollup.total > 0) lines.push(`  ${child.name}: ${child.taskRollup.total}/${child.taskRollup.overdue}`);
  }
  return lines;
}

// Run under Node (the page's own script would take these from its form instead).
declare const process: { argv: string[]; stdout: { write(text: string): void } };
const [url, name, asOf] = process.argv.slice(2);
if (url && name) {
  const data = await request(url, UnitOverviewDocument, { name, asOf: asOf ?? null });
  process.stdout.write(JSON.stringify({ lines: summarise(data), rollup: data.orgUnit?.taskRollup }) + "\n");
}
