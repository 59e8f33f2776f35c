"""The delivery worker's write transactions: on SQLite each takes the engine's writer lock and
begins IMMEDIATE (resolvers/database.py's begin_write, for a bare engine), so a worker beside
the server queues behind its writers instead of failing to upgrade a read ("database is
locked"); PostgreSQL: a plain transaction (row locks, SKIP LOCKED, advisory locks)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from resolvers.database import SQLITE_BEGIN_OPTION, writer_lock


@contextlib.asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A transaction that may write, committed when the block ends."""
    if engine.dialect.name != "sqlite":
        async with engine.begin() as conn:
            yield conn
        return
    async with writer_lock(engine), engine.connect() as raw:
        conn = await raw.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        async with conn.begin():
            yield conn
