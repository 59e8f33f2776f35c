"""Read replicas (issue 20): a read-heavy mix on one primary plus one hot standby vs the primary
alone.

`make bench` runs it after the others (bench/run.py; BENCH_REPLICA=0 skips it), or alone:
`.venv/bin/python -m bench.replica`. It needs the PostgreSQL server binaries (initdb,
pg_basebackup: tests/pg_cluster.py finds them); without them it says so and stops.

1. A throwaway primary and standby (tests/pg_cluster.py: initdb, pg_basebackup -R, free
   loopback ports, fsync off), the dataset generated on the primary (`govgraph generate`,
   BENCH_REPLICA_SIZES, default 150 units / 4,000 tasks / 20,000 reports) and streamed to
   the standby;
2. the mix, cycled by wrk (bench/wrk.py) on BENCH_CONCURRENCY connections: per 10 requests,
   8 dashboard screen queries (a district and a city, today and a past day, ADMIN and a town
   VIEWER: api/static/dashboard/queries/screen.graphql), one unit look-up and one
   reportProgress (a write: every call is a new report);
3. BENCH_ROUNDS rounds, each running `govgraph serve` (BENCH_WORKERS workers) twice for
   BENCH_REPLICA_SECONDS: on the primary alone (the standby runs, replaying, unused), then
   with GOVGRAPH_READ_DATABASE_URLS naming the standby; per run: requests per second, p50/p99,
   errors, the transactions each server ran (pg_stat_database), the CPU seconds each
   server's processes used, and the writes committed;
4. the table between the bench:replica markers of bench/RESULTS.md. Nothing is gated: on this
   2-core machine the standby's replay and queries compete with the primary and the servers
   for the same cores, so the numbers say what routing costs or gains here, not what a
   standby on a machine of its own would.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
BIN = Path(sys.executable).parent
SCREEN = ROOT / "api" / "static" / "dashboard" / "queries" / "screen.graphql"
SECRET = "bench-secret-" + "0123456789abcdef" * 2
PAST = date(2026, 3, 31)  # inside the generated history (it ends 2026-06-30)
DATABASE = "govgraph"
BEGIN, END = "<!-- bench:replica:begin -->", "<!-- bench:replica:end -->"
REPORT = """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
  errors { code } } }"""
LOOKUP = "query ($id: ID!) { node(id: $id) { id ... on OrgUnit { name } } }"


def log(message: str) -> None:
    print(f"bench replica: {message}", file=sys.stderr, flush=True)


@dataclass
class Run:
    """One server configuration's run."""

    setup: str
    rate: float
    p50: float
    p99: float
    errors: int
    requests: int
    xacts: dict[str, int]  # server -> transactions of the database in the run
    cpu: dict[str, float]  # server -> CPU seconds of its processes in the run
    writes: int
    load: float


@dataclass
class Bench:
    sizes: tuple[int, int, int]
    seconds: float
    rounds: int
    workers: int
    concurrency: int
    runs: list[Run] = field(default_factory=list)


def _sizes() -> tuple[int, int, int]:
    text = os.environ.get("BENCH_REPLICA_SIZES", "150,4000,20000")
    units, tasks, reports = (int(part) for part in text.split(","))
    return units, tasks, reports


def generate(url: str, sizes: tuple[int, int, int]) -> None:
    from api.settings import normalize_database_url

    target = normalize_database_url(url)
    govgraph = str(BIN / "govgraph")
    units, tasks, reports = sizes
    subprocess.run([govgraph, "db", "upgrade", "--database-url", target], check=True, cwd=ROOT)
    subprocess.run(
        [govgraph, "generate", "--units", str(units), "--tasks", str(tasks),
         "--reports", str(reports), "--seed", "1", "--database-url", target],
        check=True, cwd=ROOT,
    )  # fmt: skip


