"""`make bench-growth`: how govgraph's latency and memory grow with the size of the data
(issue 20, point 4).

For each scale in BENCH_GROWTH_SCALES (multiples of the province dataset: 5,000 units,
200,000 tasks, 2,000,000 progress reports; default "0.5,1,2"):

1. the database govgraph_growth_<scale>x (0.5 → govgraph_growth_0_5x) is generated with
   `govgraph generate` unless it already holds a dataset of that size (other databases are
   never touched), migrated to head (timed: converting an unpartitioned database to the
   monthly partitions of migration 0040 is part of the upgrade), and
   `govgraph partitions ensure` splits the default partition (timed);
2. govgraph alone is started with BENCH_WORKERS workers; for Q1–Q4 (ADMIN and restricted
   viewers), Q3 as of a past date (ADMIN, town viewers) and the dashboard's queries (screen,
   unit tree, overdue page), each row is asked BENCH_GROWTH_SINGLE times alone (the median
   is the latency of one request on an otherwise idle server) and then driven by wrk for
   BENCH_SECONDS on BENCH_CONCURRENCY connections (ok req/s, p50, p99);
3. recorded per scale: the database size, progress_report's size, the workers' peak RSS
   (VmHWM) and the 1-minute load average before and after;
4. the table goes between the growth markers of bench/RESULTS.md, each scale's row added as
   it is measured (a run stopped later keeps what it measured). Each scale's numbers are
   also kept in bench/.work/growth-<scale>.json so a later run can report all scales
   measured so far (BENCH_GROWTH_SCALES=2 adds 2× to an earlier 0.5,1 run).

Only govgraph is measured (PostGraphile and the floor are `make bench`'s comparison).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from bench import wrk
from bench.rows import Row, build_rows
from bench.run import (
    BIN,
    ROOT,
    SECRET,
    Config,
    drain,
    log,
    peak_rss_mb,
    start,
    stop,
    timed_single,
    wait_ready,
    write_section,
)

PROVINCE = (5000, 200_000, 2_000_000)
WORK = Path(__file__).resolve().parent / ".work"
KINDS = ("Q1", "Q2", "Q3", "Q4", "Q3past", "screen", "unit-tree", "overdue-page")


def label(scale: float) -> str:
    return f"{scale:g}".replace(".", "_") + "x"


async def fetchval(url: str, sql: str) -> Any:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    return time.perf_counter() - started


async def prepare(cfg: Config) -> dict[str, Any]:
    """Generated, migrated, partitions split; what it took."""
    out: dict[str, Any] = {}
    admin = await asyncpg.connect(f"{cfg.server}/postgres")
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", cfg.database)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{cfg.database}"')
    finally:
        await admin.close()
    govgraph = str(BIN / "govgraph")
    found = False
    if exists:
        try:
            found = await fetchval(
                cfg.url,
                f"SELECT (SELECT count(*) FROM org_unit) = {cfg.units}"
                f" AND (SELECT count(*) FROM task) = {cfg.tasks}",
            )
        except asyncpg.PostgresError:
            found = False
    if exists and not found:
        raise SystemExit(
            f"bench-growth: {cfg.database} exists without a dataset of this size; drop it "
            "(it is only ever made by this script) or choose other scales"
        )
    version = await fetchval(cfg.url, "SELECT to_regclass('alembic_version') IS NOT NULL")
    before = await fetchval(cfg.url, "SELECT version_num FROM alembic_version") if version else None
    revision = os.environ.get("BENCH_GROWTH_REVISION", "head")
    out["upgrade_s"] = timed([govgraph, "db", "upgrade", revision, "--database-url", cfg.url])
    out["upgraded_from"] = before
    out["upgraded_to"] = await fetchval(cfg.url, "SELECT version_num FROM alembic_version")
    if not found:
        log(f"generating {cfg.database}: {cfg.units} units, {cfg.tasks} tasks")
        out["generate_s"] = timed(
            [
                govgraph, "generate", "--units", str(cfg.units), "--tasks", str(cfg.tasks),
                "--reports", str(cfg.reports), "--seed", str(cfg.seed), "--database-url", cfg.url,
            ]
        )  # fmt: skip
    out["ensure_s"] = timed([govgraph, "partitions", "ensure", "--database-url", cfg.url])
    conn = await asyncpg.connect(cfg.url)
    try:
        await conn.execute("ANALYZE")
        out["counts"] = {
            t: await conn.fetchval(f"SELECT count(*) FROM {t}")
            for t in (
                "org_unit",
                "task",
                "assignment",
                "progress_report",
                "assignment_status_event",
            )
        }
        out["db_mb"] = await conn.fetchval("SELECT pg_database_size(current_database())") / 2**20
        out["reports_mb"] = float(
            await conn.fetchval(
                """SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
                   WHERE c.relname = 'progress_report'
                      OR c.oid IN (SELECT inhrelid FROM pg_inherits
                                   WHERE inhparent = to_regclass('progress_report'))"""
            )
            / 2**20
        )
        out["partitions"] = await conn.fetchval(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = to_regclass('progress_report')"
        )
    finally:
        await conn.close()
    return out


def pick(rows: list[Row]) -> list[Row]:
    """Q1–Q4, the past rollup and the dashboard's queries (govgraph's requests only)."""
    out = []
    for row in rows:
        if row.query in KINDS:
            row.requests = {"govgraph": row.requests["govgraph"]} if row.requests else {}
            out.append(row)
    return out


async def measure(cfg: Config, singles: int) -> dict[str, Any]:
    rows, past = await build_rows(cfg.url, SECRET, cfg.viewers)
    rows = pick(rows)
    process = start("govgraph", cfg, cfg.port, cfg.url, cfg.workers)
    results: dict[str, Any] = {"past": past, "rows": {}}
    try:
        probe = next(r.requests["govgraph"][0] for r in rows if r.requests.get("govgraph"))
        await wait_ready(process, cfg.port, probe)
        for row in rows:
            if row.prepare is not None:
                await row.prepare(cfg.port)
        results["load_before"] = os.getloadavg()[0]
        for row in rows:
            requests = row.requests["govgraph"]
            await wrk.run(cfg.port, requests, 1, cfg.concurrency, "warm-growth")
            await drain(cfg)
            alone = []
            for i in range(singles):
                try:
                    alone.append(
                        await asyncio.wait_for(
                            timed_single(cfg.port, requests[i % len(requests)]), 60
                        )
                    )
                except TimeoutError:
                    alone.append(60.0)
            result = await wrk.run(cfg.port, requests, cfg.seconds, cfg.concurrency, "growth")
            await drain(cfg)
            results["rows"][row.key] = {
                "alone_ms": statistics.median(alone) * 1000,
                "rate": result.rate,
                "p50_ms": result.p50_ms,
                "p99_ms": result.p99_ms,
                "errors": result.errors + result.socket_errors,
            }
            log(
                f"  {row.key:28} alone {statistics.median(alone) * 1000:8.1f} ms  "
                f"{result.rate:7.1f} req/s  p50 {result.p50_ms:8.1f} ms  p99 "
                f"{result.p99_ms:8.1f} ms"
            )
        results["load_after"] = os.getloadavg()[0]
        results["rss_mb"] = peak_rss_mb(process.pid)
    finally:
        stop(process)
    return results


def scale_name(key: str) -> str:
    """ "1" → "1×", "1 at 0028" → "1× at 0028"."""
    number, _, rest = key.partition(" ")
    return f"{number}×" + (f" {rest}" if rest else "")


def fmt(value: float | str | None, digits: int = 1) -> str:
    if value is None:
        return ""
    number = float(value)  # a number read back from the saved JSON may be text
    return "" if number != number else f"{number:.{digits}f}"


def report(measured: dict[str, dict[str, Any]], command: str) -> None:
    scales = sorted(measured, key=lambda s: (float(s.split()[0]), s))
    lines = [
        "## Growth: latency and memory against the size of the data (issue 20)",
        "",
        f"- date: {datetime.now(ZoneInfo('UTC')).strftime('%Y-%m-%d %H:%M UTC')}; command: "
        f"`{command}`",
        "- scales: multiples of the province dataset (5,000 units, 200,000 tasks, 2,000,000 "
        "progress reports), `govgraph generate --seed 1`, one database per scale "
        "(govgraph_growth_<scale>x), migrated to head (history tables partitioned by month)",
        "- govgraph alone, its workers as given; *alone*: the median of single requests on an "
        "idle server; req/s, p50, p99: wrk on the given connections; peak RSS: the largest "
        "worker's VmHWM after all rows",
        f"- machine: {os.cpu_count()} cores shared with other work; the 1-minute load average "
        "before and after each scale's rows is in the table (a load above the core count "
        "means the numbers carry other work's share)",
        "",
        "| scale | units | tasks | reports | DB MB | reports MB | partitions | upgrade s "
        "| ensure s | peak RSS MB | load before/after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in scales:
        m = measured[s]
        c = m["counts"]
        lines.append(
            f"| {scale_name(s)} | {c['org_unit']:,} | {c['task']:,} | {c['progress_report']:,} | "
            f"{fmt(m['db_mb'], 0)} | {fmt(m['reports_mb'], 0)} | {m['partitions']} | "
            f"{fmt(m['upgrade_s'], 0)}"
            + (
                f" (from {m['upgraded_from']})"
                if m.get("upgraded_from") not in (None, m.get("upgraded_to"))
                else ""
            )
            + f" | {fmt(m['ensure_s'], 0)} | {fmt(m['rss_mb'], 0)} | "
            f"{fmt(m['load_before'])}/{fmt(m['load_after'])} |"
        )
    keys = list(dict.fromkeys(k for s in scales for k in measured[s]["rows"]))
    header = " | ".join(f"{scale_name(s)} alone / p50 / req/s" for s in scales)
    lines += [
        "",
        "Latency (ms) and throughput per row and scale (alone: one request at a time; p50 and "
        "req/s under load):",
        "",
        f"| row | {header} | growth of *alone* at head, largest ÷ smallest scale |",
        "|---|" + "---:|" * len(scales) + "---:|",
    ]
    for key in keys:
        cells, alone = [], []
        for s in scales:
            r = measured[s]["rows"].get(key)
            if r is None:
                cells.append("")
                continue
            if " " not in s:  # the growth is over the scales at head
                alone.append(r["alone_ms"])
            errors = f" ({r['errors']} errors)" if r["errors"] else ""
            cells.append(f"{fmt(r['alone_ms'])} / {fmt(r['p50_ms'])} / {fmt(r['rate'])}{errors}")
        growth = f"{alone[-1] / alone[0]:.2f}×" if len(alone) > 1 and alone[0] > 0 else ""
        lines.append(f"| {key} | {' | '.join(cells)} | {growth} |")
    write_section("<!-- bench:growth:begin -->", "<!-- bench:growth:end -->", lines)


async def main() -> None:
    wanted = os.environ.get("BENCH_GROWTH_SCALES", "0.5,1,2")
    # "none": only rewrite the section from the scales measured so far (bench/.work)
    scales = [] if wanted == "none" else [float(s) for s in wanted.split(",")]
    singles = int(os.environ.get("BENCH_GROWTH_SINGLE", "5"))
    os.environ.setdefault("BENCH_SECONDS", "5")
    os.environ.setdefault("BENCH_PORT", "8790")  # beside a `make bench` on 8750
    wrk.binary()
    WORK.mkdir(exist_ok=True)
    command = (
        f"BENCH_GROWTH_SCALES={','.join(f'{s:g}' for s in scales)} BENCH_WORKERS="
        f"{os.environ.get('BENCH_WORKERS', '2')} BENCH_CONCURRENCY="
        f"{os.environ.get('BENCH_CONCURRENCY', '8')} BENCH_SECONDS="
        f"{os.environ['BENCH_SECONDS']} make bench-growth"
        + (
            f" (BENCH_GROWTH_REVISION={os.environ['BENCH_GROWTH_REVISION']})"
            if "BENCH_GROWTH_REVISION" in os.environ
            else ""
        )
    )
    measured: dict[str, dict[str, Any]] = {}
    for saved in sorted(WORK.glob("growth-*.json")):
        data = json.loads(saved.read_text())
        measured[data["scale"]] = data
    for scale in scales:
        cfg = Config(scale="province")
        cfg.units, cfg.tasks, cfg.reports = (round(n * scale) for n in PROVINCE)
        cfg.database = f"govgraph_growth_{label(scale)}"
        cfg.viewers = min(cfg.viewers, cfg.units)
        log(f"scale {scale:g}×: {cfg.database}")
        data = await prepare(cfg)
        log(f"prepared: {data}")
        data |= await measure(cfg, singles)
        revision = os.environ.get("BENCH_GROWTH_REVISION", "head")
        at = "" if revision == "head" else f" at {revision}"
        data["scale"] = f"{scale:g}{at}"
        (WORK / f"growth-{label(scale)}{at.replace(' ', '-')}.json").write_text(
            json.dumps(data, default=str)
        )
        measured[data["scale"]] = data
        report(measured, command)
    if not scales and measured:
        heads = sorted((k for k in measured if " " not in k), key=float)
        report(
            measured,
            command.replace("BENCH_GROWTH_SCALES=", f"BENCH_GROWTH_SCALES={','.join(heads)}", 1),
        )


if __name__ == "__main__":
    asyncio.run(main())
