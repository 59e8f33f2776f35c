"""Real databases for tests: SQLite always, PostgreSQL at GOVGRAPH_TEST_DATABASE_URL.

Golden databases are migrated with `upgrade head` (and seeded) once per session; SQLite tests
get a copy of the golden file, PostgreSQL tests a database cloned from a golden template.
Under CI=true an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.cli_seed import seed_database
from api.db import create_engine
from api.migrate import upgrade
from api.settings import Settings, normalize_database_url

PG_URL = os.environ.get("GOVGRAPH_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
RUN_ID = uuid.uuid4().hex[:8]


def _pg_database_url(name: str) -> str:
    base = PG_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


async def _pg_admin() -> asyncpg.Connection:
    return await asyncpg.connect(PG_URL, timeout=5)


@pytest.fixture(scope="session")
async def pg_available() -> bool:
    """Whether PostgreSQL answers; in CI its absence is a failure."""
    try:
        conn = await _pg_admin()
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true but unreachable: {exc!r}")
        return False
    await conn.close()
    return True


class PgDatabases:
    """Creates databases for this run and drops them at the end."""

    def __init__(self) -> None:
        self.created: list[str] = []

    async def create(self, suffix: str, template: str | None = None) -> str:
        name = f"govgraph_t{RUN_ID}_{suffix}"
        conn = await _pg_admin()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            clause = f' TEMPLATE "{template}"' if template else ""
            await conn.execute(f'CREATE DATABASE "{name}"{clause}')
        finally:
            await conn.close()
        self.created.append(name)
        return name

    async def drop_all(self) -> None:
        conn = await _pg_admin()
        try:
            for name in reversed(self.created):
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture(scope="session")
async def pg_databases(pg_available: bool) -> AsyncIterator[PgDatabases]:
    dbs = PgDatabases()
    yield dbs
    if pg_available and dbs.created:
        await dbs.drop_all()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
async def golden_sqlite(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Migrated (empty) and migrated+seeded SQLite files."""
    base = tmp_path_factory.mktemp("golden")
    empty, seeded = base / "empty.db", base / "seeded.db"
    await asyncio.to_thread(upgrade, sqlite_url(empty))
    shutil.copy(empty, seeded)
    await seed_database(sqlite_url(seeded))
    return {"empty": empty, "seeded": seeded}


@pytest.fixture(scope="session")
async def golden_pg(pg_available: bool, pg_databases: PgDatabases) -> dict[str, str] | None:
    """Names of migrated (empty) and seeded template databases; None without PostgreSQL."""
    if not pg_available:
        return None
    empty = await pg_databases.create("empty")
    await asyncio.to_thread(upgrade, normalize_database_url(_pg_database_url(empty)))
    seeded = await pg_databases.create("seeded", template=empty)
    await seed_database(normalize_database_url(_pg_database_url(seeded)))
    return {"empty": empty, "seeded": seeded}


@dataclass
class TestDatabase:
    """A database for one test."""

    __test__ = False
    dialect: str
    url: str
    engine: AsyncEngine


@dataclass
class Goldens:
    """Everything a per-test database is copied from."""

    sqlite: dict[str, Path]
    pg: dict[str, str] | None
    pg_databases: PgDatabases
    tmp_path: Path


@pytest.fixture
def goldens(
    golden_sqlite: dict[str, Path],
    golden_pg: dict[str, str] | None,
    pg_databases: PgDatabases,
    tmp_path: Path,
) -> Goldens:
    return Goldens(golden_sqlite, golden_pg, pg_databases, tmp_path)


async def _database(dialect: str, goldens: Goldens, kind: str) -> TestDatabase:
    if dialect == "sqlite":
        path = goldens.tmp_path / f"{kind}.db"
        shutil.copy(goldens.sqlite[kind], path)
        url = sqlite_url(path)
    else:
        if goldens.pg is None:
            pytest.skip("PostgreSQL unreachable (outside CI)")
        name = await goldens.pg_databases.create(uuid.uuid4().hex[:10], template=goldens.pg[kind])
        url = normalize_database_url(_pg_database_url(name))
    return TestDatabase(dialect=dialect, url=url, engine=create_engine(url))


DIALECTS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=DIALECTS)
async def seeded_db(
    request: pytest.FixtureRequest, goldens: Goldens
) -> AsyncIterator[TestDatabase]:
    """A private copy of the seeded database, on SQLite and on PostgreSQL."""
    db = await _database(request.param, goldens, "seeded")
    yield db
    await db.engine.dispose()


@pytest.fixture(params=DIALECTS)
async def empty_db(request: pytest.FixtureRequest, goldens: Goldens) -> AsyncIterator[TestDatabase]:
    """A private migrated, empty database, on SQLite and on PostgreSQL."""
    db = await _database(request.param, goldens, "empty")
    yield db
    await db.engine.dispose()


TEST_SECRET = "test-secret-not-for-production-use-only"


class GraphQLClient:
    """Posts GraphQL over HTTP to the ASGI app, as clients call it."""

    def __init__(self, http: httpx.AsyncClient, token: str | None = None) -> None:
        self.http = http
        self.token = token

    def as_viewer(self, unit_id: Any, role: str = "REPORTER") -> GraphQLClient:
        """The same client, authenticated as `role` of `unit_id`."""
        from api.auth import mint_token
        from models.enums import ViewerRole

        token = mint_token(TEST_SECRET, unit_id=unit_id, role=ViewerRole(role))
        return GraphQLClient(self.http, token)

    async def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a successful response; fails the test on errors."""
        body = await self.execute(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole response body."""
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        result: dict[str, Any] = response.json()
        return result


@contextlib.asynccontextmanager
async def graphql_client(
    db: TestDatabase, *, rls: bool = False, compiled: bool = True
) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client over `db` (debug on: SQL statistics in extensions).

    `rls`: row-level-security mode (PostgreSQL), the app connecting as govgraph_app.
    `compiled`: the compiled read path (PostgreSQL) on, as in production, or off.
    """
    settings = Settings(
        database_url=db.url,
        debug=True,
        secret=TEST_SECRET,
        anonymous=True,
        rls=rls,
        compiled=compiled,
    )
    engine = create_engine(db.url, rls_role=settings.rls_role) if rls else db.engine
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield GraphQLClient(http)
    finally:
        if rls:
            await engine.dispose()


@pytest.fixture
async def client(seeded_db: TestDatabase) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client over the seeded database."""
    async with graphql_client(seeded_db) as gql:
        yield gql


@pytest.fixture
async def empty_client(empty_db: TestDatabase) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client over an empty migrated database (tests insert their own rows)."""
    async with graphql_client(empty_db) as gql:
        yield gql
