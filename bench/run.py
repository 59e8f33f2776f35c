"""`make bench`: govgraph against PostGraphile v5 and a raw-SQL floor, on one PostgreSQL.

1. creates the database BENCH_DATABASE, migrates it and runs `govgraph generate` with
   BENCH_UNITS / BENCH_TASKS / BENCH_REPORTS / BENCH_SEED (BENCH_REUSE=1 keeps an existing,
   generated database), and adds PostGraphile's computed columns (postgraphile/functions.sql);
2. for each peer in turn (floor, PostGraphile, govgraph) starts its server with
   BENCH_WORKERS workers, warms it up and drives Q1–Q5 with bench/load.py over loopback,
   BENCH_REQUESTS requests per query on BENCH_CONCURRENCY connections, then reads the
   workers' peak RSS (VmHWM) and stops it;
3. starts each peer again with one worker behind bench/pgcount.py and counts the SQL
   statements each operation runs, one request at a time (not under load);
   servers' output goes to bench/.work/<peer>-<port>.log;
4. writes the table between the bench markers of bench/RESULTS.md (other sections stay).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from bench import load, restricted
from bench.pgcount import Proxy
from bench.queries import GOVGRAPH, POSTGRAPHILE, QUERIES

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
NODE = BENCH / "node_modules" / ".bin" / "node"
RESULTS = BENCH / "RESULTS.md"
LABEL = os.environ.get("BENCH_LABEL", "default")
BEGIN, END = f"<!-- bench:{LABEL}:begin -->", f"<!-- bench:{LABEL}:end -->"
# govgraph-resolvers: the same server with the compiled read path off (GOVGRAPH_COMPILED=0):
# every field through its resolver and dataloaders, as before issue 8's compiled path.
PEERS = ("floor", "postgraphile", "govgraph", "govgraph-resolvers")
OURS = ("govgraph", "govgraph-resolvers")
SECRET = "bench-secret-" + "0123456789abcdef" * 2


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass
class Config:
    """Everything a run depends on (environment variables BENCH_*)."""

    server: str = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
    database: str = os.environ.get("BENCH_DATABASE", "govgraph_bench")
    units: int = env_int("BENCH_UNITS", 2000)
    tasks: int = env_int("BENCH_TASKS", 60_000)
    reports: int = env_int("BENCH_REPORTS", 600_000)
    seed: int = env_int("BENCH_SEED", 1)
    reuse: bool = os.environ.get("BENCH_REUSE") == "1"
    workers: int = env_int("BENCH_WORKERS", 2)
    concurrency: int = env_int("BENCH_CONCURRENCY", 8)
    requests: int = env_int("BENCH_REQUESTS", 200)
    warmup: int = env_int("BENCH_WARMUP", 40)
    port: int = env_int("BENCH_PORT", 8750)

    def budget(self, name: str) -> tuple[int, int]:
        """(warm-up, measured) requests of a query; Q3 (a whole province) gets a quarter."""
        share = 4 if name == "Q3" else 1
        return max(2, self.warmup // share), max(8, self.requests // share)

    @property
    def url(self) -> str:
        return f"{self.server}/{self.database}"

    def via(self, port: int) -> str:
        """The database URL through the counting proxy on `port`."""
        user = self.server.split("://", 1)[1].rsplit("@", 1)[0]
        return f"postgresql://{user}@127.0.0.1:{port}/{self.database}"


@dataclass
class Params:
    """Which units and assignments the requests name."""

    today: date
    province: str
    districts: list[str]
    cities: list[str]
    writes: list[tuple[str, str]]  # (assignment id, its unit id)


@dataclass
class PeerResult:
    runs: dict[str, load.Result] = field(default_factory=dict)
    rss_mb: float = 0.0
    statements: dict[str, float] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, cwd=ROOT)


# -- the dataset --------------------------------------------------------------------------------
async def prepare(cfg: Config) -> str:
    """A generated database; returns how it was made (for the report)."""
    admin = await asyncpg.connect(f"{cfg.server}/postgres")
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", cfg.database)
        if exists and cfg.reuse:
            log(f"reusing database {cfg.database}")
            made = "reused"
        else:
            await admin.execute(f'DROP DATABASE IF EXISTS "{cfg.database}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{cfg.database}"')
            made = ""
    finally:
        await admin.close()
    # Reused or new, the schema is brought to head (upgrade is idempotent).
    await asyncio.to_thread(
        _run, [str(BIN / "govgraph"), "db", "upgrade", "--database-url", cfg.url]
    )
    if not made:
        command = [
            "govgraph", "generate", "--units", str(cfg.units), "--tasks", str(cfg.tasks),
            "--reports", str(cfg.reports), "--seed", str(cfg.seed), "--database-url", cfg.url,
        ]  # fmt: skip
        log(" ".join(command))
        started = time.perf_counter()
        await asyncio.to_thread(_run, [str(BIN / command[0]), *command[1:]])
        made = f"generated in {time.perf_counter() - started:.0f} s"
    conn = await asyncpg.connect(cfg.url)
    try:
        await conn.execute((BENCH / "postgraphile" / "functions.sql").read_text())
        counts = {
            t: await conn.fetchval(f"SELECT count(*) FROM {t}")
            for t in ("org_unit", "task", "assignment", "progress_report")
        }
    finally:
        await conn.close()
    sizes = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    return f"{sizes} ({made})"


async def parameters(cfg: Config) -> Params:
    conn = await asyncpg.connect(cfg.url)
    try:
        province = await conn.fetchval("SELECT id FROM org_unit WHERE depth = 0")
        districts = await conn.fetch(
            "SELECT id FROM org_unit WHERE kind = 'DISTRICT' ORDER BY code LIMIT 8"
        )
        cities = await conn.fetch(
            "SELECT id FROM org_unit WHERE kind = 'CITY' ORDER BY code LIMIT 4"
        )
        writes = await conn.fetch(
            """SELECT id, org_unit_id FROM assignment
               WHERE role = 'LEAD' AND status <> 'COMPLETED' ORDER BY id LIMIT 400"""
        )
    finally:
        await conn.close()
    return Params(
        today=datetime.now(ZoneInfo("Asia/Shanghai")).date(),
        province=str(province),
        districts=[str(r["id"]) for r in districts],
        cities=[str(r["id"]) for r in cities],
        writes=[(str(r["id"]), str(r["org_unit_id"])) for r in writes],
    )


# -- requests -----------------------------------------------------------------------------------
def _gid(type_name: str, value: str) -> str:
    from strawberry import relay

    return str(relay.GlobalID(type_name, value))


class Requests:
    """Prebuilt request bytes of every operation, for each peer."""

    def __init__(self, params: Params) -> None:
        from api.auth import mint_token
        from models.enums import ViewerRole

        self.p = params
        self.admin = mint_token(SECRET, unit_id=uuid.UUID(params.province), role=ViewerRole.ADMIN)
        self.reporters = {
            unit: mint_token(SECRET, unit_id=uuid.UUID(unit), role=ViewerRole.REPORTER)
            for _, unit in params.writes
        }

    def one(self, peer: str, name: str, i: int) -> bytes:
        """The i-th request of operation `name` (Q1–Q4, W) to `peer`."""
        p = self.p
        peer = "govgraph" if peer in OURS else peer
        unit = {
            "Q1": p.districts,
            "Q2": p.districts,
            "Q3": [p.province],
            "Q4": p.cities,
        }.get(name)
        variables: dict[str, Any]
        if name == "W":
            assignment, owner = p.writes[i % len(p.writes)]
            percent = float(10 + (i * 7) % 80)
            if peer == "govgraph":
                variables = {
                    "input": {
                        "assignment": _gid("Assignment", assignment),
                        "percent": percent,
                        "narrative": "bench",
                    }
                }
                return self._graphql(GOVGRAPH["W"], variables, self.reporters[owner])
            if peer == "postgraphile":
                variables = {"a": assignment, "p": percent, "n": "bench"}
                return self._graphql(POSTGRAPHILE["W"], variables)
            variables = {"assignment": assignment, "percent": percent, "narrative": "bench"}
            return load.http_post("/q/W", json.dumps({"variables": variables}).encode())
        assert unit is not None
        target = unit[i % len(unit)]
        variables = {"unit": target}
        if name in ("Q1", "Q3") and peer != "govgraph":
            variables["today"] = p.today.isoformat()
        if name == "Q1" and peer == "govgraph":
            variables["today"] = p.today.isoformat()
        if peer == "govgraph":
            variables["unit"] = _gid("OrgUnit", target)
            return self._graphql(GOVGRAPH[name], variables, self.admin)
        if peer == "postgraphile":
            return self._graphql(POSTGRAPHILE[name], variables)
        return load.http_post(f"/q/{name}", json.dumps({"variables": variables}).encode())

    def _graphql(self, query: str, variables: dict[str, Any], token: str | None = None) -> bytes:
        body = json.dumps({"query": query, "variables": variables}).encode()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return load.http_post("/graphql", body, headers)

    def operation(self, peer: str, name: str, count: int, offset: int = 0) -> list[bytes]:
        """`count` requests of Q1–Q5; Q5 is Q1 and Q2 alternately with every tenth a write."""
        out = []
        for i in range(offset, offset + count):
            if name != "Q5":
                out.append(self.one(peer, name, i))
            elif i % 10 == 9:
                out.append(self.one(peer, "W", i // 10))
            else:
                out.append(self.one(peer, "Q1" if i % 2 else "Q2", i))
        return out


# -- servers ------------------------------------------------------------------------------------
def start(peer: str, cfg: Config, port: int, url: str, workers: int, debug: bool = False) -> Any:
    env = dict(os.environ)
    if peer == "postgraphile":
        env.update(
            DATABASE_URL=url, PORT=str(port), WORKERS=str(workers), GRAPHILE_ENV="production"
        )
        command = [str(NODE), str(BENCH / "postgraphile" / "server.mjs")]
    else:
        env.update(
            GOVGRAPH_COMPILED="0" if peer == "govgraph-resolvers" else "1",
            GOVGRAPH_DATABASE_URL=url,
            BENCH_DATABASE_URL=url,
            GOVGRAPH_SECRET=SECRET,
            GOVGRAPH_DEBUG="1" if debug else "0",
            GOVGRAPH_RATE_LIMIT="off",  # the load generator is one caller at full speed
            GOVGRAPH_RATE_LIMIT_HEAVY="off",
        )
        # Both serve through uvicorn with TCP_NODELAY on every connection (api/server.py:
        # uvicorn's own CLI with --workers leaves it off, adding ~40 ms to each response).
        if peer in OURS:
            command = [str(BIN / "govgraph"), "serve"]
        else:
            command = [str(BIN / "python"), "-m", "bench.floor"]
        command += [
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    logs = BENCH / ".work"
    logs.mkdir(exist_ok=True)
    with (logs / f"{peer}-{port}.log").open("ab") as output:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=output
        )


async def wait_ready(process: Any, port: int, probe: bytes, patience: float = 90) -> None:
    deadline = time.monotonic() + patience
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            result = await load.run(port, [probe], 1, 1)
            if not result.errors:
                return
            raise RuntimeError(result.first_error)
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


def stop(process: Any) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def descendants(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            out += [child, *descendants(child)]
    return out


def peak_rss_mb(pid: int) -> float:
    """The largest VmHWM among the server's worker processes (itself if it has none)."""
    pids = descendants(pid) or [pid]
    peak = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


