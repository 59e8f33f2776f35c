"""The graphql-http audit suite (GraphQL over HTTP) against a real govgraph server.

`make conformance` (or `python -m tests.conformance.audit`) migrates and seeds a SQLite file,
serves it with uvicorn (in a thread of this process) on a free loopback port with
GOVGRAPH_ANONYMOUS=demo, runs graphql-http's `serverAudits` with Node (audit.mjs; the npm
packages go to tests/conformance/node_modules, gitignored, pinned by package-lock.json) and
prints every audit that is not "ok". It exits 1 when an audit errors.
tests/conformance/test_conformance.py runs the same audit under pytest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from api.app import create_app
from api.settings import Settings

HERE = Path(__file__).resolve().parent

# SHOULDs the server does not follow, and why (the test fails on any other warning).
ACCEPTED_WARNINGS: dict[str, str] = {}


class NodeUnavailable(RuntimeError):
    """Node or npm is missing, or the npm registry cannot be reached."""


@dataclass(frozen=True)
class AuditResult:
    id: str
    name: str
    status: str  # ok, notice, warn, error
    reason: str | None


def _pinned_version(package: str, here: Path = HERE) -> str:
    manifest = json.loads((here / "package.json").read_text())
    version: str = manifest["dependencies"][package]
    return version


def _installed_version(package: str, here: Path = HERE) -> str | None:
    manifest = here / "node_modules" / package / "package.json"
    if not manifest.exists():
        return None
    version: str = json.loads(manifest.read_text())["version"]
    return version


def install(here: Path = HERE) -> None:
    """`npm ci` the packages pinned in `here`/package.json (skipped when installed)."""
    if shutil.which("node") is None:
        raise NodeUnavailable("node is not on PATH")
    pinned = json.loads((here / "package.json").read_text())["dependencies"]
    if all(_installed_version(p, here) == _pinned_version(p, here) for p in pinned):
        return
    if shutil.which("npm") is None:
        raise NodeUnavailable("npm is not on PATH")
    try:
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=here,
            check=True,
            capture_output=True,
            timeout=180,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        output = getattr(exc, "stderr", b"") or b""
        raise NodeUnavailable(f"npm ci failed: {output.decode(errors='replace')[-500:]}") from exc


@contextlib.contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """uvicorn serving the app on a free loopback port (in a thread); yields the /graphql URL."""
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, log_level="warning", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="conformance-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        yield f"http://{host}:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def run_audit(url: str) -> list[AuditResult]:
    """graphql-http's serverAudits against `url`."""
    completed = subprocess.run(
        ["node", str(HERE / "audit.mjs"), url],
        cwd=HERE,
        capture_output=True,
        timeout=120,
        check=False,
    )
    if completed.returncode not in (0, 1):
        raise RuntimeError(f"audit.mjs failed: {completed.stderr.decode(errors='replace')}")
    report: dict[str, Any] = json.loads(completed.stdout)
    return [AuditResult(**result) for result in report["results"]]


def summary(results: list[AuditResult]) -> str:
    """Counts per status, then one line per audit that is not ok."""
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    lines = [", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))]
    for result in results:
        if result.status != "ok":
            lines.append(f"  {result.status.upper():6} {result.id} {result.name}: {result.reason}")
    return "\n".join(lines)


def main() -> int:
    from api.cli_seed import seed_database
    from api.migrate import upgrade
    from api.settings import normalize_database_url

    install()
    # The audit sends broken requests on purpose: their GraphQL errors are not news.
    logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="govgraph-conformance-") as directory:
        url = normalize_database_url(f"sqlite:///{directory}/conformance.db")
        upgrade(url)
        asyncio.run(seed_database(url))
        os.environ.update(GOVGRAPH_DATABASE_URL=url, GOVGRAPH_ANONYMOUS="demo")
        with serve(Settings.from_env()) as endpoint:
            results = run_audit(endpoint)
    print(f"graphql-http audit of {endpoint}: {summary(results)}")  # noqa: T201
    return 1 if any(result.status == "error" for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
