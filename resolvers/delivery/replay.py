"""Manual replay of dead letters (issue 18, point 1): one home for `replayDelivery`,
`replayDeadLetters` (resolvers/webhook_replay.py) and `govgraph deliver --replay …`.

A replay is one conditional UPDATE (`WHERE status = 'DEAD'`): the delivery goes back to
PENDING with a fresh attempt budget, due now, its body (the CloudEvent, with its `id`) and its
`webhook-id` unchanged, so a receiver that deduplicates by event id sees the same event again.
Two concurrent replays of one dead letter re-queue it once (the second finds it PENDING).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

import models

delivery_t = models.metadata.tables["webhook_delivery"]
sub_t = models.metadata.tables["webhook_subscription"]

DEAD, PENDING = "DEAD", "PENDING"


async def requeue(
    conn: AsyncConnection,
    now: datetime,
    *,
    deliveries: list[uuid.UUID] | None = None,
    event: uuid.UUID | None = None,
    subscription: uuid.UUID | None = None,
    since: datetime | None = None,
) -> list[dict[str, Any]]:
    """Re-queue the dead deliveries that match every given condition (by delivery ids, by event
    id, by subscription, dead letters whose last attempt was at or after `since`); the rows
    re-queued (id, event_id, subscription_id, event_seq), in outbox order."""
    conditions: list[sa.ColumnElement[bool]] = [delivery_t.c.status == DEAD]
    if deliveries is not None:
        conditions.append(delivery_t.c.id.in_(deliveries))
    if event is not None:
        conditions.append(delivery_t.c.event_id == event)
    if subscription is not None:
        conditions.append(delivery_t.c.subscription_id == subscription)
    if since is not None:
        conditions.append(delivery_t.c.last_attempt_at >= since)
    result = await conn.execute(
        delivery_t.update()
        .where(*conditions)
        .values(status=PENDING, attempts=0, next_attempt_at=now, last_error=None)
        .returning(
            delivery_t.c.id,
            delivery_t.c.event_id,
            delivery_t.c.subscription_id,
            delivery_t.c.event_seq,
        )
    )
    rows = [dict(row) for row in result.mappings()]
    return sorted(rows, key=lambda row: (row["event_seq"], str(row["id"])))
