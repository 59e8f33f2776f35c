"""Real databases for tests: SQLite always, PostgreSQL at GOVGRAPH_TEST_DATABASE_URL.

Golden databases are migrated with `upgrade head` (and seeded) once per session, that is once
per xdist worker (`make test` runs `pytest -n auto`). SQLite tests get a copy of the golden
file. PostgreSQL tests share the worker's migrated database over one connection in a
transaction rolled back after the test (tests/one_connection.py); a test that needs a database
of its own (several connections, LISTEN/NOTIFY, RLS roles, locks, another engine or process on
the URL) carries `@pytest.mark.private_db` and gets one cloned from the golden template.
Under CI=true an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
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
from tests.one_connection import MARK_HINT, NO_DATABASE, one_connection_engine, sequence_resets

PG_URL = os.environ.get("GOVGRAPH_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
RUN_ID = uuid.uuid4().hex[:8]  # per process: each xdist worker has its own
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1, ... under xdist


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


async def _drop(names: list[str]) -> None:
    conn = await _pg_admin()
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


class PgDatabases:
    """Creates databases for this run and drops them: a test's as soon as it is done, in a
    thread of its own (on PostgreSQL 15 each DROP DATABASE waits for a checkpoint, seconds on a
    busy server, while the tests go on), the rest at the end."""

    def __init__(self) -> None:
        self.created: list[str] = []
        self._dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-database")

    async def create(self, suffix: str, template: str | None = None) -> str:
        name = f"govgraph_t{RUN_ID}_{WORKER}_{suffix}"
        conn = await _pg_admin()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            clause = f' TEMPLATE "{template}"' if template else ""
            await conn.execute(f'CREATE DATABASE "{name}"{clause}')
        finally:
            await conn.close()
        self.created.append(name)
        return name

    def drop_soon(self, name: str) -> None:
        """Drop `name` in the background (the caller has closed its connections)."""
        self.created.remove(name)
        self._dropper.submit(asyncio.run, _drop([name]))

    async def drop_all(self) -> None:
        await asyncio.to_thread(self._dropper.shutdown, wait=True)
        await _drop(list(reversed(self.created)))
        self.created.clear()


@pytest.fixture(scope="session")
async def pg_databases(pg_available: bool) -> AsyncIterator[PgDatabases]:
    dbs = PgDatabases()
    yield dbs
    if pg_available:
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
class SharedPg:
    """This worker's PostgreSQL databases that fast-path tests share (one per kind)."""

    names: dict[str, str]
    sequence_resets: dict[str, str | None]


@pytest.fixture(scope="session")
async def shared_pg(golden_pg: dict[str, str] | None, pg_databases: PgDatabases) -> SharedPg | None:
    """Clones of the golden templates for this worker's fast-path tests (the templates stay
    free of connections, so private databases can still be cloned from them)."""
    if golden_pg is None:
        return None
    names: dict[str, str] = {}
    resets: dict[str, str | None] = {}
    for kind, template in golden_pg.items():
        names[kind] = await pg_databases.create(f"shared_{kind}", template=template)
        resets[kind] = await sequence_resets(_pg_database_url(names[kind]))
    return SharedPg(names, resets)


class TestDatabase:
    """A database for one test: `engine` for the test and the app, `url` for the app's settings.

    On the PostgreSQL fast path (`shared`), `engine` holds the test's one connection and `url`
    names a database that does not exist: another engine or process on it fails loudly (mark
    the test `private_db`).
    """

    __test__ = False

    def __init__(self, dialect: str, url: str, engine: AsyncEngine, *, shared: bool = False):
        self.dialect = dialect
        self.url = url
        self.engine = engine
        self.shared = shared


@dataclass
class Goldens:
    """Everything a per-test database is copied from."""

    sqlite: dict[str, Path]
    pg: dict[str, str] | None
    pg_databases: PgDatabases
    tmp_path: Path
    shared: SharedPg | None = None


@pytest.fixture
def goldens(
    golden_sqlite: dict[str, Path],
    golden_pg: dict[str, str] | None,
    pg_databases: PgDatabases,
    shared_pg: SharedPg | None,
    tmp_path: Path,
) -> Goldens:
    return Goldens(golden_sqlite, golden_pg, pg_databases, tmp_path, shared_pg)


async def _database(dialect: str, goldens: Goldens, kind: str) -> TestDatabase:
    """A private database (a file copy, or a clone of the golden template); the caller
    disposes of its engine."""
    if dialect == "sqlite":
        path = goldens.tmp_path / f"{kind}-{uuid.uuid4().hex[:8]}.db"
        shutil.copy(goldens.sqlite[kind], path)
        url = sqlite_url(path)
    else:
        if goldens.pg is None:
            pytest.skip("PostgreSQL unreachable (outside CI)")
        name = await goldens.pg_databases.create(uuid.uuid4().hex[:10], template=goldens.pg[kind])
        url = normalize_database_url(_pg_database_url(name))
    return TestDatabase(dialect=dialect, url=url, engine=create_engine(url))


@contextlib.asynccontextmanager
async def open_database(
    dialect: str, goldens: Goldens, kind: str, *, private: bool = False
) -> AsyncIterator[TestDatabase]:
    """A database for one test: on PostgreSQL the worker's shared one over one connection,
    rolled back on exit, unless `private` (then a clone of the template, as on SQLite a copy)."""
    if dialect == "sqlite" or private:
        db = await _database(dialect, goldens, kind)
        try:
            yield db
        finally:
            await db.engine.dispose()
            if dialect == "postgresql":
                goldens.pg_databases.drop_soon(db.engine.url.database or "")
        return
    if goldens.shared is None:
        pytest.skip("PostgreSQL unreachable (outside CI)")
    dsn = _pg_database_url(goldens.shared.names[kind])
    url = normalize_database_url(_pg_database_url(NO_DATABASE))
    async with one_connection_engine(dsn, url, goldens.shared.sequence_resets[kind]) as (
        engine,
        refused,
    ):
        yield TestDatabase(dialect=dialect, url=url, engine=engine, shared=True)
    if refused:
        pytest.fail(f"{refused[0]}: {MARK_HINT}")


DIALECTS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def _private(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("private_db") is not None


@pytest.fixture(params=DIALECTS)
async def seeded_db(
    request: pytest.FixtureRequest, goldens: Goldens
) -> AsyncIterator[TestDatabase]:
    """The seeded database, on SQLite (a private copy) and on PostgreSQL (the worker's, in a
    transaction rolled back after the test; a private clone under `@pytest.mark.private_db`)."""
    async with open_database(request.param, goldens, "seeded", private=_private(request)) as db:
        yield db


@pytest.fixture(params=DIALECTS)
async def empty_db(request: pytest.FixtureRequest, goldens: Goldens) -> AsyncIterator[TestDatabase]:
    """A migrated, empty database, on SQLite and on PostgreSQL, as `seeded_db`."""
    async with open_database(request.param, goldens, "empty", private=_private(request)) as db:
        yield db


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
    files = tempfile.TemporaryDirectory(prefix="govgraph-files-")  # evidence files' storage
    settings = Settings(
        database_url=db.url,
        debug=True,
        secret=TEST_SECRET,
        anonymous=True,
        rls=rls,
        compiled=compiled,
        storage_url=files.name,
    )
    if rls and db.shared:
        pytest.fail(f"row-level security connects as another role: {MARK_HINT}")
    engine = create_engine(db.url, rls_role=settings.rls_role) if rls else db.engine
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield GraphQLClient(http)
    finally:
        files.cleanup()
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
