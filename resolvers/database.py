"""A request's database handle: one connection, serialised, counting statements.

In row-level-security mode (GOVGRAPH_RLS=1, PostgreSQL) the handle scopes its transaction:
`set_config('govgraph.scope_root', <unit id or ''>, true)` first, so the policies of migration
0006 return only the viewer's rows whatever the statement asks for (api/database.py's
rls_scope tells which value a request starts with).
"""

from __future__ import annotations

import asyncio
import time
import uuid
import weakref
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable

SCOPE_SETTING = "govgraph.scope_root"
# Execution options read by api/db.py's SQLite BEGIN: "IMMEDIATE" for a writer's transaction,
# and a busy timeout (ms) for that BEGIN alone (a bounded wait, then WriterBusy).
SQLITE_BEGIN_OPTION = "govgraph_sqlite_begin"
SQLITE_BEGIN_WAIT_OPTION = "govgraph_sqlite_begin_wait_ms"


class WriterBusy(Exception):
    """begin_write(wait_seconds=…) gave up: another writer held SQLite that long."""


# Keys per `IN (...)` batch (loaders, batched rollups).
MAX_BATCH = 500


def as_uuid(value: Any) -> uuid.UUID:
    """Row values come back as UUID on both dialects; accept strings too."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


async def apply_rls_scope(connection: AsyncConnection, value: str | None) -> None:
    """Scope `connection`'s transaction (a no-op when RLS mode is off: `value` None).

    For code reading through a connection of its own rather than a Database (streamed
    exports): call it first thing in the transaction, with `ctx.db.rls_scope`.
    """
    if value is not None:
        await _set_scope(connection, value)


async def _set_scope(connection: AsyncConnection, value: str) -> None:
    # Transaction-local: gone at commit or rollback, undone by a savepoint's rollback.
    await connection.execute(
        sa.select(sa.func.set_config(SCOPE_SETTING, value, True)),
    )


_LoopLocks = weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]
_writer_locks: weakref.WeakKeyDictionary[Any, _LoopLocks] = weakref.WeakKeyDictionary()


def writer_lock(engine: AsyncEngine) -> asyncio.Lock:
    """The one-writer-at-a-time lock of a SQLite engine (per event loop)."""
    locks = _writer_locks.setdefault(engine.sync_engine, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    lock = locks.get(loop)
    if lock is None:
        lock = locks[loop] = asyncio.Lock()
    return lock


class Database:
    """Lazily opens one connection per request; loaders' batches share it under a lock.

    An AsyncConnection refuses concurrent use, and batches of different loaders fire
    concurrently, so every statement goes through `_lock`.
    """

    def __init__(self, engine: AsyncEngine, *, rls_scope: str | None = None) -> None:
        self.engine = engine
        # RLS mode: the transaction's govgraph.scope_root (rls_scope()); None: mode off.
        self.rls_scope = rls_scope
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self.statements = 0
        self.elapsed_ms = 0.0
        self.wrote = False  # a mutation kept its writes: commit at the end of the operation
        # The caller owns the transaction (an idempotent request stores its response in it):
        # close() leaves it open until release().
        self.held = False
        self._writer: asyncio.Lock | None = None  # SQLite: the engine's writer lock, held

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    async def _conn(self, *, autocommit: bool = False) -> AsyncConnection:
        if self._connection is None:
            connection = await self.engine.connect()
            try:
                if autocommit and self.rls_scope is None and not self.held:
                    # One read statement: no BEGIN and ROLLBACK round trips around it.
                    await connection.execution_options(isolation_level="AUTOCOMMIT")
                if self.rls_scope is not None:
                    await _set_scope(connection, self.rls_scope)
            except BaseException:
                await connection.close()
                raise
            self._connection = connection
        return self._connection

    async def use_rls_scope(self, value: str | None) -> None:
        """Scope this handle's transaction (at once when its connection is open already: an
        idempotent request's held transaction)."""
        self.rls_scope = value
        if value is not None and self._connection is not None:
            async with self._lock:
                await _set_scope(self._connection, value)

    async def lift_rls_scope(self) -> None:
        """RLS mode: whole tables for a write service (it checks role and scope itself, and
        keeps derived state over rows the viewer cannot see), until restore_rls_scope() or the
        rollback of the savepoint it was lifted in."""
        if self.rls_scope and self._connection is not None:
            async with self._lock:
                await _set_scope(self._connection, "")

    async def restore_rls_scope(self) -> None:
        """Back to the viewer's scope after lift_rls_scope()."""
        if self.rls_scope and self._connection is not None:
            async with self._lock:
                await _set_scope(self._connection, self.rls_scope)

    async def begin_write(self, *, wait_seconds: float | None = None) -> None:
        """SQLite: become the engine's one writer until this transaction ends.

        SQLite allows one writer at a time. Concurrent requests whose deferred transactions
        had read before writing fail to upgrade ("database is locked") however long they
        would wait; so a writer first takes this engine's lock (requests queue here, in
        order, without holding a thread) and then a transaction begun IMMEDIATE (holding
        SQLite's write lock from its start; another process's writer is waited for up to
        the busy timeout). A read-only transaction already open is ended first: nothing was
        written in it (every write passes here first). PostgreSQL: a no-op (row locks).

        `wait_seconds` bounds both waits (WriterBusy past it): an idempotent request's claim.
        """
        if self.dialect != "sqlite" or self._writer is not None:
            return
        lock = writer_lock(self.engine)
        try:
            await asyncio.wait_for(lock.acquire(), wait_seconds)
        except TimeoutError as exc:
            raise WriterBusy("another write holds the database") from exc
        self._writer = lock
        options: dict[str, Any] = {SQLITE_BEGIN_OPTION: "IMMEDIATE"}
        if wait_seconds is not None:
            options[SQLITE_BEGIN_WAIT_OPTION] = max(1, int(wait_seconds * 1000))
        try:
            async with self._lock:
                connection = self._connection
                if connection is not None and connection.in_transaction():
                    await connection.rollback()
                if connection is None:
                    connection = await self._conn()
                await connection.execution_options(**options)
                try:
                    await connection.begin()
                except sa.exc.OperationalError as exc:
                    if wait_seconds is not None and "locked" in str(exc.orig):
                        raise WriterBusy("another write holds the database") from exc
                    raise
                finally:
                    await connection.execution_options(**{SQLITE_BEGIN_WAIT_OPTION: None})
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        lock, self._writer = self._writer, None
        if lock is not None:
            lock.release()

    async def connection(self) -> AsyncConnection:
        """The request's connection, for services that write (mutations run one at a time)."""
        return await self._conn()

    async def fetch_all(self, statement: Executable) -> Sequence[RowMapping]:
        """Run a SELECT and return its rows as mappings."""
        async with self._lock:
            conn = await self._conn()
            started = time.perf_counter()
            result = await conn.execute(statement)
            rows = result.mappings().all()
            self._count(started)
            return rows

    async def fetch_one(self, statement: Executable) -> RowMapping | None:
        """Run a SELECT and return its first row, or None."""
        rows = await self.fetch_all(statement)
        return rows[0] if rows else None

    async def scalar(self, statement: Executable, params: dict[str, Any] | None = None) -> Any:
        """Run a SELECT and return the first column of its first row.

        `params` set the values of the statement's named bind parameters.
        """
        async with self._lock:
            conn = await self._conn()
            started = time.perf_counter()
            value = (await conn.execute(statement, params)).scalar()
            self._count(started)
            return value

    async def scalar_sql(self, sql: str, args: Sequence[Any], *, single: bool = False) -> Any:
        """Run driver-level SQL (positional parameters) and return its first value: the
        compiled read path executes its cached statement text this way.

        `single`: the request's only statement, a read: when it opens the connection, no
        transaction is begun (autocommit; not in RLS mode, whose scope is transaction-local).
        """
        async with self._lock:
            conn = await self._conn(autocommit=single)
            started = time.perf_counter()
            value = (await conn.exec_driver_sql(sql, tuple(args))).scalar()
            self._count(started)
            return value

    def _count(self, started: float) -> None:
        self.statements += 1
        self.elapsed_ms += (time.perf_counter() - started) * 1000

    async def close(self, *, commit: bool = False) -> None:
        """Commit (writes) or roll back (reads), and return the connection to the pool."""
        if self.held:
            return
        connection, self._connection = self._connection, None
        if connection is None:
            self._release_writer()
            return
        try:
            if commit:
                await connection.commit()
            else:
                await connection.rollback()
        finally:
            try:
                await connection.close()
            finally:
                self._release_writer()

    async def release(self, *, commit: bool) -> None:
        """End a held transaction: commit or roll back, and return the connection."""
        self.held = False
        await self.close(commit=commit)
