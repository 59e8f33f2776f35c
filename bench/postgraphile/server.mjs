// PostGraphile v5 (Amber preset) over the benchmark database, with WORKERS cluster workers.
// Usage: node server.mjs   (env: DATABASE_URL, PORT, WORKERS)
import cluster from "node:cluster";
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

const workers = Number(process.env.WORKERS || "1");
const port = Number(process.env.PORT || "5678");

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code) => {
    console.error(`worker ${worker.process.pid} exited with ${code}`);
  });
} else {
  const preset = {
    extends: [PostGraphileAmberPreset],
    pgServices: [
      makePgService({
        connectionString: process.env.DATABASE_URL,
        schemas: ["public"],
        poolConfig: { max: Number(process.env.POOL_SIZE || "10") },
      }),
    ],
    grafserv: { graphiql: false, watch: false },
    grafast: { explain: false },
  };
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  server.keepAliveTimeout = 65000;
  server.once("listening", () => console.log(`postgraphile pid ${process.pid} on ${port}`));
  serv.addTo(server).then(() => server.listen(port, "127.0.0.1"));
}
