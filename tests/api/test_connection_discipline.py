"""One connection per request, used by one statement at a time, returned clean.

A field error ends an operation while a sibling field's statement may still run on the
request's connection (graphql-core gathers sibling fields; an error in one makes the parent
null at once). The request's end must wait for that statement before rolling back, refuse the
sibling's later statements instead of reopening a connection, and return the connection to
the pool clean or not at all; otherwise asyncpg reports "another operation is in progress",
the pool leaks its connections and every later request (and /healthz) fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.db import create_engine
from api.settings import Settings
from resolvers.database import Database, DatabaseClosed, database_failure
from tests.conftest import TestDatabase

# A bad cursor (a field error) beside a sibling that runs statements of its own.
SIBLINGS = '{ orgUnit(name: "城区") { children { aliases } tasks(after: "x") { totalCount } } }'
REQUESTS = 40


@pytest.fixture
async def http(seeded_db: TestDatabase) -> AsyncIterator[httpx.AsyncClient]:
    """The app over a pool of its own (PostgreSQL: a private database, a small pool)."""
    settings = Settings(database_url=seeded_db.url, anonymous=True)
    engine = (
        create_engine(seeded_db.url, pool_size=3, max_overflow=0, pool_timeout=5)
        if seeded_db.dialect == "postgresql"
        else seeded_db.engine
    )
    app = create_app(settings, engine=engine)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60
        ) as client:
            yield client
    finally:
        if engine is not seeded_db.engine:
            await engine.dispose()


async def _siblings(http: httpx.AsyncClient) -> dict[str, object]:
    response = await http.post("/graphql", json={"query": SIBLINGS})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.private_db
async def test_a_field_error_beside_a_running_sibling_leaves_the_server_healthy(
    http: httpx.AsyncClient,
) -> None:
    for _ in range(REQUESTS // 2):  # one after the other
        body = await _siblings(http)
        assert body["errors"], body
    bodies = await asyncio.gather(*(_siblings(http) for _ in range(REQUESTS // 2)))  # at once
    for body in bodies:
        assert body["errors"], body
        assert "another operation" not in str(body)
        assert all(
            (e.get("extensions") or {}).get("code") != "INTERNAL_ERROR"
            for e in body["errors"]  # type: ignore[union-attr]
        ), body
    for _ in range(5):  # more than the pool holds: no connection was leaked
        response = await http.post("/graphql", json={"query": "{ indicators { code } }"})
        assert response.status_code == 200
        assert "errors" not in response.json(), response.json()
        assert response.json()["data"]["indicators"]
    health = await http.get("/healthz")
    assert health.status_code == 200, health.text


@pytest.mark.private_db
async def test_a_closed_handle_refuses_statements_and_never_reopens(
    seeded_db: TestDatabase,
) -> None:
    import sqlalchemy as sa

    db = Database(seeded_db.engine)
    assert await db.scalar(sa.text("SELECT 1")) == 1
    await db.close()
    with pytest.raises(DatabaseClosed):
        await db.scalar(sa.text("SELECT 1"))
    with pytest.raises(DatabaseClosed):
        await db.connection()
    await db.close()  # twice is fine
    assert db.statements == 1


@pytest.mark.private_db
async def test_close_waits_for_the_running_statement(seeded_db: TestDatabase) -> None:
    """close() while a statement runs: the statement finishes, then the rollback; the pool
    gets the connection back outside any transaction."""
    import sqlalchemy as sa

    sleep = "SELECT pg_sleep(0.3)" if seeded_db.dialect == "postgresql" else "SELECT 1"
    db = Database(seeded_db.engine)
    running = asyncio.create_task(db.scalar(sa.text(sleep)))
    await asyncio.sleep(0.05)
    await db.close()
    await running  # not interrupted
    pool = seeded_db.engine.pool
    async with seeded_db.engine.connect() as conn:
        if seeded_db.dialect == "postgresql":
            status = await conn.scalar(sa.text("SELECT 1"))
            assert status == 1
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


class TestSingleRead:
    """The compiled path's one statement (`scalar_sql(single=True)`): on PostgreSQL straight
    on the pooled asyncpg connection, handed back to the pool as soon as it answered."""

    async def test_the_connection_goes_back_at_once_and_the_statement_counts(
        self, seeded_db: TestDatabase
    ) -> None:
        db = Database(seeded_db.engine)
        pool = seeded_db.engine.pool
        sql = "SELECT count(*) FROM org_unit"
        assert await db.scalar_sql(sql, [], single=True) > 0
        assert db.statements == 1
        if seeded_db.dialect == "postgresql":
            assert pool.checkedout() == 0  # type: ignore[attr-defined]
        await db.close()
        assert pool.checkedout() == 0  # type: ignore[attr-defined]
        with pytest.raises(DatabaseClosed):
            await db.scalar_sql(sql, [], single=True)

    async def test_a_refused_statement_is_a_database_failure_and_harms_nothing(
        self, seeded_db: TestDatabase
    ) -> None:
        """On the fixtures' shared connection too: the test's transaction stays usable."""
        if seeded_db.dialect != "postgresql":
            pytest.skip("SQLite divides by zero without an error")
        db = Database(seeded_db.engine)
        with pytest.raises(Exception, match="division by zero") as refused:
            await db.scalar_sql("SELECT 1 / $1::int", [0], single=True)
        assert database_failure(refused.value) == "data"
        await db.close()
        again = Database(seeded_db.engine)
        assert await again.scalar_sql("SELECT count(*) FROM org_unit", [], single=True) > 0
        await again.close()

    @pytest.mark.private_db
    async def test_a_cancelled_statement_never_goes_back_to_the_pool(
        self, seeded_db: TestDatabase
    ) -> None:
        if seeded_db.dialect != "postgresql":
            pytest.skip("a statement to cancel mid-flight needs PostgreSQL")
        engine = create_engine(seeded_db.url, pool_size=1, max_overflow=0, pool_timeout=5)
        try:
            db = Database(engine)
            running = asyncio.create_task(db.scalar_sql("SELECT pg_sleep(5)", [], single=True))
            await asyncio.sleep(0.3)
            running.cancel()
            with pytest.raises(asyncio.CancelledError):
                await running
            await db.close()
            assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
            # The pool's one connection is a fresh one: no "another operation is in progress".
            after = Database(engine)
            assert await after.scalar_sql("SELECT 1", [], single=True) == 1
            await after.close()
        finally:
            await engine.dispose()
