"""A request's database handle: one connection, serialised, counting statements.

In row-level-security mode (GOVGRAPH_RLS=1, PostgreSQL) the handle scopes its transaction:
`set_config('govgraph.scope_root', <unit id or ''>, true)` first, so the policies of migration
0006 return only the viewer's rows whatever the statement asks for (api/database.py's
rls_scope tells which value a request starts with).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import Pool, PoolProxiedConnection, QueuePool
from sqlalchemy.sql import Executable
from sqlalchemy.util import greenlet_spawn

logger = logging.getLogger("govgraph")
T = TypeVar("T")

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


class ReadRoutes(Protocol):
    """Where reads go when read replicas are configured (api/replicas.py's ReadRouter)."""

    primary: AsyncEngine

    async def read_engine(self, min_lsn: int | None = None) -> AsyncEngine:
        """A standby's engine (one that has replayed `min_lsn`), else the primary's."""
        ...

    def failed(self, engine: AsyncEngine, exc: BaseException) -> None:
        """A standby's connection failed: take it out of rotation for a while."""
        ...


# SQLSTATE classes and codes that say the server or the connection went away: 08 (connection
# exception), 57P01-57P03 (administrator or crash shutdown, cannot connect now).
_GONE_CLASSES = ("08",)
_GONE_STATES = ("57P01", "57P02", "57P03")


def _sqlstate(exc: BaseException) -> str | None:
    orig: Any = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return state if isinstance(state, str) else None


def recovery_conflict(exc: BaseException) -> bool:
    """Whether a hot standby cancelled the statement for a conflict with its WAL replay
    (SQLSTATE 40001 there; a read-only standby has no serialization failures of its own)."""
    return _sqlstate(exc) == "40001"


def connection_lost(exc: BaseException) -> bool:
    """Whether `exc` says the connection or its server is gone (not a refused statement)."""
    if isinstance(exc, sa.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        orig: Any = exc.orig
    else:
        orig = exc
    if isinstance(orig, OSError | asyncpg.InterfaceError | asyncpg.PostgresConnectionError):
        return True
    cause = getattr(orig, "__cause__", None)
    if isinstance(cause, OSError | asyncpg.InterfaceError | asyncpg.PostgresConnectionError):
        return True
    state = _sqlstate(exc)
    return state is not None and (state[:2] in _GONE_CLASSES or state in _GONE_STATES)


class DatabaseClosed(RuntimeError):
    """A statement after the request's handle was closed: refused, never a new connection.

    It reaches only work that outlived its operation (a sibling field still running when an
    error ended the operation), whose result nobody reads.
    """


class Database:
    """Lazily opens one connection per request; every statement goes through `_lock`.

    An AsyncConnection refuses concurrent use, and sibling fields and loaders' batches fire
    concurrently, so statements take turns. close() takes its turn too: it waits for the
    statement in flight (an error can end an operation while a sibling's statement still
    runs), then ends the transaction and returns the connection, clean or invalidated (the
    pool opens a fresh one). After close() statements raise DatabaseClosed.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        rls_scope: str | None = None,
        generic_engine: AsyncEngine | None = None,
    ) -> None:
        self.engine = engine
        # The primary's connections that let PostgreSQL keep generic plans (api/db.py
        # create_engine(generic_plans=True)): scalar_sql(generic=True) reads there.
        self.generic_engine = generic_engine
        # RLS mode: the transaction's govgraph.scope_root (rls_scope()); None: mode off.
        self.rls_scope = rls_scope
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self._closed = False
        # A statement was interrupted (cancelled): the connection's state is unknown.
        self._broken = False
        self.statements = 0
        self.elapsed_ms = 0.0
        self.wrote = False  # a mutation kept its writes: commit at the end of the operation
        # The caller owns the transaction (an idempotent request stores its response in it):
        # close() leaves it open until release().
        self.held = False
        self._writer: asyncio.Lock | None = None  # SQLite: the engine's writer lock, held
        # Read replicas (read_from): the router asked when the connection opens, the
        # read-your-writes token it must honour, and the engine the connection is from.
        self._reads: ReadRoutes | None = None
        self._min_lsn: int | None = None
        self._connected_to: AsyncEngine | None = None
        self.committed = False  # close(commit=True) committed a transaction

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @property
    def closed(self) -> bool:
        """Whether close() ended this handle."""
        return self._closed

    async def read_from(self, routes: ReadRoutes | None, min_lsn: int | None = None) -> None:
        """This handle only reads (a query, an export): its connection comes from a read
        replica when `routes` finds one fit (one that has replayed `min_lsn`, a write's
        read-your-writes token), else from the primary. A connection open already (the
        token's unit check, a read) is ended first, so the operation reads from one server.
        Not for a handle that wrote or holds its transaction (an idempotent request)."""
        if routes is None or self.held or self.wrote or self._writer is not None:
            return
        async with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                await connection.rollback()
                await connection.close()
        self._reads, self._min_lsn = routes, min_lsn

    async def _read_engine(self) -> AsyncEngine:
        """The engine the next connection comes from: the primary unless read_from()."""
        if self._reads is None:
            return self.engine
        return await self._reads.read_engine(self._min_lsn)

    def _replica_failed(self, engine: AsyncEngine, exc: BaseException) -> bool:
        """A read replica's connection failed (`exc`): reported, and this handle reads from
        the primary from now on (True); False when `engine` is the primary's."""
        if self._reads is None or engine is self.engine:
            return False
        self._reads.failed(engine, exc)
        self._reads = None
        return True

    def _retry_on_primary(self, engine: AsyncEngine | None, exc: BaseException) -> bool:
        """A statement on a read replica failed (`exc`): True when the primary should run it
        again (the replica went away: reported; or its replay cancelled the statement), and
        this handle reads from the primary from now on."""
        if engine is None or self._reads is None or engine is self.engine:
            return False
        if connection_lost(exc):
            return self._replica_failed(engine, exc)
        if recovery_conflict(exc):
            self._reads = None
            return True
        return False

    async def _conn(self, *, autocommit: bool = False) -> AsyncConnection:
        """The connection, opened on first use; the caller holds `_lock`."""
        if self._closed:
            raise DatabaseClosed("the request's database handle is closed")
        if self._connection is None:
            engine = await self._read_engine()
            try:
                connection = await self._open(engine, autocommit=autocommit)
            except Exception as exc:
                if not self._replica_failed(engine, exc):
                    raise
                engine = self.engine  # the read replica failed: the primary's
                connection = await self._open(engine, autocommit=autocommit)
            self._connection, self._connected_to = connection, engine
        return self._connection

    async def _open(self, engine: AsyncEngine, *, autocommit: bool) -> AsyncConnection:
        """A connection of `engine`, set up for this handle."""
        connection = await engine.connect()
        try:
            if autocommit and self.rls_scope is None and not self.held:
                # One read statement: no BEGIN and ROLLBACK round trips around it.
                await connection.execution_options(isolation_level="AUTOCOMMIT")
            if self.rls_scope is not None:
                await _set_scope(connection, self.rls_scope)
        except BaseException:
            await _discard(connection)
            raise
        return connection

    async def _run(
        self, run: Callable[[AsyncConnection], Awaitable[T]], *, autocommit: bool = False
    ) -> T:
        """Run one statement (`run`) on the connection, alone, and count it."""
        async with self._lock:
            conn = await self._conn(autocommit=autocommit)
            started = time.perf_counter()
            try:
                value = await run(conn)
            except asyncio.CancelledError:
                self._broken = True  # cut off mid-protocol: never back to the pool as is
                raise
            except Exception as exc:
                # A read replica went away under the statement, or cancelled it: the primary.
                if not self._retry_on_primary(self._connected_to, exc):
                    raise
                self._connection = self._connected_to = None
                await _discard(conn)
                conn = await self._conn(autocommit=autocommit)
                value = await run(conn)
            self._count(started)
            return value

    async def use_rls_scope(self, value: str | None) -> None:
        """Scope this handle's transaction (at once when its connection is open already: an
        idempotent request's held transaction)."""
        self.rls_scope = value
        if value is not None and self._connection is not None:
            async with self._lock:
                await _set_scope(await self._conn(), value)

    async def lift_rls_scope(self) -> None:
        """RLS mode: whole tables for a write service (it checks role and scope itself, and
        keeps derived state over rows the viewer cannot see), until restore_rls_scope() or the
        rollback of the savepoint it was lifted in."""
        if self.rls_scope and self._connection is not None:
            async with self._lock:
                await _set_scope(await self._conn(), "")

    async def restore_rls_scope(self) -> None:
        """Back to the viewer's scope after lift_rls_scope()."""
        if self.rls_scope and self._connection is not None:
            async with self._lock:
                await _set_scope(await self._conn(), self.rls_scope)

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
        """The request's connection, for services that write (mutation fields run one at a
        time, so the writer has it to itself between the loaders' turns)."""
        async with self._lock:
            return await self._conn()

    async def fetch_all(self, statement: Executable) -> Sequence[RowMapping]:
        """Run a SELECT and return its rows as mappings."""

        async def run(conn: AsyncConnection) -> Sequence[RowMapping]:
            return (await conn.execute(statement)).mappings().all()

        return await self._run(run)

    async def fetch_one(self, statement: Executable) -> RowMapping | None:
        """Run a SELECT and return its first row, or None."""
        rows = await self.fetch_all(statement)
        return rows[0] if rows else None

    async def scalar(self, statement: Executable, params: dict[str, Any] | None = None) -> Any:
        """Run a SELECT and return the first column of its first row.

        `params` set the values of the statement's named bind parameters.
        """

        async def run(conn: AsyncConnection) -> Any:
            return (await conn.execute(statement, params)).scalar()

        return await self._run(run)

    async def scalar_sql(
        self, sql: str, args: Sequence[Any], *, single: bool = False, generic: bool = False
    ) -> Any:
        """Run driver-level SQL (positional parameters) and return its first value: the
        compiled read path executes its cached statement text this way.

        `single`: the request's only statement, a read: when it opens the connection, no
        transaction is begun (autocommit; not in RLS mode, whose scope is transaction-local).
        On PostgreSQL it then runs on the pooled asyncpg connection itself (_fetchval_direct).
        `generic`: a statement that reads by keys only, run (single, on the primary) on
        `generic_engine`'s connections when there are, where PostgreSQL may keep a generic
        plan of it instead of planning each execution.
        """
        if single and self.rls_scope is None and not self.held and self._direct:
            async with self._lock:
                if self._connection is None and not self._closed:
                    engine = await self._read_engine()
                    if generic and engine is self.engine and self.generic_engine is not None:
                        return await self._fetchval_direct(self.generic_engine, sql, args)
                    try:
                        return await self._fetchval_direct(engine, sql, args)
                    except Exception as exc:
                        # A read replica failed or cancelled it: the primary answers (a
                        # statement the server refused is the caller's, as on the primary).
                        if not self._retry_on_primary(engine, exc):
                            raise
                    return await self._fetchval_direct(self.engine, sql, args)

        async def run(conn: AsyncConnection) -> Any:
            return (await conn.exec_driver_sql(sql, tuple(args))).scalar()

        return await self._run(run, autocommit=single)

    @property
    def _direct(self) -> bool:
        """Whether the engine's pooled connections are asyncpg's (PostgreSQL)."""
        return self.engine.dialect.driver == "asyncpg"

    async def _fetchval_direct(self, engine: AsyncEngine, sql: str, args: Sequence[Any]) -> Any:
        """One read on a connection of `engine`'s pool (the primary's or a read replica's),
        straight on the asyncpg connection under it, outside any transaction; the caller holds
        `_lock`, nothing is open.

        What SQLAlchemy's connection and result layers add around one statement (execution
        options, the cursor adapter, the result) was a quarter of a cached-plan request's CPU
        (bench/PROFILE.md). Everything else is the pool's as usual: its size and overflow,
        the connections' settings (statement timeout, plan cache mode: api/db.py), their reset
        on return (a no-op: no transaction was begun) and their end at dispose(); asyncpg
        prepares the statement once per connection (its statement cache). A database error
        is asyncpg's own (database_failure reads its SQLSTATE); after any other failure the
        connection is closed and the pool opens a fresh one.
        """
        pool = engine.sync_engine.pool  # the one raw_connection() checks out of
        fairy = await engine.raw_connection()
        driver: Any = fairy.driver_connection  # asyncpg.Connection
        started = time.perf_counter()
        try:
            if driver.is_in_transaction():
                # Handed out inside a transaction (the test fixtures' one connection): a
                # savepoint, so a refused statement leaves that transaction usable.
                savepoint = driver.transaction()
                await savepoint.start()
                try:
                    value = await driver.fetchval(sql, *args)
                except asyncpg.PostgresError:
                    await savepoint.rollback()
                    raise
                await savepoint.commit()
            else:
                value = await driver.fetchval(sql, *args)
        except asyncpg.PostgresError:
            await _check_in(pool, fairy)  # the server refused the statement: still usable
            raise
        except BaseException:
            # Cancelled mid-protocol, or the connection failed: closed, never back as is.
            fairy.invalidate()
            raise
        self._count(started)
        await _check_in(pool, fairy)
        return value

    def _count(self, started: float) -> None:
        self.statements += 1
        self.elapsed_ms += (time.perf_counter() - started) * 1000

    async def close(self, *, commit: bool = False) -> None:
        """Commit (writes) or roll back (reads) once the statement in flight is done, and
        return the connection to the pool (invalidated when its state is unknown). Later
        statements raise DatabaseClosed; closing again does nothing.

        Shielded: a request cancelled while closing (a client gone) still ends its
        transaction and returns its connection.
        """
        if self.held:
            return
        if self._connection is None and self._writer is None and not self._lock.locked():
            # Nothing open and nothing in flight (the direct read returned its connection):
            # closed at once, without the shielded task (a cached-plan request's usual case).
            self._closed = True
            return
        await asyncio.shield(self._close(commit=commit))

    async def _close(self, *, commit: bool) -> None:
        try:
            await self._close_connection(commit=commit)
        finally:
            self._release_writer()  # SQLite: the next writer's turn (begin_write)

    async def _close_connection(self, *, commit: bool) -> None:
        async with self._lock:
            self._closed = True
            connection, self._connection = self._connection, None
            self._connected_to = None
            if connection is None:
                return
            if self._broken:
                await _discard(connection)
                return
            try:
                if commit:
                    await connection.commit()
                    self.committed = True
                else:
                    await connection.rollback()
            except BaseException:
                await _discard(connection)
                raise
            await connection.close()

    async def release(self, *, commit: bool) -> None:
        """End a held transaction: commit or roll back, and return the connection."""
        self.held = False
        await self.close(commit=commit)


async def _check_in(pool: Pool, fairy: PoolProxiedConnection) -> None:
    """Return a connection checked out by _fetchval_direct (no transaction on it: its reset is
    a no-op). Back into a queue pool with room, that is plain Python, done here; otherwise
    (an overflow connection closed, another kind of pool) it may await the driver, which
    SQLAlchemy does in a greenlet."""
    if isinstance(pool, QueuePool) and pool.checkedin() < pool.size():
        fairy.close()
    else:
        await greenlet_spawn(fairy.close)


async def _discard(connection: AsyncConnection) -> None:
    """Invalidate `connection` (the pool drops it and opens a fresh one) and release it."""
    try:
        await connection.invalidate()
    except Exception:  # already unusable: dropping it is all that is left
        logger.warning("invalidating a database connection failed", exc_info=True)
    finally:
        await connection.close()


# SQLSTATE 57014 (query_canceled): GOVGRAPH_STATEMENT_TIMEOUT_MS ran out.
_CANCELED = "57014"


def database_failure(exc: BaseException) -> str | None:
    """What a database error says about the request: `timeout` (the statement timeout
    cancelled it), `data` (SQLSTATE class 22: the database refused a value, e.g. one out of
    its range), None for anything else (a bug or an outage)."""
    if isinstance(exc, sa.exc.DBAPIError):
        orig: Any = exc.orig
    elif isinstance(exc, asyncpg.PostgresError):  # the compiled path's direct reads
        orig = exc
    else:
        return None
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if not isinstance(state, str):
        return None
    if state == _CANCELED:
        return "timeout"
    return "data" if state.startswith("22") else None
