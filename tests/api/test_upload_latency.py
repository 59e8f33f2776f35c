"""/healthz stays responsive while a big ledger is uploaded and imported (issue 14, item 4).

A real server: `uvicorn api.main:app` in a subprocess on a free loopback port, over a copy of
the seeded database (SQLite file, or a PostgreSQL clone). A COORDINATOR of 城区 uploads a
100,000-row, ~18 MB CSV 台账 to `importLedger` from a thread while the test probes /healthz
every 100 ms; the import must succeed and /healthz must answer within 100 ms (median), and so
must /metrics, which needs only the event loop (medians; the tails are logged: on a shared
2-core machine they measure the other processes; before issue 14 the loop stalled for
seconds). A zip-bomb .xlsx is refused from its central directory before anything inflates,
the server staying responsive.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import logging
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa

from api.auth import mint_token
from models.enums import ViewerRole
from tests.conftest import DIALECTS, TEST_SECRET, Goldens, open_database
from tests.ledger_files import HEADER, zip_bomb_xlsx

ROOT = Path(__file__).resolve().parents[2]
ROWS = 100_000
LEADS = ("区生态环境分局", "区住建局", "区民营经济局", "区市场监管局", "区发改（能源）局")
START_SECONDS = 60
IMPORT_SECONDS = 900
PROBE_EVERY = 0.1
UVICORN = (
    sys.executable,
    "-m",
    "uvicorn",
    "api.main:app",
    "--host",
    "127.0.0.1",
    "--log-level",
    "warning",
)
# The medians of /healthz and /metrics while the import runs: the code before issue 14 held
# the event loop for seconds (every probe waited: p90 1.8 s on PostgreSQL, 4.8 s on SQLite);
# since, the median stays in tens of ms even with the machine's load average at 9.
LIMIT_MS = 100.0

logger = logging.getLogger(__name__)
pytestmark = [pytest.mark.private_db, pytest.mark.xdist_group("upload_latency")]

IMPORT = """
mutation ($input: ImportLedgerInput!) { importLedger(input: $input) {
  report { written created updated unchanged rowErrors { row column code message } }
  errors { code field message } } }
