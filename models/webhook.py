"""Webhook subscriptions of sharing partners and their deliveries (issue 18).

A subscription belongs to one partner's API key: it receives the outbox events (models/outbox.py)
of some types about objects in a unit subtree within the key's scope, read at the key's
disclosure tier, as signed CloudEvents (resolvers/delivery). A delivery is one event for one
subscription: its attempts, when the next one is due, and whether it ended delivered or dead.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import id_field
from models.change_log import SEQUENCE_TYPE
from models.outbox import JSON_TYPE


class WebhookSubscription(SQLModel, table=True):
    """Where a partner wants its events, which ones, and how they are signed."""

    __tablename__ = "webhook_subscription"

    id: uuid.UUID = id_field()
    api_key_id: uuid.UUID = Field(foreign_key="api_key.id", index=True)
    url: str = Field(max_length=2000)
    # Outbox event types (task.changed …); empty: every type a partner may receive.
    event_types: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    # The subtree the events must concern (within the key's unit's subtree).
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id")
    # Standard Webhooks secrets ("whsec_" + base64); during a rotation's grace period the
    # previous one signs too (previous_secret_expires_at).
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_expires_at: datetime | None = Field(
        default=None, sa_type=sa.DateTime(timezone=True)
    )
    active: bool = Field(default=True)
    disabled_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    disabled_reason: str | None = Field(default=None, max_length=500)
    # Sustained failure: dead letters in a row, and since when no attempt has succeeded.
    consecutive_dead: int = Field(default=0)
    failing_since: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class WebhookDelivery(SQLModel, table=True):
    """One event for one subscription: PENDING until DELIVERED, or DEAD after the last try."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "subscription_id", name="uq_webhook_delivery_event"),
        sa.Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_delivery_object", "subscription_id", "object_key", "event_seq"),
    )

    id: uuid.UUID = id_field()
    event_id: uuid.UUID = Field(foreign_key="outbox_event.id")
    event_seq: int = Field(sa_type=SEQUENCE_TYPE)  # the outbox order: per object, sent in it
    subscription_id: uuid.UUID = Field(foreign_key="webhook_subscription.id")
    object_key: str = Field(max_length=200)  # "type:id": one object's events go in order
    event_type: str = Field(max_length=64)
    body: str = Field(sa_type=sa.Text())  # the CloudEvent, as signed and sent on every try
    status: str = Field(max_length=16, default="PENDING")  # PENDING, DELIVERED, DEAD
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    last_attempt_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_status_code: int | None = Field(default=None)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    delivered_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