async def requests(url: str, today: date) -> list[bytes]:
    """The mix: per cycle of 10, 8 screen reads, a look-up and a reportProgress."""
    from api.auth import mint_token
    from bench.sqlite import raw_request
    from models.enums import ViewerRole
    from resolvers.common import global_id

    conn = await asyncpg.connect(url)
    try:
        city = await conn.fetchval(
            "SELECT id FROM org_unit WHERE kind = 'CITY' ORDER BY depth, code LIMIT 1"
        )
        district = await conn.fetchval(
            "SELECT u.id FROM org_unit u WHERE u.kind = 'DISTRICT' AND EXISTS (SELECT 1 FROM"
            " org_unit t WHERE t.parent_id = u.id AND t.kind = 'TOWN') ORDER BY u.code LIMIT 1"
        )
        town = await conn.fetchval(
            "SELECT id FROM org_unit WHERE kind = 'TOWN' AND parent_id = $1 ORDER BY code LIMIT 1",
            district,
        )
        assignments = await conn.fetch(
            "SELECT a.id, a.org_unit_id AS unit_id FROM assignment a"
            " WHERE a.role = 'LEAD' AND a.status IN ('NOT_STARTED', 'IN_PROGRESS')"
            " ORDER BY a.id LIMIT 20"
        )
    finally:
        await conn.close()
    viewers = {
        "admin": mint_token(SECRET, unit_id=city, role=ViewerRole.ADMIN),
        "town": mint_token(SECRET, unit_id=town, role=ViewerRole.VIEWER),
    }
    screen = SCREEN.read_text(encoding="utf-8")
    reads = []
    for unit in (district, city):
        for day in (today, PAST):
            for token in viewers.values():
                variables = {
                    "unit": str(global_id("OrgUnit", unit)),
                    "asOf": day.isoformat(),
                    "overdueFirst": 20,
                    "rectificationsFirst": 50,
                    "tasksFirst": 20,
                }
                body = orjson.dumps({"query": screen, "variables": variables})
                reads.append(raw_request(body, _headers(token)))
    lookup = orjson.dumps({"query": LOOKUP, "variables": {"id": str(global_id("OrgUnit", town))}})
    reads.append(raw_request(lookup, _headers(viewers["town"])))
    mix = []
    for index, row in enumerate(assignments):
        reporter = mint_token(SECRET, unit_id=row["unit_id"], role=ViewerRole.REPORTER)
        variables = {
            "input": {
                "assignment": str(global_id("Assignment", row["id"])),
                "percent": 10 + index,
                "narrative": f"基准测试进展 {index}",
            }
        }
        write = orjson.dumps({"query": REPORT, "variables": variables})
        mix += [*reads, raw_request(write, _headers(reporter))]
    return mix


def _headers(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "content-type": "application/json"}


async def counters(url: str) -> tuple[int, int]:
    """(transactions of the database so far, progress reports) on the server at `url`."""
    conn = await asyncpg.connect(url)
    try:
        xacts = await conn.fetchval(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1",
            DATABASE,
        )
        reports = await conn.fetchval("SELECT count(*) FROM progress_report")
    finally:
        await conn.close()
    return int(xacts), int(reports)


def cpu_seconds(data: Path) -> float:
    """CPU seconds used so far by the server of data folder `data` and its live children."""
    from bench.run import descendants

    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for each in (pid, *descendants(pid)):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


