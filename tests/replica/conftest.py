"""A PostgreSQL primary and hot standby of the module's own (tests/pg_cluster.py), migrated and
seeded on the primary, and an app reading from the standby (GOVGRAPH_READ_DATABASE_URLS).

Without the server binaries the tests skip, except under CI=true, where that is a failure.
Every test here runs on one xdist worker (one cluster at a time on a 2-core machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from api.app import create_app
from api.cli_seed import seed_database
from api.migrate import upgrade
from api.settings import Settings, normalize_database_url
from tests.conftest import IN_CI, TEST_SECRET
from tests.pg_cluster import Cluster, find_bin, running_cluster

DATABASE = "govgraph"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist, every test here on one worker: one cluster."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.xdist_group("replica"))


@dataclass
class Pair:
    """The running cluster and its database's URLs."""

    cluster: Cluster
    primary_url: str
    standby_url: str

    async def primary(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.primary_url)

    async def standby(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.standby_url)

    async def on_primary(self, sql: str, *args: Any) -> Any:
        conn = await self.primary()
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    async def on_standby(self, sql: str, *args: Any) -> Any:
        conn = await self.standby()
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    async def pause_replay(self) -> None:
        await self.on_standby("SELECT pg_wal_replay_pause()")
        for _ in range(200):
            if await self.on_standby("SELECT pg_get_wal_replay_pause_state()") == "paused":
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the standby's replay did not pause")

    async def resume_and_catch_up(self) -> None:
        """The standby running, replaying, and at the primary's current position."""
        if not self.cluster.standby.running():
            await asyncio.to_thread(self.cluster.standby.start)
        await self.on_standby("SELECT pg_wal_replay_resume()")
        target = await self.on_primary("SELECT pg_current_wal_lsn()")
        for _ in range(500):
            if await self.on_standby("SELECT pg_last_wal_replay_lsn() >= $1", target):
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the standby did not catch up")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    bin_dir = find_bin()
    if bin_dir is None:
        if IN_CI:
            pytest.fail("CI=true: the PostgreSQL server binaries (initdb, pg_basebackup) needed")
        pytest.skip("PostgreSQL server binaries (initdb, pg_basebackup) not installed")
    with running_cluster(bin_dir) as started:
        yield started


@pytest.fixture(scope="module")
async def pair(cluster: Cluster) -> Pair:
    admin = await asyncpg.connect(cluster.primary.url())
    try:
        await admin.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await admin.close()
    primary_url = cluster.primary.url(DATABASE)
    await asyncio.to_thread(upgrade, normalize_database_url(primary_url))
    await seed_database(normalize_database_url(primary_url))
    found = Pair(cluster, primary_url, cluster.standby.url(DATABASE))
    await found.resume_and_catch_up()
    return found


@pytest.fixture
async def healthy(pair: Pair) -> AsyncIterator[Pair]:
    """The pair with the standby running and replaying, before and after the test."""
    await pair.resume_and_catch_up()
    yield pair
    await pair.resume_and_catch_up()


@contextlib.asynccontextmanager
async def serving(
    pair: Pair, **overrides: Any
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """The app over the primary with the standby as its read replica (its lifespan run: the
    router checks the standby), and an HTTP client keeping cookies."""
    files = tempfile.TemporaryDirectory(prefix="govgraph-files-")
    options: dict[str, Any] = {
        "database_url": normalize_database_url(pair.primary_url),
        "read_database_urls": (normalize_database_url(pair.standby_url),),
        "debug": True,
        "secret": TEST_SECRET,
        "storage_url": files.name,
        "replica_check_seconds": 0.2,
        "replica_retry_seconds": 0.3,
        **overrides,
    }
    app = create_app(Settings(**options))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield app, http
    finally:
        files.cleanup()
