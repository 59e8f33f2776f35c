"""One error boundary on every path: the resolvers, the compiled read path and the HTTP
layer's cached plans give clients a code and the request id, never SQL, parameters or the
viewer's scope; a failed compiled statement is an execution error (200 with `data`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from api.app import create_app
from api.db import create_engine
from api.settings import Settings
from tests.conftest import TestDatabase

GRAPHQL_RESPONSE = "application/graphql-response+json"
POSTGRES_ONLY = "the compiled read path and statement timeouts are PostgreSQL's"
LEAKS = ("SELECT", "json_build_object", "scope", "$1", "title", "sqlalchemy", "asyncpg", "Error")


@contextlib.asynccontextmanager
async def _app(db: TestDatabase, *, compiled: bool, timeout_ms: int) -> AsyncIterator[Any]:
    settings = Settings(database_url=db.url, anonymous=True, compiled=compiled)
    engine = create_engine(db.url, statement_timeout_ms=timeout_ms)
    app = create_app(settings, engine=engine)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60
        ) as http:
            yield http
    finally:
        await engine.dispose()


def _dsn(db: TestDatabase) -> str:
    return db.url.replace("postgresql+asyncpg://", "postgresql://")


def _execution_error(response: httpx.Response, code: str) -> dict[str, Any]:
    """200 (graphql-response+json: execution errors are 200), `data` null, one coded error."""
    assert response.status_code == 200, (response.status_code, response.text)
    body: dict[str, Any] = response.json()
    assert "data" in body, body
    assert body["data"] is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code, body
    assert error["extensions"]["requestId"], body
    assert error["path"] == ["tasks"], body
    for leak in LEAKS:
        assert leak not in response.text, (leak, response.text)
    return error


QUERY = '{ tasks(filter: {text: "大气"}) { totalCount edges { node { title } } } }'


@pytest.mark.private_db
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "resolvers"])
async def test_a_broken_statement_is_an_internal_error_with_the_request_id(
    seeded_db: TestDatabase, compiled: bool, caplog: pytest.LogCaptureFixture
) -> None:
    if seeded_db.dialect != "postgresql":
        pytest.skip(POSTGRES_ONLY)
    conn = await asyncpg.connect(_dsn(seeded_db))
    try:
        await conn.execute("ALTER TABLE task RENAME COLUMN title TO title_gone")
    finally:
        await conn.close()
    caplog.set_level(logging.INFO)
    async with _app(seeded_db, compiled=compiled, timeout_ms=10_000) as http:
        for _ in range(2):  # the second one takes the HTTP layer's cached plan (compiled)
            response = await http.post(
                "/graphql",
                json={"query": QUERY},
                headers={"accept": GRAPHQL_RESPONSE, "x-request-id": "req-broken"},
            )
            error = _execution_error(response, "INTERNAL_ERROR")
            assert error["message"] == "服务器内部错误（请求编号 req-broken）"
            assert error["extensions"]["requestId"] == "req-broken"
    logged = [r for r in caplog.records if r.name == "govgraph" and r.levelno >= logging.ERROR]
    assert logged
    assert all(r.exc_info for r in logged)
    assert all("req-broken" in r.getMessage() for r in logged)


@pytest.mark.private_db
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "resolvers"])
async def test_a_statement_timeout_is_a_timeout_error_and_the_server_lives_on(
    seeded_db: TestDatabase, compiled: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """A lock held elsewhere keeps the statement waiting until the statement timeout."""
    if seeded_db.dialect != "postgresql":
        pytest.skip(POSTGRES_ONLY)
    caplog.set_level(logging.INFO)
    async with _app(seeded_db, compiled=compiled, timeout_ms=300) as http:
        warm = await http.post("/graphql", json={"query": "{ indicators { code } }"})
        assert warm.status_code == 200
        locker = await asyncpg.connect(_dsn(seeded_db))
        try:
            await locker.execute("BEGIN; LOCK TABLE task IN ACCESS EXCLUSIVE MODE")
            for _ in range(2):
                response = await http.post(
                    "/graphql", json={"query": QUERY}, headers={"accept": GRAPHQL_RESPONSE}
                )
                error = _execution_error(response, "TIMEOUT")
                assert "运行时间过长" in error["message"]
        finally:
            await locker.close()
        response = await http.post("/graphql", json={"query": QUERY})
        assert response.status_code == 200
        assert response.json()["data"]["tasks"]["totalCount"] >= 0, response.json()
        assert (await http.get("/healthz")).status_code == 200
    timeouts = [r for r in caplog.records if "TIMEOUT" in r.getMessage()]
    assert timeouts
    assert all(r.exc_info is None for r in timeouts)