# -- measuring ----------------------------------------------------------------------------------
async def measure(cfg: Config, requests: Requests) -> dict[str, PeerResult]:
    results: dict[str, PeerResult] = {}
    for k, peer in enumerate(PEERS):
        port = cfg.port + k
        process = start(peer, cfg, port, cfg.url, cfg.workers)
        out = results[peer] = PeerResult()
        try:
            await wait_ready(process, port, requests.one(peer, "Q3", 0))
            for name in QUERIES:
                warmup, total = cfg.budget(name)
                await load.run(
                    port, requests.operation(peer, name, warmup), warmup, cfg.concurrency
                )
                batch = requests.operation(peer, name, total, offset=warmup)
                result = await load.run(port, batch, total, cfg.concurrency)
                out.runs[name] = result
                log(
                    f"{peer:12} {name}: {result.rate:7.1f} req/s  p50 {result.percentile(50):7.1f}"
                    f" ms  p99 {result.percentile(99):7.1f} ms  errors {result.errors}"
                    + (f"  first: {result.first_error}" if result.first_error else "")
                )
            out.rss_mb = peak_rss_mb(process.pid)
        finally:
            stop(process)
    return results


async def count_statements(cfg: Config, requests: Requests, results: dict[str, PeerResult]) -> None:
    proxy_port = cfg.port + 10
    proxy = Proxy(proxy_port, ("127.0.0.1", int(cfg.server.rsplit(":", 1)[1])))
    await proxy.start()
    try:
        for k, peer in enumerate(PEERS):
            port = cfg.port + 20 + k
            process = start(peer, cfg, port, cfg.via(proxy_port), 1, debug=True)
            try:
                await wait_ready(process, port, requests.one(peer, "Q3", 0))
                for name in QUERIES:
                    n = 20 if name == "Q5" else 3
                    batch = requests.operation(peer, name, n, offset=10_000)
                    await load.run(port, batch[:2], 2, 1)
                    await asyncio.sleep(0.2)
                    proxy.counts.take()
                    for request in batch:
                        await load.run(port, [request], 1, 1)
                    await asyncio.sleep(0.2)
                    statements, _control = proxy.counts.take()
                    results[peer].statements[name] = statements / n
            finally:
                stop(process)
    finally:
        await proxy.stop()


