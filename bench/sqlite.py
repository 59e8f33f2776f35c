"""The embedded default's benchmark (issue 15.4): the dashboard's screen query on SQLite.

`make bench` runs it after the PostgreSQL peers (bench/run.py; BENCH_SQLITE=0 skips it), or
alone: `.venv/bin/python -m bench.sqlite`.

1. The dataset: a 300-unit / 10,000-task / 100,000-report province made once with
   `govgraph generate` into bench/.work/sqlite-300.db (git-ignored) and reused while present
   (BENCH_FRESH=1 regenerates);
2. `govgraph serve` on it (one worker, a free loopback port), as `make run` serves SQLite;
3. the screen query (api/static/dashboard/queries/screen.graphql, with app.js's variables)
   for a district and for a city, as of today and of two past days (a month's end and the
   middle of a month), as ADMIN and as a VIEWER of a town inside the district: one warm-up
   request, then BENCH_SQLITE_RUNS sequential requests (p50, p95) and, when `wrk` is
   installed, BENCH_SECONDS on 8 connections (bench/wrk.py);
4. the table and the goal (p50 < 50 ms sequential, every case) between the bench:sqlite
   markers of bench/RESULTS.md.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
DATABASE = WORK / "sqlite-300.db"
BIN = Path(sys.executable).parent
SCREEN = ROOT / "api" / "static" / "dashboard" / "queries" / "screen.graphql"
SECRET = "bench-secret-" + "0123456789abcdef" * 2
SIZES = ("--units", "300", "--tasks", "10000", "--reports", "100000", "--seed", "1")
# Inside the generated history (it ends 2026-06-30): a month's end, whose rollups read whole
# months of the bucket history (resolvers/rollups/history.py periods_up_to), and a day in
# the middle of a month, which reads that month's days too.
PAST = date(2026, 3, 31)
PAST_MID = date(2026, 3, 17)
GOAL_MS = 50.0
BEGIN, END = "<!-- bench:sqlite:begin -->", "<!-- bench:sqlite:end -->"


def log(message: str) -> None:
    print(f"bench sqlite: {message}", file=sys.stderr, flush=True)


def url() -> str:
    return f"sqlite:///{DATABASE}"


def prepare() -> None:
    """The dataset, generated once (a few minutes) and reused."""
    WORK.mkdir(exist_ok=True)
    if DATABASE.exists() and os.environ.get("BENCH_FRESH") != "1":
        log(f"reusing {DATABASE.relative_to(ROOT)}")
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    partial = DATABASE.with_suffix(".partial.db")
    target = f"sqlite:///{partial}"
    log("generating the 300-unit / 10,000-task dataset")
    govgraph = str(BIN / "govgraph")
    subprocess.run([govgraph, "db", "upgrade", "--database-url", target], check=True, cwd=ROOT)
    subprocess.run([govgraph, "generate", *SIZES, "--database-url", target], check=True, cwd=ROOT)
    import sqlite3

    with sqlite3.connect(partial) as conn:  # fold the WAL in before renaming
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.rename(DATABASE)


def units() -> dict[str, Any]:
    """A city, a district of it with towns, and a town of that district (ids as uuids)."""
    import sqlite3
    import uuid

    with sqlite3.connect(DATABASE) as conn:

        def first(sql: str, *args: Any) -> Any:
            row = conn.execute(sql, args).fetchone()
            assert row is not None, sql
            return uuid.UUID(row[0])

        city = first("SELECT id FROM org_unit WHERE kind = 'CITY' ORDER BY depth, code LIMIT 1")
        district = first(
            "SELECT u.id FROM org_unit u WHERE u.kind = 'DISTRICT' AND EXISTS (SELECT 1 FROM"
            " org_unit t WHERE t.parent_id = u.id AND t.kind = 'TOWN') ORDER BY u.code LIMIT 1"
        )
        town = first(
            "SELECT id FROM org_unit WHERE kind = 'TOWN' AND parent_id = ? ORDER BY code LIMIT 1",
            district.hex,
        )
    return {"city": city, "district": district, "town": town}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cases(today: date) -> list[tuple[str, bytes, dict[str, str]]]:
    """(label, request body, headers) of every case."""
    from api.auth import mint_token
    from models.enums import ViewerRole
    from resolvers.common import global_id

    picked = units()
    query = SCREEN.read_text(encoding="utf-8")
    viewers = {
        "ADMIN": mint_token(SECRET, unit_id=picked["city"], role=ViewerRole.ADMIN),
        "town VIEWER": mint_token(SECRET, unit_id=picked["town"], role=ViewerRole.VIEWER),
    }
    out = []
    for unit in ("district", "city"):
        for day_name, day in (("today", today), ("past", PAST), ("past", PAST_MID)):
            for who, token in viewers.items():
                variables = {
                    "unit": str(global_id("OrgUnit", picked[unit])),
                    "asOf": day.isoformat(),
                    "overdueFirst": 20,
                    "rectificationsFirst": 50,
                    "tasksFirst": 20,
                }
                body = orjson.dumps({"query": query, "variables": variables})
                headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
                out.append((f"{unit}, {day_name} ({day}), {who}", body, headers))
    return out


def raw_request(body: bytes, headers: dict[str, str]) -> bytes:
    """The HTTP request wrk sends."""
    head = [
        "POST /graphql HTTP/1.1",
        "Host: 127.0.0.1",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def sequential(port: int, body: bytes, headers: dict[str, str], runs: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
        first = await http.post("/graphql", content=body, headers=headers)
        answer = first.json()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = await http.post("/graphql", content=body, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "errors": "errors" in answer,
    }


def launch(command: list[str], env: dict[str, str], log_file: Path) -> Any:
    """The server in its own session (stopped with bench/run.py's stop)."""
    with log_file.open("ab") as output:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=output
        )