"""


def big_csv(rows: int = ROWS) -> bytes:
    """A 台账 of `rows` new tasks (序号 1001…) for the seed air plan: ~180 bytes a row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for index in range(rows):
        writer.writerow(
            [
                "八、测试任务",
                1001 + index,
                f"第{index}项措施：加强扬尘污染防治，落实六个百分之百要求，开展专项执法检查。",
                "2024年12月底前",
                LEADS[index % len(LEADS)],
                "",
                "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="session")
def big_ledger(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The 100,000-row CSV, generated once per session (per xdist worker)."""
    return big_csv()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A uvicorn process and what the test needs of it."""

    base_url: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path


async def _unit_id(url_engine: Any, name: str) -> Any:
    async with url_engine.connect() as conn:
        return (
            await conn.execute(sa.text("SELECT id FROM org_unit WHERE name = :n"), {"n": name})
        ).scalar_one()


@contextlib.asynccontextmanager
async def serve(dialect: str, goldens: Goldens, tmp_path: Path) -> AsyncIterator[Server]:
    """The app in a uvicorn subprocess over a private copy of the seeded database."""
    async with open_database(dialect, goldens, "seeded", private=True) as db:
        unit = await _unit_id(db.engine, "城区")
        if dialect == "sqlite":
            await db.engine.dispose()
        url = db.url.replace("+asyncpg", "").replace("+aiosqlite", "")
        port = _free_port()
        log = Path(os.environ.get("GOVGRAPH_TEST_SERVER_LOG", tmp_path / f"server-{port}.log"))
        env = {
            **os.environ,
            "GOVGRAPH_DATABASE_URL": url,
            "GOVGRAPH_SECRET": TEST_SECRET,
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("GOVGRAPH_DEBUG", "GOVGRAPH_ANONYMOUS"):
            env.pop(name, None)
        process = _start(port, env, log)
        token = mint_token(TEST_SECRET, unit_id=unit, role=ViewerRole.COORDINATOR)
        server = Server(f"http://127.0.0.1:{port}", token, process, log)
        try:
            await _wait_started(server)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [*UVICORN, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def _wait_started(server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as http:
        while True:
            if server.process.poll() is not None:
                pytest.fail(f"the server exited:\n{server.log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get("/healthz")).status_code == 200:
                    return
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{server.log.read_text()[-3000:]}")
            await asyncio.sleep(0.1)


def _upload(server: Server, data: bytes, filename: str, **variables: Any) -> dict[str, Any]:
    """importLedger as a multipart request from this (non-loop) thread."""
    operations = {"query": IMPORT, "variables": {"input": {**variables, "file": None}}}
    with httpx.Client(base_url=server.base_url, timeout=IMPORT_SECONDS) as http:
        response = http.post(
            "/graphql",
            data={
                "operations": orjson.dumps(operations).decode(),
                "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
            },
            files={"0": (filename, data, "application/octet-stream")},
            headers={"authorization": f"Bearer {server.token}"},
        )
    assert response.status_code == 200, response.text[:2000]
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Probes:
    """Latencies (ms) of /healthz (the database too) and /metrics (the event loop only)."""

    healthz: list[float] = field(default_factory=list)
    metrics: list[float] = field(default_factory=list)
    timeline: dict[int, list[float]] = field(default_factory=dict)


async def _probe_while(server: Server, job: threading.Thread) -> Probes:
    """Probes of /healthz and /metrics started every 100 ms while `job` runs.

    Open loop: a probe starts on schedule whether or not the previous one answered, so a
    stall of the server delays every probe scheduled during it (one slow probe per stall
    would hide it among the fast ones).
    """
    probes = Probes()
    # A connection per probe, as a health checker opens one: a kept-alive connection that
    # uvicorn closes after its keep-alive timeout races the next probe sent on it.
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=0)

    async def probe(http: httpx.AsyncClient, path: str, into: list[float]) -> None:
        started = time.perf_counter()
        response = await http.get(path)
        into.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
        if path == "/healthz":
            probes.timeline.setdefault(int((started - start) // 10) * 10, []).append(into[-1])

    async with (
        httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as http,
        asyncio.TaskGroup() as group,
    ):
        start = time.perf_counter()
        tick = 0
        while job.is_alive():
            group.create_task(probe(http, "/healthz", probes.healthz))
            group.create_task(probe(http, "/metrics", probes.metrics))
            tick += 1
            await asyncio.sleep(max(0.0, start + tick * PROBE_EVERY - time.perf_counter()))
    for second, values in sorted(probes.timeline.items()):
        logger.info(
            "%4ds: %3d probes, median %.0f ms, max %.0f ms",
            second,
            len(values),
            statistics.median(values),
            max(values),
        )
    return probes


async def _import_and_probe(
    server: Server, data: bytes, filename: str, **variables: Any
) -> tuple[dict[str, Any], Probes]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["body"] = _upload(server, data, filename, **variables)
        except BaseException as exc:  # reported by the test below
            result["error"] = exc

    job = threading.Thread(target=run, name="upload")
    job.start()
    try:
        probes = await _probe_while(server, job)
    finally:
        job.join(IMPORT_SECONDS)
    if "error" in result:
        raise result["error"]
    return result["body"], probes


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _summary(latencies: list[float]) -> str:
    return (
        f"{len(latencies)} probes: median {statistics.median(latencies):.1f} ms, "
        f"p90 {_percentile(latencies, 0.9):.1f} ms, max {max(latencies):.1f} ms"
    )


@pytest.fixture(params=DIALECTS)
async def server(
    request: pytest.FixtureRequest, goldens: Goldens, tmp_path: Path
) -> AsyncIterator[Server]:
    async with serve(request.param, goldens, tmp_path) as live:
        yield live


async def test_healthz_answers_while_a_100k_row_import_runs(
    server: Server, big_ledger: bytes
) -> None:
    assert len(big_ledger) > 15_000_000  # the ~20 MB upload of the issue
    body, probes = await _import_and_probe(
        server, big_ledger, "台账.csv", docNumber="城政办发〔2023〕20号", planKey="air"
    )
    assert "errors" not in body, body["errors"]
    payload = body["data"]["importLedger"]
    assert payload["errors"] == [], payload["errors"]
    assert (payload["report"]["written"], payload["report"]["created"]) == (True, ROWS)
    healthz, loop = _summary(probes.healthz), _summary(probes.metrics)
    logger.info("during the 100,000-row import: /healthz %s; /metrics %s", healthz, loop)
    assert len(probes.healthz) >= 10
    assert statistics.median(probes.healthz) < LIMIT_MS, healthz
    # The event loop stays free: the old code held it for seconds (every probe waited).
    # /healthz's tail also waits on the database, which other test runs share: logged.
    assert statistics.median(probes.metrics) < LIMIT_MS, loop
    # The tail is logged, not asserted: on a shared 2-core machine it measures the other
    # processes' load (541 ms p90 measured at load average 9 with a healthy loop), and the
    # loop's tail under a quiet machine is bench/ledger_import.py's to record.


async def test_zip_bomb_is_refused_without_stalling(server: Server) -> None:
    bomb = zip_bomb_xlsx()
    assert len(bomb) < 1_000_000
    body, probes = await _import_and_probe(
        server, bomb, "台账.xlsx", docNumber="城政办发〔2023〕20号", planKey="air"
    )
    payload = body["data"]["importLedger"]
    assert payload["report"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("FILE_TOO_LARGE", "file")]
    logger.info("during the zip bomb: /healthz %s", _summary(probes.healthz))
    assert max(probes.healthz) < 5000, _summary(probes.healthz)  # the old code: 5–10 s


def test_big_csv_shape() -> None:
    """The generator writes what the latency test claims (cheap; no server)."""
    data = big_csv(10)
    lines = data.decode().splitlines()
    assert lines[0].split(",") == list(HEADER)
    assert len(lines) == 11