# -- report -------------------------------------------------------------------------------------
def table(cfg: Config, results: dict[str, PeerResult]) -> list[str]:
    rows = [
        "| query | peer | ok req/s | p50 ms | p99 ms | errors | peak RSS/worker MB "
        "| SQL statements/request | ÷ PostGraphile | ÷ floor |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in QUERIES:
        pgl, floor = results["postgraphile"].runs[name].rate, results["floor"].runs[name].rate
        for peer in PEERS:
            r = results[peer].runs[name]
            vs = ("", "")
            if peer in OURS:
                vs = (
                    f"{r.rate / pgl:.2f}×" if pgl else "",
                    f"{r.rate / floor:.2f}×" if floor else "",
                )
            rows.append(
                f"| {name} | {peer} | {r.rate:.1f} | {r.percentile(50):.1f} | "
                f"{r.percentile(99):.1f} | {r.errors} | {results[peer].rss_mb:.0f} | "
                f"{results[peer].statements.get(name, float('nan')):.1f} | {vs[0]} | {vs[1]} |"
            )
    return rows


def goals(results: dict[str, PeerResult]) -> list[str]:
    lines = []
    for peer in OURS:
        ours = results[peer]
        for name in ("Q1", "Q2", "Q3", "Q4"):
            mine = ours.runs[name].rate
            vs_pgl = mine / results["postgraphile"].runs[name].rate
            vs_floor = mine / results["floor"].runs[name].rate
            lines.append(
                f"- {peer} {name}: {vs_pgl:.2f}× PostGraphile (goal ≥ 1.0: "
                f"{'met' if vs_pgl >= 1 else 'not met'}), {vs_floor:.2f}× floor (goal ≥ 0.5: "
                f"{'met' if vs_floor >= 0.5 else 'not met'})"
            )
        p50 = ours.runs["Q3"].percentile(50)
        lines.append(f"- {peer} Q3 p50 {p50:.1f} ms (goal < 50 ms on the province dataset)")
        lines.append(
            f"- {peer} peak RSS per worker {ours.rss_mb:.0f} MB (goal < 300 MB: "
            f"{'met' if ours.rss_mb < 300 else 'not met'})"
        )
    return lines


def write_report(
    cfg: Config, dataset: str, results: dict[str, PeerResult], seconds: float, load_avg: str
) -> None:
    reuse = f"BENCH_LABEL={LABEL} BENCH_DATABASE={cfg.database} BENCH_REUSE=1 " if cfg.reuse else ""
    command = reuse + (
        f"BENCH_UNITS={cfg.units} BENCH_TASKS={cfg.tasks} BENCH_REPORTS={cfg.reports} "
        f"BENCH_WORKERS={cfg.workers} BENCH_CONCURRENCY={cfg.concurrency} "
        f"BENCH_REQUESTS={cfg.requests} make bench"
    )
    section = [
        f"## Benchmark run: {LABEL} dataset (issue 8)",
        "",
        f"- date: {datetime.now(ZoneInfo('UTC')).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- command: `{command}` (took {seconds / 60:.1f} min)",
        f"- dataset: {dataset}; seed {cfg.seed}",
        f"- machine: {os.cpu_count()} cores; PostgreSQL, servers and load generator on it, "
        f"over loopback; 1-minute load average at start and end {load_avg} (anything above "
        "the benchmark's own load is other work on the machine: compare ratios, not absolutes)",
        f"- each peer: {cfg.workers} workers; {cfg.concurrency} keep-alive connections; "
        f"{cfg.warmup} warm-up then {cfg.requests} measured requests per query "
        f"(Q3, a whole-province rollup: {cfg.budget('Q3')[1]})",
        "- ok req/s: successful responses per second (errors, e.g. statement timeouts, count "
        "for nothing); p50/p99 over all requests; ratios of ok req/s",
        "- statements: SQL statements per request counted by bench/pgcount.py on the wire, "
        "one worker, one request at a time (transaction control and pool resets excluded)",
        "",
        *table(cfg, results),
        "",
        "Goals (ratios of req/s):",
        "",
        *goals(results),
    ]
    write_section(BEGIN, END, section)


def write_section(begin: str, end: str, lines: list[str]) -> None:
    """Replace the text between the markers in bench/RESULTS.md (append when missing)."""
    section = [begin, *lines, end]
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1]
        text = head + "\n".join(section) + tail
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(section) + "\n"
    RESULTS.write_text(text)
    log(f"wrote {RESULTS.relative_to(ROOT)}")


