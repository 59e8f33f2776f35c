"""`make bench`: govgraph against PostGraphile v5 and a raw-SQL floor, on one PostgreSQL.

1. BENCH_SCALE (small | default | province) picks the dataset and the time per run; the
   database BENCH_DATABASE is made with `govgraph generate` unless it already holds a
   generated dataset of that size (BENCH_FRESH=1 regenerates), migrated to head, and
   PostGraphile's functions (postgraphile/functions.sql) are (re)loaded;
2. the three peers (floor, PostGraphile, govgraph) start side by side, BENCH_WORKERS workers
   each; the rows (bench/rows.py: Q1–Q4 for ADMIN and for restricted viewers, Q3 as of a
   past date, the dashboard's queries and the docs/ examples) are built from the dataset;
3. before any timing, every row asked of more than one peer is asked of each and the answers
   compared (bench/answers.py): a row whose answers differ is reported as not comparable;
4. BENCH_ROUNDS rounds: in each, every row is driven on each of its peers in turn (govgraph,
   PostGraphile, floor, next row) by `wrk` (bench/wrk.py: an external C load generator) for
   BENCH_SECONDS on BENCH_CONCURRENCY connections; the 1-minute load average is read at
   each round; ratios are the median of the per-round ratios;
5. the workers' peak RSS (VmHWM) is read, the servers stopped, and govgraph started once
   more with one worker behind bench/pgcount.py to count each row's SQL statements;
6. the results and the goals of issue 15, each marked met or short, go between the bench
   markers of bench/RESULTS.md (other sections stay);
7. the embedded default on SQLite (bench/sqlite.py; BENCH_SQLITE=0 skips it);
8. read replicas: a read-heavy mix on a throwaway primary plus hot standby vs the primary
   alone (bench/replica.py; BENCH_REPLICA=0 skips it).
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from bench import answers, load, wrk
from bench.pgcount import Proxy
from bench.rows import Row, build_rows

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
NODE = BENCH / "node_modules" / ".bin" / "node"
RESULTS = BENCH / "RESULTS.md"
PEERS = ("govgraph", "postgraphile", "floor")
SECRET = "bench-secret-" + "0123456789abcdef" * 2

# (units, tasks, reports, database, seconds per run, rounds)
SCALES: dict[str, tuple[int, int, int, str, float, int]] = {
    "small": (1200, 20_000, 200_000, "govgraph_bench_small", 2, 3),
    "default": (2000, 60_000, 600_000, "govgraph_bench", 3, 3),
    "province": (5000, 200_000, 2_000_000, "govgraph_province", 4, 3),
}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass
class Config:
    """Everything a run depends on (environment variables BENCH_*)."""

    scale: str = os.environ.get("BENCH_SCALE", "small")
    server: str = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
    seed: int = env_int("BENCH_SEED", 1)
    fresh: bool = os.environ.get("BENCH_FRESH") == "1"
    workers: int = env_int("BENCH_WORKERS", 2)
    concurrency: int = env_int("BENCH_CONCURRENCY", 8)
    viewers: int = env_int("BENCH_VIEWERS", 1000)
    port: int = env_int("BENCH_PORT", 8750)
    # The RESULTS.md section written (default: the scale's); a partial run (BENCH_ROWS)
    # names its own so the full run's section stays.
    section: str = os.environ.get("BENCH_SECTION", "")
    units: int = 0
    tasks: int = 0
    reports: int = 0
    database: str = ""
    seconds: float = 0
    rounds: int = 0

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise SystemExit(f"bench: BENCH_SCALE must be one of {', '.join(SCALES)}")
        units, tasks, reports, database, seconds, rounds = SCALES[self.scale]
        self.units = env_int("BENCH_UNITS", units)
        self.tasks = env_int("BENCH_TASKS", tasks)
        self.reports = env_int("BENCH_REPORTS", reports)
        self.database = os.environ.get("BENCH_DATABASE", database)
        self.seconds = float(os.environ.get("BENCH_SECONDS", seconds))
        self.rounds = env_int("BENCH_ROUNDS", rounds)

    @property
    def url(self) -> str:
        return f"{self.server}/{self.database}"

    def via(self, port: int) -> str:
        """The database URL through the counting proxy on `port`."""
        user = self.server.split("://", 1)[1].rsplit("@", 1)[0]
        return f"postgresql://{user}@127.0.0.1:{port}/{self.database}"


@dataclass
class Cell:
    """One row × peer over the rounds."""

    runs: list[wrk.Result] = field(default_factory=list)

    def median(self, attr: str) -> float:
        values = [getattr(r, attr) for r in self.runs]
        return statistics.median(values) if values else float("nan")

    @property
    def errors(self) -> int:
        return sum(r.errors + r.socket_errors for r in self.runs)

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.runs)


@dataclass
class Outcome:
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)  # (row key, peer)
    checks: dict[str, str] = field(default_factory=dict)  # row key -> "" (equal) or the diff
    rss_mb: dict[str, float] = field(default_factory=dict)
    statements: dict[str, float] = field(default_factory=dict)  # row key -> govgraph's
    loads: list[float] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # row key -> seconds per run

    def ratio(self, key: str, peer: str) -> float:
        """Median over the rounds of govgraph's ok req/s ÷ the peer's, that round."""
        if (key, "govgraph") not in self.cells or (key, peer) not in self.cells:
            return float("nan")
        ours, theirs = self.cells[(key, "govgraph")].runs, self.cells[(key, peer)].runs
        ratios = [a.rate / b.rate for a, b in zip(ours, theirs, strict=False) if b.rate > 0]
        return statistics.median(ratios) if ratios else float("nan")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, cwd=ROOT)


# -- the dataset --------------------------------------------------------------------------------
async def prepare(cfg: Config) -> str:
    """A generated database of the configured size; returns how it was made (for the report)."""
    admin = await asyncpg.connect(f"{cfg.server}/postgres")
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", cfg.database)
    finally:
        await admin.close()
    made = ""
    if exists and not cfg.fresh:
        conn = await asyncpg.connect(cfg.url)
        try:
            found = await conn.fetchval(
                "SELECT (SELECT count(*) FROM org_unit) = $1 AND (SELECT count(*) FROM task) = $2",
                cfg.units,
                cfg.tasks,
            )
        except asyncpg.PostgresError:
            found = False
        finally:
            await conn.close()
        made = "reused" if found else ""
    if not made:
        admin = await asyncpg.connect(f"{cfg.server}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{cfg.database}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{cfg.database}"')
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
        await conn.execute("ANALYZE")
        counts = {
            t: await conn.fetchval(f"SELECT count(*) FROM {t}")
            for t in ("org_unit", "task", "assignment", "progress_report")
        }
    finally:
        await conn.close()
    sizes = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    return f"{sizes} ({made})"


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
            GOVGRAPH_DATABASE_URL=url,
            BENCH_DATABASE_URL=url,
            GOVGRAPH_SECRET=SECRET,
            GOVGRAPH_DEBUG="1" if debug else "0",
            GOVGRAPH_RATE_LIMIT="off",  # the load generator is one caller at full speed
            GOVGRAPH_RATE_LIMIT_HEAVY="off",
        )
        # Both serve through uvicorn with TCP_NODELAY on every connection (api/server.py).
        if peer == "govgraph":
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


async def wait_ready(process: Any, port: int, probe: bytes, patience: float = 300) -> None:
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
async def check_answers(rows: list[Row], ports: dict[str, int], out: Outcome) -> None:
    """Ask every multi-peer row's first requests of each peer and compare the answers."""
    for row in rows:
        if len(row.requests) < 2:
            continue
        problem = ""
        for i in range(min(6, len(row.requests["govgraph"]))):
            bodies = {}
            for peer, requests in row.requests.items():
                _status, body = await load.fetch(ports[peer], requests[i])
                bodies[peer] = body
            problem = answers.compare(row.query, bodies)
            if problem:
                problem = f"request {i}: {problem}"
                break
        out.checks[row.key] = problem
        log(f"answers {row.key:28} " + ("equal" if not problem else f"DIFFER {problem[:400]}"))


