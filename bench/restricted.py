"""Restricted viewers (issue 13): Q1 and Q2 round-robin over many units' VIEWER tokens.

Each request is a different unit's VIEWER asking about its own unit, so before issue 13
(plans keyed by the viewer's scope) every request compiled a plan of its own. For govgraph
and govgraph-resolvers in turn, a fresh server with BENCH_RESTRICTED_WORKERS workers
(default 1: the plan cache read from /metrics is that worker's) is asked, for each query:

1. the first request of the shape by a restricted viewer, alone (cold plan: parsing,
   validation, compiling and the statement), then a second viewer's first request, alone
   (the plan is warm, the viewer new);
2. one request per viewer, BENCH_VIEWERS distinct units (default 1,000), on
   BENCH_CONCURRENCY connections: ok req/s, p50, p99;
3. the same requests with the ADMIN token over the same units, for comparison;
and after both queries, the plan cache size (`govgraph_compiled_plans` on /metrics).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg

from bench import load
from bench.queries import GOVGRAPH

QUERIES = ("Q1", "Q2")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


VIEWERS = env_int("BENCH_VIEWERS", 1000)
WORKERS = env_int("BENCH_RESTRICTED_WORKERS", 1)


@dataclass
class Row:
    """One query × peer × audience."""

    run: load.Result
    cold_ms: float = float("nan")  # the shape's first request in the worker
    second_ms: float = float("nan")  # another viewer's first request, the plan warm


@dataclass
class PeerRows:
    rows: dict[tuple[str, str], Row] = field(default_factory=dict)  # (query, audience)
    plans: str = ""  # the plan cache size after the run, as /metrics reports it


async def viewer_units(url: str, count: int) -> list[str]:
    """`count` distinct units of every kind and level but the province root, spread by a
    hash of their id (deterministic for a dataset)."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            """SELECT id FROM org_unit WHERE depth > 0 AND kind <> 'INSPECTION_TEAM'
               ORDER BY md5(id::text) LIMIT $1""",
            count,
        )
    finally:
        await conn.close()
    units = [str(r["id"]) for r in rows]
    if len(units) < count:
        raise SystemExit(f"bench: {len(units)} units, fewer than BENCH_VIEWERS={count}")
    return units


class Requests:
    """Prebuilt request bytes: unit i asks about itself as its VIEWER, or as ADMIN."""

    def __init__(self, secret: str, units: list[str], province: str, today: date) -> None:
        from api.auth import mint_token
        from models.enums import ViewerRole

        self.units, self.today = units, today
        self.viewers = [
            mint_token(secret, unit_id=uuid.UUID(u), role=ViewerRole.VIEWER) for u in units
        ]
        self.admin = mint_token(secret, unit_id=uuid.UUID(province), role=ViewerRole.ADMIN)

    def one(self, name: str, i: int, audience: str) -> bytes:
        from strawberry import relay

        unit = self.units[i % len(self.units)]
        variables: dict[str, Any] = {"unit": str(relay.GlobalID("OrgUnit", unit))}
        if name == "Q1":
            variables["today"] = self.today.isoformat()
        token = self.admin if audience == "ADMIN" else self.viewers[i % len(self.viewers)]
        body = json.dumps({"query": GOVGRAPH[name], "variables": variables}).encode()
        return load.http_post("/graphql", body, {"Authorization": f"Bearer {token}"})


async def plan_cache(port: int) -> str:
    """govgraph_compiled_plans from /metrics ('' when absent)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        _status, body = await load.read_response(reader)
    finally:
        writer.close()
    found = re.search(rb"^govgraph_compiled_plans (\S+)$", body, re.MULTILINE)
    return str(int(float(found.group(1)))) if found else ""


