"""Change events: what committed writes changed, fanned out to this process's subscribers.

A write notes `("task", id)` / `("rectification", id)` on its request (resolvers/events.py);
the DatabaseLifecycle extension hands the notes to the app's broker when the transaction
commits. Two brokers:

- `InProcessBroker` (one process, SQLite): published after the commit, straight into the
  subscribers' queues.
- `PostgresBroker` (several uvicorn workers): `pg_notify('govgraph_changes', ids)` inside the
  writing transaction, which PostgreSQL delivers at its commit and never for a rolled-back
  write; every process LISTENs on one dedicated asyncpg connection (reconnecting when it
  drops) and fans out to its own subscribers, the writing process included.

Payloads carry ids only (`task:<hex> rectification:<hex> …`, under PostgreSQL's 8000-byte
limit, split over several notifications when needed): subscribers reload what they show.
Each subscriber has a bounded queue: a slow one loses its oldest changes, writers never wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.requests import HTTPConnection

from resolvers.events import Broker, Change

logger = logging.getLogger(__name__)

__all__ = ["Broker", "Change", "InProcessBroker", "PostgresBroker", "Subscriber", "create_broker"]

CHANNEL = "govgraph_changes"
# PostgreSQL refuses payloads of 8000 bytes or more; stay well below.
MAX_PAYLOAD_BYTES = 7000
QUEUE_SIZE = 1000
LISTENER_NAME = "govgraph-listener"  # application_name of the LISTEN connections
_DEFERRED = "govgraph_deferred_changes"


class Subscriber:
    """One subscriber's bounded queue of changes; when full, the oldest change is dropped."""

    def __init__(self, maxsize: int = QUEUE_SIZE) -> None:
        self._queue: asyncio.Queue[Change] = asyncio.Queue(maxsize)
        self.dropped = 0

    def put(self, change: Change) -> None:
        """Enqueue without waiting: a full queue loses its oldest entry instead."""
        try:
            self._queue.put_nowait(change)
        except asyncio.QueueFull:
            self._queue.get_nowait()
            self._queue.put_nowait(change)
            if self.dropped == 0:
                logger.warning("a slow subscriber is losing change events (queue full)")
            self.dropped += 1

    async def get(self) -> Change:
        """The next change, waiting for one."""
        return await self._queue.get()

    async def next_batch(self) -> set[Change]:
        """The next change and every change already queued behind it."""
        batch = {await self._queue.get()}
        batch |= self.drain()
        return batch

    def drain(self) -> set[Change]:
        """Every change queued now, without waiting."""
        drained: set[Change] = set()
        while not self._queue.empty():
            drained.add(self._queue.get_nowait())
        return drained

    def __aiter__(self) -> Subscriber:
        return self

    async def __anext__(self) -> Change:
        return await self.get()


class _FanOut:
    """This process's subscribers."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self._subscribers: set[Subscriber] = set()

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[Subscriber]:
        """A queue receiving every change published from now until the block exits."""
        subscriber = Subscriber(self.queue_size)
        self._subscribers.add(subscriber)
        try:
            yield subscriber
        finally:
            self._subscribers.discard(subscriber)

    @property
    def subscriber_count(self) -> int:
        """Subscribers of this process."""
        return len(self._subscribers)

    def deliver(self, changes: Iterable[Change]) -> None:
        """Put `changes` on every subscriber's queue (never waits)."""
        batch = list(changes)
        for subscriber in list(self._subscribers):
            for change in batch:
                subscriber.put(change)


class InProcessBroker(_FanOut):
    """One process: a committed write's changes go straight to the subscribers' queues."""

    async def start(self) -> None:
        """Nothing to connect."""

    async def close(self) -> None:
        """Nothing to release."""

    async def publish(self, changes: Iterable[Change]) -> None:
        """Deliver the changes of a committed write."""
        self.deliver(changes)

    async def publish_in_transaction(
        self, connection: AsyncConnection, changes: Iterable[Change]
    ) -> bool:
        """Not supported: publish after the commit."""
        return False


def encode(changes: Iterable[Change], limit: int = MAX_PAYLOAD_BYTES) -> list[str]:
    """NOTIFY payloads of ids (`kind:hex`, space separated), each under `limit` bytes."""
    payloads: list[str] = []
    current: list[str] = []
    size = 0
    for kind, row_id in sorted(changes):
        entry = f"{kind}:{row_id.hex}"
        if current and size + 1 + len(entry) > limit:
            payloads.append(" ".join(current))
            current, size = [], 0
        size += len(entry) + (1 if current else 0)
        current.append(entry)
    if current:
        payloads.append(" ".join(current))
    return payloads