async def drain(cfg: Config, patience: float = 40) -> None:
    """Wait until no statement of the benchmark database is running: a run's end leaves the
    requests wrk abandoned still running in the server that got them, and the next peer
    must not pay for them. (A database refusing the connection, e.g. too many clients on a
    shared server, skips the wait: the run goes on.)"""
    try:
        conn = await asyncpg.connect(cfg.url)
    except (OSError, asyncpg.PostgresError) as exc:
        log(f"drain: no connection ({exc!r}); not waiting")
        return
    try:
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            busy = await conn.fetchval(
                """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                   AND state = 'active' AND pid <> pg_backend_pid()"""
            )
            if not busy:
                return
            await asyncio.sleep(0.1)
    finally:
        await conn.close()


async def timed_single(port: int, request: bytes) -> float:
    """Seconds one request takes alone."""
    started = time.perf_counter()
    await load.fetch(port, request)
    return time.perf_counter() - started


async def drive(
    cfg: Config,
    rows: list[Row],
    ports: dict[str, int],
    out: Outcome,
    after_round: Callable[[], None] = lambda: None,
) -> None:
    """BENCH_ROUNDS rounds; in each, every row on each of its peers in turn.

    Each row and peer runs for BENCH_SECONDS, or longer for a slow one (twice the slowest
    peer's single-request time, up to 4 × BENCH_SECONDS and at least 10 s) so that every run
    completes requests."""
    seconds = out.seconds
    for row in rows:  # warm-up: every peer's plans, caches and pools, once; then one alone
        slowest = 0.0
        for peer, requests in row.requests.items():
            try:
                alone = await asyncio.wait_for(timed_single(ports[peer], requests[-1]), 40)
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                alone = 40.0
            slowest = max(slowest, alone)
            await wrk.run(ports[peer], requests, 1, cfg.concurrency, f"warm-{peer}")
            await drain(cfg)
        longest = max(10.0, 4 * cfg.seconds)
        seconds[row.key] = min(longest, max(cfg.seconds, 2 * slowest))
        log(f"warmed {row.key}: slowest single request {slowest * 1000:.0f} ms, "
            f"{seconds[row.key]:.0f} s per run")  # fmt: skip
    for n in range(cfg.rounds):
        out.loads.append(os.getloadavg()[0])
        log(f"round {n + 1}/{cfg.rounds} (load average {out.loads[-1]:.1f})")
        for row in rows:
            for peer in PEERS:
                if peer not in row.requests:
                    continue
                result = await wrk.run(
                    ports[peer], row.requests[peer], seconds[row.key], cfg.concurrency, peer
                )
                await drain(cfg)
                out.cells.setdefault((row.key, peer), Cell()).runs.append(result)
                log(
                    f"  {row.key:28} {peer:12} {result.rate:8.1f} req/s  p50 "
                    f"{result.p50_ms:8.1f} ms  p99 {result.p99_ms:8.1f} ms  errors "
                    f"{result.errors + result.socket_errors}"
                )
        after_round()  # the report so far: a run stopped later still leaves its rounds
    out.loads.append(os.getloadavg()[0])


