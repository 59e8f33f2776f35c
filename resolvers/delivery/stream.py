"""The outbox as a NATS JetStream stream, for large deployments (issue 18, point 4).

Only when GOVGRAPH_NATS_URL is set; the embedded default needs nothing but the database.
The delivery worker publishes each outbox event, in `seq` order, as a CloudEvent (JSON) on
the subject `govgraph.<event type>.<unit>` (e.g. `govgraph.task.changed.<unit id>`: the
event's first unit, `_` when it names none; all of them are in the `govgraphunits`
attribute), with the header `Nats-Msg-Id` = the event id, so JetStream drops a republished
event within the stream's duplicate window. The stream (GOVGRAPH_NATS_STREAM, default
GOVGRAPH, subjects `govgraph.>`; GOVGRAPH_NATS_SUBJECT_PREFIX changes `govgraph`) is created
when missing.

Exactly the unpublished events (`outbox_event.streamed_at` NULL) are published, each acked
by JetStream before the transaction that marks them commits: a worker killed in between
publishes them again with the same Nats-Msg-Id (at least once; deduplicated by the server).
One worker publishes at a time (PostgreSQL: an advisory lock; SQLite has one writer), so
the stream holds each object's events in the outbox's order.

The first start is bounded: while no outbox event has ever been published (a new deployment
of the stream, or an old database), the events older than the backlog horizon
(GOVGRAPH_NATS_BACKLOG_HOURS, default 24; `all`: no bound) are marked as published without
being published, in the same locked transaction, so turning the stream on does not flood it
with years of history (consumers that need the past read it from `changes(since:)` or the
snapshot). After the first publication the horizon no longer applies: an outage's backlog is
published whole.

The stream is the deployment's own bus (the INTERNAL tier, like the database): it carries
the outbox's payload as written. Partners are told through webhooks, in their scope.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import nats
import orjson
import sqlalchemy as sa
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import models
from resolvers.delivery.transactions import write_transaction

logger = logging.getLogger("govgraph.delivery")

outbox_t = models.metadata.tables["outbox_event"]
STREAM_LOCK = 0x676F7667_00000004  # pg advisory lock key of the publishing step
SOURCE = "urn:govgraph"


def subject(event: Any, prefix: str = "govgraph") -> str:
    """`govgraph.<event type>.<first unit>` (NATS tokens: no spaces, dots split the type)."""
    units = list(event["units"] or [])
    return f"{prefix}.{event['event_type']}.{units[0] if units else '_'}"


def cloud_event(event: Any, source: str = SOURCE) -> bytes:
    """The outbox event as a CloudEvent (structured JSON)."""
    created = event["created_at"]
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    document = {
        "specversion": "1.0",
        "id": str(event["id"]),
        "source": source,
        "type": f"govgraph.{event['event_type']}",
        "subject": f"{event['object_type']}/{event['object_id']}",
        "time": created.isoformat(),
        "datacontenttype": "application/json",
        "govgraphunits": list(event["units"] or []),
        "govgraphseq": int(event["seq"]),
        "data": event["payload"] or {},
    }
    return orjson.dumps(document)


class Publisher:
    """A JetStream connection (opened on first use) that publishes the unpublished events."""

    def __init__(
        self,
        url: str,
        stream: str = "GOVGRAPH",
        *,
        source: str = SOURCE,
        prefix: str = "govgraph",
        horizon: timedelta | None = timedelta(hours=24),
    ) -> None:
        self.horizon = horizon
        self.skipped = 0  # events left out by the first start's horizon
        self.url = url
        self.stream = stream
        self.source = source
        self.prefix = prefix
        self._client: Client | None = None
        self._js: JetStreamContext | None = None

    async def jetstream(self) -> JetStreamContext:
        """The JetStream context, connecting and creating the stream when needed."""
        if self._js is not None and self._client is not None and self._client.is_connected:
            return self._js
        await self.close()
        self._client = await nats.connect(
            servers=[self.url], connect_timeout=5, max_reconnect_attempts=3, allow_reconnect=True
        )
        js = self._client.jetstream(timeout=10)
        try:
            await js.stream_info(self.stream)
        except NotFoundError:
            await js.add_stream(name=self.stream, subjects=[f"{self.prefix}.>"])
        self._js = js
        return js

    async def publish_pending(self, engine: AsyncEngine, *, batch: int = 100) -> int:
        """Publish up to `batch` unpublished events in order and mark them; how many."""
        async with write_transaction(engine) as conn:
            if conn.dialect.name == "postgresql":
                locked = await conn.scalar(
                    sa.select(sa.func.pg_try_advisory_xact_lock(STREAM_LOCK))
                )
                if not locked:
                    return 0
            await self._first_start(conn)
            events = (
                (
                    await conn.execute(
                        sa.select(outbox_t)
                        .where(outbox_t.c.streamed_at.is_(None))
                        .order_by(outbox_t.c.seq)
                        .limit(batch)
                    )
                )
                .mappings()
                .all()
            )
            if not events:
                return 0
            js = await self.jetstream()
            for event in events:
                await js.publish(
                    subject(event, self.prefix),
                    cloud_event(event, self.source),
                    stream=self.stream,
                    headers={"Nats-Msg-Id": str(event["id"])},
                )
            await conn.execute(
                outbox_t.update()
                .where(outbox_t.c.seq.in_([e["seq"] for e in events]))
                .values(streamed_at=datetime.now(UTC))
            )
            return len(events)

    async def _first_start(self, conn: AsyncConnection) -> None:
        """Before anything was ever published: mark the events older than the horizon."""
        if self.horizon is None:
            return
        published = await conn.scalar(
            sa.select(outbox_t.c.seq).where(outbox_t.c.streamed_at.is_not(None)).limit(1)
        )
        if published is not None:
            return
        now = datetime.now(UTC)
        result = await conn.execute(
            outbox_t.update()
            .where(outbox_t.c.streamed_at.is_(None), outbox_t.c.created_at < now - self.horizon)
            .values(streamed_at=now)
        )
        if result.rowcount:
            self.skipped += result.rowcount
            logger.info(
                "NATS first start: %d outbox events older than %s left unpublished",
                result.rowcount,
                self.horizon,
            )

    async def close(self) -> None:
        """Drain and close the connection (if any)."""
        client, self._client, self._js = self._client, None, None
        if client is not None and not client.is_closed:
            try:
                await client.drain()
            except Exception:  # closing a broken connection: nothing more to save
                logger.debug("NATS drain failed", exc_info=True)
