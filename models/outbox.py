"""OutboxEvent: the transactional outbox, one row per event a write tells someone about.

The unit of work (resolvers/unit_of_work.py) writes the rows in the writing transaction, so an
event exists exactly when its write committed. Delivery (webhooks, email: issue 18) reads the
rows whose `delivered_at` is NULL in `seq` order (commit order per object), fans each out into
webhook deliveries (models/webhook.py, resolvers/delivery/worker.py) and marks it; consumers
deduplicate by `id`. Subscriptions are told through the broker after commit.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from models.change_log import SEQUENCE_TYPE

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class OutboxEvent(SQLModel, table=True):
    """One event of one committed write: what happened to which object, for which units."""

    __tablename__ = "outbox_event"
    __table_args__ = (
        sa.Index("ix_outbox_event_delivered_at_seq", "delivered_at", "seq"),
        sa.Index("ix_outbox_event_streamed_at_seq", "streamed_at", "seq"),
        {"sqlite_autoincrement": True},
    )

    seq: int | None = Field(
        default=None,
        sa_column=sa.Column(SEQUENCE_TYPE, primary_key=True, autoincrement=True),
    )
    # The event's identity for consumers (at-least-once delivery: deduplicate by it).
    id: uuid.UUID = Field(default_factory=uuid.uuid4, unique=True)
    # task.changed, rectification.changed, escalation.issued, api_key.created …
    event_type: str = Field(max_length=64)
    object_type: str = Field(max_length=64)
    object_id: uuid.UUID | None = Field(default=None)
    # The units the event concerns (ids as strings): the object's units before and after.
    units: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    actor: str = Field(max_length=200)
    request_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    delivered_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # Published to NATS JetStream (GOVGRAPH_NATS_URL; resolvers/delivery/stream.py).
    streamed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