async def count_statements(cfg: Config, rows: list[Row], out: Outcome) -> None:
    """govgraph's SQL statements per request of each row (one worker, one at a time)."""
    proxy_port = cfg.port + 10
    proxy = Proxy(proxy_port, ("127.0.0.1", int(cfg.server.rsplit(":", 1)[1])))
    await proxy.start()
    try:
        port = cfg.port + 20
        process = start("govgraph", cfg, port, cfg.via(proxy_port), 1, debug=True)
        try:
            await wait_ready(process, port, rows[0].requests["govgraph"][0])
            for row in rows:
                batch = row.requests["govgraph"][:3]
                await load.run(port, batch[:1], 1, 1)  # the plan compiled
                await asyncio.sleep(0.2)
                proxy.counts.take()
                for request in batch:
                    await load.run(port, [request], 1, 1)
                await asyncio.sleep(0.2)
                statements, _control = proxy.counts.take()
                out.statements[row.key] = statements / len(batch)
        finally:
            stop(process)
    finally:
        await proxy.stop()


async def measure(
    cfg: Config, rows: list[Row], report: Callable[[Outcome], None] = lambda _out: None
) -> Outcome:
    out = Outcome()
    ports = {peer: cfg.port + k for k, peer in enumerate(PEERS)}
    # Only the peers the rows ask (BENCH_ROWS may pick govgraph-only rows).
    peers = [peer for peer in PEERS if any(peer in r.requests for r in rows)]
    processes = {peer: start(peer, cfg, ports[peer], cfg.url, cfg.workers) for peer in peers}
    try:
        for peer, process in processes.items():
            probe = next(r.requests[peer][0] for r in rows if peer in r.requests)
            await wait_ready(process, ports[peer], probe)
        for row in rows:
            if row.prepare is not None:
                await row.prepare(ports["govgraph"])
                log(f"prepared {row.key}: {len(row.requests['govgraph'])} requests")
        await check_answers(rows, ports, out)

        def after_round() -> None:
            out.rss_mb = {peer: peak_rss_mb(p.pid) for peer, p in processes.items()}
            report(out)

        await drive(cfg, rows, ports, out, after_round)
    finally:
        for process in processes.values():
            stop(process)
    try:
        await count_statements(cfg, rows, out)
    except Exception as exc:  # the timings stand without the counts
        log(f"counting statements failed: {exc!r}")
    return out