async def measure() -> list[dict[str, Any]]:
    from api.settings import normalize_database_url
    from bench import wrk
    from bench.run import stop
    from models.rules import calendar

    port = free_port()
    env = dict(os.environ)
    env.update(
        GOVGRAPH_DATABASE_URL=normalize_database_url(url()),
        GOVGRAPH_SECRET=SECRET,
        GOVGRAPH_RATE_LIMIT="off",
        GOVGRAPH_RATE_LIMIT_HEAVY="off",
    )
    WORK.mkdir(exist_ok=True)
    command = [str(BIN / "govgraph"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1", "--log-level", "warning", "--no-access-log"]
    server = launch(command, env, WORK / f"sqlite-{port}.log")
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            for _ in range(600):
                try:
                    await http.get(f"http://127.0.0.1:{port}/graphql?query=%7B__typename%7D")
                    break
                except httpx.TransportError:
                    if server.poll() is not None:
                        raise RuntimeError("govgraph serve exited") from None
                    await asyncio.sleep(0.25)
        runs = int(os.environ.get("BENCH_SQLITE_RUNS", "15"))
        seconds = float(os.environ.get("BENCH_SECONDS", "3"))
        has_wrk = shutil.which("wrk") is not None
        rows = []
        for label, body, headers in cases(calendar.today()):
            row = {"case": label, **await sequential(port, body, headers, runs)}
            if has_wrk:
                request = raw_request(body, headers)
                result = await wrk.run(port, [request], seconds, 8, "sqlite")
                row |= {"c8_p50": result.p50_ms, "c8_rate": result.rate, "c8_err": result.errors}
            log(f"{label}: p50 {row['p50']:.1f} ms")
            rows.append(row)
        return rows
    finally:
        stop(server)


def section(rows: list[dict[str, Any]], seconds: float) -> list[str]:
    """The RESULTS.md section of a run."""
    now = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M %Z")
    load = os.getloadavg()[0]
    lines = [
        "## Benchmark run: the embedded default, SQLite (issue 15.4)",
        "",
        f"{now}; 300 units / 10,000 tasks / 100,000 reports (`govgraph generate --seed 1`), "
        f"`govgraph serve` with one worker on SQLite; the dashboard's screen query; "
        f"load average {load:.2f}; {seconds:.0f} s. Sequential: one client, one warm-up, "
        f"then p50/p95; 8 connections: wrk (bench/wrk.py).",
        "",
        "| case | sequential p50 ms | p95 ms | 8 conn. p50 ms | 8 conn. req/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        c8 = (
            ("—" if r["c8_p50"] != r["c8_p50"] else f"{r['c8_p50']:.1f}")  # NaN: none answered
            + f" | {r['c8_rate']:.0f}"
            if "c8_p50" in r and not r["c8_err"]
            else "n/a | n/a"
        )
        error = " (errors!)" if r["errors"] else ""
        lines.append(f"| {r['case']}{error} | {r['p50']:.1f} | {r['p95']:.1f} | {c8} |")
    met = all(r["p50"] < GOAL_MS and not r["errors"] for r in rows)
    worst = max((r["p50"] for r in rows), default=float("nan"))
    lines += [
        "",
        f"Goal: the screen query p50 < {GOAL_MS:.0f} ms for a district and a city, today and "
        f"past days, ADMIN and a town viewer: **{'met' if met else 'short'}** "
        f"(worst sequential p50 {worst:.1f} ms).",
    ]
    return lines


def write(lines: list[str]) -> None:
    from bench.run import write_section

    write_section(BEGIN, END, lines)


async def main() -> None:
    started = time.perf_counter()
    prepare()
    rows = await measure()
    lines = section(rows, time.perf_counter() - started)
    write(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    asyncio.run(main())
