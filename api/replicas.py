"""Read routing to PostgreSQL hot standbys: GOVGRAPH_READ_DATABASE_URLS.

Queries (the resolvers' path and the compiled one, persisted GETs included), exports and
snapshots read from a standby; mutations, idempotent requests, LISTEN/NOTIFY, subscriptions and
the outbox's delivery worker stay on the primary. This module is the one place that chooses:
request handles ask `ReadRouter.read_engine` when their first read opens a connection
(resolvers/database.py `Database.read_from`), and so do exports and snapshots for theirs.

Read-your-writes: a request that committed a write gets the primary's WAL position after its
commit in the `GovGraph-LSN` response header and the `govgraph_lsn` cookie (`remember_write`).
A read carrying that token (header or cookie: the later of the two) goes to a standby only once
the standby's `pg_last_wal_replay_lsn()` has reached it: the router polls for up to
`wait_ms` (GOVGRAPH_READ_WAIT_MS, 200 by default), then reads from the primary.

Health: a background task asks each standby every `check_seconds` for its replay position and
compares it with the primary's: the lag in bytes, and in seconds how long ago the primary
was first seen past what the standby has replayed (its staleness, to within a check; a
standby that is merely idle is not stale): `/metrics` (govgraph_replica_*) and `/healthz`
show it. A standby that fails
(a check, or a request's connection) is taken out at once and tried again after
`retry_seconds` (doubling up to a minute while it keeps failing: a circuit breaker); one
further behind than `max_lag_seconds` serves only reads that carry a token it has passed. With
no standby left, reads go to the primary. SQLite has no standbys: the setting is ignored there.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import Counter, Gauge
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import HTTPConnection
from starlette.responses import Response

from api.db import create_engine

logger = logging.getLogger("govgraph")

LSN_HEADER = "GovGraph-LSN"
LSN_COOKIE = "govgraph_lsn"
# How long a write's token is worth keeping: past it every standby has long replayed it.
LSN_COOKIE_MAX_AGE = 300
_LSN = re.compile(r"^([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})$")
MAX_RETRY_SECONDS = 60.0
CHECK_TIMEOUT_SECONDS = 5.0
HISTORY = 4096  # checks of the primary's position remembered (over an hour at one a second)

REPLICA_UP = Gauge("govgraph_replica_up", "1 while a read replica takes reads", ["replica"])
REPLICA_LAG_BYTES = Gauge(
    "govgraph_replica_lag_bytes", "WAL bytes a read replica has still to replay", ["replica"]
)
REPLICA_LAG_SECONDS = Gauge(
    "govgraph_replica_lag_seconds",
    "How stale a read replica is: seconds since the primary was seen past its replay (0: none)",
    ["replica"],
)
READS = Counter(
    "govgraph_db_reads_total", "Reads routed, by server (primary or a replica)", ["server"]
)
FALLBACKS = Counter(
    "govgraph_db_read_fallbacks_total",
    "Reads sent to the primary although replicas are configured, by reason",
    ["reason"],
)


def parse_lsn(text: str | None) -> int | None:
    """A WAL position `X/Y` (as PostgreSQL prints pg_lsn) as an integer; None if malformed."""
    if not text:
        return None
    match = _LSN.match(text.strip().strip('"'))  # a cookie's value may come back quoted
    if match is None:
        return None
    return (int(match.group(1), 16) << 32) | int(match.group(2), 16)


def format_lsn(value: int) -> str:
    """The `X/Y` text of a WAL position."""
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


def read_token(request: HTTPConnection | None) -> int | None:
    """The read-your-writes token a request carries: the later of header and cookie."""
    if request is None:
        return None
    values = [
        parse_lsn(request.headers.get(LSN_HEADER)),
        parse_lsn(request.cookies.get(LSN_COOKIE)),
    ]
    found = [value for value in values if value is not None]
    return max(found) if found else None


@dataclass(eq=False)
class Replica:
    """One standby: its engine and what the last check or failure said about it."""

    name: str  # replica0, replica1, … (metric labels)
    where: str  # host:port/database (no credentials)
    engine: AsyncEngine
    up: bool = False
    retry_at: float = 0.0  # monotonic: when a failed one is tried again
    backoff: float = 0.0
    replay_lsn: int | None = None
    lag_bytes: int | None = None
    lag_seconds: float | None = None
    paused: bool = False
    error: str | None = None

    def report(self) -> dict[str, Any]:
        """What /healthz shows."""
        return {
            "name": self.name,
            "server": self.where,
            "status": "ok" if self.up else "down",
            "replayLsn": None if self.replay_lsn is None else format_lsn(self.replay_lsn),
            "lagBytes": self.lag_bytes,
            "lagSeconds": self.lag_seconds,
            "replayPaused": self.paused,
            **({"error": self.error} if self.error and not self.up else {}),
        }


@dataclass(eq=False)
class ReadRouter:
    """The primary's engine and the standbys'; see the module's text."""

    primary: AsyncEngine
    replicas: list[Replica]
    wait_ms: int = 200
    poll_ms: int = 10
    max_lag_seconds: float = 30.0
    retry_seconds: float = 5.0
    check_seconds: float = 1.0
    _turn: itertools.count[int] = field(default_factory=itertools.count)
    _task: asyncio.Task[None] | None = None
    _by_engine: dict[int, Replica] = field(default_factory=dict)
    # The primary's WAL position at each check (monotonic time, position), oldest first.
    _history: collections.deque[tuple[float, int]] = field(
        default_factory=lambda: collections.deque(maxlen=HISTORY)
    )

    def __post_init__(self) -> None:
        self._by_engine = {id(replica.engine): replica for replica in self.replicas}
        for replica in self.replicas:
            REPLICA_UP.labels(replica.name).set(0)

    @classmethod
    def from_urls(
        cls, primary: AsyncEngine, urls: Sequence[str], **kwargs: Any
    ) -> ReadRouter | None:
        """A router over `urls` (None without any, or on SQLite: it has no standbys)."""
        if not urls or primary.dialect.name != "postgresql":
            return None
        statement_timeout = kwargs.pop("statement_timeout_ms", None)
        rls_role = kwargs.pop("rls_role", None)  # GOVGRAPH_RLS=1: the same role as the primary's
        replicas = []
        for index, url in enumerate(urls):
            parsed = make_url(url)
            where = f"{parsed.host}:{parsed.port or 5432}/{parsed.database}"
            engine = create_engine(url, statement_timeout_ms=statement_timeout, rls_role=rls_role)
            replicas.append(Replica(name=f"replica{index}", where=where, engine=engine))
        return cls(primary=primary, replicas=replicas, **kwargs)

    # -- life -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Check every standby once (reads go to those that answered), then keep checking."""
        await self.check()
        self._task = asyncio.create_task(self._watch())

    async def close(self) -> None:
        """Stop checking and close the standbys' connections."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for replica in self.replicas:
            await replica.engine.dispose()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.check_seconds)
            try:
                await self.check()
            except Exception:  # never let the watcher die: the next round tries again
                logger.warning("read replicas: the check failed", exc_info=True)

    async def check(self) -> None:
        """One round: the primary's WAL position, then each standby due for a check."""
        try:
            primary_lsn: int | None = await self.primary_lsn()
        except Exception:  # the primary down: the standbys' lag is unknown for now
            primary_lsn = None
        now = time.monotonic()
        if primary_lsn is not None:
            self._history.append((now, primary_lsn))
        due = [r for r in self.replicas if r.up or now >= r.retry_at]
        await asyncio.gather(*(self._check(replica, primary_lsn) for replica in due))

    async def _check(self, replica: Replica, primary_lsn: int | None) -> None:
        try:
            # Slow is not down (a busy standby answers late): only silence this long is.
            async with asyncio.timeout(max(CHECK_TIMEOUT_SECONDS, self.check_seconds * 2)):
                async with replica.engine.connect() as conn:
                    row = (
                        await conn.exec_driver_sql(
                            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                            " pg_is_wal_replay_paused()"
                        )
                    ).one()
        except Exception as exc:
            self.failed(replica.engine, exc)
            return
        in_recovery, replay, paused = tuple(row)
        if not in_recovery:  # promoted (or the primary's own URL): not a standby to read
            self._down(replica, "not in recovery (not a hot standby)")
            return
        replica.replay_lsn = parse_lsn(replay)
        replica.paused = bool(paused)
        if primary_lsn is not None and replica.replay_lsn is not None:
            replica.lag_bytes = max(0, primary_lsn - replica.replay_lsn)
            replica.lag_seconds = self._staleness(replica.replay_lsn)
            REPLICA_LAG_BYTES.labels(replica.name).set(replica.lag_bytes)
            REPLICA_LAG_SECONDS.labels(replica.name).set(replica.lag_seconds)
        if not replica.up:
            state = "back" if replica.error else "in rotation"
            logger.info("read replica %s (%s) is %s", replica.name, replica.where, state)
        replica.up, replica.error, replica.backoff = True, None, 0.0
        REPLICA_UP.labels(replica.name).set(1)

    def _staleness(self, replayed: int) -> float:
        """Seconds since the first check that saw the primary past `replayed` (0: none did)."""
        for seen_at, position in self._history:
            if position > replayed:
                return round(time.monotonic() - seen_at, 3)
        return 0.0

    def _down(self, replica: Replica, reason: str) -> None:
        if replica.up or replica.error is None:
            logger.warning("read replica %s (%s) out: %s", replica.name, replica.where, reason)
        replica.up, replica.error = False, reason
        replica.backoff = min(MAX_RETRY_SECONDS, replica.backoff * 2 or self.retry_seconds)
        replica.retry_at = time.monotonic() + replica.backoff
        REPLICA_UP.labels(replica.name).set(0)

    def failed(self, engine: AsyncEngine, exc: BaseException) -> None:
        """A standby's connection failed: out of rotation until its retry time; its pooled
        connections (likely dead too) are dropped."""
        replica = self._by_engine.get(id(engine))
        if replica is None:
            return
        was_up = replica.up
        self._down(replica, f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
        if was_up:
            # Connections checked out now are invalidated when they fail; the rest go here.
            replica.engine.sync_engine.pool.dispose()

    # -- routing ----------------------------------------------------------------------------

    def _candidates(self, min_lsn: int | None) -> list[Replica]:
        up = [r for r in self.replicas if r.up]
        if min_lsn is None:  # no token: any standby not too far behind
            up = [r for r in up if (r.lag_seconds or 0.0) <= self.max_lag_seconds]
        if len(up) > 1:  # round robin
            start = next(self._turn) % len(up)
            up = up[start:] + up[:start]
        return up

    async def read_engine(self, min_lsn: int | None = None) -> AsyncEngine:
        """The engine a read should use: a standby that is up (and has replayed `min_lsn`,
        waiting up to `wait_ms` for one to), else the primary."""
        candidates = self._candidates(min_lsn)
        if not candidates:
            return self._primary("no_replica")
        if min_lsn is None:
            return self._chosen(candidates[0])
        deadline = time.monotonic() + self.wait_ms / 1000
        while True:
            for replica in candidates:
                if replica.replay_lsn is not None and replica.replay_lsn >= min_lsn:
                    return self._chosen(replica)
            for replica in candidates:
                if await self._replayed(replica) >= min_lsn:
                    return self._chosen(replica)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return self._primary("lsn_wait")
            await asyncio.sleep(min(self.poll_ms / 1000, remaining))
            candidates = [r for r in candidates if r.up]
            if not candidates:
                return self._primary("no_replica")

    async def _replayed(self, replica: Replica) -> int:
        """The standby's replay position now (-1 when it fails to answer)."""
        try:
            async with replica.engine.connect() as conn:
                text = (
                    await conn.exec_driver_sql("SELECT pg_last_wal_replay_lsn()::text")
                ).scalar()
        except Exception as exc:
            self.failed(replica.engine, exc)
            return -1
        value = parse_lsn(text)
        if value is None:
            return -1
        if replica.replay_lsn is None or value > replica.replay_lsn:
            replica.replay_lsn = value
        return value

    def _chosen(self, replica: Replica) -> AsyncEngine:
        READS.labels(replica.name).inc()
        return replica.engine

    def _primary(self, reason: str) -> AsyncEngine:
        READS.labels("primary").inc()
        FALLBACKS.labels(reason).inc()
        return self.primary

    def replica_of(self, engine: AsyncEngine) -> Replica | None:
        """The standby `engine` belongs to (None: the primary's)."""
        return self._by_engine.get(id(engine))

    # -- writes -----------------------------------------------------------------------------

    async def primary_lsn(self) -> int:
        """The primary's current WAL position (every commit so far is at or before it)."""
        async with self.primary.connect() as conn:
            text = (await conn.exec_driver_sql("SELECT pg_current_wal_lsn()::text")).scalar()
        value = parse_lsn(text)
        if value is None:
            raise RuntimeError(f"pg_current_wal_lsn() said {text!r}")
        return value

    async def remember_write(self, response: Response) -> None:
        """After a committed write: its token in the response (header and cookie)."""
        token = format_lsn(await self.primary_lsn())
        response.headers[LSN_HEADER] = token
        response.set_cookie(
            LSN_COOKIE, token, max_age=LSN_COOKIE_MAX_AGE, httponly=True, samesite="lax"
        )

    def health(self) -> list[dict[str, Any]]:
        """Each standby's state, for /healthz."""
        return [replica.report() for replica in self.replicas]