async def measure(cfg: Any, requests: Requests, peers: tuple[str, ...]) -> dict[str, PeerRows]:
    from bench.run import log, start, stop, wait_ready

    n = len(requests.units)
    out: dict[str, PeerRows] = {}
    for k, peer in enumerate(peers):
        port = cfg.port + 40 + k
        process = start(peer, cfg, port, cfg.url, WORKERS)
        rows = out[peer] = PeerRows()
        try:
            # Ready once the app answers; the probe (ADMIN, Q1 shape) leaves the restricted
            # plans cold.
            await wait_ready(process, port, requests.one("Q1", 0, "ADMIN"))
            for name in QUERIES:
                cold = await load.run(port, [requests.one(name, 0, "VIEWER")], 1, 1)
                second = await load.run(port, [requests.one(name, 1, "VIEWER")], 1, 1)
                for audience in ("VIEWER", "ADMIN"):
                    batch = [requests.one(name, i, audience) for i in range(2, n + 2)]
                    result = await load.run(port, batch, n, cfg.concurrency)
                    row = rows.rows[(name, audience)] = Row(result)
                    if audience == "VIEWER":
                        row.run.errors += cold.errors + second.errors
                        row.cold_ms = cold.percentile(50)
                        row.second_ms = second.percentile(50)
                    log(
                        f"{peer:18} {name} {audience:6}: {result.rate:7.1f} req/s  p50 "
                        f"{result.percentile(50):7.1f} ms  p99 {result.percentile(99):7.1f} ms"
                        f"  errors {result.errors}"
                        + (f"  first: {result.first_error}" if result.first_error else "")
                    )
            rows.plans = await plan_cache(port)
            log(f"{peer:18} plan cache after the run: {rows.plans or '-'}")
        finally:
            stop(process)
    return out


def section(
    cfg: Any, dataset: str, results: dict[str, PeerRows], seconds: float, label: str
) -> list[str]:
    """The restricted-viewer section of bench/RESULTS.md."""
    n = VIEWERS
    command = (
        f"BENCH_PART=restricted BENCH_DATABASE={cfg.database} "
        + ("BENCH_REUSE=1 " if cfg.reuse else "")
        + f"BENCH_UNITS={cfg.units} BENCH_TASKS={cfg.tasks} BENCH_REPORTS={cfg.reports} "
        f"BENCH_VIEWERS={n} BENCH_RESTRICTED_WORKERS={WORKERS} "
        f"BENCH_CONCURRENCY={cfg.concurrency} make bench"
    )
    lines = [
        f"### Restricted viewers: the {label} run (issue 13)",
        "",
        f"- command: `{command}` (took {seconds / 60:.1f} min)",
        f"- dataset: {dataset}",
        f"- {n:,} distinct units (every kind and level below the province, spread by a hash "
        "of their id), each asked about itself with its own VIEWER token, one request each, "
        f"on {cfg.concurrency} connections; then the same {n:,} units with the ADMIN token",
        f"- {WORKERS} worker(s) per server, so the plan cache read from /metrics "
        "(`govgraph_compiled_plans`) after the run is the whole cache",
        "- cold ms: the shape's first request by a restricted viewer in a fresh worker "
        "(parse, validate, compile, run), alone; 2nd viewer ms: another unit's VIEWER next, "
        "alone (warm plan, new viewer); before issue 13 every new viewer paid the cold cost",
        "",
        "| query | peer | audience | ok req/s | p50 ms | p99 ms | errors | cold ms "
        "| 2nd viewer ms | plans cached after the run |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in QUERIES:
        for peer, rows in results.items():
            for audience in ("VIEWER", "ADMIN"):
                row = rows.rows[(name, audience)]
                r = row.run
                cold = "" if audience == "ADMIN" else f"{row.cold_ms:.1f}"
                second = "" if audience == "ADMIN" else f"{row.second_ms:.1f}"
                lines.append(
                    f"| {name} | {peer} | {audience} | {r.rate:.1f} | {r.percentile(50):.1f} | "
                    f"{r.percentile(99):.1f} | {r.errors} | {cold} | {second} | "
                    f"{rows.plans or 'n/a'} |"
                )
    return lines