# -- report -------------------------------------------------------------------------------------
def fmt(value: float, digits: int = 1) -> str:
    return "" if value != value else f"{value:.{digits}f}"  # NaN: blank


def table(rows: list[Row], out: Outcome) -> list[str]:
    lines = [
        "| row | audience | peer | s/run | ok req/s | p50 ms | p99 ms | errors | SQL stmts "
        "| ÷ PostGraphile | ÷ floor | answers |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        check = out.checks.get(row.key)
        verdict = "" if check is None else ("equal" if not check else "**differ**")
        for peer in PEERS:
            cell = out.cells.get((row.key, peer))
            if cell is None:
                continue
            vs = ["", ""]
            if peer == "govgraph":
                for k, other in enumerate(("postgraphile", "floor")):
                    if (row.key, other) in out.cells:
                        vs[k] = fmt(out.ratio(row.key, other), 2) + "×"
            stmts = fmt(out.statements.get(row.key, float("nan"))) if peer == "govgraph" else ""
            lines.append(
                f"| {row.name} | {row.audience} | {peer} | {fmt(out.seconds.get(row.key, 0), 0)} | "
                f"{fmt(cell.median('rate'))} | "
                f"{fmt(cell.median('p50_ms'))} | {fmt(cell.median('p99_ms'))} | "
                f"{cell.errors} | {stmts} | {vs[0]} | {vs[1]} | "
                f"{verdict if peer == 'govgraph' else ''} |"
            )
    return lines


def mark(ok: bool) -> str:
    return "**met**" if ok else "**short**"


def goals(cfg: Config, rows: list[Row], out: Outcome) -> list[str]:
    """Issue 15's goals, each marked met or short (on this dataset: the goals name the
    province one)."""
    lines = []
    for row in rows:
        if row.query not in ("Q1", "Q2", "Q3", "Q4"):
            continue
        if (row.key, "govgraph") not in out.cells:
            continue
        pgl, floor = out.ratio(row.key, "postgraphile"), out.ratio(row.key, "floor")
        check = out.checks.get(row.key, "")
        note = " (answers differ: not comparable)" if check else ""
        lines.append(
            f"- {row.name} {row.audience}: {fmt(pgl, 2)}× PostGraphile (goal ≥ 1.5: "
            f"{mark(pgl >= 1.5 and not check)}), {fmt(floor, 2)}× floor (goal ≥ 0.8: "
            f"{mark(floor >= 0.8 and not check)}){note}"
        )
    slow = []
    for row in rows:
        if row.kind != "dashboard" or (row.key, "govgraph") not in out.cells:
            continue
        p50 = out.cells[(row.key, "govgraph")].median("p50_ms")
        errors = out.cells[(row.key, "govgraph")].errors
        if not p50 < 50 or errors:
            slow.append(
                f"{row.name} {row.audience} {fmt(p50)} ms" + (" (errors)" if errors else "")
            )
    lines.append(
        "- every dashboard and docs query p50 < 50 ms at "
        f"{cfg.concurrency} connections: {mark(not slow)}"
        + (f" — over: {'; '.join(slow)}" if slow else "")
    )
    for row in rows:
        if row.query == "Q3past" and (row.key, "govgraph") in out.cells:
            p50 = out.cells[(row.key, "govgraph")].median("p50_ms")
            lines.append(
                f"- past-asOf rollup, {row.audience} ({row.name}): p50 {fmt(p50)} ms "
                f"(goal < 100 ms for the province: {mark(p50 < 100)})"
            )
    rss = out.rss_mb.get("govgraph", float("nan"))
    lines.append(
        f"- govgraph peak RSS per worker {fmt(rss, 0)} MB (goal < 300 MB: {mark(rss < 300)})"
    )
    lines.append(
        "- SQLite, 300 units / 10,000 tasks, screen p50 < 50 ms: see the SQLite section "
        "(bench/sqlite.py, run by `make bench` after this one)"
    )
    if cfg.scale != "province":
        lines.append(
            f"- this is the {cfg.scale} dataset, not the province one the goals name: "
            "met here does not mean met there"
        )
    return lines


def write_report(
    cfg: Config, dataset: str, rows: list[Row], out: Outcome, seconds: float, past: str
) -> None:
    only = os.environ.get("BENCH_ROWS")
    picked = f"BENCH_ROWS={only} BENCH_SECTION={cfg.section} " if only else ""
    command = (
        f"{picked}BENCH_SCALE={cfg.scale} BENCH_WORKERS={cfg.workers} BENCH_CONCURRENCY="
        f"{cfg.concurrency} BENCH_SECONDS={cfg.seconds:g} BENCH_ROUNDS={cfg.rounds} "
        f"BENCH_VIEWERS={cfg.viewers} " + ("python -m bench.run" if only else "make bench")
    )
    loads = " / ".join(f"{x:.1f}" for x in out.loads)
    differ = [f"- {k}: {v}" for k, v in out.checks.items() if v]
    section = [
        f"## Benchmark run: {cfg.scale} dataset (issue 15)"
        + (f", rows {os.environ.get('BENCH_ROWS')} ({cfg.section})" if cfg.section else ""),
        "",
        f"- date: {datetime.now(ZoneInfo('UTC')).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- command: `{command}` (took {seconds / 60:.1f} min)",
        f"- dataset: {dataset}; seed {cfg.seed}; database {cfg.database}",
        f"- machine: {os.cpu_count()} cores shared by PostgreSQL, the three servers, wrk and "
        "any other work; 1-minute load average at the start of each round and at the end: "
        f"{loads} (the benchmark alone keeps it near 2: more is other work; compare ratios, "
        "which come from adjacent runs)",
        f"- each peer: {cfg.workers} workers, all three running side by side; load: wrk "
        f"(C, one thread), {cfg.concurrency} keep-alive connections, {cfg.seconds:g} s per "
        f"row and peer, {cfg.rounds} rounds, peers interleaved within each row (govgraph, "
        "PostGraphile, floor, then the next row); one warm-up second per row and peer first",
        "- ok req/s, p50, p99: medians over the rounds; ÷: the median of the per-round "
        "ratios of ok req/s; errors: all rounds (HTTP, GraphQL, socket); SQL stmts: "
        "govgraph's statements per request on the wire (bench/pgcount.py), one worker, one "
        "request at a time, plan warm",
        "- audiences: ADMIN (the province's token); restricted: round-robin over "
        f"{cfg.viewers:,} units' VIEWER tokens (or all units when fewer), each asking about "
        "its own unit; town: round-robin over the towns' VIEWER tokens, each about its own "
        "town; province viewer: the province's own VIEWER token (restricted; its unit is the "
        "tree's only root). PostGraphile and the floor have no viewers: they answer the same "
        "units' questions (a viewer sees its whole subtree), and the answers are compared",
        f"- past asOf: {past} (history of the dataset); today's rollups read the maintained "
        "`rollup_bucket` in all three peers, past ones the status and deadline history",
        "- answers: before timing, the first requests of each multi-peer row are asked of "
        "each peer and compared after normalising the response shapes (bench/answers.py)",
        "- peak RSS per worker (VmHWM, MB): "
        + ", ".join(f"{p} {fmt(out.rss_mb.get(p, float('nan')), 0)}" for p in PEERS),
        "",
        *table(rows, out),
        "",
        "Goals (issue 15):",
        "",
        *goals(cfg, rows, out),
        *(["", "Answers that differ:", "", *differ] if differ else []),
    ]
    label = cfg.section or cfg.scale
    write_section(f"<!-- bench:{label}:begin -->", f"<!-- bench:{label}:end -->", section)


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
    wrk.binary()
    started = time.perf_counter()
    dataset = await prepare(cfg)
    log(f"dataset: {dataset}")
    rows, past = await build_rows(cfg.url, SECRET, cfg.viewers)
    only = os.environ.get("BENCH_ROWS")
    if only:
        rows = [r for r in rows if any(r.key.startswith(p) for p in only.split(","))]
    if any("postgraphile" in r.requests for r in rows) and not NODE.exists():
        raise SystemExit("bench/node_modules is missing: run `npm ci` in bench/ (make bench does)")
    log(f"{len(rows)} rows: {', '.join(r.key for r in rows)}")

    def report(out: Outcome) -> None:
        write_report(cfg, dataset, rows, out, time.perf_counter() - started, past)

    out = await measure(cfg, rows, report)
    report(out)
    print("\n".join(table(rows, out)))
    print("\n".join(goals(cfg, rows, out)))
    if os.environ.get("BENCH_SQLITE", "1") != "0":  # the embedded default (bench/sqlite.py)
        from bench import sqlite

        await sqlite.main()
    if os.environ.get("BENCH_REPLICA", "1") != "0":  # read replicas (bench/replica.py)
        from bench import replica

        await replica.main()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        sys.exit("bench: stopped; the servers it started are stopped too")