async def main() -> None:
    # Stopping the driver (SIGTERM, or SIGINT even when started in the background) stops the
    # servers it started: cancelling the run unwinds through their `finally: stop(...)`.
    task = asyncio.current_task()
    assert task is not None
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, task.cancel)
    cfg = Config()
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    # BENCH_PART=restricted: only the restricted-viewer rows (no PostGraphile, no floor).
    everything = os.environ.get("BENCH_PART", "all") != "restricted"
    if everything and not NODE.exists():
        raise SystemExit("bench/node_modules is missing: run `npm ci` in bench/ (make bench does)")
    dataset = await prepare(cfg)
    log(f"dataset: {dataset}")
    params = await parameters(cfg)
    if everything:
        requests = Requests(params)
        results = await measure(cfg, requests)
        await count_statements(cfg, requests, results)
        load_avg = f"{load_start:.1f} / {os.getloadavg()[0]:.1f}"
        write_report(cfg, dataset, results, time.perf_counter() - started, load_avg)
        print("\n".join(table(cfg, results)))
    await measure_restricted(cfg, dataset, params)


async def measure_restricted(cfg: Config, dataset: str, params: Params) -> None:
    """The restricted-viewer rows (bench/restricted.py), in their own section."""
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    units = await restricted.viewer_units(cfg.url, restricted.VIEWERS)
    requests = restricted.Requests(SECRET, units, params.province, params.today)
    results = await restricted.measure(cfg, requests, OURS)
    lines = restricted.section(cfg, dataset, results, time.perf_counter() - started, LABEL)
    load_avg = f"{load_start:.1f} / {os.getloadavg()[0]:.1f}"
    lines[2:2] = [
        f"- date: {datetime.now(ZoneInfo('UTC')).strftime('%Y-%m-%d %H:%M UTC')}; machine: "
        f"{os.cpu_count()} cores shared with other work, 1-minute load average at start and "
        f"end {load_avg}",
    ]
    label = f"{LABEL}:restricted"
    write_section(f"<!-- bench:{label}:begin -->", f"<!-- bench:{label}:end -->", lines)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        sys.exit("bench: stopped; the servers it started are stopped too")
