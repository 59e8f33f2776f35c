"""Contacts of a unit (联系人) and what they are told (issue 18, point 3).

A contact belongs to one unit and hears of the events about objects in that unit's subtree
(scope: models/rules/scope.py), through one channel: EMAIL (SMTP) or HTTP_GATEWAY (a generic
SMS / 政务微信 / 钉钉 gateway, resolvers/delivery/channels.py). Mode IMMEDIATE sends each
event as it is delivered (deferred past the contact's quiet hours, models/rules/notify.py);
DAILY_DIGEST sends one 每日督办摘要 per unit and day instead (resolvers/delivery/digest.py).

`notification` is the contacts' outbox: one message for one contact, unique per (contact,
dedup key: the event id, or `digest:<day>`), sent with retries until SENT or DEAD, like a
webhook delivery. `digest_run` is unique per (unit, day): the worker that inserts it builds
that unit's digest, so it is sent once per unit and day across workers and restarts.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import id_field
from models.outbox import JSON_TYPE


class ContactChannel(StrEnum):
    """How a contact is reached."""

    EMAIL = "EMAIL"  # an address over SMTP
    HTTP_GATEWAY = "HTTP_GATEWAY"  # a phone number or account id, through the HTTP gateway


class ContactMode(StrEnum):
    """When a contact is told."""

    IMMEDIATE = "IMMEDIATE"  # each event, outside quiet hours
    DAILY_DIGEST = "DAILY_DIGEST"  # one summary a day (每日摘要)


class Contact(SQLModel, table=True):
    """A person or mailbox of a unit that is told of its events."""

    __tablename__ = "contact"

    id: uuid.UUID = id_field()
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", index=True)
    name: str = Field(max_length=100)
    channel: str = Field(max_length=16)  # ContactChannel
    address: str = Field(max_length=320)
    # Outbox event types (task.due_soon …); empty: every type people are told of.
    event_types: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    # Quiet hours, local time "HH:MM" (the configured zone); both or neither.
    quiet_start: str | None = Field(default=None, max_length=5)
    quiet_end: str | None = Field(default=None, max_length=5)
    mode: str = Field(max_length=16)  # ContactMode
    active: bool = Field(default=True)
    version: int = Field(default=1)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class Notification(SQLModel, table=True):
    """One message for one contact: PENDING until SENT, or DEAD after the last try."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("contact_id", "dedup_key", name="uq_notification_contact_key"),
        sa.Index("ix_notification_due", "status", "next_attempt_at"),
    )

    id: uuid.UUID = id_field()
    contact_id: uuid.UUID = Field(foreign_key="contact.id", ondelete="CASCADE")
    dedup_key: str = Field(max_length=100)  # the event id, or "digest:<day>"
    event_id: uuid.UUID | None = Field(default=None)
    event_type: str = Field(max_length=64)  # the event's type, or "digest"
    channel: str = Field(max_length=16)
    address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text())
    status: str = Field(max_length=16, default="PENDING")  # PENDING, SENT, DEAD
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    last_attempt_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    sent_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class DigestRun(SQLModel, table=True):
    """That a unit's digest for a day was built (its notifications then carry it)."""

    __tablename__ = "digest_run"
    __table_args__ = (sa.UniqueConstraint("org_unit_id", "day", name="uq_digest_run_unit_day"),)

    id: uuid.UUID = id_field()
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", ondelete="CASCADE")
    day: date
    messages: int = Field(default=0)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
