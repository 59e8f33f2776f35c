"""The PostgreSQL fast path of the test fixtures: one connection, one transaction, rolled back.

A test on the fast path shares its xdist worker's migrated database with the worker's other
tests. It gets one asyncpg connection with a transaction open (its "outer" transaction) and an
engine whose pool hands out only that connection. SQLAlchemy's asyncpg adapter starts each of
its transactions with `Connection.transaction()`; on this connection that is a savepoint, so
the app's commits release savepoints and its rollbacks roll back to them, and the test's
rollback at the end undoes everything (sequences are reset to the golden state at the start,
as they are not transactional). What the fast path cannot give, and what needs
`@pytest.mark.private_db` (a database of its own, cloned from the golden template):

- a second connection at the same time (concurrent writers, a LISTEN connection, a held
  connection while the app serves a request): the pool refuses it and the test fails;
- another engine, process or tool on the database URL (the fixture's `url` names a database
  that does not exist, so that fails loudly too), a row-level-security role;
- real isolation levels, commits other sessions can see, NOTIFY deliveries, lock waits.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from api.db import create_engine

# What the fast path's `url` points at: connecting to it fails with this name in the message.
NO_DATABASE = "govgraph_one_connection__mark_test_private_db"

MARK_HINT = (
    "the test shares its worker's PostgreSQL database over one connection; a test that needs "
    "more than one connection, another engine or process on the URL, or an RLS role must carry "
    "@pytest.mark.private_db (tests/one_connection.py)"
)


class SecondConnectionError(RuntimeError):
    """The app or the test asked the fast path's engine for a second connection at once."""


class _Savepoint:
    """What the adapter takes for a transaction: a savepoint inside the test's transaction."""

    def __init__(self, connection: asyncpg.Connection, name: str) -> None:
        self.connection = connection
        self.name = name

    async def start(self) -> None:
        await self.connection.execute(f"SAVEPOINT {self.name}")

    async def commit(self) -> None:
        await self.connection.execute(f"RELEASE SAVEPOINT {self.name}")

    async def rollback(self) -> None:
        # Released too, so a long test does not pile up subtransactions.
        await self.connection.execute(
            f"ROLLBACK TO SAVEPOINT {self.name}; RELEASE SAVEPOINT {self.name}"
        )


class OneConnection(asyncpg.Connection):  # type: ignore[misc]
    """An asyncpg connection whose transactions are savepoints of the one the test opened.

    Isolation level, read-only and deferrable requests are dropped: a savepoint has none of
    its own (a test of them needs a private database).
    """

    _savepoints = 0

    def transaction(  # type: ignore[override]
        self, *, isolation: str | None = None, readonly: bool = False, deferrable: bool = False
    ) -> _Savepoint:
        self._savepoints += 1
        return _Savepoint(self, f"test_sp_{self._savepoints}")


def _ignore_isolation_level(_dbapi_connection: Any, _level: str) -> None:
    """AUTOCOMMIT would run statements bare in the test's transaction (an error there aborts
    it for the rest of the test); every other level is meaningless inside it."""


@contextlib.asynccontextmanager
async def one_connection_engine(
    dsn: str, url: str, reset_sequences: str | None
) -> AsyncIterator[tuple[AsyncEngine, list[str]]]:
    """An engine over one connection to `dsn` in a transaction rolled back on exit.

    Yields the engine and a list that names any refused second connection (the caller fails
    the test with it). `url` is the engine's URL as the app sees it (NO_DATABASE's).
    """
    raw = await asyncpg.connect(dsn, connection_class=OneConnection)
    refused: list[str] = []
    handed_out = False

    async def creator() -> asyncpg.Connection:
        nonlocal handed_out
        if handed_out:
            refused.append(
                "the engine discarded the test's connection (after a disconnect or a "
                "cancelled statement) and asked for another"
                if raw.is_closed()
                else "a second connection while the first was in use"
            )
            raise SecondConnectionError(f"{refused[-1]}: {MARK_HINT}")
        handed_out = True
        return raw

    try:
        if reset_sequences:
            await raw.execute(reset_sequences)  # setval is not transactional: reset first
        await raw.execute("BEGIN")
        # max_overflow=1: a second checkout at once reaches the creator (and is refused)
        # instead of waiting for the pool's timeout.
        engine = create_engine(url, async_creator=creator, pool_size=1, max_overflow=1)
        engine.dialect.set_isolation_level = _ignore_isolation_level  # type: ignore[method-assign]
        try:
            yield engine, refused
        finally:
            await engine.dispose(close=False)
    finally:
        try:
            if not raw.is_closed():
                await raw.execute("ROLLBACK")
                await raw.close()
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            raw.terminate()


async def sequence_resets(dsn: str) -> str | None:
    """One statement that puts every sequence of the database back where it is now."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            """
            SELECT format('setval(%L, %s, %s)', format('%I.%I', schemaname, sequencename),
                          coalesce(last_value, start_value), (last_value IS NOT NULL)::text) AS call
            FROM pg_sequences
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
            ORDER BY schemaname, sequencename
            """
        )
    finally:
        await conn.close()
    if not rows:
        return None
    return "SELECT " + ", ".join(row["call"] for row in rows)
