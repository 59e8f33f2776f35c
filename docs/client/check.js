// Is generated/graphql.ts what codegen.js generates from today's schema.graphql? Exit 1 if not.
import { readFileSync } from "node:fs";
import { generate } from "@graphql-codegen/cli";
import config from "./codegen.js";

const outputs = await generate({ ...config, silent: true }, false);
let stale = 0;
for (const { filename, content } of outputs) {
  let current = "";
  try {
    current = readFileSync(filename, "utf8");
  } catch {
    current = "";
  }
  if (current !== content) {
    stale += 1;
    process.stderr.write(`${filename} is stale: run npm ci && npm run codegen in docs/client\n`);
  }
}
process.stdout.write(JSON.stringify({ files: outputs.length, stale }) + "\n");
process.exit(stale ? 1 : 0);
