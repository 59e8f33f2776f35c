// Apollo Client's PersistedQueryLink and urql's persistedExchange against a govgraph server.
// Usage: node links.mjs URL QUERY_FILE VARIABLES_JSON
// Prints one JSON object: per client, the requests it sent (method, hash?, query?) and the
// data of two runs of the same query (the second must go by hash alone).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { Client, fetchExchange } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";

const [url, queryFile, variablesJson] = process.argv.slice(2);
const text = readFileSync(queryFile, "utf8");
const variables = JSON.parse(variablesJson);
const sha256 = (query) => createHash("sha256").update(query).digest("hex");

/** A fetch that records what each request carried. */
function recorder(log) {
  return async (input, init = {}) => {
    const target = new URL(typeof input === "string" ? input : input.url);
    let body = {};
    if (init.body) body = JSON.parse(init.body);
    else {
      for (const key of ["query", "extensions"]) {
        const value = target.searchParams.get(key);
        if (value !== null) body[key] = key === "extensions" ? JSON.parse(value) : value;
      }
    }
    const response = await fetch(input, init);
    log.push({
      method: (init.method || "GET").toUpperCase(),
      hash: body.extensions?.persistedQuery?.sha256Hash ?? null,
      query: typeof body.query === "string",
      text: typeof body.query === "string" ? body.query : null,
      status: response.status,
    });
    return response;
  };
}

async function apollo() {
  const log = [];
  const link = new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
    new HttpLink({ uri: url, fetch: recorder(log) }),
  );
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  const document = gql(text);
  const data = [];
  for (let run = 0; run < 2; run++) {
    const result = await client.query({ query: document, variables, fetchPolicy: "network-only" });
    data.push(result.data);
  }
  return { log, data };
}

async function urql() {
  const log = [];
  const client = new Client({
    url,
    fetch: recorder(log),
    exchanges: [persistedExchange({ preferGetForPersistedQueries: true }), fetchExchange],
    requestPolicy: "network-only",
  });
  const data = [];
  for (let run = 0; run < 2; run++) {
    const result = await client.query(text, variables).toPromise();
    if (result.error) throw result.error;
    data.push(result.data);
  }
  return { log, data };
}

const out = { hash: sha256(text), apollo: await apollo(), urql: await urql() };
process.stdout.write(JSON.stringify(out));