def decode(payload: str) -> set[Change]:
    """The changes of one payload; malformed entries are skipped."""
    changes: set[Change] = set()
    for entry in payload.split():
        kind, _, hex_id = entry.partition(":")
        try:
            changes.add((kind, uuid.UUID(hex=hex_id)))
        except ValueError:
            logger.warning("ignoring a malformed change notification entry: %r", entry[:80])
    return changes


class PostgresBroker(_FanOut):
    """NOTIFY in the writing transaction; one LISTEN connection per process fans out."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        channel: str = CHANNEL,
        queue_size: int = QUEUE_SIZE,
        ready_timeout: float = 5.0,
        keepalive_seconds: float = 30.0,
        retry_seconds: tuple[float, float] = (0.1, 5.0),
    ) -> None:
        super().__init__(queue_size)
        self.engine = engine
        self.channel = channel
        self.ready_timeout = ready_timeout
        self.keepalive_seconds = keepalive_seconds
        self.retry_seconds = retry_seconds
        self.listening = asyncio.Event()
        self.connects = 0  # successful LISTEN connections (reconnects included)
        self._task: asyncio.Task[None] | None = None

    def _connect_arguments(self) -> dict[str, Any]:
        _args, params = self.engine.dialect.create_connect_args(self.engine.url)
        # Options of SQLAlchemy's adapter, not of asyncpg.connect.
        for option in ("prepared_statement_cache_size", "prepared_statement_name_func"):
            params.pop(option, None)
        return dict(params)

    async def start(self) -> None:
        """Start listening; waits (bounded) for the first connection so early writes count."""
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name="govgraph-change-listener")
        try:
            async with asyncio.timeout(self.ready_timeout):
                await self.listening.wait()
        except TimeoutError:
            logger.warning("change listener not connected yet: retrying in the background")

    async def close(self) -> None:
        """Stop listening and close the connection."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def publish(self, changes: Iterable[Change]) -> None:
        """Notify in a transaction of its own (for writes that have committed already)."""
        async with self.engine.begin() as connection:
            await self.publish_in_transaction(connection, changes)

    async def publish_in_transaction(
        self, connection: AsyncConnection, changes: Iterable[Change]
    ) -> bool:
        """`pg_notify` on the writing connection: PostgreSQL delivers it at commit only."""
        for payload in encode(changes):
            await connection.execute(sa.select(sa.func.pg_notify(self.channel, payload)))
        return True

    def _on_notification(
        self, _connection: object, _pid: int, _channel: str, payload: object
    ) -> None:
        if isinstance(payload, str):
            self.deliver(decode(payload))

    async def _listen(self) -> None:
        """Keep one LISTEN connection open, reconnecting with backoff when it drops."""
        delay = self.retry_seconds[0]
        while True:
            try:
                await self._listen_once()
                delay = self.retry_seconds[0]
            except Exception as exc:  # the listener outlives any connection failure
                logger.warning("change listener connection lost (%r); reconnecting", exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.retry_seconds[1])

    async def _listen_once(self) -> None:
        """One connection's life: LISTEN, then wait until it terminates or stops answering."""
        connection: asyncpg.Connection = await asyncpg.connect(
            **self._connect_arguments(),
            timeout=10,
            server_settings={"application_name": LISTENER_NAME},
        )
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _conn: lost.set())
        try:
            await connection.add_listener(self.channel, self._on_notification)
            self.connects += 1
            self.listening.set()
            while not lost.is_set():
                try:
                    async with asyncio.timeout(self.keepalive_seconds):
                        await lost.wait()
                except TimeoutError:
                    # A half-open TCP connection never terminates by itself: probe it.
                    await connection.fetchval("SELECT 1", timeout=5)
            logger.warning("change listener connection closed; reconnecting")
        finally:
            self.listening.clear()
            if not connection.is_closed():
                connection.terminate()


def create_broker(engine: AsyncEngine) -> Broker:
    """The broker for the engine's database: LISTEN/NOTIFY on PostgreSQL, else in-process."""
    if engine.dialect.name == "postgresql":
        return PostgresBroker(engine)
    return InProcessBroker()


def defer_until_commit(request: HTTPConnection, broker: Broker, changes: set[Change]) -> None:
    """Keep `changes` of a transaction the caller commits later (an idempotent request)."""
    pending: list[tuple[Broker, set[Change]]] = getattr(request.state, _DEFERRED, [])
    pending.append((broker, set(changes)))
    setattr(request.state, _DEFERRED, pending)


async def publish_deferred(request: HTTPConnection) -> None:
    """Publish what `defer_until_commit` kept, once the caller's transaction has committed."""
    pending: list[tuple[Broker, set[Change]]] = getattr(request.state, _DEFERRED, [])
    setattr(request.state, _DEFERRED, [])
    for broker, changes in pending:
        await broker.publish(changes)
