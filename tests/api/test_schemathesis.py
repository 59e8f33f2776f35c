"""Acceptance: schemathesis fuzzes every query and mutation of the schema against the real
server (uvicorn on a free loopback port) over the seeded data, on SQLite and PostgreSQL.

Several seeds, a bounded number of examples per operation (GOVGRAPH_FUZZ_EXAMPLES, default
3; run it with more locally), queries as the demo viewer and as an ADMIN, mutations as an
ADMIN (so the writes run). No response may be a 5xx or carry INTERNAL_ERROR (or an error
without a code), and /healthz answers 200 at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from api.auth import mint_token
from models.enums import ViewerRole
from resolvers.common import decode_global_id
from tests.conftest import TEST_SECRET, TestDatabase

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("GOVGRAPH_FUZZ_EXAMPLES", "3"))
SEEDS = (1, 2, 3)
# importLedger's file: the multipart upload is not what this fuzz covers (tests/resolvers/
# ledger); a null keeps the operation's other arguments in the run.
schemathesis.graphql.scalar("Upload", st.just(nodes.Null))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def _server(database_url: str, log: Path) -> Iterator[str]:
    """uvicorn serving the app over `database_url` with the demo viewer; its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "GOVGRAPH_DATABASE_URL": database_url,
        "GOVGRAPH_SECRET": TEST_SECRET,
        "GOVGRAPH_ANONYMOUS": "demo",
        "GOVGRAPH_STATEMENT_TIMEOUT_MS": "10000",
    }
    env.pop("GOVGRAPH_DEBUG", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port",
             str(port), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Findings:
    """What the fuzz found, by kind, with the first request of each."""

    requests: int = 0
    found: dict[str, Any] = field(default_factory=dict)

    def add(self, kind: str, body: Any, response: str) -> None:
        self.found.setdefault(kind, (body, response[:800]))


def _check(findings: Findings, case: Any, base: str, headers: dict[str, str]) -> None:
    response = case.call(base_url=f"{base}/graphql", headers=headers, timeout=60)
    findings.requests += 1
    if response.status_code >= 500:
        findings.add(f"HTTP {response.status_code}", case.body, response.text)
        return
    try:
        body = response.json()
    except ValueError:
        findings.add("not JSON", case.body, response.text)
        return
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code in {None, "INTERNAL_ERROR"}:
            findings.add(f"{code}: {error.get('message', '')[:60]}", case.body, response.text)


def fuzz(base: str, admin: dict[str, str], examples: int, seeds: tuple[int, ...]) -> Findings:
    """Every operation of schema.graphql, `examples` per seed and viewer."""
    schema = schemathesis.graphql.from_path(ROOT / "schema.graphql")
    findings = Findings()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25  # the whole schema, queries and mutations
    for operation in operations:
        viewers = [admin] if operation.label.startswith("Mutation.") else [{}, admin]
        for headers in viewers:
            for number in seeds:
                _run(
                    operation,
                    number,
                    examples,
                    lambda case, h=headers: _check(findings, case, base, h),
                )
    return findings


def _run(operation: Any, number: int, examples: int, check: Any) -> None:
    """`examples` generated cases of `operation` from hypothesis seed `number`."""

    @hypothesis_seed(number)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        check(case)

    run()


def admin_headers(base: str) -> dict[str, str]:
    """An ADMIN of 山西省 (writes run, everything is visible)."""
    response = httpx.post(
        f"{base}/graphql", json={"query": '{ orgUnit(name: "山西省") { id } }'}, timeout=30
    )
    unit = decode_global_id(response.json()["data"]["orgUnit"]["id"])
    token = mint_token(TEST_SECRET, unit_id=unit, role=ViewerRole.ADMIN)
    return {"authorization": f"Bearer {token}"}


@pytest.mark.private_db
async def test_schemathesis_finds_no_server_error(seeded_db: TestDatabase, tmp_path: Path) -> None:
    def run() -> tuple[Findings, int]:
        with _server(seeded_db.url, tmp_path / "server.log") as base:
            findings = fuzz(base, admin_headers(base), EXAMPLES, SEEDS)
            health = httpx.get(f"{base}/healthz", timeout=10).status_code
        return findings, health

    findings, health = await asyncio.to_thread(run)
    assert findings.requests > 100
    assert not findings.found, "\n".join(f"{k}: {v}" for k, v in findings.found.items())
    assert health == 200


def fuzz_routes(base: str, headers: dict[str, str], examples: int) -> Findings:
    """The HTTP routes of docs/http-routes.openapi.yaml: no 5xx, every refusal coded."""
    schema = schemathesis.openapi.from_path(ROOT / "docs" / "http-routes.openapi.yaml")
    findings = Findings()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    def check(case: Any) -> None:
        response = case.call(base_url=base, headers=headers, timeout=60)
        findings.requests += 1
        if response.status_code >= 500 and case.path != "/healthz":
            findings.add(f"{case.path}: HTTP {response.status_code}", case.query, response.text)
        elif response.status_code >= 400:
            try:
                error = response.json()["errors"][0]
            except (ValueError, KeyError, IndexError, TypeError):
                findings.add(
                    f"{case.path}: uncoded {response.status_code}", case.query, response.text
                )
                return
            if (error.get("extensions") or {}).get("code") in {None, "INTERNAL_ERROR"}:
                findings.add(
                    f"{case.path}: {error.get('message', '')[:60]}", case.query, response.text
                )

    for operation in operations:
        for number in SEEDS:
            _run(operation, number, examples, check)
    return findings


@pytest.mark.private_db
async def test_schemathesis_finds_no_server_error_in_the_http_routes(
    seeded_db: TestDatabase, tmp_path: Path
) -> None:
    """Exports (ledger, snapshot, 通报), evidence files, GET /graphql with persisted queries."""

    def run() -> tuple[Findings, int]:
        with _server(seeded_db.url, tmp_path / "server.log") as base:
            findings = fuzz_routes(base, admin_headers(base), EXAMPLES * 2)
            health = httpx.get(f"{base}/healthz", timeout=10).status_code
        return findings, health

    findings, health = await asyncio.to_thread(run)
    assert findings.requests > 40
    assert not findings.found, "\n".join(f"{k}: {v}" for k, v in findings.found.items())
    assert health == 200