async def serve(env: dict[str, str], port: int, workers: int) -> Any:
    from bench.sqlite import launch

    command = [str(BIN / "govgraph"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    server = launch(command, env, WORK / f"replica-{port}.log")
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(600):
            try:
                await http.get(f"http://127.0.0.1:{port}/healthz")
                return server
            except httpx.TransportError:
                if server.poll() is not None:
                    raise RuntimeError("govgraph serve exited") from None
                await asyncio.sleep(0.25)
    raise RuntimeError("govgraph serve did not start")


async def one_run(cluster: Any, bench: Bench, mix: list[bytes], replicas: bool) -> Run:
    from api.settings import normalize_database_url
    from bench import wrk
    from bench.run import stop
    from bench.sqlite import free_port

    standby = cluster.standby  # running in both setups: replaying, its caches warm
    env = dict(os.environ)
    env.update(
        GOVGRAPH_DATABASE_URL=normalize_database_url(cluster.primary.url(DATABASE)),
        GOVGRAPH_SECRET=SECRET,
        GOVGRAPH_RATE_LIMIT="off",
        GOVGRAPH_RATE_LIMIT_HEAVY="off",
        GOVGRAPH_READ_DATABASE_URLS=(
            normalize_database_url(standby.url(DATABASE)) if replicas else ""
        ),
    )
    port = free_port()
    server = await serve(env, port, bench.workers)
    servers = {"primary": cluster.primary, "standby": standby}
    try:
        # Every worker compiles its plans and fills its pools first (seconds on a busy machine).
        warm = await wrk.run(port, mix, max(5.0, bench.seconds / 2), bench.concurrency, "warm")
        log(f"warm-up: {warm.rate:.0f} req/s")
        before = {n: await counters(s.url(DATABASE)) for n, s in servers.items() if s.running()}
        cpu_before = {n: cpu_seconds(s.data) for n, s in servers.items()}
        result = await wrk.run(port, mix, bench.seconds, bench.concurrency, "replica")
        cpu = {n: cpu_seconds(s.data) - cpu_before[n] for n, s in servers.items()}
        after = {n: await counters(servers[n].url(DATABASE)) for n in before}
    finally:
        stop(server)
    return Run(
        setup="primary + standby" if replicas else "primary alone",
        rate=result.rate,
        p50=result.p50_ms,
        p99=result.p99_ms,
        errors=result.errors + result.socket_errors,
        requests=result.requests,
        xacts={n: after[n][0] - before[n][0] for n in before},
        cpu=cpu,
        writes=after["primary"][1] - before["primary"][1],
        load=os.getloadavg()[0],
    )


def section(bench: Bench, elapsed: float) -> list[str]:
    now = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M %Z")
    units, tasks, reports = bench.sizes
    lines = [
        "## Benchmark run: read replicas (issue 20)",
        "",
        f"{now}; {units} units / {tasks:,} tasks / {reports:,} reports (`govgraph generate "
        f"--seed 1`) on a throwaway PostgreSQL primary and hot standby (tests/pg_cluster.py: "
        f'same machine, fsync off; the standby runs and replays in both setups, "primary '
        f'alone" leaves it unused); `govgraph serve` with {bench.workers} workers; wrk on '
        f"{bench.concurrency} connections for {bench.seconds:.0f} s per run, {bench.rounds} "
        f"rounds; the mix per 10 requests: 8 dashboard screen queries (district and city, today "
        f"and {PAST}, ADMIN and a town VIEWER), one unit look-up, one reportProgress (a write); "
        f"reads carry no read-your-writes token (wrk keeps no cookies). Transactions: "
        f"pg_stat_database (the bench's own few included); CPU: the server's processes "
        f"(/proc). {elapsed:.0f} s in all.",
        "",
        "| round | setup | req/s | p50 ms | p99 ms | errors | writes | primary xacts "
        "| standby xacts | primary CPU s | standby CPU s | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for index, run in enumerate(bench.runs):
        lines.append(
            f"| {index // 2 + 1} | {run.setup} | {run.rate:.1f} | {run.p50:.0f} | {run.p99:.0f} "
            f"| {run.errors} | {run.writes} | {run.xacts.get('primary', 0)} "
            f"| {run.xacts.get('standby', '—')} | {run.cpu['primary']:.1f} "
            f"| {run.cpu['standby']:.1f} | {run.load:.2f} |"
        )
    alone = [r.rate for r in bench.runs if r.setup == "primary alone"]
    both = [r.rate for r in bench.runs if r.setup != "primary alone"]
    if alone and both and statistics.median(alone) > 0:
        ratio = statistics.median(both) / statistics.median(alone)
        lines += [
            "",
            f"Median throughput with the standby / primary alone: **{ratio:.2f}×**. Not gated. "
            "On this 2-core machine the standby is no extra hardware: its replay and the reads "
            "it serves take CPU from the same two cores as the primary, the govgraph workers "
            "and wrk (the CPU columns), so what routing buys here is at most the primary's "
            "relief from reads, not more capacity; on a standby of its own the reads' CPU "
            "moves off the primary's machine.",
        ]
    cores = os.cpu_count() or 1
    load = max((r.load for r in bench.runs), default=0.0)
    if load > cores and len(alone) > 1:
        spread = max(alone) / min(alone) if min(alone) > 0 else float("inf")
        lines += [
            "",
            f"The machine's load average reached {load:.1f} on {cores} cores (other jobs ran "
            f"beside the bench): the same setup varied {spread:.1f}× between rounds, more "
            "than the setups differ, so the ratio is noise here; what the run does show is "
            "where the work went (the transaction and CPU columns: with the standby, the "
            "primary ran the writes and a few checks, the standby nearly every read) and that "
            "no request failed.",
        ]
    return lines


async def main() -> None:
    from bench.run import write_section
    from models.rules import calendar
    from tests.pg_cluster import find_bin, running_cluster

    bin_dir = find_bin()
    if bin_dir is None:
        log("skipped: the PostgreSQL server binaries (initdb, pg_basebackup) are not installed")
        return
    WORK.mkdir(exist_ok=True)
    bench = Bench(
        sizes=_sizes(),
        seconds=float(os.environ.get("BENCH_REPLICA_SECONDS", "10")),
        rounds=int(os.environ.get("BENCH_REPLICA_ROUNDS", "2")),
        workers=int(os.environ.get("BENCH_WORKERS", "2")),
        concurrency=int(os.environ.get("BENCH_CONCURRENCY", "8")),
    )
    started = time.perf_counter()
    with running_cluster(bin_dir) as cluster:
        admin = await asyncpg.connect(cluster.primary.url())
        try:
            await admin.execute(f"CREATE DATABASE {DATABASE}")
        finally:
            await admin.close()
        log(f"generating {bench.sizes} on the primary")
        await asyncio.to_thread(generate, cluster.primary.url(DATABASE), bench.sizes)
        mix = await requests(cluster.primary.url(DATABASE), calendar.today())
        log(f"{len(mix)} requests in the mix")
        for round_ in range(bench.rounds):
            for replicas in (False, True):
                run = await one_run(cluster, bench, mix, replicas)
                log(
                    f"round {round_ + 1}, {run.setup}: {run.rate:.1f} req/s, p50 {run.p50:.0f} "
                    f"ms, xacts {run.xacts}, cpu {run.cpu}, writes {run.writes}"
                )
                bench.runs.append(run)
    lines = section(bench, time.perf_counter() - started)
    write_section(BEGIN, END, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    asyncio.run(main())
