"""A request's database handle: one connection, serialised, counting statements."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable


class Database:
    """Lazily opens one connection per request; loaders' batches share it under a lock.

    An AsyncConnection refuses concurrent use, and batches of different loaders fire
    concurrently, so every statement goes through `_lock`.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self.statements = 0
        self.elapsed_ms = 0.0
        self.wrote = False  # a mutation kept its writes: commit at the end of the operation
        # The caller owns the transaction (an idempotent request stores its response in it):
        # close() leaves it open until release().
        self.held = False

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    async def _conn(self) -> AsyncConnection:
        if self._connection is None:
            self._connection = await self.engine.connect()
        return self._connection

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

    async def scalar(self, statement: Executable) -> Any:
        """Run a SELECT and return the first column of its first row."""
        async with self._lock:
            conn = await self._conn()
            started = time.perf_counter()
            value = (await conn.execute(statement)).scalar()
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
            return
        try:
            if commit:
                await connection.commit()
            else:
                await connection.rollback()
        finally:
            await connection.close()

    async def release(self, *, commit: bool) -> None:
        """End a held transaction: commit or roll back, and return the connection."""
        self.held = False
        await self.close(commit=commit)
