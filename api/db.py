"""Engine creation for SQLite (embedded default) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from resolvers.compiled.sql import register_sqlite
from resolvers.database import SQLITE_BEGIN_OPTION, SQLITE_BEGIN_WAIT_OPTION

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 64 * 1024
SQLITE_MMAP_BYTES = 256 * 1024 * 1024


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT: let SQLAlchemy emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Another process's writer (a CLI command beside the server) is waited for this long.
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Reads (the compiled statements: issue 15.4): a page cache of 64 MiB instead of 2 MiB,
    # the file memory-mapped (reads without a copy through the cache), and the temporary
    # b-trees of ORDER BY, GROUP BY, DISTINCT and materialised subqueries in memory.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()
    register_sqlite(dbapi_connection)  # the compiled read path's functions


def _sqlite_begin(connection: Any) -> None:
    # A writer's transaction takes the write lock at BEGIN (resolvers/database.py's
    # begin_write): a deferred one that read first could not upgrade once another writer
    # had committed (SQLITE_BUSY_SNAPSHOT, "database is locked", which no timeout waits out).
    options = connection.get_execution_options()
    wait_ms = options.get(SQLITE_BEGIN_WAIT_OPTION)
    if wait_ms is not None:  # a bounded wait for this BEGIN, then the usual timeout again
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms):d}")
    try:
        connection.exec_driver_sql(f"BEGIN {options.get(SQLITE_BEGIN_OPTION, '')}".strip())
    finally:
        if wait_ms is not None:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def create_engine(
    url: str,
    *,
    statement_timeout_ms: int | None = None,
    rls_role: str | None = None,
    generic_plans: bool = False,
    **kwargs: Any,
) -> AsyncEngine:
    """An AsyncEngine; SQLite gets foreign keys, WAL, a busy timeout and writers that lock at
    BEGIN (one at a time per engine: resolvers/database.py), PostgreSQL a sized pool.

    `statement_timeout_ms` bounds every statement of the server's connections on PostgreSQL
    (a runaway query is cancelled, the request fails, the worker lives on). `rls_role`
    (GOVGRAPH_RLS=1) makes every connection run as that role from its start, so row-level
    security applies to it (migration 0006; the login user must be a member of the role).
    """
    if url.startswith("sqlite"):
        if rls_role:
            raise ValueError("row-level security (GOVGRAPH_RLS=1) needs PostgreSQL")
        engine = create_async_engine(url, **kwargs)
        sa.event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", False)
    connect_args = kwargs.setdefault("connect_args", {})
    # The compiled read path runs its plans on the asyncpg connection itself
    # (resolvers/database.py), prepared once per connection by asyncpg's statement cache; a
    # dashboard screen's statement is ~40 KB, past asyncpg's default limit of 15 KB for what
    # it caches (above it every run would be parsed again).
    connect_args.setdefault("max_cacheable_statement_size", 256 * 1024)
    server_settings = connect_args.setdefault("server_settings", {})
    # No JIT on any connection (the server's, the CLI's, the tests'): its compile time
    # outweighs these short analytical statements, and for a large compiled statement it
    # took longer than the statement itself by orders of magnitude (a covered plan of the
    # differential test's every-field query: over a minute of compiling, 1 s to run).
    server_settings.setdefault("jit", "off")
    if statement_timeout_ms:
        server_settings["statement_timeout"] = str(statement_timeout_ms)
        # The server's statements are prepared once per connection; after five runs
        # PostgreSQL may switch to a generic plan that assumes a tiny subtree and turns a
        # province rollup from 0.5 s into a timeout (bench/RESULTS.md). Plan per execution.
        # `generic_plans`: connections for the statements that read by keys only (the
        # compiled path's Plan.generic), whose one plan is right for every unit: they run
        # on the generic plan from the first execution and are never planned again. (With
        # PostgreSQL's own choice, auto, a large statement such as the dashboard's screen
        # kept being planned: its generic plan's estimate looks dearer than its custom ones.)
        mode = "force_generic_plan" if generic_plans else "force_custom_plan"
        server_settings.setdefault("plan_cache_mode", mode)
    if rls_role:
        server_settings["role"] = rls_role  # as SET ROLE, from the connection's start
    return create_async_engine(url, **kwargs)


def is_sqlite(engine: AsyncEngine) -> bool:
    """Whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"
