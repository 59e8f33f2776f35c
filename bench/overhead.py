"""CPU per request of one cached-plan query: govgraph against the floor (bench/PROFILE.md).

`python -m bench.overhead --database-url postgresql://… [--rounds 5 --seconds 5]` starts one
worker of each (`govgraph serve --workers 1` and `python -m bench.floor`), sends the query once
so govgraph caches its plan, then drives each in turn with `wrk -t1 -c8` (bench/wrk.py) for
`--rounds` interleaved rounds, reading the worker's utime + stime from /proc/<pid>/stat before
and after each run. CPU per request is that difference divided by the requests answered: the
worker's own cost, whatever else loads the machine (wall-clock rates are printed too, but on a
shared machine only the CPU figure is comparable between runs). With PostgreSQL on this machine
the database's server processes of the run's connections are read the same way (PostgreSQL µs
per request: planning and executing the statement). The median of the rounds is reported.

`--baseline DIR` adds a third server: `govgraph serve` run from another checkout's source tree
(e.g. `git archive <commit> | tar -x -C DIR`), with this environment's packages, interleaved
with the others: before and after a change on the same load.

`--viewer town` asks as a town's VIEWER about its own town instead of ADMIN about the province.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bench import load, wrk
from bench.queries import GOVGRAPH

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    name: str
    command: list[str]
    cwd: Path
    request: bytes
    process: Any = None
    cpu_us: list[float] = field(default_factory=list)
    pg_us: list[float] = field(default_factory=list)  # the database server's, per request
    rates: list[float] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


async def unit_of(url: str, viewer: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        sql = (
            "SELECT id FROM org_unit WHERE depth = 0"
            if viewer == "admin"
            else "SELECT id FROM org_unit WHERE kind = 'TOWN' ORDER BY code LIMIT 1"
        )
        return str(await conn.fetchval(sql))
    finally:
        await conn.close()


async def backends(url: str) -> list[int]:
    """The server processes of the database's other sessions (PostgreSQL on this machine)."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return local([r["pid"] for r in rows])


def local(pids: list[int]) -> list[int]:
    """The ones that are processes of this machine (none when PostgreSQL runs elsewhere)."""
    return [pid for pid in pids if Path(f"/proc/{pid}/stat").exists()]


def total_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except (FileNotFoundError, ProcessLookupError):  # a backend that ended
            pass
    return total


async def wait_ready(server: Server, port: int) -> None:
    deadline = time.monotonic() + 120
    while True:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited with {server.process.returncode}")
        try:
            result = await load.run(port, [server.request], 1, 1)
            if not result.errors:
                return
            raise SystemExit(f"{server.name}: {result.first_error}")
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


def spawn(server: Server, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    # -c keeps the working directory first on sys.path: a baseline runs its own tree.
    return subprocess.Popen(
        [*server.command, "--port", str(port), "--no-access-log"],
        cwd=server.cwd,
        env=env,
        start_new_session=True,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--baseline", type=Path, help="another checkout's source tree")
    parser.add_argument("--viewer", choices=("admin", "town"), default="admin")
    args = parser.parse_args()

    from api.auth import mint_token
    from bench.rows import gid
    from models.enums import ViewerRole
    from models.rules import calendar

    secret = secrets.token_hex(32)
    unit = await unit_of(args.database_url, args.viewer)
    role = ViewerRole.ADMIN if args.viewer == "admin" else ViewerRole.VIEWER
    token = mint_token(secret, unit_id=uuid.UUID(unit), role=role)
    gov_body = json.dumps({"query": GOVGRAPH["Q3"], "variables": {"unit": gid("OrgUnit", unit)}})
    gov_request = load.http_post(
        "/graphql", gov_body.encode(), {"Authorization": f"Bearer {token}"}
    )
    floor_body = json.dumps({"variables": {"unit": unit, "today": str(calendar.today())}})
    floor_request = load.http_post("/q/Q3", floor_body.encode())

    common = ["--host", "127.0.0.1", "--workers", "1", "--log-level", "warning"]
    serve = [sys.executable, "-c", "from api.cli import main; main()", "serve", *common]
    servers = [Server("govgraph", serve, ROOT, gov_request)]
    if args.baseline:
        servers.append(Server("baseline", serve, args.baseline.resolve(), gov_request))
    servers.append(
        Server("floor", [sys.executable, "-m", "bench.floor", *common], ROOT, floor_request)
    )
    env = dict(os.environ)
    env.update(
        GOVGRAPH_DATABASE_URL=args.database_url,
        BENCH_DATABASE_URL=args.database_url,
        GOVGRAPH_SECRET=secret,
        GOVGRAPH_DEBUG="0",
        GOVGRAPH_RATE_LIMIT="off",
        GOVGRAPH_RATE_LIMIT_HEAVY="off",
    )
    ports: dict[str, int] = {}
    try:
        for server in servers:
            port = ports[server.name] = free_port()
            server.process = spawn(server, port, env)
        for server in servers:
            await wait_ready(server, ports[server.name])
            # Warm: the plan cached, the pool's connections open (and so counted below).
            await wrk.run(ports[server.name], [server.request], 1, args.connections, "warm")
        for round_ in range(args.rounds):
            for server in servers:
                pid = server.process.pid
                # Only the driven server's connections work during its run: every session's
                # server process on the database counts (this one's idle pool adds nothing).
                pg = await backends(args.database_url)
                before, pg_before = cpu_seconds(pid), total_cpu(pg)
                result = await wrk.run(
                    ports[server.name],
                    [server.request],
                    args.seconds,
                    args.connections,
                    f"overhead-{server.name}",
                )
                used = cpu_seconds(pid) - before
                pg_used = total_cpu(pg) - pg_before
                if result.errors or not result.requests:
                    raise SystemExit(f"{server.name}: {result.errors} errors")
                server.cpu_us.append(used * 1e6 / result.requests)
                server.pg_us.append(pg_used * 1e6 / result.requests)
                server.rates.append(result.rate)
                print(
                    f"round {round_ + 1} {server.name:9} {server.cpu_us[-1]:7.0f} µs CPU/request"
                    f" (PostgreSQL {server.pg_us[-1]:5.0f} µs)"
                    f" {result.rate:7.0f} req/s p50 {result.p50_ms:.2f} ms",
                    flush=True,
                )
    finally:
        for server in servers:
            if server.process is not None and server.process.poll() is None:
                os.killpg(server.process.pid, signal.SIGTERM)
                server.process.wait(timeout=15)
    print(f"load average {os.getloadavg()[0]:.1f}; median of {args.rounds} rounds:")
    floor = servers[-1]
    for server in servers:
        # Ratios to the floor per round (the same minutes' load), then their median.
        cpu = statistics.median(a / b for a, b in zip(server.cpu_us, floor.cpu_us, strict=True))
        rate = statistics.median(a / b for a, b in zip(server.rates, floor.rates, strict=True))
        print(
            f"  {server.name:9} {statistics.median(server.cpu_us):7.0f} µs CPU/request"
            f" (PostgreSQL {statistics.median(server.pg_us):5.0f} µs)"
            f" {statistics.median(server.rates):7.0f} req/s;"
            f" ÷ floor: CPU {cpu:.2f}×, rate {rate:.2f}×"
        )


if __name__ == "__main__":
    asyncio.run(main())
